// getTenantActivity on SQLite and — in npm test's PostgreSQL pass (TEST_POSTGRES_URL) — PostgreSQL.
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { ACTIVITY_BUCKETS, getTenantActivity, type TenantActivity } from '@/lib/admin/get-tenant-activity';
import { sealActivitySlots } from '@/lib/admin/seal-activity-slots';
import { expectAdminError } from '@/lib/admin/test-helpers';
import { CLI_PRINCIPAL, type Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { getEnv, sqliteFilePath } from '@/lib/env';
import { PrismaClient as PostgresPrismaClient } from '@/lib/generated/postgres/client';
import { PrismaClient, type Client, type RequestStatus } from '@/lib/generated/sqlite/client';
import { minTimeOrderedId, timeOrderedId } from '@/lib/ids/time-ordered-id';
import { startFakeResend, useResend } from '@/lib/testing/fake-resend';
import { deliverOutbox } from '@/lib/testing/outbox';
import { call, credentialsOf, formRequest } from '@/lib/testing/protocol-client';
import { seedPendingRequest } from '@/lib/testing/seed';
import { useTestDatabase } from '@/lib/testing/test-database';

const onSqlite = !process.env.TEST_POSTGRES_URL;
/**
 * The scale test's size. A million takes about 25 s to insert on SQLite and a
 * minute on PostgreSQL on a 2-core machine, too long for every run; the
 * README's figures were measured by hand with a million.
 */
const BIG_REQUESTS = 200_000;

let db: Db;
let cleanup: () => Promise<void>;
let acmeId: string;
let globexId: string;
const clients: Record<'desk' | 'kiosk' | 'portal' | 'globex', Client> = {} as never;
let acmeUserId: string;
let globexUserId: string;

/** The moment the tests look from: the hour window is [11:35, 12:35), minute buckets. */
const NOW = new Date('2026-03-10T12:34:56.789Z');
const at = (time: string) => new Date(`2026-03-10T${time}Z`);
const SECOND = 1000;

const tenantAdminOf = (tenantId: string): Principal => ({
  kind: 'admin',
  id: 'admin-a',
  email: 'a@admin.test',
  role: 'tenant-admin',
  tenantIds: new Set([tenantId]),
});

type Seed = {
  created: Date;
  client: keyof typeof clients;
  status: RequestStatus;
  /** Seconds from creation to the decision, if any. */
  decidedAfter?: number;
  /** Seconds from creation to expiry (default 300). */
  expiresAfter?: number;
};

const seedRequest = async ({ created, client, status, decidedAfter, expiresAfter = 300 }: Seed) => {
  const isGlobex = client === 'globex';
  await seedPendingRequest(db, {
    tenant: { id: isGlobex ? globexId : acmeId },
    client: clients[client],
    user: { id: isGlobex ? globexUserId : acmeUserId },
    now: created,
    expiresInSeconds: expiresAfter,
    overrides: {
      id: timeOrderedId(created),
      status,
      decidedAt: decidedAfter === undefined ? null : new Date(created.getTime() + decidedAfter * SECOND),
    },
  });
};

const seedFailedEmail = async (tenantId: string, failedAt: Date, status: 'failed' | 'delivered' = 'failed') => {
  await db.outboxMessage.create({
    data: {
      id: timeOrderedId(failedAt),
      tenantId,
      type: 'approval_email',
      payload: '{}',
      status,
      attempts: 1,
      // As the worker settles a message for good: availableAt is the moment it finished.
      availableAt: failedAt,
      finishedAt: failedAt,
      createdAt: new Date(failedAt.getTime() - 5 * SECOND),
    },
  });
};

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  ({ id: acmeId } = await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' }));
  ({ id: globexId } = await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' }));
  await createTenant(db, CLI_PRINCIPAL, { slug: 'quiet', name: 'Quiet' });
  const clientRow = async (tenantSlug: string, name: string) => {
    const created = await createClient(db, CLI_PRINCIPAL, { tenantSlug, metadata: { client_name: name } });

    return db.client.findUniqueOrThrow({ where: { clientId: created.client_id } });
  };
  clients.desk = await clientRow('acme', 'Desk');
  clients.kiosk = await clientRow('acme', 'Kiosk');
  clients.portal = await clientRow('acme', 'Portal');
  clients.globex = await clientRow('globex', 'Globex app');
  acmeUserId = (await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com' })).id;
  globexUserId = (await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'globex', email: 'gina@example.com' })).id;

  const seeds: Seed[] = [
    // The minute of NOW (bucket 59): two approved (one redeemed since), one pending.
    { created: at('12:34:10'), client: 'desk', status: 'approved', decidedAfter: 4 },
    { created: at('12:34:20'), client: 'desk', status: 'redeemed', decidedAfter: 10 },
    { created: at('12:34:50'), client: 'portal', status: 'pending' },
    // Exactly on a bucket's first instant (bucket 55), and one millisecond before it (bucket 54).
    { created: at('12:30:00.000'), client: 'desk', status: 'denied', decidedAfter: 1 },
    // Pending, but past its expiry at NOW (12:30:59.999): expired by the status-now rule.
    { created: at('12:29:59.999'), client: 'kiosk', status: 'pending', expiresAfter: 60 },
    // Approved, never redeemed, past its expiry: expired now, but the user did decide (2 s).
    { created: at('12:20:00'), client: 'kiosk', status: 'approved', decidedAfter: 2 },
    { created: at('12:10:00'), client: 'kiosk', status: 'expired' },
    { created: at('12:00:00'), client: 'desk', status: 'denied', decidedAfter: 20 },
    // The window's first instant (bucket 0); a cancel's decidedAt is the administrator's, not the user's.
    { created: at('11:35:00.000'), client: 'desk', status: 'cancelled', decidedAfter: 30 },
    // Outside the hour: one millisecond before it, and at its end (after NOW).
    { created: at('11:34:59.999'), client: 'desk', status: 'approved', decidedAfter: 3, expiresAfter: 7200 },
    { created: at('12:35:00.000'), client: 'desk', status: 'pending' },
    // Another tenant, in the same minute.
    { created: at('12:34:00'), client: 'globex', status: 'denied', decidedAfter: 1 },
  ];
  for (const seed of seeds) await seedRequest(seed);

  await seedFailedEmail(acmeId, at('12:33:30'));
  await seedFailedEmail(acmeId, at('12:00:00'));
  await seedFailedEmail(acmeId, at('12:33:00'), 'delivered');
  await seedFailedEmail(acmeId, at('11:30:00'));
  await seedFailedEmail(globexId, at('12:33:30'));
});

afterAll(async () => {
  await cleanup();
});

const ZERO = { started: 0, pending: 0, approved: 0, denied: 0, expired: 0, cancelled: 0, notification_failures: 0 };

/** The buckets that are not all zeros, by index. */
const nonZeroBuckets = (activity: TenantActivity) =>
  Object.fromEntries(
    activity.buckets.flatMap((bucket, index) => {
      const { start: _start, ...counts } = bucket;

      return Object.values(counts).some((value) => value !== 0) ? [[index, counts]] : [];
    }),
  );

describe(`getTenantActivity (${onSqlite ? 'SQLite' : 'PostgreSQL'})`, () => {
  it('counts the last hour per minute by the status now, every empty minute present as zeros', async () => {
    const activity = await getTenantActivity(db, CLI_PRINCIPAL, { tenantSlug: 'acme', range: 'hour', now: NOW });

    expect(activity).toMatchObject({
      range: 'hour',
      bucket_seconds: 60,
      from: '2026-03-10T11:35:00.000Z',
      to: '2026-03-10T12:35:00.000Z',
    });
    expect(activity.buckets).toHaveLength(60);
    expect(activity.buckets[0].start).toBe('2026-03-10T11:35:00.000Z');
    expect(activity.buckets[59].start).toBe('2026-03-10T12:34:00.000Z');
    expect(activity.buckets[1]).toEqual({ start: '2026-03-10T11:36:00.000Z', ...ZERO });
    expect(nonZeroBuckets(activity)).toEqual({
      0: { ...ZERO, started: 1, cancelled: 1 },
      25: { ...ZERO, started: 1, denied: 1, notification_failures: 1 },
      35: { ...ZERO, started: 1, expired: 1 },
      45: { ...ZERO, started: 1, expired: 1 },
      54: { ...ZERO, started: 1, expired: 1 },
      55: { ...ZERO, started: 1, denied: 1 },
      58: { ...ZERO, notification_failures: 1 },
      59: { ...ZERO, started: 3, approved: 2, pending: 1 },
    });
    expect(activity.totals).toEqual({
      started: 9,
      pending: 1,
      approved: 2,
      denied: 2,
      expired: 3,
      cancelled: 1,
      notification_failures: 2,
    });
  });

  it('gives rates as shares of the requests no longer pending', async () => {
    const { rates } = await getTenantActivity(db, CLI_PRINCIPAL, { tenantSlug: 'acme', range: 'hour', now: NOW });

    expect(rates).toEqual({ approved: 2 / 8, denied: 2 / 8, expired: 3 / 8, cancelled: 1 / 8 });
  });

  it("gives the median and 95th percentile of the user's time to decide (approved or denied, whatever came after)", async () => {
    const { time_to_decide } = await getTenantActivity(db, CLI_PRINCIPAL, { tenantSlug: 'acme', range: 'hour', now: NOW });

    // 1, 2, 4, 10, 20 s: the median is the middle one; p95 sits at rank 3.8 of 0…4, between 10 s and 20 s.
    expect(time_to_decide).toEqual({ decided: 5, median_ms: 4000, p95_ms: 18_000, exact: true });
  });

  it('interpolates the median between the two middle durations when there is an even number', async () => {
    // The day window also holds 11:34:59.999 (3 s): 1, 2, 3, 4, 10, 20 s.
    const { time_to_decide } = await getTenantActivity(db, CLI_PRINCIPAL, { tenantSlug: 'acme', range: 'day', now: NOW });

    expect(time_to_decide).toEqual({ decided: 6, median_ms: 3500, p95_ms: 17_500, exact: true });
  });

  it('ranks the top clients by requests started, with their names and client_ids', async () => {
    const { top_clients } = await getTenantActivity(db, CLI_PRINCIPAL, { tenantSlug: 'acme', range: 'hour', now: NOW });

    expect(top_clients).toEqual([
      {
        client_id: clients.desk.clientId,
        client_name: 'Desk',
        ...{ started: 5, pending: 0, approved: 2, denied: 2, expired: 0, cancelled: 1 },
      },
      {
        client_id: clients.kiosk.clientId,
        client_name: 'Kiosk',
        ...{ started: 3, pending: 0, approved: 0, denied: 0, expired: 3, cancelled: 0 },
      },
      {
        client_id: clients.portal.clientId,
        client_name: 'Portal',
        ...{ started: 1, pending: 1, approved: 0, denied: 0, expired: 0, cancelled: 0 },
      },
    ]);
  });

  it('cuts a day into 48 half-hours and a week into 28 quarter-days, aligned to UTC', async () => {
    const day = await getTenantActivity(db, CLI_PRINCIPAL, { tenantSlug: 'acme', range: 'day', now: NOW });
    expect(day).toMatchObject({ bucket_seconds: 1800, from: '2026-03-09T13:00:00.000Z', to: '2026-03-10T13:00:00.000Z' });
    expect(day.buckets).toHaveLength(ACTIVITY_BUCKETS.day.count);
    expect(day.totals).toMatchObject({ started: 10, approved: 3, notification_failures: 3 });
    // 12:30–13:00 holds the last five minutes' requests; 11:30–12:00 the two either side of 11:35.
    expect(day.buckets[47]).toMatchObject({ start: '2026-03-10T12:30:00.000Z', started: 4, approved: 2, pending: 1, denied: 1 });
    expect(day.buckets[45]).toMatchObject({ start: '2026-03-10T11:30:00.000Z', started: 2, approved: 1, cancelled: 1 });

    const week = await getTenantActivity(db, CLI_PRINCIPAL, { tenantSlug: 'acme', range: 'week', now: NOW });
    expect(week).toMatchObject({ bucket_seconds: 21_600, from: '2026-03-03T18:00:00.000Z', to: '2026-03-10T18:00:00.000Z' });
    expect(week.buckets).toHaveLength(28);
    expect(week.buckets[27]).toMatchObject({ start: '2026-03-10T12:00:00.000Z', started: 8, notification_failures: 2 });
    expect(week.buckets[26]).toMatchObject({ start: '2026-03-10T06:00:00.000Z', started: 2, notification_failures: 1 });
    expect(week.buckets.slice(0, 26).every((bucket) => bucket.started === 0)).toBe(true);
  });

  it('defaults to the day, and shows a tenant with no requests as zeros with no rates or times', async () => {
    const activity = await getTenantActivity(db, CLI_PRINCIPAL, { tenantSlug: 'quiet', now: NOW });

    expect(activity.range).toBe('day');
    expect(activity.buckets).toHaveLength(48);
    expect(activity.buckets.every((bucket) => Object.values({ ...bucket, start: 0 }).every((value) => value === 0))).toBe(true);
    expect(activity.rates).toEqual({ approved: null, denied: null, expired: null, cancelled: null });
    expect(activity.time_to_decide).toEqual({ decided: 0, median_ms: null, p95_ms: null, exact: true });
    expect(activity.top_clients).toEqual([]);
  });

  it("keeps each tenant to itself: globex's requests are never counted, and a tenant admin of globex is refused acme", async () => {
    const globex = await getTenantActivity(db, tenantAdminOf(globexId), { tenantSlug: 'globex', range: 'hour', now: NOW });
    expect(globex.totals).toEqual({ ...ZERO, started: 1, denied: 1, notification_failures: 1 });
    expect(globex.top_clients.map((client) => client.client_name)).toEqual(['Globex app']);

    await expectAdminError(getTenantActivity(db, tenantAdminOf(globexId), { tenantSlug: 'acme' }), 'forbidden');
    await expectAdminError(getTenantActivity(db, CLI_PRINCIPAL, { tenantSlug: 'nope' }), 'not_found', /"nope"/);
  });

  it.each<[Record<string, unknown>, string, RegExp]>([
    [{ range: 'month' }, 'range', /one of hour, day, week/],
    [{ range: 7 }, 'range', /one of hour, day, week/],
    [{ bucket: 'minute' }, 'bucket', /not a setting/],
  ])('refuses %j with a message for its field', async (query, path, message) => {
    const error = await getTenantActivity(db, CLI_PRINCIPAL, { tenantSlug: 'acme', ...query }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'invalid_input', fields: [{ path, message: expect.stringMatching(message) }] });
  });

  it('counts an approval email the worker gave up on, in the minute it failed', async () => {
    const resend = await startFakeResend();
    const { id: tenantId } = await createTenant(db, CLI_PRINCIPAL, { slug: 'bounce', name: 'Bounce' });
    const credentials = credentialsOf(
      await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'bounce', metadata: { client_name: 'B' } }),
    );
    await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'bounce', email: 'bob@example.com' });
    try {
      useResend(resend.baseUrl);
      // A refusal (4xx) fails the message at once, with no retry.
      resend.respondWith({ status: 422, body: { statusCode: 422, name: 'validation_error', message: 'Invalid `to` field' } });
      const started = await call(
        formRequest('/t/bounce/bc-authorize', { scope: 'openid', login_hint: 'bob@example.com' }, { auth: credentials }),
      );
      expect(started.status).toBe(200);
      expect(await deliverOutbox()).toBeGreaterThanOrEqual(1);
    } finally {
      useResend(undefined);
      await resend.close();
    }
    const failed = await db.outboxMessage.findFirstOrThrow({ where: { tenantId } });
    expect(failed).toMatchObject({ status: 'failed', availableAt: failed.finishedAt });

    const activity = await getTenantActivity(db, CLI_PRINCIPAL, { tenantSlug: 'bounce', range: 'hour' });
    expect(activity.totals).toMatchObject({ started: 1, pending: 1, notification_failures: 1 });
    const minute = activity.buckets.findIndex((bucket) => bucket.notification_failures === 1);
    expect(activity.buckets[minute].start).toBe(
      new Date(Math.floor(failed.finishedAt!.getTime() / 60_000) * 60_000).toISOString(),
    );
  });
});

type LoggedQuery = { query: string; params: string };

/** A second client on the test database that reports every statement it runs. */
const loggingClient = (onQuery: (event: LoggedQuery) => void): Db => {
  const { databaseUrl } = getEnv();
  if (onSqlite) {
    const client = new PrismaClient({
      adapter: new PrismaBetterSqlite3({ url: sqliteFilePath(databaseUrl) }),
      log: [{ emit: 'event', level: 'query' }],
    });
    client.$on('query', onQuery);

    return client;
  }
  const client = new PostgresPrismaClient({
    adapter: new PrismaPg({ connectionString: databaseUrl }),
    log: [{ emit: 'event', level: 'query' }],
  });
  client.$on('query', onQuery);

  return client as unknown as Db;
};

/** The query plan of a statement, as text. */
const explain = async (query: string, params: unknown[]): Promise<string> => {
  if (onSqlite) {
    const plan = await db.$queryRawUnsafe<{ detail: string }[]>(`EXPLAIN QUERY PLAN ${query}`, ...params);

    return plan.map((step) => step.detail).join('\n');
  }
  const plan = await db.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${query}`, ...params);

  return plan.map((line) => line['QUERY PLAN']).join('\n');
};

describe(`getTenantActivity over ${BIG_REQUESTS.toLocaleString('en')} requests (${onSqlite ? 'SQLite' : 'PostgreSQL'})`, () => {
  const SPAN_MS = 14 * 24 * 3600 * 1000;
  const STATUSES: RequestStatus[] = [
    ...Array<RequestStatus>(10).fill('redeemed'),
    ...Array<RequestStatus>(3).fill('approved'),
    ...Array<RequestStatus>(2).fill('denied'),
    ...Array<RequestStatus>(2).fill('expired'),
    'cancelled',
    ...Array<RequestStatus>(2).fill('pending'),
  ];
  /** Request i: created `i × 14 days ÷ N` before NOW, status STATUSES[i % 20], expires after 300 s, decided after 1 + i % 97 s. */
  const createdMsOf = (i: number) => NOW.getTime() - Math.floor((i * SPAN_MS) / BIG_REQUESTS);
  const isDecided = (status: RequestStatus) => ['redeemed', 'approved', 'denied', 'cancelled'].includes(status);
  let bigTenantId: string;

  beforeAll(async () => {
    bigTenantId = (await createTenant(db, CLI_PRINCIPAL, { slug: 'big', name: 'Big' })).id;
    const client = await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'big', metadata: { client_name: 'Big app' } });
    const clientId = (await db.client.findUniqueOrThrow({ where: { clientId: client.client_id } })).id;
    const userId = (await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'big', email: 'big@example.com' })).id;
    const status = `CASE ${STATUSES.map((value, index) => `WHEN i % 20 = ${index} THEN '${value}'`).join(' ')} END`;
    const decided = `i % 20 < 15 OR i % 20 = 17`;
    // One statement each: UUIDv7 ids made from each creation time (48 bits of milliseconds), as bc-authorize makes them.
    if (onSqlite) {
      const time = (ms: string) => `strftime('%Y-%m-%dT%H:%M:%f', (${ms}) / 1000.0, 'unixepoch') || '+00:00'`;
      await db.$executeRawUnsafe(
        `INSERT INTO "BackchannelRequest" ("id", "tenantId", "clientId", "userId", "authReqIdHash", "scope", "status", "interval", "expiresAt", "createdAt", "decidedAt")
         WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ${BIG_REQUESTS - 1}),
           t AS (SELECT i, ${NOW.getTime()} - (i * ${SPAN_MS} / ${BIG_REQUESTS}) AS ms FROM seq)
         SELECT printf('%08x-%04x-7%03x-%04x-%012x', ms >> 16, ms & 65535, i & 4095, 32768 | ((i >> 12) & 16383), i),
           ?, ?, ?, 'hash-' || i, 'openid', ${status}, 5, ${time('ms + 300000')}, ${time('ms')},
           CASE WHEN ${decided} THEN ${time('ms + 1000 + (i % 97) * 1000')} END
         FROM t`,
        bigTenantId,
        clientId,
        userId,
      );
    } else {
      const time = (ms: string) => `(to_timestamp((${ms}) / 1000.0) AT TIME ZONE 'UTC')`;
      await db.$executeRawUnsafe(
        `INSERT INTO "BackchannelRequest" ("id", "tenantId", "clientId", "userId", "authReqIdHash", "scope", "status", "interval", "expiresAt", "createdAt", "decidedAt")
         SELECT lpad(to_hex(ms >> 16), 8, '0') || '-' || lpad(to_hex(ms & 65535), 4, '0') || '-7' || lpad(to_hex(i & 4095), 3, '0')
             || '-' || to_hex(32768 | ((i >> 12) & 16383)) || '-' || lpad(to_hex(i), 12, '0'),
           $1, $2, $3, 'hash-' || i, 'openid', (${status})::"RequestStatus", 5, ${time('ms + 300000')}, ${time('ms')},
           CASE WHEN ${decided} THEN ${time('ms + 1000 + (i % 97) * 1000')} END
         FROM (SELECT i, ${NOW.getTime()}::bigint - (i::bigint * ${SPAN_MS} / ${BIG_REQUESTS}) AS ms
               FROM generate_series(0, ${BIG_REQUESTS - 1}) AS i) AS t`,
        bigTenantId,
        clientId,
        userId,
      );
      await db.$executeRawUnsafe('ANALYZE "BackchannelRequest"');
    }
  }, 600_000);

  /** What the window of `range` must hold, computed here from the same formula. */
  const expected = (from: Date) => {
    const totals = { started: 0, pending: 0, approved: 0, denied: 0, expired: 0, cancelled: 0 };
    const durations: number[] = [];
    for (let i = 0; i < BIG_REQUESTS; i += 1) {
      const created = createdMsOf(i);
      if (created < from.getTime()) break;
      const stored = STATUSES[i % 20];
      const unfinished = stored === 'pending' || stored === 'approved';
      const status = unfinished && created + 300_000 <= NOW.getTime() ? 'expired' : stored === 'redeemed' ? 'approved' : stored;
      totals.started += 1;
      totals[status as keyof typeof totals] += 1;
      if (isDecided(stored) && stored !== 'cancelled') durations.push(1000 + (i % 97) * 1000);
    }
    durations.sort((a, b) => a - b);
    const percentile = (fraction: number) => {
      const position = fraction * (durations.length - 1);
      const low = durations[Math.floor(position)];

      return Math.round(low + (durations[Math.ceil(position)] - low) * (position - Math.floor(position)));
    };

    return {
      totals,
      time_to_decide: { decided: durations.length, median_ms: percentile(0.5), p95_ms: percentile(0.95), exact: true },
    };
  };

  it.each(['hour', 'day', 'week'] as const)('aggregates the %s exactly', async (range) => {
    const activity = await getTenantActivity(db, CLI_PRINCIPAL, { tenantSlug: 'big', range, now: NOW });
    const { totals, time_to_decide } = expected(new Date(activity.from));

    expect(activity.totals).toEqual({ ...totals, notification_failures: 0 });
    expect(activity.time_to_decide).toEqual(time_to_decide);
    expect(activity.buckets.reduce((sum, bucket) => sum + bucket.started, 0)).toBe(totals.started);
    expect(activity.top_clients).toEqual([expect.objectContaining({ client_name: 'Big app', started: totals.started })]);
  });

  it('reads only the window, on the (tenantId, id) index', async () => {
    const queries: { query: string; params: string }[] = [];
    const logged = loggingClient((event) => queries.push(event));
    try {
      for (const range of ['hour', 'day', 'week'] as const) {
        queries.length = 0;
        await getTenantActivity(logged, CLI_PRINCIPAL, { tenantSlug: 'big', range, now: NOW });
        const windowQueries = queries.filter(({ query }) => /FROM "BackchannelRequest" WHERE "tenantId" = /.test(query));
        // The counts, and the ranks of the durations for the percentiles.
        expect(windowQueries).toHaveLength(2);
        for (const { query, params } of windowQueries) {
          const plan = await explain(query, JSON.parse(params) as unknown[]);
          if (onSqlite) {
            expect(plan).toMatch(
              /SEARCH BackchannelRequest USING INDEX BackchannelRequest_tenantId_id_idx \(tenantId=\? AND id>\? AND id<\?\)/,
            );
            expect(plan).not.toMatch(/\bSCAN BackchannelRequest\b/);
          } else if (range !== 'week') {
            // Either id-ordered index bounds the read to the window (the primary key, then the tenant as a filter, when
            // the statistics favour it). A week here is half of the table: PostgreSQL may rightly read it sequentially.
            expect(plan).toMatch(/Index Cond: .*\(id >= '[^']+'::text\) AND \(id < '[^']+'::text\)/);
            expect(plan).not.toMatch(/Seq Scan/);
          }
        }
      }
    } finally {
      await logged.$disconnect();
    }
  });
  describe('once its ended, final half-hours are sealed', () => {
    beforeAll(async () => {
      await sealActivitySlots(db, { now: NOW, tenantId: bigTenantId, maxSlots: 7 * 48 });
    }, 600_000);

    it.each(['day', 'week'] as const)('gives the %s the same counts, and percentiles within 1 %%', async (range) => {
      const activity = await getTenantActivity(db, CLI_PRINCIPAL, { tenantSlug: 'big', range, now: NOW });
      const { totals, time_to_decide } = expected(new Date(activity.from));

      expect(activity.totals).toEqual({ ...totals, notification_failures: 0 });
      expect(activity.buckets.reduce((sum, bucket) => sum + bucket.started, 0)).toBe(totals.started);
      expect(activity.top_clients).toEqual([expect.objectContaining({ client_name: 'Big app', started: totals.started })]);
      expect(activity.time_to_decide).toMatchObject({ decided: time_to_decide.decided, exact: false });
      for (const key of ['median_ms', 'p95_ms'] as const)
        expect(Math.abs(activity.time_to_decide[key]! - time_to_decide[key])).toBeLessThanOrEqual(time_to_decide[key] * 0.01);
    });

    it('reads from requests only the slots not sealed yet: the last hour or so, on the (tenantId, id) index', async () => {
      const queries: LoggedQuery[] = [];
      const logged = loggingClient((event) => queries.push(event));
      try {
        for (const range of ['day', 'week'] as const) {
          queries.length = 0;
          await getTenantActivity(logged, CLI_PRINCIPAL, { tenantSlug: 'big', range, now: NOW });
          const windowQueries = queries.filter(({ query }) => /FROM "BackchannelRequest" WHERE "tenantId" = /.test(query));
          // The counts, and the durations for the percentiles, of one span: from 12:00 (12:00–12:30 ends,
          // with the grace, at 12:35, after NOW; every earlier slot is final) up to NOW.
          expect(windowQueries).toHaveLength(2);
          for (const { query, params } of windowQueries) {
            const values = JSON.parse(params) as unknown[];
            expect(values).toContain(minTimeOrderedId(new Date('2026-03-10T12:00:00.000Z')));
            const plan = await explain(query, values);
            if (onSqlite) expect(plan).toMatch(/SEARCH BackchannelRequest USING INDEX BackchannelRequest_tenantId_id_idx/);
            else expect(plan).not.toMatch(/Seq Scan/);
          }
        }
      } finally {
        await logged.$disconnect();
      }
    });
  });
});
