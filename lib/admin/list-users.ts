import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';

export type ListUsersOptions = { tenantSlug: string };

export type UserSummary = {
  id: string;
  sub: string;
  email: string;
  name: string | null;
  tenant: string;
  createdAt: Date;
};

/**
 * The users of one tenant, ordered by email.
 *
 * @throws AdminError `not_found` for an unknown tenant, `forbidden` for one out of reach.
 */
export const listUsers = async (db: Db, principal: Principal, options: ListUsersOptions): Promise<UserSummary[]> => {
  const tenant = await requireTenantAccess(db, principal, options.tenantSlug);
  const users = await db.user.findMany({
    where: { tenantId: tenant.id },
    select: { id: true, sub: true, email: true, name: true, createdAt: true },
    orderBy: { email: 'asc' },
  });

  return users.map((user) => ({ ...user, tenant: tenant.slug }));
};
