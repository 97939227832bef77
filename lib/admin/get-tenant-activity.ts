import { z } from 'zod';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import {
  bucketOf,
  countsByStatusNow,
  decideMs,
  requestsBetween,
  timeParameter,
  toNumber,
  USER_DECIDED,
  type Dialect,
  type SqlNumber,
} from '@/lib/admin/activity-sql';
import { ACTIVITY_SLOT_MS } from '@/lib/admin/activity-slots';
import {
  addDecideTime,
  addStoredDecideTimes,
  decideTimePercentiles,
  percentileRanks,
  type DecideTimeHistogram,
} from '@/lib/admin/decide-time-histogram';
import { planActivityReads, type ActivityReadPlan, type TimeSpan } from '@/lib/admin/plan-activity-reads';
import { getEnv } from '@/lib/env';
import { Prisma } from '@/lib/generated/sqlite/client';
import { minTimeOrderedId } from '@/lib/ids/time-ordered-id';

/** The windows the overview shows, each cut into buckets of one size, aligned to UTC. */
export const ACTIVITY_RANGES = ['hour', 'day', 'week'] as const;
export type ActivityRange = (typeof ACTIVITY_RANGES)[number];

const MINUTE_MS = 60_000;

/** hour: 60 one-minute buckets; day: 48 half-hours; week: 28 quarter-days (00, 06, 12, 18 UTC). */
export const ACTIVITY_BUCKETS: Record<ActivityRange, { bucketMs: number; count: number }> = {
  hour: { bucketMs: MINUTE_MS, count: 60 },
  day: { bucketMs: 30 * MINUTE_MS, count: 48 },
  week: { bucketMs: 360 * MINUTE_MS, count: 28 },
};

/** How many clients the overview ranks (by requests started; ties by client). */
export const TOP_CLIENTS = 5;

/** The query of a tenant's activity: the window. */
export const ZGetTenantActivitySchema = z
  .strictObject({
    range: z.enum(ACTIVITY_RANGES, { error: `must be one of ${ACTIVITY_RANGES.join(', ')}` }).default('day'),
  })
  .meta({ title: 'TenantActivityQuery' });
export type TGetTenantActivity = z.input<typeof ZGetTenantActivitySchema>;

export type GetTenantActivityOptions = {
  tenantSlug: string;
  /** The moment the window ends in (default: now); the expiry rule is applied at this moment too. */
  now?: Date;
} & TGetTenantActivity;

/**
 * Requests by their status now (a pending or approved request past its expiry
 * counts as expired, as everywhere: isRequestExpired). `approved` includes the
 * redeemed ones; `pending` is what still waits for the user.
 */
export type ActivityCounts = {
  started: number;
  pending: number;
  approved: number;
  denied: number;
  expired: number;
  cancelled: number;
};

export type ActivityBucket = ActivityCounts & {
  /** The bucket's first instant (ISO-8601, UTC); it lasts `bucket_seconds`. */
  start: string;
  /** Approval emails that failed for good in this bucket (by when they failed). */
  notification_failures: number;
};

export type ActivityClient = ActivityCounts & { client_id: string; client_name: string };

/** A tenant's CIBA activity over one window, for the console's overview (and any other door). */
export type TenantActivity = {
  range: ActivityRange;
  bucket_seconds: number;
  /** The buckets span [from, to): `to` is the end of the bucket `now` falls in (that bucket is still filling). */
  from: string;
  to: string;
  /** Every bucket of the window, oldest first, empty ones as zeros. */
  buckets: ActivityBucket[];
  totals: ActivityCounts & { notification_failures: number };
  /**
   * Shares of the requests that are no longer pending (started − pending), from
   * 0 to 1; null while none is. They add up to 1.
   */
  rates: { approved: number | null; denied: number | null; expired: number | null; cancelled: number | null };
  /**
   * decidedAt − createdAt of the requests the user approved or denied
   * (whatever happened after: redeemed, or expired unredeemed), in
   * milliseconds; median and 95th percentile interpolated linearly between
   * the nearest ranks (PostgreSQL's percentile_cont). Null when none.
   * `exact` when computed from every duration (no sealed slot in the window:
   * always for the hour); otherwise from sealed slots' histograms, each
   * within 1 % of the exact value. `decided` is always exact.
   */
  time_to_decide: { decided: number; median_ms: number | null; p95_ms: number | null; exact: boolean };
  /** The clients that started the most requests in the window, at most TOP_CLIENTS, most first. */
  top_clients: ActivityClient[];
};

/**
 * What every statement shares: the tenant, the window's first instant and
 * `now`, its last (the last bucket is still filling: nothing after now is
 * counted), and the buckets' size.
 */
type Window = { tenantId: string; from: Date; now: Date; bucketMs: number };

/** Requests created in a span of the window: an id range (ids are UUIDv7 from the creation time). */
const requestsIn = (window: Window, span: TimeSpan): Prisma.Sql =>
  requestsBetween(window.tenantId, minTimeOrderedId(new Date(span.from)), minTimeOrderedId(new Date(span.to)));

type CountsRow = Record<keyof ActivityCounts, SqlNumber>;
type CountsByBucketAndClient = CountsRow & { bucket: SqlNumber; clientId: string; decided: SqlNumber };

const toCounts = (row: CountsRow | undefined): ActivityCounts => ({
  started: toNumber(row?.started ?? 0),
  pending: toNumber(row?.pending ?? 0),
  approved: toNumber(row?.approved ?? 0),
  denied: toNumber(row?.denied ?? 0),
  expired: toNumber(row?.expired ?? 0),
  cancelled: toNumber(row?.cancelled ?? 0),
});

const addCounts = (a: ActivityCounts, b: ActivityCounts): ActivityCounts => ({
  started: a.started + b.started,
  pending: a.pending + b.pending,
  approved: a.approved + b.approved,
  denied: a.denied + b.denied,
  expired: a.expired + b.expired,
  cancelled: a.cancelled + b.cancelled,
});

/**
 * One pass over a span of requests: a row per bucket and client with
 * requests (at most buckets × the tenant's active clients), the counts and
 * how many the user decided. The top clients are summed from the same rows.
 */
const selectRequestCounts = (db: Db, dialect: Dialect, window: Window, span: TimeSpan) =>
  db.$queryRaw<CountsByBucketAndClient[]>`
    SELECT ${bucketOf(dialect, Prisma.sql`"createdAt"`, window)} AS "bucket", "clientId",
      ${countsByStatusNow(dialect, window.now)},
      COUNT(*) FILTER (WHERE ${USER_DECIDED}) AS "decided"
    ${requestsIn(window, span)}
    GROUP BY 1, 2`;

/** Which rollups: the tenant's sealed slots in these spans (on the primary key). */
const rollupsWhere = (dialect: Dialect, window: Window, spans: TimeSpan[]): Prisma.Sql =>
  Prisma.sql`WHERE "tenantId" = ${window.tenantId} AND (${Prisma.join(
    spans.map(
      (span) =>
        Prisma.sql`("slotStart" >= ${timeParameter(dialect, new Date(span.from))} AND "slotStart" < ${timeParameter(dialect, new Date(span.to))})`,
    ),
    ' OR ',
  )})`;

/** The same rows as selectRequestCounts, summed from sealed slots (none of which has a pending request). */
const selectRollupCounts = (db: Db, dialect: Dialect, window: Window, spans: TimeSpan[]) =>
  db.$queryRaw<CountsByBucketAndClient[]>`
    SELECT ${bucketOf(dialect, Prisma.sql`"slotStart"`, window)} AS "bucket", "clientId",
      SUM("started") AS "started", 0 AS "pending", SUM("approved") AS "approved", SUM("denied") AS "denied",
      SUM("expired") AS "expired", SUM("cancelled") AS "cancelled", SUM("decided") AS "decided"
    FROM "ActivityRollup" ${rollupsWhere(dialect, window, spans)}
    GROUP BY 1, 2`;

/** The window's slots sealed by `now` (indices from its first instant), on the primary key. */
const selectSealedSlots = async (db: Db, dialect: Dialect, window: Window, to: Date): Promise<Set<number>> => {
  const rows = await db.$queryRaw<{ slot: SqlNumber }[]>`
    SELECT ${bucketOf(dialect, Prisma.sql`"slotStart"`, { from: window.from, bucketMs: ACTIVITY_SLOT_MS })} AS "slot"
    FROM "ActivitySlot"
    WHERE "tenantId" = ${window.tenantId}
      AND "slotStart" >= ${timeParameter(dialect, window.from)} AND "slotStart" < ${timeParameter(dialect, to)}
      AND "sealedAt" <= ${timeParameter(dialect, window.now)}`;

  return new Set(rows.map((row) => toNumber(row.slot)));
};

type DecideTimes = { median: number | null; p95: number | null };

/**
 * Median and 95th percentile of the time to decide, exactly, over one span of
 * requests. PostgreSQL: percentile_cont. SQLite has none: the decided
 * requests' durations are ranked once (one sort of a single integer per
 * decided request) and only the four values at the ranks the percentiles
 * need come back.
 */
const selectExactDecideTimes = async (
  db: Db,
  dialect: Dialect,
  window: Window,
  span: TimeSpan,
  decided: number,
): Promise<DecideTimes> => {
  if (dialect === 'postgres') {
    const [row] = await db.$queryRaw<{ median: SqlNumber; p95: SqlNumber }[]>`
      SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ${decideMs(dialect)}) AS "median",
        percentile_cont(0.95) WITHIN GROUP (ORDER BY ${decideMs(dialect)}) AS "p95"
      ${requestsIn(window, span)} AND ${USER_DECIDED}`;

    return { median: Math.round(toNumber(row.median)), p95: Math.round(toNumber(row.p95)) };
  }
  const median = percentileRanks(decided, 0.5);
  const p95 = percentileRanks(decided, 0.95);
  const ranks = [median.low, median.high, p95.low, p95.high];
  const rows = await db.$queryRaw<{ rank: SqlNumber; ms: SqlNumber }[]>`
    SELECT "rank", "ms" FROM (
      SELECT ${decideMs(dialect)} AS "ms", ROW_NUMBER() OVER (ORDER BY ${decideMs(dialect)}) AS "rank"
      ${requestsIn(window, span)} AND ${USER_DECIDED}
    ) WHERE "rank" IN (${Prisma.join(ranks)})`;
  const valueAt = new Map(rows.map((row) => [toNumber(row.rank), toNumber(row.ms)]));
  const interpolate = ({ low, high, weight }: ReturnType<typeof percentileRanks>) => {
    const lower = valueAt.get(low) ?? 0;

    return Math.round(lower + ((valueAt.get(high) ?? lower) - lower) * weight);
  };

  return { median: interpolate(median), p95: interpolate(p95) };
};

/**
 * Median and 95th percentile of the time to decide, each within 1 %: the
 * sealed slots' histograms merged with the raw spans' durations, binned alike.
 */
const estimateDecideTimes = async (db: Db, dialect: Dialect, window: Window, plan: ActivityReadPlan): Promise<DecideTimes> => {
  const [stored, durations] = await Promise.all([
    db.$queryRaw<{ decideTimes: string }[]>`
      SELECT "decideTimes" FROM "ActivityRollup" ${rollupsWhere(dialect, window, plan.sealed)} AND "decided" > 0`,
    Promise.all(
      plan.raw.map(
        (span) => db.$queryRaw<{ ms: SqlNumber; count: SqlNumber }[]>`
          SELECT ${decideMs(dialect)} AS "ms", COUNT(*) AS "count"
          ${requestsIn(window, span)} AND ${USER_DECIDED}
          GROUP BY 1`,
      ),
    ),
  ]);
  const histogram: DecideTimeHistogram = [];
  for (const { decideTimes } of stored) addStoredDecideTimes(histogram, decideTimes);
  for (const { ms, count } of durations.flat()) addDecideTime(histogram, toNumber(ms), toNumber(count));
  const [median, p95] = decideTimePercentiles(histogram, [0.5, 0.95]);

  return { median, p95 };
};

/**
 * Approval emails that failed for good, per bucket, from the outbox (the
 * record of what was sent), not from `ciba_notification_failed` events, which
 * are pruned after EVENT_RETENTION_DAYS (as little as a day). A message is
 * settled failed with `availableAt` = `finishedAt` = the moment it failed
 * (protocol-store settlementRows), so the existing (status, availableAt)
 * index reads exactly the failed messages of the window, of every tenant;
 * failures are few, and the tenant is checked on those rows only.
 */
const selectNotificationFailures = (db: Db, dialect: Dialect, window: Window) =>
  db.$queryRaw<{ bucket: SqlNumber; failures: SqlNumber }[]>`
    SELECT ${bucketOf(dialect, Prisma.sql`"availableAt"`, window)} AS "bucket", COUNT(*) AS "failures"
    FROM "OutboxMessage"
    WHERE "status" = 'failed'
      AND "availableAt" >= ${timeParameter(dialect, window.from)} AND "availableAt" <= ${timeParameter(dialect, window.now)}
      AND "tenantId" = ${window.tenantId}
    GROUP BY 1`;

const share = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

/**
 * A tenant's CIBA activity over the last hour, day or week, in buckets:
 * requests by outcome (the status now), rates, time to decide, notification
 * failures and the busiest clients. Aggregated in the database (a few hundred
 * rows at most come back), on the (tenantId, id) index of requests and the
 * (status, availableAt) index of the outbox. A day or week sums the rollups
 * of its sealed half-hours (sealActivitySlots: every request in them final,
 * so their counts are what a read of their requests would give) and reads
 * the requests of the others — typically the last hour or so — as the hour
 * view reads all of its own.
 *
 * @throws AdminError `invalid_input` for an unknown range; `not_found` for an unknown tenant; `forbidden` for one out of reach.
 */
export const getTenantActivity = async (
  db: Db,
  principal: Principal,
  options: GetTenantActivityOptions,
): Promise<TenantActivity> => {
  const { tenantSlug, now = new Date(), ...query } = options;
  const tenant = await requireTenantAccess(db, principal, tenantSlug);
  const { range } = parseInputOrThrow(ZGetTenantActivitySchema, query);
  const dialect = getEnv().databaseKind;
  const { bucketMs, count } = ACTIVITY_BUCKETS[range];
  const to = new Date((Math.floor(now.getTime() / bucketMs) + 1) * bucketMs);
  const from = new Date(to.getTime() - count * bucketMs);
  const window: Window = { tenantId: tenant.id, from, now, bucketMs };
  // The hour's minutes are finer than a slot: read raw. A day's or week's buckets are whole slots.
  const plan: ActivityReadPlan =
    range === 'hour'
      ? { raw: [{ from: from.getTime(), to: now.getTime() + 1 }], sealed: [] }
      : planActivityReads({
          from: from.getTime(),
          now: now.getTime(),
          slotMs: ACTIVITY_SLOT_MS,
          slotCount: (count * bucketMs) / ACTIVITY_SLOT_MS,
          sealed: await selectSealedSlots(db, dialect, window, to),
        });

  const [rawRows, rollupRows, failureRows] = await Promise.all([
    Promise.all(plan.raw.map((span) => selectRequestCounts(db, dialect, window, span))),
    plan.sealed.length === 0 ? [] : selectRollupCounts(db, dialect, window, plan.sealed),
    selectNotificationFailures(db, dialect, window),
  ]);
  const requestRows = [...rawRows.flat(), ...rollupRows];
  const decided = requestRows.reduce((sum, row) => sum + toNumber(row.decided), 0);
  const byClient = new Map<string, ActivityCounts>();
  for (const row of requestRows)
    byClient.set(row.clientId, addCounts(byClient.get(row.clientId) ?? toCounts(undefined), toCounts(row)));
  const topClientIds = [...byClient.entries()]
    .sort(([idA, a], [idB, b]) => b.started - a.started || (idA < idB ? -1 : 1))
    .slice(0, TOP_CLIENTS)
    .map(([id]) => id);
  // Nothing sealed: the window is one raw span, and its percentiles exact.
  const exact = plan.sealed.length === 0;
  const [decideTimes, clients] = await Promise.all([
    decided === 0
      ? { median: null, p95: null }
      : exact
        ? selectExactDecideTimes(db, dialect, window, plan.raw[0], decided)
        : estimateDecideTimes(db, dialect, window, plan),
    db.client.findMany({
      where: { tenantId: tenant.id, id: { in: topClientIds } },
      select: { id: true, clientId: true, name: true },
    }),
  ]);

  // A row's createdAt and id agree (bc-authorize makes the id from the creation time); clamped all the same.
  const indexOf = (bucket: SqlNumber) => Math.min(count - 1, Math.max(0, toNumber(bucket)));
  const buckets: ActivityBucket[] = Array.from({ length: count }, (_, index) => ({
    start: new Date(from.getTime() + index * bucketMs).toISOString(),
    ...toCounts(undefined),
    notification_failures: 0,
  }));
  for (const row of requestRows) {
    const index = indexOf(row.bucket);
    buckets[index] = { ...buckets[index], ...addCounts(buckets[index], toCounts(row)) };
  }
  for (const row of failureRows) buckets[indexOf(row.bucket)].notification_failures += toNumber(row.failures);

  const totals = buckets.reduce(
    (sum, bucket) => ({
      started: sum.started + bucket.started,
      pending: sum.pending + bucket.pending,
      approved: sum.approved + bucket.approved,
      denied: sum.denied + bucket.denied,
      expired: sum.expired + bucket.expired,
      cancelled: sum.cancelled + bucket.cancelled,
      notification_failures: sum.notification_failures + bucket.notification_failures,
    }),
    { ...toCounts(undefined), notification_failures: 0 },
  );
  const finished = totals.started - totals.pending;
  const clientById = new Map(clients.map((client) => [client.id, client]));

  return {
    range,
    bucket_seconds: bucketMs / 1000,
    from: from.toISOString(),
    to: to.toISOString(),
    buckets,
    totals,
    rates: {
      approved: share(totals.approved, finished),
      denied: share(totals.denied, finished),
      expired: share(totals.expired, finished),
      cancelled: share(totals.cancelled, finished),
    },
    time_to_decide: { decided, median_ms: decideTimes.median, p95_ms: decideTimes.p95, exact },
    top_clients: topClientIds.flatMap((id) => {
      const client = clientById.get(id);
      const counts = byClient.get(id);

      return client && counts ? [{ client_id: client.clientId, client_name: client.name, ...counts }] : [];
    }),
  };
};
