import { getPostgresListener } from '@/lib/db/postgres-listener';
import { getBaseEnv, getEnv } from '@/lib/env';
import { createDecisionWaiters, type DecisionWaiters } from '@/lib/events/decision-waiters';
import { onEventBell } from '@/lib/events/event-bell';
import { createEventFeed, type EventFeed, type EventWaker } from '@/lib/events/event-feed';
import { createPostgresEventChannel, type PostgresEventChannel } from '@/lib/events/postgres-event-channel';
import { getProtocolData } from '@/lib/store/get-protocol-store';

type EventStream = {
  url: string;
  feed: EventFeed;
  channel: PostgresEventChannel | null;
  stopForwarding: (() => void) | null;
  /** Held long polls' waits, on a feed of their own (created at the first long poll). */
  waiters: DecisionWaiters | null;
};

/**
 * A long poll's feed starts a pass at most this often: a decision is answered
 * within this of its commit's ring even right after another pass (the live
 * monitor's feed batches more, at 100 ms, because each of its passes reads views).
 */
const DECISION_FEED_MIN_PASS_MS = 20;

const globalForEvents = globalThis as unknown as { backchannelEventStream?: EventStream };

const streamFor = (): EventStream => {
  const { databaseUrl, databaseKind } = getEnv();
  const cached = globalForEvents.backchannelEventStream;
  if (cached && cached.url === databaseUrl) return cached;
  // LISTEN needs a session of its own: DATABASE_DIRECT_URL when DATABASE_URL is a transaction-mode pooler.
  const channel =
    databaseKind === 'postgres'
      ? createPostgresEventChannel(getPostgresListener(getBaseEnv().databaseDirectUrl ?? databaseUrl))
      : null;
  const wakers: EventWaker[] = [onEventBell, ...(channel ? [channel.listen] : [])];
  // The store is looked up at each read: it outlives no closeProtocolData.
  const feed = createEventFeed({ read: (after, limit) => getProtocolData().store.listEventsAfter(after, limit), wakers });
  const stream: EventStream = { url: databaseUrl, feed, channel, stopForwarding: null, waiters: null };
  globalForEvents.backchannelEventStream = stream;

  return stream;
};

/**
 * This process's feed of committed events (any tenant): on SQLite woken by
 * the in-process bell, on PostgreSQL also by every instance's NOTIFY.
 */
export const getEventFeed = (): EventFeed => streamFor().feed;

/**
 * This process's registry of held long polls (lib/events/decision-waiters.ts):
 * woken by the same doorbells as the event feed — this process's commits and,
 * on PostgreSQL, every instance's NOTIFY — through a feed of its own tuned for
 * latency, which reads only while a poll is held.
 */
export const getDecisionWaiters = (): DecisionWaiters => {
  const stream = streamFor();
  if (!stream.waiters) {
    const wakers: EventWaker[] = [onEventBell, ...(stream.channel ? [stream.channel.listen] : [])];
    const feed = createEventFeed({
      read: (after, limit) => getProtocolData().store.listEventsAfter(after, limit),
      wakers,
      minPassIntervalMs: DECISION_FEED_MIN_PASS_MS,
    });
    stream.waiters = createDecisionWaiters({ feed });
  }

  return stream.waiters;
};

/**
 * Answers every held long poll now (as still pending) and every later one at
 * once: the first step of stopping, so that closing the server does not wait
 * for held polls.
 */
export const releaseHeldPolls = (): void => {
  globalForEvents.backchannelEventStream?.waiters?.close();
};

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

/**
 * Stops the feed and the forwarding, and this stream's use of the notification
 * connection (closed with the protocol data: closeProtocolData).
 */
export const closeEventStream = async (): Promise<void> => {
  const stream = globalForEvents.backchannelEventStream;
  globalForEvents.backchannelEventStream = undefined;
  if (!stream) return;
  stream.stopForwarding?.();
  stream.waiters?.close();
  stream.feed.close();
  await stream.channel?.close();
};
