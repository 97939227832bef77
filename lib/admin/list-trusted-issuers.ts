import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { toTrustedIssuerView, TRUSTED_ISSUER_VIEW_COLUMNS, type TrustedIssuerView } from '@/lib/admin/trusted-issuer-view';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';

/** Most trusted issuers one tenant may hold (a short list by nature; the list is served whole). */
export const MAX_TRUSTED_ISSUERS = 200;

/**
 * The issuers a tenant trusts, oldest first.
 *
 * @throws AdminError `not_found` / `forbidden` for the tenant.
 */
export const listTrustedIssuers = async (
  db: Db,
  principal: Principal,
  options: { tenantSlug: string },
): Promise<TrustedIssuerView[]> => {
  const tenant = await requireTenantAccess(db, principal, options.tenantSlug);
  const rows = await db.trustedIssuer.findMany({
    where: { tenantId: tenant.id },
    select: TRUSTED_ISSUER_VIEW_COLUMNS,
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: MAX_TRUSTED_ISSUERS,
  });

  return rows.map(toTrustedIssuerView);
};
