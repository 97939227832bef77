import { randomUUID } from 'node:crypto';
import { AdminError, isUniqueViolation } from '@/lib/admin/errors';
import { recordAdminEvent } from '@/lib/admin/audit';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { parseEmail, parseOptionalName } from '@/lib/admin/validate';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { randomToken } from '@/lib/oauth/crypto';

export type CreateUserOptions = {
  tenantSlug: string;
  /** Unvalidated; trimmed and lower-cased before it is checked and stored. */
  email: string;
  /** Unvalidated display name; absent or blank means none, else 1–100 characters. */
  name?: string | null;
};

export type CreatedUser = { id: string; sub: string; email: string; name: string | null; tenant: string };

/**
 * Creates an end-user in a tenant. `sub` is random and opaque (128 bits),
 * never derived from the email, so it stays stable if the email changes.
 *
 * @throws AdminError `invalid_input` for a bad email or name, `not_found` for an unknown tenant, `forbidden` for a tenant out of the principal's reach, `conflict` when the email is already registered in the tenant.
 */
export const createUser = async (db: Db, principal: Principal, options: CreateUserOptions): Promise<CreatedUser> => {
  const email = parseEmail(options.email);
  const name = parseOptionalName(options.name, 'name');
  const tenant = await requireTenantAccess(db, principal, options.tenantSlug);
  const conflict = () => new AdminError('conflict', `A user with email ${email} already exists in tenant "${tenant.slug}".`);

  const existing = await db.user.findUnique({
    where: { tenantId_email: { tenantId: tenant.id, email } },
    select: { id: true },
  });
  if (existing) throw conflict();

  const id = randomUUID();
  const sub = randomToken(16);
  try {
    await db.$transaction(async (tx) => {
      await tx.user.create({ data: { id, tenantId: tenant.id, sub, email, name }, select: { id: true } });
      await recordAdminEvent(tx, {
        principal,
        type: 'user_created',
        tenantId: tenant.id,
        change: { target: id, before: null, after: { sub, email, name } },
      });
    });
  } catch (error) {
    // A concurrent create won the race for the email.
    if (isUniqueViolation(error)) throw conflict();
    throw error;
  }

  return { id, sub, email, name, tenant: tenant.slug };
};
