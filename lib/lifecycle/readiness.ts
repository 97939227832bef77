import type { BackgroundWorkStatus } from '@/lib/background/background-work';

/**
 * Why an instance is not ready, as the fixed word /readyz names (never an
 * error message, a host or a connection string):
 * - `shutting_down`: SIGTERM received, draining;
 * - `database`: the database does not answer (within READINESS_DATABASE_TIMEOUT_MS);
 * - `migrations`: the database lacks a migration this build ships;
 * - `outbox_worker`: the background work (outbox, expiry) is not running, or
 *   its current cycle has run longer than an outbox lease (stuck).
 */
export type ReadinessFailure = 'shutting_down' | 'database' | 'migrations' | 'outbox_worker';

export type Readiness = { ready: true } | { ready: false; failed: ReadinessFailure };

export type ReadinessProbes = {
  shuttingDown: () => boolean;
  /** Resolves when the database answers a trivial query; rejects otherwise. */
  pingDatabase: () => Promise<unknown>;
  /** Resolves to true while a shipped migration is not applied (cached: lib/lifecycle/migration-check.ts). */
  migrationsPending: () => Promise<boolean>;
  backgroundWork: () => BackgroundWorkStatus | null;
  /** A cycle running longer than this counts as stuck (the outbox lease: its messages are being taken over). */
  stuckAfterMs: number;
  clock?: () => number;
};

/** A database that takes longer than this to answer `SELECT 1` is not ready. */
export const READINESS_DATABASE_TIMEOUT_MS = 2_000;

const answersInTime = async (ping: () => Promise<unknown>): Promise<boolean> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      ping().then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), READINESS_DATABASE_TIMEOUT_MS);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
};

/**
 * Whether this instance should get traffic (/readyz), the checks in order of
 * cost: shutting down, background work, database, migrations. The first that
 * fails is the answer.
 */
export const checkReadiness = async (probes: ReadinessProbes): Promise<Readiness> => {
  const now = (probes.clock ?? Date.now)();
  if (probes.shuttingDown()) return { ready: false, failed: 'shutting_down' };
  const work = probes.backgroundWork();
  if (!work?.running || (work.cycleStartedAt !== null && now - work.cycleStartedAt > probes.stuckAfterMs)) {
    return { ready: false, failed: 'outbox_worker' };
  }
  if (!(await answersInTime(probes.pingDatabase))) return { ready: false, failed: 'database' };
  if (await probes.migrationsPending()) return { ready: false, failed: 'migrations' };

  return { ready: true };
};
