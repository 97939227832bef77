import { randomUUID } from 'node:crypto';
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
import { AdminError, isUniqueViolation } from '@/lib/admin/errors';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireOwner } from '@/lib/admin/require-tenant-access';
import { resolveMembershipTenants } from '@/lib/admin/resolve-membership-tenants';
import { ZUserEmailSchema } from '@/lib/admin/user-fields';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';

/** A new administrator: an owner, or a tenant admin of the tenants named. */
export const ZCreateAdminSchema = z
  .strictObject({
    email: ZUserEmailSchema,
    role: ZAdminRoleSchema.default('tenant-admin'),
    tenantSlugs: ZTenantSlugsSchema.default([]),
  })
  .meta({ title: 'CreateAdmin' });
export type TCreateAdmin = z.input<typeof ZCreateAdminSchema>;

export type CreateAdminOptions = TCreateAdmin;

/**
 * Invites an administrator: they may sign in to the console with a magic link
 * to this address. Owner-only. The admin, its memberships and the audit
 * record (outside any tenant) are written in one transaction.
 *
 * @throws AdminError `forbidden` unless the principal is owner-like; `invalid_input` for a bad email, role or tenant list (an unknown slug, or any for an owner); `conflict` when an admin with this email exists.
 */
export const createAdmin = async (db: Db, principal: Principal, options: CreateAdminOptions): Promise<AdminView> => {
  requireOwner(principal, 'invite administrators');
  const { email, role, tenantSlugs } = parseInputOrThrow(ZCreateAdminSchema, options);
  const tenants = await resolveMembershipTenants(db, role, tenantSlugs);
  const conflict = () => new AdminError('conflict', `An administrator with email ${email} already exists.`);
  if (await db.admin.findUnique({ where: { email }, select: { id: true } })) throw conflict();

  try {
    return await db.$transaction(async (tx) => {
      const view = toAdminView(
        await tx.admin.create({
          data: { id: randomUUID(), email, role, memberships: { create: tenants.map((tenant) => ({ tenantId: tenant.id })) } },
          select: ADMIN_VIEW_COLUMNS,
        }),
      );
      await recordAdminEvent(tx, {
        principal,
        type: 'admin_created',
        tenantId: null,
        change: { target: email, before: null, after: adminSettingsOf(view) },
      });

      return view;
    });
  } catch (error) {
    // A concurrent invitation won the race for the email.
    if (isUniqueViolation(error)) throw conflict();
    throw error;
  }
};
