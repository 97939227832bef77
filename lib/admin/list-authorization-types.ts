import {
  AUTHORIZATION_TYPE_VIEW_COLUMNS,
  toAuthorizationTypeView,
  type AuthorizationTypeView,
} from '@/lib/admin/authorization-type-view';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';

/**
 * A tenant's authorization-details types, by name.
 *
 * @throws AdminError `not_found` for an unknown tenant, `forbidden` for one out of reach.
 */
export const listAuthorizationTypes = async (
  db: Db,
  principal: Principal,
  options: { tenantSlug: string },
): Promise<AuthorizationTypeView[]> => {
  const tenant = await requireTenantAccess(db, principal, options.tenantSlug);
  const rows = await db.authorizationType.findMany({
    where: { tenantId: tenant.id },
    select: AUTHORIZATION_TYPE_VIEW_COLUMNS,
    orderBy: { type: 'asc' },
  });

  return rows.map(toAuthorizationTypeView);
};
