import { z } from 'zod';
import { lockTenantActivity, unsealUserActivity } from '@/lib/admin/activity-slots';
import { recordAdminEvent } from '@/lib/admin/audit';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { releaseUnfinishedRequests } from '@/lib/admin/release-unfinished-requests';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { ZResourceIdSchema } from '@/lib/admin/user-fields';
import { toUserView, USER_VIEW_COLUMNS, userSettingsOf } from '@/lib/admin/user-view';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { getEnv } from '@/lib/env';

/** Which user: its id. */
export const ZDeleteUserSchema = z.strictObject({ id: ZResourceIdSchema }).meta({ title: 'DeleteUser' });
export type TDeleteUser = z.input<typeof ZDeleteUserSchema>;

export type DeleteUserOptions = { tenantSlug: string } & TDeleteUser;

export type DeletedUser = { id: string; deleted: boolean };

/** Thrown inside the deletion's transaction to roll it back when another call deleted the user first. */
class DeletedMeanwhile extends Error {}

/**
 * Deletes a user of a tenant with its requests (they cascade), unseals the
 * overview's slots that counted them (unsealUserActivity), and records the
 * deletion, in one transaction. Idempotent: a user that does not exist
 * (any more, or in this tenant) is not an error; `deleted` says whether one
 * was deleted now.
 *
 * @throws AdminError `invalid_input` for a malformed id; `not_found` for an unknown tenant; `forbidden` for a tenant out of reach.
 */
export const deleteUser = async (db: Db, principal: Principal, options: DeleteUserOptions): Promise<DeletedUser> => {
  const { tenantSlug, ...input } = options;
  const tenant = await requireTenantAccess(db, principal, tenantSlug);
  const { id } = parseInputOrThrow(ZDeleteUserSchema, input);

  try {
    return await db.$transaction(async (tx) => {
      const current = await tx.user.findFirst({ where: { id, tenantId: tenant.id }, select: USER_VIEW_COLUMNS });
      if (!current) return { id, deleted: false };
      await lockTenantActivity(tx, getEnv().databaseKind, tenant.id);
      await unsealUserActivity(tx, { tenantId: tenant.id, userId: id });
      await releaseUnfinishedRequests(tx, tenant.id, { userId: id });
      const { count } = await tx.user.deleteMany({ where: { id, tenantId: tenant.id } });
      // Deleted meanwhile by another call: roll back the release too (that call made its own).
      if (count === 0) throw new DeletedMeanwhile();
      await recordAdminEvent(tx, {
        principal,
        type: 'user_deleted',
        tenantId: tenant.id,
        change: { target: id, before: { sub: current.sub, ...userSettingsOf(toUserView(current)) }, after: null },
      });

      return { id, deleted: true };
    });
  } catch (error) {
    if (error instanceof DeletedMeanwhile) return { id, deleted: false };
    throw error;
  }
};
