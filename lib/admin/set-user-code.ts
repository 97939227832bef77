import { z } from 'zod';
import { recordAdminEvent } from '@/lib/admin/audit';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import {
  checkOneUserReference,
  userCodeHashOf,
  ZResourceIdSchema,
  ZUserCodeSchema,
  ZUserEmailSchema,
} from '@/lib/admin/user-fields';
import { userNotFound } from '@/lib/admin/user-not-found';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';

/**
 * A user (by `id` or by `email`, exactly one) and the code to set, or null
 * to clear it (CIBA §7.1 user_code).
 */
export const ZSetUserCodeSchema = z
  .strictObject({
    id: ZResourceIdSchema.optional(),
    email: ZUserEmailSchema.optional(),
    code: ZUserCodeSchema.nullable(),
  })
  .check(checkOneUserReference)
  .meta({ title: 'SetUserCode' });
export type TSetUserCode = z.input<typeof ZSetUserCodeSchema>;

export type SetUserCodeOptions = { tenantSlug: string } & TSetUserCode;

export type UserCodeSet = { id: string; has_user_code: boolean };

/**
 * Sets or clears a user's user code. Only its slow hash is stored
 * (lib/ciba/user-code-hash.ts), hashed before the transaction; the failure
 * count and any lock (lib/ciba/check-user-code.ts) are reset with it. The
 * audit record says whether a code is set, never the code.
 *
 * @throws AdminError `invalid_input` for a bad code or user reference; `not_found` for an unknown tenant or a user not in it; `forbidden` for a tenant out of reach.
 */
export const setUserCode = async (db: Db, principal: Principal, options: SetUserCodeOptions): Promise<UserCodeSet> => {
  const { tenantSlug, ...input } = options;
  const tenant = await requireTenantAccess(db, principal, tenantSlug);
  const { id, email, code } = parseInputOrThrow(ZSetUserCodeSchema, input);
  const userCodeHash = code === null ? null : await userCodeHashOf(code);

  return db.$transaction(async (tx) => {
    const user = await tx.user.findFirst({
      where: { tenantId: tenant.id, ...(id !== undefined ? { id } : { email }) },
      select: { id: true, userCodeHash: true },
    });
    if (!user) throw userNotFound(tenant.slug, (id ?? email)!);
    await tx.user.update({
      where: { id: user.id },
      data: { userCodeHash, userCodeFailures: 0, userCodeLockedUntil: null },
    });
    await recordAdminEvent(tx, {
      principal,
      type: 'user_updated',
      tenantId: tenant.id,
      change: { target: user.id, before: { has_user_code: user.userCodeHash !== null }, after: { has_user_code: code !== null } },
    });

    return { id: user.id, has_user_code: code !== null };
  });
};
