// The live request stream behind the console's monitor (watchRequests over the live request hub and
// the event feed), on a real database: live events with their request's current view, catch-up
// after a reconnect, per-request filtering, poll refreshes, a reset when too far behind, tenant isolation.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cancelRequest } from '@/lib/admin/cancel-request';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { createLiveRequestHub, type LiveMessage, type LiveRequestHub } from '@/lib/admin/live-request-hub';
import { LIVE_PENDING_LIMIT, listLiveRequests } from '@/lib/admin/list-live-requests';
import { expectAdminError } from '@/lib/admin/test-helpers';
import { CATCH_UP_LIMIT, watchRequests } from '@/lib/admin/watch-requests';
import { CLI_PRINCIPAL, type Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { buildEvent } from '@/lib/events/build-event';
import { onEventBell } from '@/lib/events/event-bell';
import { createEventFeed, type EventFeed } from '@/lib/events/event-feed';
import { timeOrderedId } from '@/lib/ids/time-ordered-id';
import { getProtocolData } from '@/lib/store/get-protocol-store';
import { seedPendingRequest } from '@/lib/testing/seed';
import { useTestDatabase } from '@/lib/testing/test-database';

const onSqlite = !process.env.TEST_POSTGRES_URL;

describe(`live request stream (${onSqlite ? 'SQLite' : 'PostgreSQL'})`, () => {
  let db: Db;
  let cleanup: () => Promise<void>;
  let feed: EventFeed;
  let hub: LiveRequestHub;
  let acme: { id: string };
  let globex: { id: string };
  let client: { id: string; pollInterval: number };
  let user: { id: string };
  let acmeAdmin: Principal;
  let globexAdmin: Principal;
  const stops: (() => void)[] = [];

  beforeAll(async () => {
    ({ db, cleanup } = await useTestDatabase());
    acme = await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' });
    globex = await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
    const created = await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Desk' } });
    client = await db.client.findUniqueOrThrow({ where: { clientId: created.client_id } });
    user = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com' });
    acmeAdmin = { kind: 'admin', id: 'admin-a', email: 'a@admin.test', role: 'tenant-admin', tenantIds: new Set([acme.id]) };
    globexAdmin = { kind: 'admin', id: 'admin-g', email: 'g@admin.test', role: 'tenant-admin', tenantIds: new Set([globex.id]) };
    const { store } = getProtocolData();
    feed = createEventFeed({ read: (after, limit) => store.listEventsAfter(after, limit), wakers: [onEventBell], tickMs: 200 });
    hub = createLiveRequestHub({ db: () => db, store: () => store, feed });
  });

  afterAll(async () => {
    for (const stop of stops) stop();
    feed.close();
    await cleanup();
  });

  const pending = (now = new Date()) =>
    seedPendingRequest(db, {
      tenant: acme,
      client,
      user,
      now,
      overrides: { id: timeOrderedId(now), bindingMessage: randomUUID().slice(0, 8) },
    });

  const watch = async (principal: Principal, options: { tenantSlug: string; after?: string; request_id?: string }) => {
    const received: LiveMessage[] = [];
    stops.push(await watchRequests(db, principal, options, (messages) => received.push(...messages), hub));

    return received;
  };
  const eventsIn = (received: LiveMessage[]) => received.flatMap((message) => (message.type === 'event' ? [message] : []));

  it('sends each committed event of the tenant once, with its request as it is now; another tenant’s watcher gets nothing', async () => {
    const acmeWatch = await watch(acmeAdmin, { tenantSlug: 'acme' });
    const globexWatch = await watch(globexAdmin, { tenantSlug: 'globex' });
    const { request } = await pending();
    await cancelRequest(db, acmeAdmin, { tenantSlug: 'acme', id: request.id });

    await vi.waitFor(() => expect(eventsIn(acmeWatch).map((message) => message.event.type)).toContain('ciba_cancelled'));
    const [cancelled] = eventsIn(acmeWatch).filter((message) => message.event.request_id === request.id);
    expect(cancelled.event).toMatchObject({
      type: 'ciba_cancelled',
      request_id: request.id,
      detail: { by: { kind: 'admin', id: 'admin-a' } },
    });
    expect(cancelled.request).toMatchObject({
      id: request.id,
      status: 'cancelled',
      client_name: 'Desk',
      user: { email: 'alice@example.com' },
    });
    expect(cancelled.id).toBe(cancelled.event.id);
    await feed.settled();
    expect(eventsIn(acmeWatch).filter((message) => message.event.request_id === request.id)).toHaveLength(1);
    expect(globexWatch).toEqual([]);
  });

  it('counts as live everything committed once watching began, even when the feed’s first read is slow', async () => {
    const { store } = getProtocolData();
    let firstRead = true;
    const slowFeed = createEventFeed({
      read: async (after, limit) => {
        if (firstRead) {
          firstRead = false;
          await new Promise((resolve) => setTimeout(resolve, 300));
        }

        return store.listEventsAfter(after, limit);
      },
      wakers: [onEventBell],
      tickMs: 200,
    });
    const slowHub = createLiveRequestHub({ db: () => db, store: () => store, feed: slowFeed });
    try {
      const received: LiveMessage[] = [];
      stops.push(await watchRequests(db, acmeAdmin, { tenantSlug: 'acme' }, (messages) => received.push(...messages), slowHub));
      const { request } = await pending();
      await cancelRequest(db, acmeAdmin, { tenantSlug: 'acme', id: request.id });
      await vi.waitFor(() => expect(eventsIn(received).map((message) => message.event.request_id)).toContain(request.id), {
        timeout: 5_000,
      });
    } finally {
      slowFeed.close();
    }
  });

  it('after a reconnect, sends the events after the last one received first, then live ones, none twice', async () => {
    const { request } = await pending();
    const subject = { tenantId: acme.id, requestId: request.id, clientId: client.id, userId: user.id };
    const at = new Date();
    const missed = [
      buildEvent('ciba_link_opened', subject, { channel: 'email' }, at),
      buildEvent('ciba_slow_down', subject, { interval: 10 }, new Date(at.getTime() + 1)),
    ];
    const before = buildEvent(
      'ciba_start_succeeded',
      subject,
      { scope: 'openid', binding_message: null, expires_in: 300, channel: 'email' },
      // Older than the feed's lookback: received before the reconnect, never news to the feed.
      new Date(at.getTime() - 60_000),
    );
    await db.event.createMany({ data: [before, ...missed] });

    const received = await watch(acmeAdmin, { tenantSlug: 'acme', after: before.id, request_id: request.id });
    expect(eventsIn(received).map((message) => message.id)).toEqual(missed.map((event) => event.id));
    expect(eventsIn(received)[0].request).toMatchObject({ id: request.id, status: 'pending' });

    await cancelRequest(db, acmeAdmin, { tenantSlug: 'acme', id: request.id });
    await vi.waitFor(() => expect(eventsIn(received)).toHaveLength(3));
    expect(eventsIn(received)[2].event.type).toBe('ciba_cancelled');
    await feed.settled();
    expect(new Set(eventsIn(received).map((message) => message.id)).size).toBe(3);
  });

  it('a watcher of one request gets only that request’s messages', async () => {
    const { request: watched } = await pending();
    const { request: other } = await pending();
    const received = await watch(acmeAdmin, { tenantSlug: 'acme', request_id: watched.id });
    await cancelRequest(db, acmeAdmin, { tenantSlug: 'acme', id: other.id });
    await cancelRequest(db, acmeAdmin, { tenantSlug: 'acme', id: watched.id });
    await vi.waitFor(() => expect(eventsIn(received)).toHaveLength(1));
    await feed.settled();
    expect(eventsIn(received).map((message) => message.event.request_id)).toEqual([watched.id]);
  });

  it('sends the poll count and time of a request that was polled (polls write no events)', async () => {
    const { request } = await pending();
    const received = await watch(acmeAdmin, { tenantSlug: 'acme', request_id: request.id });
    const { store } = getProtocolData();
    const polled = await store.recordPoll({
      request: { id: request.id, tenantId: acme.id, clientId: client.id, userId: user.id },
      previousPolledAt: null,
      now: new Date(),
    });
    expect(polled).toBe(true);
    await vi.waitFor(
      () => {
        const polls = received.flatMap((message) => (message.type === 'polls' ? message.polls : []));
        expect(polls.at(-1)).toMatchObject({ id: request.id, poll_count: 1 });
        expect(polls.at(-1)?.last_polled_at).not.toBeNull();
      },
      { timeout: 5_000 },
    );
  });

  it(`tells a watcher more than ${CATCH_UP_LIMIT} events behind to reload (reset), instead of replaying them`, async () => {
    const { request } = await pending();
    const subject = { tenantId: acme.id, requestId: request.id, clientId: client.id, userId: user.id };
    const first = buildEvent('ciba_link_opened', subject, { channel: 'email' }, new Date());
    const flood = Array.from({ length: CATCH_UP_LIMIT + 1 }, (_, i) =>
      buildEvent('ciba_slow_down', subject, { interval: 10 + i }, new Date(Date.now() + 1 + i)),
    );
    await db.event.createMany({ data: [first, ...flood] });
    const received = await watch(acmeAdmin, { tenantSlug: 'acme', after: first.id, request_id: request.id });
    expect(received).toEqual([{ type: 'reset' }]);
  });

  it('refuses an admin without access to the tenant, an unknown tenant and a malformed resume id, and watches nothing then', async () => {
    await expectAdminError(
      watchRequests(db, globexAdmin, { tenantSlug: 'acme' }, () => undefined, hub),
      'forbidden',
    );
    await expectAdminError(
      watchRequests(db, acmeAdmin, { tenantSlug: 'nope' }, () => undefined, hub),
      'not_found',
    );
    await expectAdminError(
      watchRequests(db, acmeAdmin, { tenantSlug: 'acme', after: 'x'.repeat(500) }, () => undefined, hub),
      'invalid_input',
    );
  });

  it('the snapshot lists what waits (newest first) apart from what finished, and resumes a little before it was read', async () => {
    const { request: waiting } = await pending();
    const { request: done } = await pending();
    await cancelRequest(db, acmeAdmin, { tenantSlug: 'acme', id: done.id });
    const snapshot = await listLiveRequests(db, acmeAdmin, { tenantSlug: 'acme' });
    expect(snapshot.pending[0]).toMatchObject({
      id: waiting.id,
      status: 'pending',
      delivery: { status: 'none' },
      last_polled_at: null,
    });
    expect(snapshot.pending.map((request) => request.id)).not.toContain(done.id);
    expect(snapshot.recent[0]).toMatchObject({ id: done.id, status: 'cancelled' });
    expect(snapshot.pending_truncated).toBe(false);
    expect(snapshot.resume_after < timeOrderedId(new Date())).toBe(true);
    await expectAdminError(listLiveRequests(db, globexAdmin, { tenantSlug: 'acme' }), 'forbidden');
  });

  it(`loads at most ${LIVE_PENDING_LIMIT.toLocaleString('en')} waiting requests with their deliveries, whatever the database's parameter limit`, async () => {
    const tenant = await createTenant(db, CLI_PRINCIPAL, { slug: 'busy', name: 'Busy' });
    const busyClient = await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'busy', metadata: { client_name: 'Busy desk' } });
    const busyClientId = (await db.client.findUniqueOrThrow({ where: { clientId: busyClient.client_id } })).id;
    const busyUser = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'busy', email: 'bob@example.com' });
    const now = Date.now();
    const ids = Array.from({ length: LIVE_PENDING_LIMIT + 1 }, (_, i) => timeOrderedId(new Date(now - 60_000 + i)));
    await db.backchannelRequest.createMany({
      data: ids.map((id) => ({
        id,
        tenantId: tenant.id,
        clientId: busyClientId,
        userId: busyUser.id,
        authReqIdHash: randomUUID(),
        scope: 'openid',
        interval: 5,
        expiresAt: new Date(now + 300_000),
        createdAt: new Date(now - 60_000),
      })),
    });
    await db.outboxMessage.createMany({
      data: ids.map((requestId, i) => ({
        id: randomUUID(),
        tenantId: tenant.id,
        requestId,
        type: 'approval_email',
        payload: '{}',
        status: i % 2 === 0 ? ('delivered' as const) : ('failed' as const),
        lastError: i % 2 === 0 ? null : 'mailbox unavailable',
        attempts: 1,
        availableAt: new Date(now),
        createdAt: new Date(now),
      })),
    });
    const snapshot = await listLiveRequests(db, CLI_PRINCIPAL, { tenantSlug: 'busy' });
    expect(snapshot.pending).toHaveLength(LIVE_PENDING_LIMIT);
    expect(snapshot.pending_truncated).toBe(true);
    // Newest first: the oldest one is the one left out.
    expect(snapshot.pending[0].id).toBe(ids.at(-1));
    expect(snapshot.pending.map((request) => request.id)).not.toContain(ids[0]);
    expect(snapshot.pending[0].delivery).toEqual({ status: 'sent', attempts: 1, error: null });
    expect(snapshot.pending[1].delivery).toEqual({ status: 'failed', attempts: 1, error: 'mailbox unavailable' });
  });
});
