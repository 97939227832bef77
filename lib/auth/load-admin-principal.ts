import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';

export type AdminPrincipal = Extract<Principal, { kind: 'admin' }>;

/**
 * The Principal of a console admin: role and tenant memberships as stored
 * now (a change takes effect at the admin's next request). Null when the
 * admin no longer exists.
 */
export const loadAdminPrincipal = async (db: Db, adminId: string): Promise<AdminPrincipal | null> => {
  const admin = await db.admin.findUnique({
    where: { id: adminId },
    select: { id: true, email: true, role: true, memberships: { select: { tenantId: true } } },
  });
  if (!admin) return null;

  return {
    kind: 'admin',
    id: admin.id,
    email: admin.email,
    role: admin.role === 'owner' ? 'owner' : 'tenant-admin',
    tenantIds: new Set(admin.memberships.map(({ tenantId }) => tenantId)),
  };
};
