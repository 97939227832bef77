import type { EventRecord } from '@/lib/events/event-types';
import { minTimeOrderedId } from '@/lib/ids/time-ordered-id';
import { log } from '@/lib/log';

/** Reads at most `limit` events with an id above `after`, in id order (ProtocolStore.listEventsAfter). */
export type ReadEventsAfter = (after: string, limit: number) => Promise<EventRecord[]>;

/** Something that says "events may have been committed": calls `wake` then; returns how to stop. */
export type EventWaker = (wake: () => void) => () => void;

export type EventFeedOptions = {
  read: ReadEventsAfter;
  /** The doorbells: this process's commits (event-bell.ts), other instances' (PostgreSQL NOTIFY). */
  wakers: readonly EventWaker[];
  /** The feed also reads this often unwoken: events written by a process that rang nobody (the CLI). */
  tickMs?: number;
  /**
   * How far back each tick looks again for events committed after later ones
   * (ids are made before commit, so on PostgreSQL another connection's
   * earlier id can commit after our cursor passed it).
   */
  lookbackMs?: number;
  /** Passes start at most this often (a ring during the wait is served by the next one). */
  minPassIntervalMs?: number;
  now?: () => number;
};

/** Events as they are committed, to every subscriber, each at most once. */
export type EventFeed = {
  /** Calls `listener` with every batch of newly committed events (any tenant), in id order within a batch. */
  subscribe(listener: (events: readonly EventRecord[]) => void): () => void;
  /** Resolves once the feed has read everything committed before the call (tests, catch-up joins). */
  settled(): Promise<void>;
  close(): void;
};

const BATCH = 500;

const idTime = (event: EventRecord) => event.createdAt.getTime();

/**
 * The process-wide tail of the Event table, the one event stream
 * (architecture.md): the live monitor and Try it subscribe here. It reads
 * only while someone listens. A ring makes it read the events after its
 * cursor (one primary-key range read); every `tickMs` it also rereads the
 * last `lookbackMs` and delivers what it had not seen, so an event that
 * committed late is delivered late rather than never. The database is the
 * source of truth: a lost ring or notification costs latency, not events.
 */
export const createEventFeed = ({
  read,
  wakers,
  tickMs = 2_000,
  lookbackMs = 5_000,
  minPassIntervalMs = 100,
  now = Date.now,
}: EventFeedOptions): EventFeed => {
  const listeners = new Set<(events: readonly EventRecord[]) => void>();
  /** Ids delivered (or present at start) within the lookback window, with their creation time. */
  const seen = new Map<string, number>();
  let cursor = '';
  let primed = false;
  let lastLookback = 0;
  let running: Promise<void> | null = null;
  let again = false;
  let stops: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;
  let throttle: NodeJS.Timeout | undefined;
  let lastPassAt = 0;
  /** Bumped when the feed stops: a pass begun before must not prime the next start. */
  let generation = 0;

  /** Reads from `after` to the end; returns the events not seen before, marking them seen. */
  const readFrom = async (after: string, advanceCursor: boolean): Promise<EventRecord[]> => {
    const fresh: EventRecord[] = [];
    let from = after;
    for (;;) {
      const rows = await read(from, BATCH);
      for (const row of rows) {
        if (seen.has(row.id)) continue;
        seen.set(row.id, idTime(row));
        fresh.push(row);
      }
      if (rows.length === 0) break;
      from = rows[rows.length - 1].id;
      if (advanceCursor) cursor = from;
      if (rows.length < BATCH) break;
    }

    return fresh;
  };

  const forget = (at: number) => {
    const horizon = at - 2 * lookbackMs;
    for (const [id, time] of seen) if (time < horizon) seen.delete(id);
  };

  const pass = async () => {
    const at = now();
    const started = generation;
    if (!primed) {
      // What is already committed is history (each subscriber's own catch-up), not news.
      cursor = minTimeOrderedId(new Date(at - lookbackMs));
      await readFrom(cursor, true);
      if (started !== generation) return;
      primed = true;
      lastLookback = at;

      return;
    }
    const fresh = await readFrom(cursor, true);
    if (at - lastLookback >= tickMs) {
      lastLookback = at;
      const late = await readFrom(minTimeOrderedId(new Date(at - lookbackMs)), false);
      if (late.length > 0) fresh.push(...late);
    }
    forget(at);
    if (fresh.length === 0 || started !== generation) return;
    fresh.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (const listener of listeners) {
      try {
        listener(fresh);
      } catch (error) {
        log.error({ err: error }, 'event feed listener failed');
      }
    }
  };

  /** One pass now (unless one is running: then another right after it). */
  const run = (): Promise<void> => {
    if (running) {
      again = true;

      return running;
    }
    clearTimeout(timer);
    clearTimeout(throttle);
    throttle = undefined;
    again = false;
    lastPassAt = Date.now();
    running = pass()
      .catch((error: unknown) => log.error({ err: error }, 'event feed read failed'))
      .finally(() => {
        running = null;
        if (listeners.size === 0) return;
        if (again) wake();
        else timer = setTimeout(wake, tickMs);
      });

    return running;
  };

  /** A pass soon: at most one per `minPassIntervalMs`, so a burst of commits is read in a few batches, not one each. */
  const wake = () => {
    if (running) {
      again = true;

      return;
    }
    const wait = lastPassAt + minPassIntervalMs - Date.now();
    if (wait <= 0) {
      void run();

      return;
    }
    throttle ??= setTimeout(() => {
      throttle = undefined;
      void run();
    }, wait);
  };

  const start = () => {
    stops = wakers.map((waker) => waker(wake));
    wake();
  };

  const stop = () => {
    generation += 1;
    for (const unsubscribe of stops) unsubscribe();
    stops = [];
    clearTimeout(timer);
    clearTimeout(throttle);
    throttle = undefined;
    seen.clear();
    primed = false;
  };

  return {
    subscribe: (listener) => {
      listeners.add(listener);
      if (listeners.size === 1) start();

      return () => {
        if (!listeners.delete(listener)) return;
        if (listeners.size === 0) stop();
      };
    },
    settled: async () => {
      if (listeners.size === 0) return;
      await running;
      await run();
    },
    close: () => {
      listeners.clear();
      stop();
    },
  };
};
