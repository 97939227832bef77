import { z } from 'zod';
import { recordAdminEvent } from '@/lib/admin/audit';
import { AdminError, isUniqueViolation } from '@/lib/admin/errors';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { userCodeHashOf, ZResourceIdSchema, ZUserCodeSchema, ZUserEmailSchema, ZUserNameSchema } from '@/lib/admin/user-fields';
import { userNotFound } from '@/lib/admin/user-not-found';
import { toUserView, USER_VIEW_COLUMNS, userSettingsOf, type UserView } from '@/lib/admin/user-view';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { setUserBlocked } from '@/lib/admin/set-user-blocked';
import type { TenantRecord } from '@/lib/tenants/find-tenant';

/** A change to a user: any subset. `user_code` sets the code (stored as a slow hash only; resets failures and lock) or, null, clears it. */
export const ZUserUpdateSchema = z
  .strictObject({
    name: ZUserNameSchema,
    email: ZUserEmailSchema,
    email_verified: z.boolean({ error: 'must be true or false' }),
    user_code: ZUserCodeSchema.nullable(),
    /** Blocks or unblocks the user through setUserBlocked (its own audit record; blocking cancels its requests). */
    blocked: z.boolean({ error: 'must be true or false' }),
  })
  .partial()
  .meta({ title: 'UserUpdate' });
export type TUserUpdate = z.input<typeof ZUserUpdateSchema>;

const ZUserIdSchema = z.strictObject({ id: ZResourceIdSchema });

export type UpdateUserOptions = {
  tenantSlug: string;
  /** The user's id. */
  id: string;
  /** Unvalidated: any subset of ZUserUpdateSchema. */
  changes: unknown;
};

/**
 * Changes a user's name, email, email_verified flag or user code, with its
 * audit record (which says whether a code is set, never the code), in one
 * transaction; then `blocked`, if given, through setUserBlocked. The `sub`
 * never changes. An empty change writes nothing.
 *
 * @throws AdminError `invalid_input` (one field error per refused field); `not_found` for an unknown tenant or a user not in it; `forbidden` for a tenant out of reach; `conflict` when the new email belongs to another user of the tenant.
 */
export const updateUser = async (db: Db, principal: Principal, options: UpdateUserOptions): Promise<UserView> => {
  const tenant = await requireTenantAccess(db, principal, options.tenantSlug);
  const { id } = parseInputOrThrow(ZUserIdSchema, { id: options.id });
  const { blocked, ...changes } = parseInputOrThrow(ZUserUpdateSchema, options.changes);
  // The slow hash (lib/ciba/user-code-hash.ts) is computed before the transaction, never inside it.
  const userCodeHash =
    changes.user_code === undefined ? undefined : changes.user_code && (await userCodeHashOf(changes.user_code));
  const updated = await updateUserFields(db, principal, { tenant, id, changes, userCodeHash });
  if (blocked === undefined || blocked === updated.blocked) return updated;
  await setUserBlocked(db, principal, { tenantSlug: tenant.slug, id, blocked });

  return { ...updated, blocked };
};

const updateUserFields = async (
  db: Db,
  principal: Principal,
  {
    tenant,
    id,
    changes,
    userCodeHash,
  }: {
    tenant: TenantRecord;
    id: string;
    changes: Omit<z.output<typeof ZUserUpdateSchema>, 'blocked'>;
    userCodeHash: string | null | undefined;
  },
): Promise<UserView> => {
  const conflict = (email: string) =>
    new AdminError('conflict', `A user with email ${email} already exists in tenant "${tenant.slug}".`);

  try {
    return await db.$transaction(async (tx) => {
      const current = await tx.user.findFirst({ where: { id, tenantId: tenant.id }, select: USER_VIEW_COLUMNS });
      if (!current) throw userNotFound(tenant.slug, id);
      const before = toUserView(current);
      if (Object.keys(changes).length === 0) return before;
      if (changes.email !== undefined && changes.email !== current.email) {
        const taken = await tx.user.findUnique({
          where: { tenantId_email: { tenantId: tenant.id, email: changes.email } },
          select: { id: true },
        });
        if (taken) throw conflict(changes.email);
      }

      const after = toUserView(
        await tx.user.update({
          where: { id },
          data: {
            name: changes.name,
            email: changes.email,
            emailVerified: changes.email_verified,
            userCodeHash,
            // A new (or cleared) code starts with no failures and no lock (lib/ciba/check-user-code.ts).
            ...(userCodeHash === undefined ? {} : { userCodeFailures: 0, userCodeLockedUntil: null }),
          },
          select: USER_VIEW_COLUMNS,
        }),
      );
      await recordAdminEvent(tx, {
        principal,
        type: 'user_updated',
        tenantId: tenant.id,
        change: { target: id, before: userSettingsOf(before), after: userSettingsOf(after) },
      });

      return after;
    });
  } catch (error) {
    // A concurrent create or update took the email first.
    if (isUniqueViolation(error) && changes.email !== undefined) throw conflict(changes.email);
    throw error;
  }
};
