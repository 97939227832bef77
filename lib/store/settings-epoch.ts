import type { Db } from '@/lib/db/client';

type Tx = Pick<Db, 'settingsEpoch'>;

/**
 * Marks tenant or client settings as changed. Call inside the same
 * transaction as the change itself: every protocol cache, in every process
 * and instance, drops its records at its next request.
 */
export const bumpSettingsEpoch = async (tx: Tx): Promise<void> => {
  await tx.settingsEpoch.update({ where: { id: 1 }, data: { epoch: { increment: 1 } } });
};
