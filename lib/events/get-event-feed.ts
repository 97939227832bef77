import { getEnv } from '@/lib/env';
import { onEventBell } from '@/lib/events/event-bell';
import { createEventFeed, type EventFeed, type EventWaker } from '@/lib/events/event-feed';
import { createPostgresEventChannel, type PostgresEventChannel } from '@/lib/events/postgres-event-channel';
import { getProtocolData } from '@/lib/store/get-protocol-store';

type EventStream = { url: string; feed: EventFeed; channel: PostgresEventChannel | null; stopForwarding: (() => void) | null };

const globalForEvents = globalThis as unknown as { backchannelEventStream?: EventStream };

const streamFor = (): EventStream => {
  const { databaseUrl, databaseKind } = getEnv();
  const cached = globalForEvents.backchannelEventStream;
  if (cached && cached.url === databaseUrl) return cached;
  const channel = databaseKind === 'postgres' ? createPostgresEventChannel(databaseUrl) : null;
  const wakers: EventWaker[] = [onEventBell, ...(channel ? [channel.listen] : [])];
  // The store is looked up at each read: it outlives no closeProtocolData.
  const feed = createEventFeed({ read: (after, limit) => getProtocolData().store.listEventsAfter(after, limit), wakers });
  const stream = { url: databaseUrl, feed, channel, stopForwarding: null };
  globalForEvents.backchannelEventStream = stream;

  return stream;
};

/**
 * This process's feed of committed events (any tenant): on SQLite woken by
 * the in-process bell, on PostgreSQL also by every instance's NOTIFY.
 */
export const getEventFeed = (): EventFeed => streamFor().feed;

/**
 * On PostgreSQL, forwards this process's event commits to every instance
 * (a coalesced NOTIFY per ring): started with the background work, so every
 * serving instance does it whether or not anyone watches here. No-op on SQLite.
 */
export const startEventForwarding = (): void => {
  const stream = streamFor();
  if (!stream.channel || stream.stopForwarding) return;
  const { channel } = stream;
  stream.stopForwarding = onEventBell(() => channel.notify());
};

/** Stops the feed and the forwarding, and closes the notification connection. */
export const closeEventStream = async (): Promise<void> => {
  const stream = globalForEvents.backchannelEventStream;
  globalForEvents.backchannelEventStream = undefined;
  if (!stream) return;
  stream.stopForwarding?.();
  stream.feed.close();
  await stream.channel?.close();
};
