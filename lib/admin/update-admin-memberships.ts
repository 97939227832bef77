import { z } from 'zod';
import {
  ADMIN_VIEW_COLUMNS,
  adminSettingsOf,
  toAdminView,
  ZAdminRoleSchema,
  ZTenantSlugsSchema,
  type AdminView,
} from '@/lib/admin/admin-view';
import { recordAdminEvent } from '@/lib/admin/audit';
import { AdminError } from '@/lib/admin/errors';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireAnotherOwner } from '@/lib/admin/require-another-owner';
import { requireOwner } from '@/lib/admin/require-tenant-access';
import { resolveMembershipTenants } from '@/lib/admin/resolve-membership-tenants';
import { ZResourceIdSchema } from '@/lib/admin/user-fields';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';

/** An administrator's new role (unchanged when absent) and the complete list of its tenants (replacing the old one). */
export const ZUpdateAdminMembershipsSchema = z
  .strictObject({
    adminId: ZResourceIdSchema,
    role: ZAdminRoleSchema.optional(),
    tenantSlugs: ZTenantSlugsSchema,
  })
  .meta({ title: 'UpdateAdminMemberships' });
export type TUpdateAdminMemberships = z.input<typeof ZUpdateAdminMembershipsSchema>;

export type UpdateAdminMembershipsOptions = TUpdateAdminMemberships;

/**
 * Sets an administrator's role and tenant memberships (the list replaces the
 * old one; an owner has none). Owner-only; the last owner cannot be demoted.
 * Takes effect at the admin's next request. One transaction with the audit
 * record (outside any tenant).
 *
 * @throws AdminError `forbidden` unless the principal is owner-like; `invalid_input` for a bad role or tenant list; `not_found` for an unknown admin; `conflict` when it would leave no owner.
 */
export const updateAdminMemberships = async (
  db: Db,
  principal: Principal,
  options: UpdateAdminMembershipsOptions,
): Promise<AdminView> => {
  requireOwner(principal, 'change administrators');
  const { adminId, role, tenantSlugs } = parseInputOrThrow(ZUpdateAdminMembershipsSchema, options);

  return db.$transaction(async (tx) => {
    const current = await tx.admin.findUnique({ where: { id: adminId }, select: ADMIN_VIEW_COLUMNS });
    if (!current) throw new AdminError('not_found', `No administrator ${JSON.stringify(adminId)}.`);
    const before = toAdminView(current);
    const newRole = role ?? before.role;
    const tenants = await resolveMembershipTenants(tx, newRole, tenantSlugs);
    if (before.role === 'owner' && newRole !== 'owner') await requireAnotherOwner(tx, adminId, before.email);

    await tx.adminMembership.deleteMany({ where: { adminId } });
    const after = toAdminView(
      await tx.admin.update({
        where: { id: adminId },
        data: { role: newRole, memberships: { create: tenants.map((tenant) => ({ tenantId: tenant.id })) } },
        select: ADMIN_VIEW_COLUMNS,
      }),
    );
    await recordAdminEvent(tx, {
      principal,
      type: 'admin_updated',
      tenantId: null,
      change: { target: before.email, before: adminSettingsOf(before), after: adminSettingsOf(after) },
    });

    return after;
  });
};
