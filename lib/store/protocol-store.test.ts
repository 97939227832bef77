// The request store's contract, run against SQLite and — in npm test's
// PostgreSQL pass (TEST_POSTGRES_URL) — PostgreSQL, from this one file.
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { completeBackchannelRequest } from '@/lib/ciba/complete-backchannel-request';
import type { Db } from '@/lib/db/client';
import { buildEvent } from '@/lib/events/build-event';
import { getEnv, sqliteFilePath } from '@/lib/env';
import { timeOrderedId } from '@/lib/ids/time-ordered-id';
import { getProtocolData } from '@/lib/store/get-protocol-store';
import type { ClaimedOutboxMessage } from '@/lib/store/protocol-store';
import {
  createProtocolStore,
  requestEventSubject,
  type NewBackchannelRequest,
  type ProtocolStore,
} from '@/lib/store/protocol-store';
import { createSettingsCache } from '@/lib/store/settings-cache';
import { bumpSettingsEpoch } from '@/lib/store/settings-epoch';
import { createPostgresEngine } from '@/lib/store/sql/postgres-engine';
import { createSqliteEngine } from '@/lib/store/sql/sqlite-engine';
import { TEST_ACTOR } from '@/lib/testing/outbox';
import { useTestDatabase } from '@/lib/testing/test-database';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';

const onSqlite = !process.env.TEST_POSTGRES_URL;

describe(`request store (${onSqlite ? 'SQLite' : 'PostgreSQL'})`, () => {
  let db: Db;
  let cleanup: () => Promise<void>;
  let store: ProtocolStore;
  let tenantId: string;
  let clientRowId: string;
  let clientId: string;
  let userId: string;

  beforeAll(async () => {
    ({ db, cleanup } = await useTestDatabase());
    tenantId = (await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' })).id;
    clientId = (await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Desk' } })).client_id;
    clientRowId = (await db.client.findUniqueOrThrow({ where: { clientId } })).id;
    userId = (await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com' })).id;
    store = getProtocolData().store;
  });

  afterAll(async () => cleanup());

  const newRequest = (overrides: Partial<NewBackchannelRequest> = {}): NewBackchannelRequest => {
    const id = overrides.id ?? randomUUID();
    const createdAt = overrides.createdAt ?? new Date();

    return {
      id,
      tenantId,
      clientId: clientRowId,
      userId,
      authReqIdHash: randomUUID(),
      scope: 'openid',
      bindingMessage: null,
      acrValues: null,
      acr: null,
      interval: 5,
      expiresAt: new Date(createdAt.getTime() + 60_000),
      createdAt,
      approvalLink: { id: randomUUID(), tokenHash: randomUUID(), channel: 'email' },
      outbox: [],
      events: [],
      ...overrides,
    };
  };
  const subjectOf = (request: NewBackchannelRequest) => ({ id: request.id, tenantId, clientId: clientRowId, userId });
  const eventTypes = async (requestId: string) => (await store.listRequestEvents(requestId)).map((event) => event.type);

  it('writes rows Prisma reads back unchanged, dates included, with their outbox message and event', async () => {
    const createdAt = new Date('2026-01-02T03:04:05.678Z');
    const request = newRequest({ createdAt });
    request.outbox = [
      {
        id: timeOrderedId(createdAt),
        tenantId,
        requestId: request.id,
        type: 'approval_email',
        payload: '{}',
        encryptedSecret: null,
        availableAt: createdAt,
        createdAt,
      },
    ];
    request.events = [
      buildEvent(
        'ciba_start_succeeded',
        requestEventSubject(subjectOf(request)),
        { scope: 'openid', binding_message: null, expires_in: 60, channel: 'email' },
        createdAt,
      ),
    ];
    await store.createRequest(request);
    const read = await db.backchannelRequest.findUniqueOrThrow({
      where: { id: request.id },
      include: { approvalLinks: true, outbox: true },
    });
    expect(read.expiresAt.toISOString()).toBe(request.expiresAt.toISOString());
    expect(read.createdAt.toISOString()).toBe('2026-01-02T03:04:05.678Z');
    expect(read.status).toBe('pending');
    expect(read.approvalLinks.map((link) => link.tokenHash)).toEqual([request.approvalLink.tokenHash]);
    expect(read.outbox.map((message) => [message.status, message.availableAt.toISOString()])).toEqual([
      ['pending', '2026-01-02T03:04:05.678Z'],
    ]);
    const polled = await store.findRequestForPoll(request.authReqIdHash);
    expect(polled).toMatchObject({ id: request.id, status: 'pending', userSub: expect.any(String), lastPolledAt: null });
    expect(polled?.expiresAt).toEqual(request.expiresAt);
    const [event] = await store.listRequestEvents(request.id);
    expect(event).toMatchObject({ type: 'ciba_start_succeeded', tenantId, clientId: clientRowId, userId, createdAt });
    expect(JSON.parse(event.detail!)).toEqual({ scope: 'openid', binding_message: null, expires_in: 60, channel: 'email' });
  });

  it('finds the approvals of several links in one read, leaving out unknown ids', async () => {
    const [first, second] = [newRequest({ bindingMessage: 'ONE' }), newRequest({ bindingMessage: 'TWO' })];
    await Promise.all([store.createRequest(first), store.createRequest(second)]);
    const found = await store.findApprovalsByLinkIds([first.approvalLink.id, randomUUID(), second.approvalLink.id]);

    expect(
      found
        .map(({ linkId, requestId, bindingMessage, status }) => ({ linkId, requestId, bindingMessage, status }))
        .sort((a, b) => a.bindingMessage!.localeCompare(b.bindingMessage!)),
    ).toEqual([
      { linkId: first.approvalLink.id, requestId: first.id, bindingMessage: 'ONE', status: 'pending' },
      { linkId: second.approvalLink.id, requestId: second.id, bindingMessage: 'TWO', status: 'pending' },
    ]);
    expect(found[0]).toMatchObject({ tenantSlug: 'acme', clientName: 'Desk', userEmail: 'alice@example.com' });
    expect(found[0].expiresAt).toBeInstanceOf(Date);
    expect(await store.findApprovalsByLinkIds([])).toEqual([]);
  });

  it('concurrent units: a failing unit is undone whole, the others commit', async () => {
    const committed = newRequest();
    await store.createRequest(committed);
    const good = [newRequest(), newRequest()];
    // The approval-link id of a committed request: its link insert fails after its request insert ran.
    const bad = newRequest({ approvalLink: { ...committed.approvalLink } });
    const results = await Promise.allSettled([
      store.createRequest(good[0]),
      store.createRequest(bad),
      store.createRequest(good[1]),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await db.backchannelRequest.count({ where: { id: { in: [...good, bad].map((request) => request.id) } } })).toBe(2);
  });

  it('the database refuses an unknown status, whoever writes it', async () => {
    const request = newRequest();
    await store.createRequest(request);
    const sql = 'UPDATE "BackchannelRequest" SET "status" = \'approvedish\' WHERE "id" = ';
    if (onSqlite) {
      const raw = new Database(sqliteFilePath(getEnv().databaseUrl));
      try {
        expect(() => raw.prepare(`${sql}?`).run(request.id)).toThrow(/status: unknown value/);
      } finally {
        raw.close();
      }
    } else {
      const raw = new pg.Client({ connectionString: getEnv().databaseUrl });
      await raw.connect();
      try {
        await expect(raw.query(`${sql}$1`, [request.id])).rejects.toThrow(/invalid input value for enum/);
      } finally {
        await raw.end();
      }
    }
    await expect(
      db.$executeRawUnsafe(
        `INSERT INTO "OutboxMessage" ("id", "tenantId", "type", "payload", "status", "attempts", "availableAt", "createdAt") VALUES ('x', '${tenantId}', 'approval_email', '{}', 'sent', 0, '2026-01-01T00:00:00.000+00:00', '2026-01-01T00:00:00.000+00:00')`,
      ),
    ).rejects.toThrow();
    expect((await store.findRequestState(request.id))?.status).toBe('pending');
  });

  it('recordPoll only matches the poll time it read and writes no event; recordSlowDown always counts, raises the interval and writes its event', async () => {
    const request = newRequest();
    await store.createRequest(request);
    const first = new Date(Date.now() + 1000);
    const subject = subjectOf(request);
    const [a, b] = await Promise.all([
      store.recordPoll({ request: subject, previousPolledAt: null, now: first }),
      store.recordPoll({ request: subject, previousPolledAt: null, now: first }),
    ]);
    expect([a, b].sort()).toEqual([false, true]);
    expect(await eventTypes(request.id)).toEqual([]);
    const slowed = await Promise.all([
      store.recordSlowDown({ request: subject, now: new Date(first.getTime() + 1000), increment: 5 }),
      store.recordSlowDown({ request: subject, now: new Date(first.getTime() + 1000), increment: 5 }),
    ]);
    expect(slowed.sort()).toEqual([10, 15]);
    expect((await store.findRequestForPoll(request.authReqIdHash))?.interval).toBe(15);
    expect(
      await db.backchannelRequest.findUniqueOrThrow({
        where: { id: request.id },
        select: { pollCount: true, slowDownCount: true },
      }),
    ).toEqual({
      pollCount: 3,
      slowDownCount: 2,
    });
    expect(await eventTypes(request.id)).toEqual(['ciba_slow_down', 'ciba_slow_down']);
    expect(
      await store.recordSlowDown({ request: { ...subject, id: 'no-such-request' }, now: new Date(), increment: 5 }),
    ).toBeNull();
  });

  it('events for each transition: approve, redeem, replay; deny; cancel; expire', async () => {
    const approved = newRequest();
    const denied = newRequest();
    const cancelled = newRequest();
    const expiring = newRequest({ expiresAt: new Date(Date.now() + 1_000) });
    for (const request of [approved, denied, cancelled, expiring]) await store.createRequest(request);

    expect(
      await completeBackchannelRequest(store, {
        requestId: approved.id,
        decision: 'approve',
        approvalLinkId: approved.approvalLink.id,
        actor: { kind: 'user', channel: 'email' },
      }),
    ).toEqual({ ok: true, status: 'approved' });
    expect(await store.redeemRequest({ request: subjectOf(approved), now: new Date(), accessTokenJti: randomUUID() })).toBe(true);
    expect(await store.redeemRequest({ request: subjectOf(approved), now: new Date(), accessTokenJti: randomUUID() })).toBe(
      false,
    );
    await store.refuseReplay({ request: subjectOf(approved), now: new Date() });
    expect(await eventTypes(approved.id)).toEqual(['ciba_approved', 'ciba_exchange_succeeded', 'ciba_exchange_failed']);
    const replay = (await store.listRequestEvents(approved.id))[2];
    expect(JSON.parse(replay.detail!)).toEqual({ reason: 'replay', tokens_revoked: true });

    expect(await completeBackchannelRequest(store, { requestId: denied.id, decision: 'deny', actor: TEST_ACTOR })).toEqual({
      ok: true,
      status: 'denied',
    });
    expect(await eventTypes(denied.id)).toEqual(['ciba_denied']);

    expect(
      await completeBackchannelRequest(store, {
        requestId: cancelled.id,
        decision: 'cancel',
        actor: { kind: 'admin', id: 'admin-1' },
      }),
    ).toEqual({ ok: true, status: 'cancelled' });
    expect(JSON.parse((await store.listRequestEvents(cancelled.id))[0].detail!)).toEqual({
      by: { kind: 'admin', id: 'admin-1' },
    });

    const later = new Date(Date.now() + 2_000);
    expect(
      await completeBackchannelRequest(store, { requestId: expiring.id, decision: 'expire', actor: { kind: 'system' } }),
    ).toEqual({ ok: false, reason: 'not_expired' });
    expect(await store.findDueExpiries(later, 100)).toContain(expiring.id);
    expect(
      await completeBackchannelRequest(store, {
        requestId: expiring.id,
        decision: 'expire',
        actor: { kind: 'system' },
        now: later,
      }),
    ).toEqual({ ok: true, status: 'expired' });
    expect(await eventTypes(expiring.id)).toEqual(['ciba_expired']);
    expect((await store.findRequestState(expiring.id))?.status).toBe('expired');
  });

  it('a failed completion writes nothing: no status, no link use, no event', async () => {
    const request = newRequest();
    await store.createRequest(request);
    await completeBackchannelRequest(store, { requestId: request.id, decision: 'deny', actor: TEST_ACTOR });
    const result = await completeBackchannelRequest(store, {
      requestId: request.id,
      decision: 'approve',
      approvalLinkId: request.approvalLink.id,
      actor: TEST_ACTOR,
    });
    expect(result).toEqual({ ok: false, reason: 'already_decided' });
    expect((await store.findApprovalLinkState(request.approvalLink.id))?.usedAt).toBeNull();
    expect(await eventTypes(request.id)).toEqual(['ciba_denied']);
  });

  it.runIf(onSqlite)(
    'SQLite: waits out a write lock held by another connection instead of failing or blocking the thread',
    async () => {
      const other = new Database(sqliteFilePath(getEnv().databaseUrl));
      other.exec('BEGIN IMMEDIATE');
      const request = newRequest();
      const pending = store.createRequest(request);
      let timerRan = false;
      await new Promise((resolve) => setTimeout(resolve, 50)).then(() => {
        timerRan = true;
      });
      expect(timerRan).toBe(true);
      other.exec('COMMIT');
      other.close();
      await pending;
      expect(await store.findRequestForPoll(request.authReqIdHash)).not.toBeNull();
    },
  );

  it('claimJwtId: a jti is first once, atomically, per client and purpose, until it expires; expired uses are pruned', async () => {
    const now = new Date();
    const expiresAt = new Date(now.getTime() + 60_000);
    const use = { clientId: clientRowId, purpose: 'client_assertion' as const, jti: `jti-${randomUUID()}`, expiresAt, now };

    const concurrent = await Promise.all(Array.from({ length: 8 }, () => store.claimJwtId(use)));
    expect(concurrent.filter(Boolean)).toHaveLength(1);
    expect(await store.claimJwtId(use)).toBe(false);
    // Another purpose, or another client, has its own jtis (RFC 7523 §3 item 7 is per issuer).
    expect(await store.claimJwtId({ ...use, purpose: 'request_object' })).toBe(true);
    const other = await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Other' } });
    const otherRowId = (await db.client.findUniqueOrThrow({ where: { clientId: other.client_id } })).id;
    expect(await store.claimJwtId({ ...use, clientId: otherRowId })).toBe(true);

    // Once the first use's JWT has expired, the jti may be used again (with a new expiry).
    const later = new Date(expiresAt.getTime() + 1);
    expect(await store.claimJwtId({ ...use, now: later, expiresAt: new Date(later.getTime() + 60_000) })).toBe(true);
    expect(await store.claimJwtId({ ...use, now: later, expiresAt: new Date(later.getTime() + 60_000) })).toBe(false);

    const stale = { ...use, jti: `stale-${randomUUID()}`, expiresAt: new Date(now.getTime() - 1) };
    expect(await store.claimJwtId({ ...stale, now: new Date(now.getTime() - 120_000) })).toBe(true);
    await store.pruneExpiredTokens({ now, limit: 100 });
    expect(await db.jwtIdUse.count({ where: { jti: stale.jti } })).toBe(0);
    expect(await db.jwtIdUse.count({ where: { jti: use.jti } })).toBe(3);
  });

  it("pollRequest: counts only the owner's well-spaced poll of a pending, unexpired request; of two instances polling at once, exactly one", async () => {
    const { databaseUrl, databaseKind } = getEnv();
    // A second instance: its own engine (pool or connections) on the same database.
    const other = createProtocolStore(
      databaseKind === 'sqlite' ? createSqliteEngine(sqliteFilePath(databaseUrl)) : createPostgresEngine(databaseUrl),
    );
    try {
      const t0 = new Date(Date.now() + 60_000);
      const request = newRequest({ createdAt: new Date(t0.getTime() - 60_000), expiresAt: new Date(t0.getTime() + 60_000) });
      await store.createRequest(request);
      const poll = (on: ProtocolStore, now: Date, by = clientRowId) =>
        on.pollRequest({ authReqIdHash: request.authReqIdHash, clientId: by, now, graceMs: 250 });
      const pollCount = async () => (await db.backchannelRequest.findUniqueOrThrow({ where: { id: request.id } })).pollCount;

      // Another client: the request comes back (for its invalid_grant), nothing is counted.
      expect(await poll(store, t0, 'another-client')).toMatchObject({ counted: false, request: { id: request.id } });
      expect(await pollCount()).toBe(0);
      // Two instances at once: one counted, the other not (its caller answers slow_down).
      const both = await Promise.all([poll(store, t0), poll(other, t0)]);
      expect(both.map(({ counted }) => counted).sort()).toEqual([false, true]);
      expect(both.every(({ request: read }) => read?.id === request.id && read.status === 'pending')).toBe(true);
      expect(await pollCount()).toBe(1);
      // The interval (5 s) less 250 ms of grace, to the millisecond.
      expect((await poll(other, new Date(t0.getTime() + 4_749))).counted).toBe(false);
      const onTime = await poll(other, new Date(t0.getTime() + 4_750));
      expect(onTime.counted).toBe(true);
      expect(onTime.request?.lastPolledAt?.toISOString()).toBe(t0.toISOString());
      expect(await pollCount()).toBe(2);
      // Expired (at expiresAt): read, not counted.
      expect((await poll(store, request.expiresAt)).counted).toBe(false);
      // Decided: read, not counted.
      await completeBackchannelRequest(store, { actor: TEST_ACTOR, requestId: request.id, decision: 'deny' });
      expect(await poll(store, new Date(t0.getTime() + 20_000))).toMatchObject({ counted: false, request: { status: 'denied' } });
      expect(await pollCount()).toBe(2);
      expect(await store.pollRequest({ authReqIdHash: 'no-such-hash', clientId: clientRowId, now: t0, graceMs: 250 })).toEqual({
        request: null,
        counted: false,
      });
      expect(await eventTypes(request.id)).toEqual(['ciba_denied']);
    } finally {
      await other.close();
    }
  });

  it('settings cache: serves cached clients until the epoch moves, then reloads', async () => {
    const cache = createSettingsCache(store);
    await cache.validate();
    expect((await cache.findClientByClientId(clientId))?.pollInterval).toBe(5);
    await db.client.update({ where: { clientId }, data: { pollInterval: 7 } });
    await cache.validate();
    expect((await cache.findClientByClientId(clientId))?.pollInterval).toBe(5);
    await db.$transaction(async (tx) => bumpSettingsEpoch(tx));
    await cache.validate();
    expect((await cache.findClientByClientId(clientId))?.pollInterval).toBe(7);
    expect(await cache.findClientByClientId('no-such-client')).toBeNull();
  });

  it('settings cache: validateForPoll reads the epoch and the request a poll names in one statement', async () => {
    const request = newRequest();
    await store.createRequest(request);
    const cache = createSettingsCache(store);
    const polled = await cache.validateForPoll(request.authReqIdHash);
    expect(polled).toEqual(await store.findRequestForPoll(request.authReqIdHash));
    expect(polled).toMatchObject({ id: request.id, status: 'pending', lastPolledAt: null });
    expect(await cache.validateForPoll('no-such-hash')).toBeNull();

    // The epoch it read governs the cache as validate's does.
    const before = (await cache.findClientByClientId(clientId))?.pollInterval;
    await db.client.update({ where: { clientId }, data: { pollInterval: before! + 4 } });
    await cache.validateForPoll(request.authReqIdHash);
    expect((await cache.findClientByClientId(clientId))?.pollInterval).toBe(before);
    await db.$transaction(async (tx) => bumpSettingsEpoch(tx));
    await cache.validateForPoll(request.authReqIdHash);
    expect((await cache.findClientByClientId(clientId))?.pollInterval).toBe(before! + 4);
  });

  describe('outbox', () => {
    const queue = async (count: number) => {
      const now = new Date();
      const request = newRequest();
      request.outbox = Array.from({ length: count }, () => ({
        id: timeOrderedId(now),
        tenantId,
        requestId: request.id,
        type: 'test',
        payload: '{}',
        encryptedSecret: 'sealed',
        availableAt: now,
        createdAt: now,
      }));
      await store.createRequest(request);

      return request.outbox.map((message) => message.id);
    };

    it('a claim leases a message: no second claim until the lease lapses; the lapsed attempt is recorded as interrupted until its late outcome arrives', async () => {
      const [id] = await queue(1);
      const now = new Date(Date.now() + 10);
      const first = await store.claimOutbox({ owner: 'a', now, leaseMs: 1_000, limit: 100 });
      expect(first.filter((message) => message.id === id)).toHaveLength(1);
      expect(
        (await store.claimOutbox({ owner: 'b', now, leaseMs: 1_000, limit: 100 })).map((message) => message.id),
      ).not.toContain(id);
      const ids = (messages: ClaimedOutboxMessage[]) => messages.map((message) => message.id);
      expect(ids(await store.reclaimLapsedOutbox({ owner: 'b', now, leaseMs: 1_000, limit: 100 }))).not.toContain(id);
      const afterLease = new Date(now.getTime() + 1_001);
      // A lapsed lease is taken over by the reclaim only (the worker runs it now and then), never by the usual claim.
      expect(ids(await store.claimOutbox({ owner: 'b', now: afterLease, leaseMs: 1_000, limit: 100 }))).not.toContain(id);
      const [reclaimed] = (await store.reclaimLapsedOutbox({ owner: 'b', now: afterLease, leaseMs: 1_000, limit: 100 })).filter(
        (message) => message.id === id,
      );
      expect(reclaimed.attempts).toBe(2);
      const attemptLog = async () =>
        (await db.outboxAttempt.findMany({ where: { messageId: id }, orderBy: { attempt: 'asc' } })).map((attempt) => [
          attempt.attempt,
          attempt.outcome,
          attempt.providerMessageId,
        ]);
      expect(await attemptLog()).toEqual([[1, 'interrupted', null]]);
      const sentEvent = (message: ClaimedOutboxMessage, providerMessageId: string) =>
        buildEvent(
          'ciba_notification_sent',
          { tenantId: message.tenantId, requestId: message.requestId },
          { channel: 'test', outbox_message_id: message.id, attempt: message.attempts, provider_message_id: providerMessageId },
          afterLease,
        );
      const sentEvents = async () =>
        (await db.event.findMany({ where: { requestId: reclaimed.requestId, type: 'ciba_notification_sent' } })).map(
          (event) => JSON.parse(event.detail ?? '{}').provider_message_id,
        );
      // The first owner lost its lease: its outcome is recorded as an attempt but does not settle the message, nor write its event.
      expect(
        await store.settleOutbox({
          owner: 'a',
          now: afterLease,
          outcomes: [
            {
              message: first.find((message) => message.id === id)!,
              settlement: { kind: 'delivered', providerMessageId: 'late' },
              events: [
                sentEvent(
                  first.find((message) => message.id === id)!,
                  'late',
                ),
              ],
            },
          ],
        }),
      ).toEqual([false]);
      expect(
        await store.settleOutbox({
          owner: 'b',
          now: afterLease,
          outcomes: [
            {
              message: reclaimed,
              settlement: { kind: 'delivered', providerMessageId: 'p-1' },
              events: [sentEvent(reclaimed, 'p-1')],
            },
          ],
        }),
      ).toEqual([true]);
      expect(await sentEvents()).toEqual(['p-1']);
      // The slow owner's outcome replaces the guess; the new owner's attempt is the second.
      expect(await attemptLog()).toEqual([
        [1, 'delivered', 'late'],
        [2, 'delivered', 'p-1'],
      ]);
      expect(await db.outboxMessage.findUniqueOrThrow({ where: { id } })).toMatchObject({
        status: 'delivered',
        providerMessageId: 'p-1',
        encryptedSecret: null,
        leaseOwner: null,
      });
    });

    it('a retry keeps the secret and waits for availableAt; a final failure erases it', async () => {
      const [id] = await queue(1);
      const now = new Date(Date.now() + 10);
      const [claimed] = (await store.claimOutbox({ owner: 'a', now, leaseMs: 60_000, limit: 100 })).filter(
        (message) => message.id === id,
      );
      const retryAt = new Date(now.getTime() + 5_000);
      await store.settleOutbox({
        owner: 'a',
        now,
        outcomes: [{ message: claimed, settlement: { kind: 'retry', error: 'HTTP 503', availableAt: retryAt }, events: [] }],
      });
      expect(await db.outboxMessage.findUniqueOrThrow({ where: { id } })).toMatchObject({
        status: 'pending',
        encryptedSecret: 'sealed',
        lastError: 'HTTP 503',
      });
      expect(
        (await store.claimOutbox({ owner: 'a', now, leaseMs: 60_000, limit: 100 })).map((message) => message.id),
      ).not.toContain(id);
      const [again] = (await store.claimOutbox({ owner: 'a', now: retryAt, leaseMs: 60_000, limit: 100 })).filter(
        (message) => message.id === id,
      );
      await store.settleOutbox({
        owner: 'a',
        now: retryAt,
        outcomes: [{ message: again, settlement: { kind: 'failed', error: 'HTTP 422' }, events: [] }],
      });
      expect(await db.outboxMessage.findUniqueOrThrow({ where: { id } })).toMatchObject({
        status: 'failed',
        encryptedSecret: null,
        attempts: 2,
      });
    });

    it.runIf(!onSqlite)('PostgreSQL: two workers claiming at once never get the same message', async () => {
      const ids = await queue(200);
      const second = createProtocolStore(createPostgresEngine(getEnv().databaseUrl));
      try {
        const now = new Date(Date.now() + 10);
        const claims = await Promise.all(
          Array.from({ length: 8 }, (_, index) =>
            (index % 2 === 0 ? store : second).claimOutbox({ owner: `w${index}`, now, leaseMs: 60_000, limit: 40 }),
          ),
        );
        const claimed = claims
          .flat()
          .map((message) => message.id)
          .filter((id) => ids.includes(id));
        expect(new Set(claimed).size).toBe(claimed.length);
        expect(claimed.length).toBe(200);
      } finally {
        await second.close();
      }
    });
  });
});
