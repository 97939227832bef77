import { recordAdminEvent } from '@/lib/admin/audit';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';

export type RemoveTrustedIssuerOptions = { tenantSlug: string } & ({ id: string } | { issuer: string });

/**
 * Stops trusting an issuer: from the next request on, its tokens are refused
 * as untrusted (bc-authorize reads the list, never a cached copy). Named by
 * its id (Management API, console) or its issuer (CLI), only within the
 * tenant. Audited as `trusted_issuer_removed`. Idempotent: null when the
 * tenant has no such issuer (any more).
 *
 * @throws AdminError `not_found` for an unknown tenant; `forbidden` for a tenant out of reach.
 */
export const removeTrustedIssuer = async (
  db: Db,
  principal: Principal,
  options: RemoveTrustedIssuerOptions,
): Promise<{ id: string; issuer: string } | null> => {
  const tenant = await requireTenantAccess(db, principal, options.tenantSlug);
  const found = await db.trustedIssuer.findFirst({
    where: 'id' in options ? { id: options.id, tenantId: tenant.id } : { tenantId: tenant.id, issuer: options.issuer },
    select: { id: true, issuer: true },
  });
  if (!found) return null;

  return db.$transaction(async (tx) => {
    const { count } = await tx.trustedIssuer.deleteMany({ where: { id: found.id, tenantId: tenant.id } });
    if (count === 0) return null;
    await recordAdminEvent(tx, {
      principal,
      type: 'trusted_issuer_removed',
      tenantId: tenant.id,
      change: { target: found.issuer, before: { issuer: found.issuer }, after: null },
    });

    return found;
  });
};
