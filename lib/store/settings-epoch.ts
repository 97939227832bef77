import type { Db } from '@/lib/db/client';

type Tx = Pick<Db, 'settingsEpoch'>;

/**
 * Marks tenant or client settings as changed. Call inside the same
 * transaction as the change itself: every protocol cache, in every process
 * and instance, drops its records at its next request. Called first in the
 * transaction, it also serialises concurrent settings changes (the epoch row
 * stays locked until commit), so a read that follows sees every earlier change.
 */
export const bumpSettingsEpoch = async (tx: Tx): Promise<void> => {
  await tx.settingsEpoch.update({ where: { id: 1 }, data: { epoch: { increment: 1 } } });
};

/** On globalThis, like the database client: one value per process, whatever bundle a module lives in. */
const globalForEpoch = globalThis as unknown as { backchannelObservedSettingsEpoch?: number };

/**
 * Records the settings epoch a settings cache has just read from the
 * database, for the process's other caches of settings-derived data.
 */
export const observeSettingsEpoch = (epoch: number | undefined): void => {
  globalForEpoch.backchannelObservedSettingsEpoch = epoch;
};

/**
 * The settings epoch this process read last (at the start of its latest
 * protocol request), or undefined before the first. Costs no query: caches of
 * settings-derived data (signing keys) key on it and reload when it moves.
 */
export const observedSettingsEpoch = (): number | undefined => globalForEpoch.backchannelObservedSettingsEpoch;
