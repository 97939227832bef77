import { recordAdminEvent } from '@/lib/admin/audit';
import { AdminError } from '@/lib/admin/errors';
import { requireOwner } from '@/lib/admin/require-tenant-access';
import { mayAccessTenant, type Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';

export type RevokeApiKeyOptions = {
  /** The key's id (as listed, never the key itself). */
  id: string;
  /** The moment of revocation (default: now). */
  now?: Date;
};

/** Whether this call revoked the key (false: no such key, or revoked before). */
export type RevokeApiKeyResult = { revoked: boolean };

/**
 * Revokes a Management API key: from the next request on it authenticates
 * nothing. Idempotent: an unknown or already revoked key changes nothing and
 * is no error. The revocation and its audit record (`api_key_revoked`) share
 * one transaction; a concurrent revocation is recorded once.
 *
 * @throws AdminError `forbidden` for an all-tenant key unless the principal is owner-like, or for a key of a tenant out of reach.
 */
export const revokeApiKey = async (db: Db, principal: Principal, options: RevokeApiKeyOptions): Promise<RevokeApiKeyResult> => {
  const unsafeKey = await db.apiKey.findUnique({
    where: { id: options.id },
    select: { id: true, name: true, tenantId: true, revokedAt: true },
  });
  if (!unsafeKey) return { revoked: false };
  if (unsafeKey.tenantId === null) requireOwner(principal, 'revoke API keys for every tenant');
  else if (!mayAccessTenant(principal, unsafeKey.tenantId)) throw new AdminError('forbidden', 'You may not revoke this API key.');
  const key = unsafeKey;
  if (key.revokedAt) return { revoked: false };

  const now = options.now ?? new Date();

  return db.$transaction(async (tx) => {
    const { count } = await tx.apiKey.updateMany({ where: { id: key.id, revokedAt: null }, data: { revokedAt: now } });
    if (count === 0) return { revoked: false };
    await recordAdminEvent(tx, {
      principal,
      type: 'api_key_revoked',
      tenantId: key.tenantId,
      change: { target: key.id, before: { name: key.name, revoked: false }, after: { name: key.name, revoked: true } },
      at: now,
    });

    return { revoked: true };
  });
};
