import { AdminError } from '@/lib/admin/errors';
import { getTenantOrThrow } from '@/lib/admin/get-tenant-or-throw';
import { isOwnerLike, mayAccessTenant, type Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import type { TenantRecord } from '@/lib/tenants/find-tenant';

/**
 * The tenant with this slug, if the principal may act on it: the check every
 * tenant-scoped operation makes next to the data, whichever door it came
 * through. Tenant slugs are public (they are in every issuer URL), so an
 * existing tenant out of reach is `forbidden`, not `not_found`.
 *
 * @throws AdminError `not_found` for an unknown tenant, `forbidden` for one the principal may not touch.
 */
export const requireTenantAccess = async (db: Db, principal: Principal, tenantSlug: string): Promise<TenantRecord> => {
  const tenant = await getTenantOrThrow(db, tenantSlug);
  if (!mayAccessTenant(principal, tenant.id)) {
    throw new AdminError('forbidden', `You may not access tenant ${JSON.stringify(tenantSlug)}.`);
  }

  return tenant;
};

/**
 * Owner-only operations (creating or deleting tenants, managing admins and
 * all-tenant API keys).
 *
 * @throws AdminError `forbidden` unless the principal is an owner, an all-tenant API key or the CLI.
 */
export const requireOwner = (principal: Principal, what: string): void => {
  if (!isOwnerLike(principal)) throw new AdminError('forbidden', `Only an owner may ${what}.`);
};
