import { clientNotFound } from '@/lib/admin/client-not-found';
import { CLIENT_VIEW_COLUMNS, toClientView, type ClientView } from '@/lib/admin/client-view';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';

export type GetClientOptions = {
  tenantSlug: string;
  /** The client_id; a client of another tenant is not found. */
  clientId: string;
};

/**
 * One client of a tenant, as a ClientView (never its secret).
 *
 * @throws AdminError `not_found` for an unknown tenant or client; `forbidden` for a tenant out of the principal's reach; InvalidStoredClientError when its stored settings are invalid.
 */
export const getClient = async (db: Db, principal: Principal, options: GetClientOptions): Promise<ClientView> => {
  const tenant = await requireTenantAccess(db, principal, options.tenantSlug);
  const row = await db.client.findFirst({
    where: { tenantId: tenant.id, clientId: options.clientId },
    select: CLIENT_VIEW_COLUMNS,
  });
  if (!row) throw clientNotFound(tenant.slug, options.clientId);

  return toClientView(row);
};
