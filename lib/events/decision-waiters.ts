import type { EventFeed } from '@/lib/events/event-feed';
import type { EventType } from '@/lib/events/event-types';

/**
 * The events that end a request's wait for its user: after one of these the
 * request is no longer pending (lib/ciba/complete-backchannel-request.ts).
 */
export const DECISION_EVENT_TYPES: ReadonlySet<string> = new Set<EventType>([
  'ciba_approved',
  'ciba_denied',
  'ciba_cancelled',
  'ciba_expired',
]);

/**
 * How a wait ended: a decision event for the request was committed
 * (`decided`), its time ran out (`timeout`), its HTTP client went away
 * (`aborted`), the registry was closed for shutdown (`closed`), or a newer
 * wait for the same request took its place (`superseded`).
 */
export type WaitOutcome = 'decided' | 'timeout' | 'aborted' | 'closed' | 'superseded';

export type DecisionWait = {
  /**
   * Resolves once every event committed from now on will reach this wait:
   * read the request after this, and a decision committed before that read
   * is in what it returns, one committed after it wakes the wait.
   */
  ready: Promise<void>;
  /** Resolves once, with how the wait ended. Never rejects. */
  outcome: Promise<WaitOutcome>;
  /** Ends the wait now (its outcome: `aborted`) and forgets it; harmless once it has ended. */
  release(): void;
};

export type DecisionWaiters = {
  /**
   * Waits for a decision on request `requestId` (its database id) for at
   * most `timeoutMs`, or until `signal` aborts. One wait per request: a new
   * one supersedes the one before (CIBA §10.1 forbids overlapping polls, so
   * the older is a poll its client has given up on).
   */
  wait(requestId: string, options: { timeoutMs: number; signal?: AbortSignal }): DecisionWait;
  /** How many waits are held now. */
  readonly size: number;
  /** Ends every wait (`closed`) and answers later ones at once: the process is stopping. */
  close(): void;
};

type Waiter = {
  settle: (outcome: WaitOutcome) => void;
};

/** The feed stays subscribed this long after the last wait ends, so a client's next poll does not pay a new start. */
const LINGER_MS = 10_000;

/**
 * The waits of held long polls (CIBA §10.1), keyed by request id, woken by
 * the event stream: one subscription to `feed` (which on SQLite the
 * in-process event bell wakes, and on PostgreSQL every instance's NOTIFY)
 * serves every wait. A wait costs a map entry, a promise and one timeout
 * timer; nothing runs for it until its request's decision event arrives,
 * its time is up or its client goes away. The feed is subscribed only while
 * someone waits (and a short linger after), so a process without long polls
 * reads nothing.
 */
export const createDecisionWaiters = ({ feed }: { feed: EventFeed }): DecisionWaiters => {
  const waiters = new Map<string, Waiter>();
  let unsubscribe: (() => void) | null = null;
  let ready: Promise<void> = Promise.resolve();
  let linger: NodeJS.Timeout | undefined;
  let closed = false;

  const onEvents = (events: readonly { type: string; requestId: string | null }[]) => {
    for (const event of events) {
      if (event.requestId === null || !DECISION_EVENT_TYPES.has(event.type)) continue;
      waiters.get(event.requestId)?.settle('decided');
    }
  };

  const subscribe = () => {
    clearTimeout(linger);
    linger = undefined;
    if (unsubscribe) return;
    unsubscribe = feed.subscribe(onEvents);
    // The feed's first pass takes what is already committed as history; once it and one more
    // pass have run, every later commit is news and reaches onEvents.
    ready = feed.settled();
  };

  const stopSoon = () => {
    if (waiters.size > 0 || !unsubscribe || linger) return;
    linger = setTimeout(() => {
      linger = undefined;
      if (waiters.size > 0) return;
      unsubscribe?.();
      unsubscribe = null;
    }, LINGER_MS);
    linger.unref();
  };

  const ended: DecisionWait = {
    ready: Promise.resolve(),
    outcome: Promise.resolve('closed'),
    release: () => undefined,
  };

  return {
    wait: (requestId, { timeoutMs, signal }) => {
      if (closed) return ended;
      waiters.get(requestId)?.settle('superseded');
      let resolve!: (outcome: WaitOutcome) => void;
      const outcome = new Promise<WaitOutcome>((done) => {
        resolve = done;
      });
      let settled = false;
      const onAbort = () => waiter.settle('aborted');
      const waiter: Waiter = {
        settle: (result) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          if (waiters.get(requestId) === waiter) waiters.delete(requestId);
          resolve(result);
          stopSoon();
        },
      };
      const timer = setTimeout(() => waiter.settle('timeout'), timeoutMs);
      waiters.set(requestId, waiter);
      subscribe();
      if (signal?.aborted) waiter.settle('aborted');
      else signal?.addEventListener('abort', onAbort, { once: true });

      return { ready, outcome, release: () => waiter.settle('aborted') };
    },
    get size() {
      return waiters.size;
    },
    close: () => {
      closed = true;
      for (const waiter of [...waiters.values()]) waiter.settle('closed');
      clearTimeout(linger);
      linger = undefined;
      unsubscribe?.();
      unsubscribe = null;
    },
  };
};
