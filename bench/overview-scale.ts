// The console overview at scale (`npm run bench:overview [-- --pg] [--requests=N] [--runs=N]`):
// loads N requests (default 1,000,000) spread over the last 14 days into a
// fresh database (a temporary SQLite file, or a new database on
// TEST_POSTGRES_URL's server with --pg), then times getTenantActivity for the
// hour, day and week — first with nothing sealed (every request read), then
// after background work's sealing of the week's half-hours has caught up (it
// times that too). Not a test: it prints figures, it asserts nothing.
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { ACTIVITY_RANGES, getTenantActivity } from '@/lib/admin/get-tenant-activity';
import { SEAL_BATCH_SLOTS, sealActivitySlots } from '@/lib/admin/seal-activity-slots';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { useTestDatabase } from '@/lib/testing/test-database';

const argument = (name: string): string | undefined =>
  process.argv.find((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`))?.split('=')[1] ?? undefined;
const onPostgres = process.argv.includes('--pg');
const REQUESTS = Number(argument('requests') ?? 1_000_000);
const RUNS = Number(argument('runs') ?? 5);
const SPAN_MS = 14 * 24 * 3600 * 1000;
const CLIENTS = 3;

/** Request i's stored status: 50 % redeemed, 15 % approved, 10 % denied, 10 % expired, 5 % cancelled, 10 % pending. */
const STATUSES = [
  ...Array<string>(10).fill('redeemed'),
  ...Array<string>(3).fill('approved'),
  ...Array<string>(2).fill('denied'),
  ...Array<string>(2).fill('expired'),
  'cancelled',
  ...Array<string>(2).fill('pending'),
];

/**
 * One statement: request i is created i × 14 days ÷ N before `now`, expires
 * 300 s later, is decided (unless expired or pending) 1–120 s after it was
 * created, by client i % CLIENTS; UUIDv7 ids from the creation time, as
 * bc-authorize makes them.
 */
const loadRequests = async (db: Db, tenantId: string, clientIds: string[], userId: string, now: number) => {
  const status = `CASE ${STATUSES.map((value, index) => `WHEN i % 20 = ${index} THEN '${value}'`).join(' ')} END`;
  const client = `CASE ${clientIds.map((id, index) => `WHEN i % ${CLIENTS} = ${index} THEN '${id}'`).join(' ')} END`;
  const decided = 'i % 20 < 15 OR i % 20 = 17';
  const decideMs = '1000 + ((i % 119000) * 7919) % 119000';
  if (!onPostgres) {
    const time = (ms: string) => `strftime('%Y-%m-%dT%H:%M:%f', (${ms}) / 1000.0, 'unixepoch') || '+00:00'`;
    await db.$executeRawUnsafe(
      `INSERT INTO "BackchannelRequest" ("id", "tenantId", "clientId", "userId", "authReqIdHash", "scope", "status", "interval", "expiresAt", "createdAt", "decidedAt")
       WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ${REQUESTS - 1}),
         t AS (SELECT i, ${now} - (i * ${SPAN_MS} / ${REQUESTS}) AS ms FROM seq)
       SELECT printf('%08x-%04x-7%03x-%04x-%012x', ms >> 16, ms & 65535, i & 4095, 32768 | ((i >> 12) & 16383), i),
         ?, ${client}, ?, 'hash-' || i, 'openid', ${status}, 5, ${time('ms + 300000')}, ${time('ms')},
         CASE WHEN ${decided} THEN ${time(`ms + ${decideMs}`)} END
       FROM t`,
      tenantId,
      userId,
    );

    return;
  }
  const time = (ms: string) => `(to_timestamp((${ms}) / 1000.0) AT TIME ZONE 'UTC')`;
  await db.$executeRawUnsafe(
    `INSERT INTO "BackchannelRequest" ("id", "tenantId", "clientId", "userId", "authReqIdHash", "scope", "status", "interval", "expiresAt", "createdAt", "decidedAt")
     SELECT lpad(to_hex(ms >> 16), 8, '0') || '-' || lpad(to_hex(ms & 65535), 4, '0') || '-7' || lpad(to_hex(i & 4095), 3, '0')
         || '-' || to_hex(32768 | ((i >> 12) & 16383)) || '-' || lpad(to_hex(i), 12, '0'),
       $1, ${client}, $2, 'hash-' || i, 'openid', (${status})::"RequestStatus", 5, ${time('ms + 300000')}, ${time('ms')},
       CASE WHEN ${decided} THEN ${time(`ms + ${decideMs}`)} END
     FROM (SELECT i, ${now}::bigint - (i::bigint * ${SPAN_MS} / ${REQUESTS}) AS ms
           FROM generate_series(0, ${REQUESTS - 1}) AS i) AS t`,
    tenantId,
    userId,
  );
  await db.$executeRawUnsafe('ANALYZE "BackchannelRequest"');
};

const seconds = (started: number) => ((performance.now() - started) / 1000).toFixed(1);

const timeRanges = async (db: Db, label: string) => {
  console.log(`  ${label}:`);
  for (const range of ACTIVITY_RANGES) {
    const times: number[] = [];
    let started = 0;
    let exact = true;
    for (let run = 0; run < RUNS; run += 1) {
      const runStarted = performance.now();
      const activity = await getTenantActivity(db, CLI_PRINCIPAL, { tenantSlug: 'big', range });
      times.push(performance.now() - runStarted);
      started = activity.totals.started;
      exact = activity.time_to_decide.exact;
    }
    times.sort((a, b) => a - b);
    console.log(
      `    ${range.padEnd(4)} (${started.toLocaleString('en').padStart(7)} requests, percentiles ${exact ? 'exact' : 'within 1 %'}): ` +
        `median ${times[Math.floor(times.length / 2)].toFixed(0)} ms, min ${times[0].toFixed(0)}, max ${times.at(-1)!.toFixed(0)} (${RUNS} runs)`,
    );
  }
};

const main = async () => {
  if (onPostgres) process.env.TEST_POSTGRES_URL ??= 'postgresql://postgres@127.0.0.1:5432/postgres';
  else delete process.env.TEST_POSTGRES_URL;
  const { db, cleanup } = await useTestDatabase();
  try {
    const { id: tenantId } = await createTenant(db, CLI_PRINCIPAL, { slug: 'big', name: 'Big' });
    const clientIds: string[] = [];
    for (let index = 0; index < CLIENTS; index += 1) {
      const created = await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'big', metadata: { client_name: `App ${index}` } });
      clientIds.push((await db.client.findUniqueOrThrow({ where: { clientId: created.client_id } })).id);
    }
    const { id: userId } = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'big', email: 'big@example.com' });
    const loadStarted = performance.now();
    await loadRequests(db, tenantId, clientIds, userId, Date.now());
    console.log(
      `${onPostgres ? 'PostgreSQL' : 'SQLite'}: ${REQUESTS.toLocaleString('en')} requests over 14 days loaded in ${seconds(loadStarted)} s`,
    );

    await timeRanges(db, 'nothing sealed');
    const sealStarted = performance.now();
    let batches = 0;
    while ((await sealActivitySlots(db)) > 0) batches += 1;
    const slots = await db.activitySlot.count();
    console.log(
      `  sealed ${slots} half-hours in ${seconds(sealStarted)} s (${batches} batches of at most ${SEAL_BATCH_SLOTS}, as background work runs them, one a minute)`,
    );
    await timeRanges(db, 'sealed');
  } finally {
    await cleanup();
  }
};

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
