import pg from 'pg';
import type { EventWaker } from '@/lib/events/event-feed';
import { log } from '@/lib/log';

/** The PostgreSQL notification channel on which instances tell each other that events were committed. */
export const EVENT_CHANNEL = 'backchannel_events';

/** Notifications are coalesced: at most one per this many milliseconds per instance. */
const NOTIFY_EVERY_MS = 50;
const RECONNECT_MS = 1_000;

export type PostgresEventChannel = {
  /** Tells every instance (this one too) that events were committed; coalesced, never blocks the caller. */
  notify(): void;
  /** An EventWaker: `wake` at every notification from any instance. */
  listen: EventWaker;
  close(): Promise<void>;
};

/**
 * One dedicated connection per process (not a pooled one: LISTEN belongs to a
 * session) that LISTENs while someone here is watching and sends this
 * process's coalesced NOTIFYs. The notification carries nothing: the Event
 * table is the stream, each instance's feed reads it (event-feed.ts). A
 * notification lost to a reconnect costs a tick of latency, not an event.
 */
export const createPostgresEventChannel = (databaseUrl: string): PostgresEventChannel => {
  const wakers = new Set<() => void>();
  let client: pg.Client | null = null;
  let connecting: Promise<pg.Client | null> | null = null;
  let listening = false;
  let closed = false;
  let pendingNotify = false;
  let notifyTimer: NodeJS.Timeout | undefined;
  let lastNotify = 0;

  const connect = (): Promise<pg.Client | null> => {
    if (client) return Promise.resolve(client);
    connecting ??= (async () => {
      const next = new pg.Client({ connectionString: databaseUrl });
      next.on('notification', (message) => {
        if (message.channel !== EVENT_CHANNEL) return;
        for (const wake of wakers) wake();
      });
      next.on('error', (error) => {
        log.warn({ err: error }, 'event channel connection failed; reconnecting');
        if (client === next) client = null;
        listening = false;
        void next.end().catch(() => undefined);
        if (!closed) setTimeout(() => void sync(), RECONNECT_MS).unref();
      });
      try {
        await next.connect();
      } catch (error) {
        log.warn({ err: error }, 'event channel could not connect; retrying');
        if (!closed) setTimeout(() => void sync(), RECONNECT_MS).unref();

        return null;
      }
      if (closed) {
        await next.end().catch(() => undefined);

        return null;
      }
      client = next;

      return next;
    })().finally(() => {
      connecting = null;
    });

    return connecting;
  };

  /** LISTENs exactly while someone here is watching. */
  const sync = async () => {
    const connection = await connect();
    if (!connection) return;
    try {
      if (wakers.size > 0 && !listening) {
        listening = true;
        await connection.query(`LISTEN ${EVENT_CHANNEL}`);
        // Whatever was committed while we were not listening: read it now.
        for (const wake of wakers) wake();
      } else if (wakers.size === 0 && listening) {
        listening = false;
        await connection.query(`UNLISTEN ${EVENT_CHANNEL}`);
      }
    } catch (error) {
      log.warn({ err: error }, 'event channel LISTEN failed');
      listening = false;
    }
  };

  const sendNotify = async () => {
    notifyTimer = undefined;
    if (!pendingNotify || closed) return;
    pendingNotify = false;
    lastNotify = Date.now();
    const connection = await connect();
    await connection?.query(`NOTIFY ${EVENT_CHANNEL}`).catch((error: unknown) => {
      log.warn({ err: error }, 'event channel NOTIFY failed');
    });
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
      void sync();

      return () => {
        wakers.delete(wake);
        void sync();
      };
    },
    close: async () => {
      closed = true;
      clearTimeout(notifyTimer);
      wakers.clear();
      const current = client ?? (await connecting);
      client = null;
      await current?.end().catch(() => undefined);
    },
  };
};
