import {
  AUTHORIZATION_TYPE_VIEW_COLUMNS,
  authorizationTypeNotFound,
  toAuthorizationTypeView,
  type AuthorizationTypeView,
} from '@/lib/admin/authorization-type-view';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';

/**
 * One authorization-details type of a tenant (another tenant's is not found).
 *
 * @throws AdminError `not_found` for an unknown tenant or type; `forbidden` for a tenant out of reach.
 */
export const getAuthorizationType = async (
  db: Db,
  principal: Principal,
  options: { tenantSlug: string; type: string },
): Promise<AuthorizationTypeView> => {
  const tenant = await requireTenantAccess(db, principal, options.tenantSlug);
  const row = await db.authorizationType.findFirst({
    where: { tenantId: tenant.id, type: options.type },
    select: AUTHORIZATION_TYPE_VIEW_COLUMNS,
  });
  if (!row) throw authorizationTypeNotFound(tenant.slug, options.type);

  return toAuthorizationTypeView(row);
};
