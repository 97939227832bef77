import { toEventViews, type EventView, type EventViewRow } from '@/lib/admin/event-view';
import { loadLiveRequestViews, type LiveRequestView } from '@/lib/admin/live-request-view';
import type { Db } from '@/lib/db/client';
import type { EventFeed } from '@/lib/events/event-feed';
import type { EventRecord } from '@/lib/events/event-types';
import { REQUEST_EVENT_TYPES } from '@/lib/events/event-types';
import { log } from '@/lib/log';
import type { ProtocolStore } from '@/lib/store/protocol-store';

/** A waiting request's polls so far: all a poll changes in its view. */
export type LivePoll = Pick<LiveRequestView, 'id' | 'poll_count' | 'last_polled_at'>;

/**
 * What a watcher of a tenant's requests receives: an event with the current
 * view of its request (null for an event without one, a refused
 * bc-authorize); the poll counts of waiting requests polled since the last
 * look (polls write no events: architecture.md, hot path budget), for views
 * the watcher already has; or `reset` when the watcher is too far behind to
 * catch up and must reload.
 */
export type LiveMessage =
  | { type: 'event'; id: string; event: EventView; request: LiveRequestView | null }
  | { type: 'polls'; polls: LivePoll[] }
  | { type: 'reset' };

export type LiveWatcher = {
  tenantId: string;
  /** Only this request's messages (Try it, a request's page); null for all of the tenant's. */
  requestId: string | null;
  send: (messages: LiveMessage[]) => void;
};

export type LiveRequestHub = {
  subscribe(watcher: LiveWatcher): () => void;
  /** Resolves once everything committed before the call has been read: what commits after reaches the watchers as news. */
  settled(): Promise<void>;
  /** The messages for these events of one tenant (catch-up after a reconnect): two queries, whatever their number. */
  messagesFor(tenantId: string, rows: readonly EventViewRow[]): Promise<LiveMessage[]>;
};

const REQUEST_EVENTS: ReadonlySet<string> = new Set(REQUEST_EVENT_TYPES);
/** Polls are looked for this often while someone watches. */
const POLL_REFRESH_MS = 2_000;
/** A refresh looks back this far past the previous one (clock and commit slack); a view sent twice is harmless. */
const POLL_OVERLAP_MS = 1_000;
const POLL_REFRESH_LIMIT = 1_000;

const forWatcher = (watcher: LiveWatcher, messages: LiveMessage[]): LiveMessage[] => {
  if (watcher.requestId === null) return messages;

  return messages.flatMap((message): LiveMessage[] => {
    if (message.type === 'event') return message.event.request_id === watcher.requestId ? [message] : [];
    if (message.type === 'polls') {
      const polls = message.polls.filter((poll) => poll.id === watcher.requestId);

      return polls.length > 0 ? [{ type: 'polls', polls }] : [];
    }

    return [message];
  });
};

/**
 * The live monitor's fan-out, one per process: reads each batch of the event
 * feed once (its events' views and their requests' current views, one query
 * each per tenant), then sends it to every watcher of that tenant; and while
 * anyone watches, looks every POLL_REFRESH_MS for requests whose poll count
 * changed. Watchers are filtered by tenant here; who may watch which tenant
 * is decided by watchRequests, next to the data.
 */
export const createLiveRequestHub = ({
  db,
  store,
  feed,
}: {
  db: () => Db;
  store: () => ProtocolStore;
  feed: EventFeed;
}): LiveRequestHub => {
  const watchers = new Set<LiveWatcher>();
  let unsubscribeFeed: (() => void) | null = null;
  let pollTimer: NodeJS.Timeout | undefined;
  let lastPollCheck = 0;
  /** Batches are handled one after another, so every watcher sees events in feed order. */
  let queue: Promise<void> = Promise.resolve();

  const messagesFor = async (tenantId: string, rows: readonly EventViewRow[]): Promise<LiveMessage[]> => {
    const requestIds = [...new Set(rows.flatMap((row) => (row.requestId === null ? [] : [row.requestId])))];
    const [events, requests] = await Promise.all([toEventViews(db(), rows), loadLiveRequestViews(db(), tenantId, requestIds)]);
    const requestById = new Map(requests.map((request) => [request.id, request]));

    return events.map((event) => ({
      type: 'event',
      id: event.id,
      event,
      request: event.request_id === null ? null : (requestById.get(event.request_id) ?? null),
    }));
  };

  const dispatch = (tenantId: string, messages: LiveMessage[]) => {
    for (const watcher of watchers) {
      if (watcher.tenantId !== tenantId) continue;
      const mine = forWatcher(watcher, messages);
      if (mine.length > 0) watcher.send(mine);
    }
  };

  const watchedTenants = () => new Set([...watchers].map((watcher) => watcher.tenantId));

  const onEvents = (events: readonly EventRecord[]) => {
    queue = queue.then(async () => {
      const tenants = watchedTenants();
      const byTenant = new Map<string, EventRecord[]>();
      for (const event of events) {
        if (event.tenantId === null || !tenants.has(event.tenantId) || !REQUEST_EVENTS.has(event.type)) continue;
        const rows = byTenant.get(event.tenantId);
        if (rows) rows.push(event);
        else byTenant.set(event.tenantId, [event]);
      }
      for (const [tenantId, rows] of byTenant) {
        try {
          dispatch(tenantId, await messagesFor(tenantId, rows));
        } catch (error) {
          log.error({ err: error }, 'live monitor could not read a batch of events');
        }
      }
    });
  };

  const refreshPolls = async () => {
    const now = new Date();
    const since = new Date(lastPollCheck - POLL_OVERLAP_MS);
    lastPollCheck = now.getTime();
    for (const tenantId of watchedTenants()) {
      const rows = await store().listPollsSince({ tenantId, since, now, limit: POLL_REFRESH_LIMIT });
      if (rows.length > 0) {
        const polls = rows.map((row) => ({
          id: row.id,
          poll_count: row.pollCount,
          last_polled_at: row.lastPolledAt?.toISOString() ?? null,
        }));
        dispatch(tenantId, [{ type: 'polls', polls }]);
      }
    }
  };

  const schedulePolls = () => {
    pollTimer = setTimeout(() => {
      queue = queue
        .then(refreshPolls)
        .catch((error: unknown) => log.error({ err: error }, 'live monitor could not refresh polls'))
        .finally(() => {
          if (watchers.size > 0) schedulePolls();
        });
    }, POLL_REFRESH_MS);
  };

  return {
    subscribe: (watcher) => {
      watchers.add(watcher);
      if (watchers.size === 1) {
        unsubscribeFeed = feed.subscribe(onEvents);
        lastPollCheck = Date.now();
        schedulePolls();
      }

      return () => {
        if (!watchers.delete(watcher) || watchers.size > 0) return;
        unsubscribeFeed?.();
        unsubscribeFeed = null;
        clearTimeout(pollTimer);
      };
    },
    settled: () => feed.settled(),
    messagesFor,
  };
};
