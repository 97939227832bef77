import { CLIENT_VIEW_COLUMNS, toClientView, type ClientView } from '@/lib/admin/client-view';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';

export type ListClientsOptions = { tenantSlug: string };

/**
 * The clients of one tenant, oldest first, as ClientViews (never a secret).
 *
 * @throws AdminError `not_found` for an unknown tenant, `forbidden` for one out of reach; InvalidStoredClientError when a client's stored settings are invalid.
 */
export const listClients = async (db: Db, principal: Principal, options: ListClientsOptions): Promise<ClientView[]> => {
  const tenant = await requireTenantAccess(db, principal, options.tenantSlug);
  const clients = await db.client.findMany({
    where: { tenantId: tenant.id },
    select: CLIENT_VIEW_COLUMNS,
    orderBy: [{ createdAt: 'asc' }, { clientId: 'asc' }],
  });

  return clients.map(toClientView);
};
