import { z } from 'zod';
import { ADMIN_VIEW_COLUMNS, adminSettingsOf, toAdminView } from '@/lib/admin/admin-view';
import { recordAdminEvent } from '@/lib/admin/audit';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireAnotherOwner } from '@/lib/admin/require-another-owner';
import { requireOwner } from '@/lib/admin/require-tenant-access';
import { ZResourceIdSchema } from '@/lib/admin/user-fields';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';

/** Which administrator: its id. */
export const ZRemoveAdminSchema = z.strictObject({ adminId: ZResourceIdSchema }).meta({ title: 'RemoveAdmin' });
export type TRemoveAdmin = z.input<typeof ZRemoveAdminSchema>;

export type RemoveAdminOptions = TRemoveAdmin;

export type RemovedAdmin = { id: string; removed: boolean };

/**
 * Removes an administrator with its memberships and sessions (signed out at
 * once). Owner-only; the last owner cannot be removed. Idempotent: an admin
 * that does not exist is not an error (`removed` false). One transaction with
 * the audit record (outside any tenant).
 *
 * @throws AdminError `forbidden` unless the principal is owner-like; `invalid_input` for a malformed id; `conflict` for the last owner.
 */
export const removeAdmin = async (db: Db, principal: Principal, options: RemoveAdminOptions): Promise<RemovedAdmin> => {
  requireOwner(principal, 'remove administrators');
  const { adminId } = parseInputOrThrow(ZRemoveAdminSchema, options);

  return db.$transaction(async (tx) => {
    const current = await tx.admin.findUnique({ where: { id: adminId }, select: ADMIN_VIEW_COLUMNS });
    if (!current) return { id: adminId, removed: false };
    const before = toAdminView(current);
    if (before.role === 'owner') await requireAnotherOwner(tx, adminId, before.email);
    const { count } = await tx.admin.deleteMany({ where: { id: adminId } });
    if (count === 0) return { id: adminId, removed: false };
    await recordAdminEvent(tx, {
      principal,
      type: 'admin_removed',
      tenantId: null,
      change: { target: before.email, before: adminSettingsOf(before), after: null },
    });

    return { id: adminId, removed: true };
  });
};
