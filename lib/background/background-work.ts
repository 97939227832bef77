import { pruneActivitySlots } from '@/lib/admin/activity-slots';
import { sealActivitySlots } from '@/lib/admin/seal-activity-slots';
import { expireDueRequests } from '@/lib/ciba/expire-due-requests';
import { createOutboxHandlers } from '@/lib/ciba/outbox-handlers';
import { getDb } from '@/lib/db/client';
import { getBaseEnv } from '@/lib/env';
import { closeEventStream, startEventForwarding } from '@/lib/events/get-event-feed';
import { log } from '@/lib/log';
import { createOutboxWorker } from '@/lib/outbox/outbox-worker';
import { setOutboxWaker } from '@/lib/outbox/wake-outbox';
import { followSettingsChanges, getProtocolData } from '@/lib/store/get-protocol-store';
import { EVENT_PRUNE_BATCH_LIMIT } from '@/lib/store/protocol-store';

/** The outbox is polled this often (retries, leases of dead workers, other instances' messages); new messages wake it at once. */
const TICK_MS = 1_000;
/** Expired requests are swept this often. */
const SWEEP_MS = 5_000;
/** Events past EVENT_RETENTION_DAYS are pruned this often, … */
const PRUNE_MS = 60_000;
/** … at most this many batches (of EVENT_PRUNE_BATCH_LIMIT rows) a run, so writers never wait long; the next run takes the rest. */
const PRUNE_BATCHES = 5;
/**
 * The overview's half-hours are sealed (at most SEAL_BATCH_SLOTS a run) and
 * those past their retention pruned this often, first this soon after start,
 * on a loop of their own: a run of reads never holds up the outbox.
 */
const SEAL_MS = 60_000;
const FIRST_SEAL_MS = 5_000;
const DAY_MS = 24 * 60 * 60 * 1000;

export type BackgroundWork = {
  /** Runs the outbox now (after a commit that queued a message). */
  wake(): void;
  /**
   * Stops after the work in progress; resolves when it is done, or at
   * `deadline` (ms since the epoch), when the outbox's unfinished deliveries
   * are released to other instances instead of waited for.
   */
  stop(options?: { deadline?: number }): Promise<void>;
  /** For /readyz: whether it runs, and since when its current cycle has been running (null between cycles). */
  status(): BackgroundWorkStatus;
};

export type BackgroundWorkStatus = { running: boolean; cycleStartedAt: number | null };

const globalForWork = globalThis as unknown as { backchannelBackgroundWork?: BackgroundWork };

const createBackgroundWork = (): BackgroundWork => {
  const { store } = getProtocolData();
  const retentionMs = getBaseEnv().eventRetentionDays * DAY_MS;
  const worker = createOutboxWorker({
    store,
    handlers: createOutboxHandlers({ db: getDb(), store }),
    leaseMs: getBaseEnv().outboxLeaseMs,
  });
  let timer: NodeJS.Timeout | undefined;
  let cycleStartedAt: number | null = null;
  let running: Promise<void> | null = null;
  let again = false;
  let stopped = false;
  let lastSweep = 0;
  let lastPrune = 0;
  let sealTimer: NodeJS.Timeout | undefined;
  let sealing: Promise<void> | null = null;

  const cycle = async () => {
    do {
      again = false;
      await worker.drain();
      if (Date.now() - lastSweep >= SWEEP_MS) {
        lastSweep = Date.now();
        await expireDueRequests(store);
      }
      if (Date.now() - lastPrune >= PRUNE_MS) {
        lastPrune = Date.now();
        await store.pruneEvents({
          before: new Date(Date.now() - retentionMs),
          batchSize: EVENT_PRUNE_BATCH_LIMIT,
          maxBatches: PRUNE_BATCHES,
        });
        await store.pruneExpiredTokens({ now: new Date(), limit: EVENT_PRUNE_BATCH_LIMIT });
      }
    } while (again && !stopped);
  };
  const run = () => {
    if (running) {
      again = true;

      return;
    }
    clearTimeout(timer);
    cycleStartedAt = Date.now();
    running = cycle()
      .catch((error: unknown) => log.error({ err: error }, 'background work failed'))
      .finally(() => {
        running = null;
        cycleStartedAt = null;
        if (!stopped) timer = setTimeout(run, TICK_MS);
      });
  };
  timer = setTimeout(run, 0);
  const seal = () => {
    sealing = sealActivitySlots(getDb())
      .then(() => pruneActivitySlots(getDb()))
      .then(
        () => undefined,
        (error: unknown) => log.error({ err: error }, 'sealing activity slots failed'),
      )
      .finally(() => {
        sealing = null;
        if (!stopped) sealTimer = setTimeout(seal, SEAL_MS);
      });
  };
  sealTimer = setTimeout(seal, FIRST_SEAL_MS);

  return {
    wake: () => {
      if (!stopped) run();
    },
    stop: async ({ deadline } = {}) => {
      stopped = true;
      worker.stop();
      clearTimeout(timer);
      clearTimeout(sealTimer);
      const finished = Promise.all([running, sealing]).then(() => true);
      if (deadline === undefined) {
        await finished;

        return;
      }
      let deadlineTimer: NodeJS.Timeout | undefined;
      const inTime = await Promise.race([
        finished,
        new Promise<false>((resolve) => {
          deadlineTimer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
        }),
      ]);
      clearTimeout(deadlineTimer);
      if (inTime) return;
      const released = await worker.release().catch((error: unknown) => {
        log.error({ err: error }, 'releasing the outbox leases failed; other instances take them over when they lapse');

        return 0;
      });
      log.warn({ released }, 'shutdown deadline: outbox deliveries still running were released to other instances');
    },
    status: () => ({ running: !stopped, cycleStartedAt }),
  };
};

/**
 * Starts this process's background work — the outbox worker, the expiry
 * sweeper, the pruning of events past their retention, the sealing of the
 * overview's half-hours (and pruning of old ones) and (on PostgreSQL)
 * the forwarding of event commits to other instances and the following of
 * settings notifications by the settings cache — once per
 * process, whichever server starts it (the lean HTTP layer or plain
 * `next start`, through instrumentation).
 */
export const startBackgroundWork = (): BackgroundWork => {
  if (!globalForWork.backchannelBackgroundWork) {
    const work = createBackgroundWork();
    globalForWork.backchannelBackgroundWork = work;
    setOutboxWaker(() => work.wake());
    startEventForwarding();
    followSettingsChanges();
  }

  return globalForWork.backchannelBackgroundWork;
};

/** This process's background work: not started, or running (and how long its current cycle has run), or stopped. */
export const getBackgroundWorkStatus = (): BackgroundWorkStatus | null =>
  globalForWork.backchannelBackgroundWork?.status() ?? null;

/**
 * Stops this process's background work, if any: after the work in progress,
 * or at `deadline` (ms since the epoch) with the outbox's unfinished
 * deliveries released to other instances.
 */
export const stopBackgroundWork = async (options: { deadline?: number } = {}): Promise<void> => {
  const work = globalForWork.backchannelBackgroundWork;
  globalForWork.backchannelBackgroundWork = undefined;
  setOutboxWaker(null);
  await work?.stop(options);
  await closeEventStream();
};
