import { recordAdminEvent } from '@/lib/admin/audit';
import { AdminError } from '@/lib/admin/errors';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';

export type RevokeInitialAccessTokenOptions = {
  tenantSlug: string;
  /** The token's id (as listed, never the token itself); a token of another tenant is not found. */
  id: string;
  /** The moment of revocation (default: now). */
  now?: Date;
};

/** Whether this call revoked the token (false: it was revoked before). */
export type RevokeInitialAccessTokenResult = { revoked: boolean };

/**
 * Revokes an initial access token: from the next registration on it is
 * refused (401 invalid_token). Clients it registered stay registered.
 * Idempotent for a token revoked before; the revocation and its audit record
 * (`initial_access_token_revoked`) share one transaction, and a concurrent
 * revocation is recorded once.
 *
 * @throws AdminError `not_found` for an unknown tenant or a token not of this tenant; `forbidden` for a tenant out of the principal's reach.
 */
export const revokeInitialAccessToken = async (
  db: Db,
  principal: Principal,
  options: RevokeInitialAccessTokenOptions,
): Promise<RevokeInitialAccessTokenResult> => {
  const tenant = await requireTenantAccess(db, principal, options.tenantSlug);
  const token = await db.initialAccessToken.findFirst({
    where: { id: options.id, tenantId: tenant.id },
    select: { id: true, name: true },
  });
  if (!token) {
    throw new AdminError('not_found', `Tenant "${tenant.slug}" has no initial access token ${JSON.stringify(options.id)}.`);
  }
  const now = options.now ?? new Date();

  return db.$transaction(async (tx) => {
    const { count } = await tx.initialAccessToken.updateMany({
      where: { id: token.id, revokedAt: null },
      data: { revokedAt: now },
    });
    if (count === 0) return { revoked: false };
    await recordAdminEvent(tx, {
      principal,
      type: 'initial_access_token_revoked',
      tenantId: tenant.id,
      change: { target: token.id, before: { name: token.name, revoked: false }, after: { name: token.name, revoked: true } },
      at: now,
    });

    return { revoked: true };
  });
};
