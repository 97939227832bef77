import { AdminError } from '@/lib/admin/errors';
import type { Db } from '@/lib/db/client';

type AdminWriter = Pick<Db, 'admin'>;

/**
 * Refuses to leave the installation without an owner: call inside the
 * transaction that removes or demotes owner `adminId`, before the change. A
 * no-op write to every owner row first takes their row locks (PostgreSQL) or
 * the write lock (SQLite) until commit, so two owners removing each other at
 * once cannot both pass the count.
 *
 * @throws AdminError `conflict` when `adminId` is the only owner.
 */
export const requireAnotherOwner = async (tx: AdminWriter, adminId: string, email: string): Promise<void> => {
  await tx.admin.updateMany({ where: { role: 'owner' }, data: { role: 'owner' } });
  const others = await tx.admin.count({ where: { role: 'owner', id: { not: adminId } } });
  if (others === 0) throw new AdminError('conflict', `${email} is the last owner: make another administrator an owner first.`);
};
