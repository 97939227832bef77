import { z } from 'zod';
import { EVENT_VIEW_COLUMNS } from '@/lib/admin/event-view';
import { createLiveRequestHub, type LiveMessage, type LiveRequestHub } from '@/lib/admin/live-request-hub';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { ZResourceIdSchema } from '@/lib/admin/user-fields';
import type { Principal } from '@/lib/auth/principal';
import { getDb, type Db } from '@/lib/db/client';
import { REQUEST_EVENT_TYPES } from '@/lib/events/event-types';
import { getEventFeed } from '@/lib/events/get-event-feed';
import { getProtocolData } from '@/lib/store/get-protocol-store';

/** The most events a reconnecting watcher is sent to catch up; further behind, it is told to reload. */
export const CATCH_UP_LIMIT = 1_000;
/** Event ids a watcher remembers having been sent, so the catch-up and the live stream never repeat one. */
const SENT_MEMORY = 4_096;

/** What to watch: a tenant's requests (or one of them), from after an event id (the stream's Last-Event-ID). */
export const ZWatchRequestsSchema = z
  .strictObject({
    request_id: ZResourceIdSchema.optional(),
    /** The id of the last event received (SSE Last-Event-ID); the events after it are sent first. */
    after: ZResourceIdSchema.optional(),
  })
  .meta({ title: 'WatchRequests' });
export type TWatchRequests = z.input<typeof ZWatchRequestsSchema>;

const globalForHub = globalThis as unknown as { backchannelLiveRequestHub?: LiveRequestHub };

/** This process's hub over its event feed. */
export const getLiveRequestHub = (): LiveRequestHub =>
  (globalForHub.backchannelLiveRequestHub ??= createLiveRequestHub({
    db: getDb,
    store: () => getProtocolData().store,
    feed: getEventFeed(),
  }));

/**
 * Streams a tenant's request events to `send` as they are committed: first
 * those after `after` (at most CATCH_UP_LIMIT; further behind, one `reset`),
 * then live ones, none twice, in order. The admin's access to the tenant is
 * checked here, next to the data. Resolves to the function that stops it.
 *
 * @throws AdminError `invalid_input` for a malformed id; `not_found` for an unknown tenant; `forbidden` for one out of reach.
 */
export const watchRequests = async (
  db: Db,
  principal: Principal,
  options: { tenantSlug: string } & TWatchRequests,
  send: (messages: LiveMessage[]) => void,
  hub: LiveRequestHub = getLiveRequestHub(),
): Promise<() => void> => {
  const { tenantSlug, ...input } = options;
  const tenant = await requireTenantAccess(db, principal, tenantSlug);
  const { request_id: requestId, after } = parseInputOrThrow(ZWatchRequestsSchema, input);
  const sent = new Set<string>();
  const remember = (id: string) => {
    sent.add(id);
    if (sent.size > SENT_MEMORY) sent.delete(sent.values().next().value as string);
  };
  const deliver = (messages: LiveMessage[]) => {
    const fresh = messages.filter((message) => message.type !== 'event' || !sent.has(message.id));
    for (const message of fresh) if (message.type === 'event') remember(message.id);
    if (fresh.length > 0) send(fresh);
  };
  let buffered: LiveMessage[] | null = [];
  const unsubscribe = hub.subscribe({
    tenantId: tenant.id,
    requestId: requestId ?? null,
    send: (messages) => (buffered ? buffered.push(...messages) : deliver(messages)),
  });

  try {
    // The feed's first read after a start is history, not news: wait for it,
    // so that "live" means everything committed once this resolves.
    await hub.settled();
    if (after !== undefined) {
      const rows = await db.event.findMany({
        where: {
          tenantId: tenant.id,
          id: { gt: after },
          type: { in: [...REQUEST_EVENT_TYPES] },
          ...(requestId === undefined ? {} : { requestId }),
        },
        select: EVENT_VIEW_COLUMNS,
        orderBy: { id: 'asc' },
        take: CATCH_UP_LIMIT + 1,
      });
      if (rows.length > CATCH_UP_LIMIT) {
        // The watcher reloads its snapshot: what the feed read meanwhile is in it.
        buffered = [];
        deliver([{ type: 'reset' }]);
      } else deliver(await hub.messagesFor(tenant.id, rows));
    }
    const live = buffered;
    buffered = null;
    deliver(live);
  } catch (error) {
    unsubscribe();
    throw error;
  }

  return unsubscribe;
};
