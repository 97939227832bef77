import { z } from 'zod';
import { ADMIN_ROLES, type AdminRole } from '@/lib/auth/principal';

/** An administrator as the console shows it: role and the slugs of the tenants it is a member of. */
export type AdminView = {
  id: string;
  email: string;
  name: string | null;
  role: AdminRole;
  /** Tenant memberships by slug, sorted (empty for an owner, who reaches every tenant). */
  tenants: string[];
  /** Whether the admin has signed in (proven the address by a magic link) yet. */
  email_verified: boolean;
  created_at: string;
};

/** Prisma `select` of what an AdminView needs. */
export const ADMIN_VIEW_COLUMNS = {
  id: true,
  email: true,
  name: true,
  role: true,
  emailVerified: true,
  createdAt: true,
  memberships: { select: { tenant: { select: { slug: true } } } },
} as const;

export type AdminViewRow = {
  id: string;
  email: string;
  name: string | null;
  role: string;
  emailVerified: Date | null;
  createdAt: Date;
  memberships: { tenant: { slug: string } }[];
};

export const toAdminView = (row: AdminViewRow): AdminView => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role === 'owner' ? 'owner' : 'tenant-admin',
  tenants: row.memberships.map((membership) => membership.tenant.slug).sort(),
  email_verified: row.emailVerified !== null,
  created_at: row.createdAt.toISOString(),
});

/** The settings part of a view (what the audit log records before and after a change). */
export const adminSettingsOf = ({ email, role, tenants }: AdminView) => ({ email, role, tenants });

/** An admin role. */
export const ZAdminRoleSchema = z.enum(ADMIN_ROLES, { error: `must be ${ADMIN_ROLES.join(' or ')}` });

/** Tenant slugs of memberships: a list, without repeats. */
export const ZTenantSlugsSchema = z
  .array(z.string({ error: 'must be a tenant slug' }), { error: 'must be a list of tenant slugs' })
  .max(1000, { error: 'must be at most 1000 tenants' })
  .overwrite((slugs) => [...new Set(slugs)]);
