import { z } from 'zod';
import { recordAdminEvent } from '@/lib/admin/audit';
import { cancelRequest } from '@/lib/admin/cancel-request';
import { AdminError } from '@/lib/admin/errors';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { checkOneUserReference, ZResourceIdSchema, ZUserEmailSchema } from '@/lib/admin/user-fields';
import { userNotFound } from '@/lib/admin/user-not-found';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { UNFINISHED_STATUSES } from '@/lib/store/request-lifecycle';

/** A user (by `id` or by `email`, exactly one) and whether it is to be blocked. */
export const ZSetUserBlockedSchema = z
  .strictObject({
    id: ZResourceIdSchema.optional(),
    email: ZUserEmailSchema.optional(),
    blocked: z.boolean({ error: 'must be true or false' }),
  })
  .check(checkOneUserReference)
  .meta({ title: 'SetUserBlocked' });
export type TSetUserBlocked = z.input<typeof ZSetUserBlockedSchema>;

export type SetUserBlockedOptions = { tenantSlug: string } & TSetUserBlocked;

/** The user's state now; `cancelled_requests`: how many of its unfinished requests blocking cancelled. */
export type UserBlocked = { id: string; blocked: boolean; cancelled_requests: number };

/**
 * Blocks or unblocks a user (contract.md: `user block` / `user unblock`,
 * PATCH `{"blocked": …}`). A blocked user cannot be hinted (bc-authorize
 * answers unknown_user_id, never revealing the block) and is never issued
 * tokens: redemption re-checks the flag in its conditional update, so even a
 * request approved before the block yields access_denied.
 *
 * The flag and its audit record (`user_blocked` / `user_unblocked`, only when
 * it changes) share one transaction. Blocking then cancels every unfinished
 * (pending or approved) request of the user, each through the admin cancel
 * (cancelRequest, so the one completion function and its `ciba_cancelled`
 * event with this principal as actor): the client's next poll gets
 * access_denied. Idempotent: blocking a blocked user cancels what is left.
 *
 * @throws AdminError `invalid_input` for a bad user reference or flag; `not_found` for an unknown tenant or a user not in it; `forbidden` for a tenant out of reach.
 */
export const setUserBlocked = async (db: Db, principal: Principal, options: SetUserBlockedOptions): Promise<UserBlocked> => {
  const { tenantSlug, ...input } = options;
  const tenant = await requireTenantAccess(db, principal, tenantSlug);
  const { id, email, blocked } = parseInputOrThrow(ZSetUserBlockedSchema, input);

  const userId = await db.$transaction(async (tx) => {
    const user = await tx.user.findFirst({
      where: { tenantId: tenant.id, ...(id !== undefined ? { id } : { email }) },
      select: { id: true, blocked: true },
    });
    if (!user) throw userNotFound(tenant.slug, (id ?? email)!);
    if (user.blocked === blocked) return user.id;
    await tx.user.update({ where: { id: user.id }, data: { blocked } });
    await recordAdminEvent(tx, {
      principal,
      type: blocked ? 'user_blocked' : 'user_unblocked',
      tenantId: tenant.id,
      change: { target: user.id, before: { blocked: user.blocked }, after: { blocked } },
    });

    return user.id;
  });
  if (!blocked) return { id: userId, blocked, cancelled_requests: 0 };

  const unfinished = await db.backchannelRequest.findMany({
    where: { userId, status: { in: [...UNFINISHED_STATUSES] } },
    select: { id: true },
  });
  let cancelled = 0;
  for (const request of unfinished) {
    try {
      await cancelRequest(db, principal, { tenantSlug: tenant.slug, id: request.id });
      cancelled += 1;
    } catch (error) {
      // Finished (or expired) meanwhile: nothing left to cancel.
      if (!(error instanceof AdminError && (error.code === 'conflict' || error.code === 'not_found'))) throw error;
    }
  }

  return { id: userId, blocked, cancelled_requests: cancelled };
};
