import pg from 'pg';
import { log } from '@/lib/log';

/** How long after losing the connection (or failing to open it) the listener tries again. */
const RECONNECT_MS = 1_000;
/**
 * How often the connection proves it is alive (a one-row read on it). A
 * connection that died silently (no FIN or RST: a partition, a frozen peer)
 * would otherwise deliver nothing, with nobody noticing; a check that fails
 * or takes longer than HEARTBEAT_TIMEOUT_MS drops it and reconnects.
 */
const HEARTBEAT_MS = 5_000;
const HEARTBEAT_TIMEOUT_MS = 3_000;

export type ChannelHandlers = {
  /** A notification on the channel, with its payload ('' when none). */
  onNotification(payload: string): void;
  /**
   * LISTEN is in place — the first time, or again after a reconnect.
   * Notifications sent while it was not may have been missed: whatever
   * they would have told must be read afresh now. `query` runs on the
   * listening connection itself (the heartbeat uses it too).
   */
  onListening?(query: ListenerQuery): void;
  /** The connection is lost: nothing is delivered until the next onListening. */
  onLost?(): void;
};

/** One statement on the listening connection (its rows). */
export type ListenerQuery = <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => Promise<R[]>;

export type PostgresListener = {
  /** LISTENs to `channel` for `handlers` until the returned function is called. */
  listen(channel: string, handlers: ChannelHandlers): () => void;
  /** NOTIFY on the dedicated connection (outside any transaction); failures are logged, never thrown. */
  notify(channel: string): Promise<void>;
  /** Whether `channel` is LISTENed to right now on a live connection. */
  isListening(channel: string): boolean;
  /** Drops the connection as a failure would (tests: what a reconnect does). */
  dropConnection(): void;
  close(): Promise<void>;
};

/** A channel name safe to put in LISTEN/NOTIFY (identifiers are not bind parameters). */
const assertChannel = (channel: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`Invalid notification channel "${channel}".`);
};

/**
 * THE dedicated PostgreSQL connection of a process for LISTEN/NOTIFY — not a
 * pooled one: LISTEN belongs to a session, and must not go through a pooler
 * in transaction mode. Every channel this process listens to (live events,
 * settings invalidation) is carried by this one connection, which reconnects
 * after any failure and re-LISTENs every channel, then tells each
 * subscriber (onListening) so it can catch up on what it may have missed.
 * It connects while someone listens, or to send a NOTIFY.
 */
export const createPostgresListener = (databaseUrl: string): PostgresListener => {
  const subscriptions = new Map<string, Set<ChannelHandlers>>();
  /** Channels LISTENed to on the current connection. */
  const listened = new Set<string>();
  let client: pg.Client | null = null;
  let connecting: Promise<pg.Client | null> | null = null;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const handlersOf = (channel: string) => [...(subscriptions.get(channel) ?? [])];

  const scheduleReconnect = () => {
    if (closed || reconnectTimer || subscriptions.size === 0) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      void sync();
    }, RECONNECT_MS);
    reconnectTimer.unref();
  };

  /** Forgets `lost` (if still current), tells every subscriber, and reconnects later. */
  const drop = (lost: pg.Client, reason: unknown) => {
    if (client !== lost) return;
    log.warn({ err: reason }, 'notification connection lost; reconnecting');
    client = null;
    clearInterval(heartbeatTimer);
    heartbeatTimer = undefined;
    const channels = [...listened];
    listened.clear();
    void lost.end().catch(() => undefined);
    for (const channel of channels) for (const handlers of handlersOf(channel)) handlers.onLost?.();
    scheduleReconnect();
  };

  const queryOn =
    (connection: pg.Client): ListenerQuery =>
    async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) =>
      (await connection.query<R>(text, values)).rows;

  const heartbeat = (connection: pg.Client) => {
    let timeout: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timeout = setTimeout(() => reject(new Error('notification connection heartbeat timed out')), HEARTBEAT_TIMEOUT_MS);
      timeout.unref();
    });
    Promise.race([connection.query('SELECT 1'), timedOut]).then(
      () => clearTimeout(timeout),
      (error: unknown) => {
        clearTimeout(timeout);
        drop(connection, error);
      },
    );
  };

  const connect = (): Promise<pg.Client | null> => {
    if (client) return Promise.resolve(client);
    connecting ??= (async () => {
      const next = new pg.Client({ connectionString: databaseUrl, keepAlive: true });
      next.on('notification', ({ channel, payload }) => {
        for (const handlers of handlersOf(channel)) handlers.onNotification(payload ?? '');
      });
      next.on('error', (error) => drop(next, error));
      next.on('end', () => drop(next, new Error('notification connection ended')));
      try {
        await next.connect();
      } catch (error) {
        log.warn({ err: error }, 'notification connection could not connect; retrying');
        void next.end().catch(() => undefined);
        scheduleReconnect();

        return null;
      }
      if (closed) {
        await next.end().catch(() => undefined);

        return null;
      }
      client = next;
      heartbeatTimer = setInterval(() => heartbeat(next), HEARTBEAT_MS);
      heartbeatTimer.unref();

      return next;
    })().finally(() => {
      connecting = null;
    });

    return connecting;
  };

  /** LISTENs exactly to the channels someone here subscribes to. */
  const sync = async (): Promise<void> => {
    if (closed) return;
    if (subscriptions.size === 0 && listened.size === 0) return;
    const connection = await connect();
    if (!connection || client !== connection) return;
    for (const channel of [...listened]) {
      if (subscriptions.has(channel)) continue;
      listened.delete(channel);
      await connection.query(`UNLISTEN ${channel}`).catch(() => undefined);
    }
    if (subscriptions.size === 0) {
      // Nobody listens any more: the connection is not kept open for nothing (a NOTIFY reopens it).
      client = null;
      clearInterval(heartbeatTimer);
      heartbeatTimer = undefined;
      await connection.end().catch(() => undefined);

      return;
    }
    for (const channel of [...subscriptions.keys()]) {
      if (listened.has(channel)) continue;
      try {
        await connection.query(`LISTEN ${channel}`);
      } catch (error) {
        drop(connection, error);

        return;
      }
      if (client !== connection) return;
      listened.add(channel);
      for (const handlers of handlersOf(channel)) handlers.onListening?.(queryOn(connection));
    }
  };

  return {
    listen: (channel, handlers) => {
      assertChannel(channel);
      let set = subscriptions.get(channel);
      if (!set) subscriptions.set(channel, (set = new Set()));
      const alreadyListening = listened.has(channel) && client !== null;
      set.add(handlers);
      if (alreadyListening && client) handlers.onListening?.(queryOn(client));
      else void sync();

      return () => {
        set.delete(handlers);
        if (set.size === 0 && subscriptions.get(channel) === set) subscriptions.delete(channel);
        void sync();
      };
    },
    notify: async (channel) => {
      assertChannel(channel);
      if (closed) return;
      const connection = await connect();
      await connection?.query(`NOTIFY ${channel}`).catch((error: unknown) => {
        log.warn({ err: error, channel }, 'NOTIFY failed');
      });
    },
    isListening: (channel) => client !== null && listened.has(channel),
    dropConnection: () => {
      if (client) drop(client, new Error('dropped on request'));
    },
    close: async () => {
      closed = true;
      clearTimeout(reconnectTimer);
      clearInterval(heartbeatTimer);
      subscriptions.clear();
      listened.clear();
      const current = client ?? (await connecting);
      client = null;
      await current?.end().catch(() => undefined);
    },
  };
};

const globalForListener = globalThis as unknown as { backchannelPostgresListener?: { url: string; listener: PostgresListener } };

/** This process's one notification connection for DATABASE_URL (created, not connected, at the first call). */
export const getPostgresListener = (databaseUrl: string): PostgresListener => {
  const cached = globalForListener.backchannelPostgresListener;
  if (cached && cached.url === databaseUrl) return cached.listener;
  const listener = createPostgresListener(databaseUrl);
  globalForListener.backchannelPostgresListener = { url: databaseUrl, listener };
  if (cached) void cached.listener.close();

  return listener;
};

/** Closes this process's notification connection, if any (server shutdown, tests). */
export const closePostgresListener = async (): Promise<void> => {
  const cached = globalForListener.backchannelPostgresListener;
  globalForListener.backchannelPostgresListener = undefined;
  await cached?.listener.close();
};
