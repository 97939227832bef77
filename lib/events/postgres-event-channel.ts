import type { PostgresListener } from '@/lib/db/postgres-listener';
import type { EventWaker } from '@/lib/events/event-feed';

/** The PostgreSQL notification channel on which instances tell each other that events were committed. */
export const EVENT_CHANNEL = 'backchannel_events';

/** Notifications are coalesced: at most one per this many milliseconds per instance. */
const NOTIFY_EVERY_MS = 50;

export type PostgresEventChannel = {
  /** Tells every instance (this one too) that events were committed; coalesced, never blocks the caller. */
  notify(): void;
  /** An EventWaker: `wake` at every notification from any instance. */
  listen: EventWaker;
  /** Stops this channel's notifies and listening (the process's listener itself stays open). */
  close(): Promise<void>;
};

/**
 * The live-event channel on the process's one notification connection
 * (lib/db/postgres-listener.ts, shared with settings invalidation): it
 * LISTENs while someone here is watching and sends this process's coalesced
 * NOTIFYs. The notification carries nothing: the Event table is the stream,
 * each instance's feed reads it (event-feed.ts). A notification lost to a
 * reconnect costs a tick of latency, not an event: after every (re)LISTEN
 * the watchers are woken to read what was committed meanwhile.
 */
export const createPostgresEventChannel = (listener: PostgresListener): PostgresEventChannel => {
  const wakers = new Set<() => void>();
  let stopListening: (() => void) | null = null;
  let closed = false;
  let pendingNotify = false;
  let notifyTimer: NodeJS.Timeout | undefined;
  let lastNotify = 0;

  const wakeAll = () => {
    for (const wake of wakers) wake();
  };

  /** LISTENs exactly while someone here is watching. */
  const sync = () => {
    if (wakers.size > 0 && !stopListening && !closed) {
      stopListening = listener.listen(EVENT_CHANNEL, { onNotification: wakeAll, onListening: wakeAll });
    } else if (wakers.size === 0 && stopListening) {
      stopListening();
      stopListening = null;
    }
  };

  const sendNotify = async () => {
    notifyTimer = undefined;
    if (!pendingNotify || closed) return;
    pendingNotify = false;
    lastNotify = Date.now();
    await listener.notify(EVENT_CHANNEL);
  };

  return {
    notify: () => {
      if (closed) return;
      pendingNotify = true;
      if (notifyTimer) return;
      const wait = Math.max(0, lastNotify + NOTIFY_EVERY_MS - Date.now());
      notifyTimer = setTimeout(() => void sendNotify(), wait);
      notifyTimer.unref();
    },
    listen: (wake) => {
      wakers.add(wake);
      sync();

      return () => {
        wakers.delete(wake);
        sync();
      };
    },
    close: async () => {
      closed = true;
      clearTimeout(notifyTimer);
      wakers.clear();
      sync();
    },
  };
};
