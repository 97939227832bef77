import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { TENANT_VIEW_COLUMNS, toTenantView, type TenantView } from '@/lib/admin/tenant-view';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';

export type GetTenantOptions = { slug: string };

/**
 * One tenant with its settings, if the principal may see it.
 *
 * @throws AdminError `not_found` for an unknown tenant; `forbidden` for one out of the principal's reach.
 */
export const getTenant = async (db: Db, principal: Principal, options: GetTenantOptions): Promise<TenantView> => {
  const tenant = await requireTenantAccess(db, principal, options.slug);

  return toTenantView(await db.tenant.findUniqueOrThrow({ where: { id: tenant.id }, select: TENANT_VIEW_COLUMNS }));
};
