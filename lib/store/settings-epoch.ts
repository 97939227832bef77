import type { Db } from '@/lib/db/client';
import { getEnv } from '@/lib/env';

type Tx = Pick<Db, 'settingsEpoch' | '$executeRaw'>;

/**
 * The PostgreSQL channel on which a settings change announces the new epoch
 * (its payload, in decimal) to every instance (lib/store/settings-invalidation.ts).
 */
export const SETTINGS_CHANNEL = 'backchannel_settings';

/**
 * Marks tenant or client settings as changed. Call inside the same
 * transaction as the change itself: every protocol cache, in every process
 * and instance, drops its records at its next request. Called first in the
 * transaction, it also serialises concurrent settings changes (the epoch row
 * stays locked until commit), so a read that follows sees every earlier change.
 *
 * On PostgreSQL it also NOTIFYs SETTINGS_CHANNEL with the new epoch, in the
 * same transaction: PostgreSQL delivers a notification at commit (and drops
 * it on rollback), so no instance hears of a change before it can read it.
 * Resolves to the new epoch.
 */
export const bumpSettingsEpoch = async (tx: Tx): Promise<number> => {
  const { epoch } = await tx.settingsEpoch.update({
    where: { id: 1 },
    data: { epoch: { increment: 1 } },
    select: { epoch: true },
  });
  if (getEnv().databaseKind === 'postgres') {
    await tx.$executeRaw`SELECT pg_notify(${SETTINGS_CHANNEL}, ${String(epoch)})`;
    awaitLocalEpoch(epoch);
  }

  return epoch;
};

/** On globalThis, like the database client: one value per process, whatever bundle a module lives in. */
const globalForEpoch = globalThis as unknown as {
  backchannelObservedSettingsEpoch?: number;
  backchannelAwaitedSettingsEpoch?: { epoch: number; until: number };
};

/**
 * How long this process distrusts its notifications after bumping the epoch
 * itself: long enough for its own notification to come back, short enough
 * that a rolled-back change (whose notification never comes) costs little.
 */
const AWAIT_LOCAL_EPOCH_MS = 5_000;

/**
 * Records that this process is committing epoch `epoch`: until its
 * notification arrives (or AWAIT_LOCAL_EPOCH_MS pass), the settings cache
 * reads the epoch at each request again, so this process's own change is
 * seen by its very next request, as it was before notifications.
 */
const awaitLocalEpoch = (epoch: number): void => {
  const current = globalForEpoch.backchannelAwaitedSettingsEpoch;
  globalForEpoch.backchannelAwaitedSettingsEpoch = {
    epoch: Math.max(epoch, current?.epoch ?? 0),
    until: Date.now() + AWAIT_LOCAL_EPOCH_MS,
  };
};

/** An epoch this process bumped to and may not have heard back about yet, or undefined. */
export const awaitedLocalEpoch = (now: number = Date.now()): number | undefined => {
  const awaited = globalForEpoch.backchannelAwaitedSettingsEpoch;
  if (!awaited) return undefined;
  if (awaited.until > now) return awaited.epoch;
  globalForEpoch.backchannelAwaitedSettingsEpoch = undefined;

  return undefined;
};

/**
 * Records the settings epoch a settings cache has just read from the
 * database, for the process's other caches of settings-derived data.
 */
export const observeSettingsEpoch = (epoch: number | undefined): void => {
  globalForEpoch.backchannelObservedSettingsEpoch = epoch;
};

/**
 * The settings epoch this process's settings cache holds — read at the start
 * of its latest protocol request, or (PostgreSQL, following notifications)
 * the latest one notified — or undefined before the first. Costs no query: caches of
 * settings-derived data (signing keys) key on it and reload when it moves.
 */
export const observedSettingsEpoch = (): number | undefined => globalForEpoch.backchannelObservedSettingsEpoch;
