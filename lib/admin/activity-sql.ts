/**
 * The SQL the overview's reads (getTenantActivity) and the sealing of slots
 * (sealActivitySlots) share, so that a sealed slot counts exactly what a
 * raw read of its requests would.
 */
import { Prisma } from '@/lib/generated/sqlite/client';
import { toSqliteDate } from '@/lib/store/sql/sqlite-engine';

export type Dialect = 'sqlite' | 'postgres';

/** Numbers come back as number or bigint (PostgreSQL's count), per driver. */
export type SqlNumber = number | bigint | string | null;
export const toNumber = (value: SqlNumber): number => (value === null ? 0 : Number(value));

/** A timestamp as each database compares it with (or stores it in) a DateTime column (UTC wall time on PostgreSQL). */
export const timeParameter = (dialect: Dialect, date: Date): Prisma.Sql =>
  dialect === 'sqlite'
    ? Prisma.sql`${toSqliteDate(date)}`
    : Prisma.sql`CAST(${date.toISOString().slice(0, 23).replace('T', ' ')} AS timestamp(3))`;

/**
 * The bucket (0, 1, …) of `bucketMs` from `from` a DateTime column falls in.
 * Buckets start on whole seconds, so whole seconds decide: SQLite's integer
 * division of integers; PostgreSQL's EXTRACT is exact (numeric).
 */
export const bucketOf = (
  dialect: Dialect,
  column: Prisma.Sql,
  { from, bucketMs }: { from: Date; bucketMs: number },
): Prisma.Sql => {
  const fromSeconds = from.getTime() / 1000;
  const bucketSeconds = bucketMs / 1000;

  return dialect === 'sqlite'
    ? Prisma.sql`((unixepoch(${column}) - CAST(${fromSeconds} AS INTEGER)) / CAST(${bucketSeconds} AS INTEGER))`
    : Prisma.sql`CAST(FLOOR((EXTRACT(EPOCH FROM ${column}) - ${fromSeconds}) / ${bucketSeconds}) AS INTEGER)`;
};

/**
 * A tenant's requests created in [fromId, toId), on the (tenantId, id)
 * index: request ids are UUIDv7 made from the creation time, so a time span
 * is an id range (minTimeOrderedId) and no other index is needed.
 */
export const requestsBetween = (tenantId: string, fromId: string, toId: string): Prisma.Sql =>
  Prisma.sql`FROM "BackchannelRequest" WHERE "tenantId" = ${tenantId} AND "id" >= ${fromId} AND "id" < ${toId}`;

/**
 * Per-outcome counts by the status at `now` (isRequestExpired for `expired`):
 * the SQL twin of ActivityCounts. `approved` includes the redeemed.
 */
export const countsByStatusNow = (dialect: Dialect, now: Date): Prisma.Sql => {
  const at = timeParameter(dialect, now);

  return Prisma.sql`
    COUNT(*) AS "started",
    COUNT(*) FILTER (WHERE "status" = 'pending' AND "expiresAt" > ${at}) AS "pending",
    COUNT(*) FILTER (WHERE "status" = 'redeemed' OR ("status" = 'approved' AND "expiresAt" > ${at})) AS "approved",
    COUNT(*) FILTER (WHERE "status" = 'denied') AS "denied",
    COUNT(*) FILTER (WHERE "status" = 'expired' OR ("status" IN ('pending', 'approved') AND "expiresAt" <= ${at})) AS "expired",
    COUNT(*) FILTER (WHERE "status" = 'cancelled') AS "cancelled"`;
};

/**
 * Requests that can still change at `now`: pending or approved (not yet
 * redeemed) and unexpired. Every other request is final: its status now
 * stays what it is, and so does its decidedAt.
 */
export const unfinishedAt = (dialect: Dialect, now: Date): Prisma.Sql =>
  Prisma.sql`"status" IN ('pending', 'approved') AND "expiresAt" > ${timeParameter(dialect, now)}`;

/**
 * The user decided: decidedAt is written by approve and deny, and by an
 * administrator's cancel (which overwrites it), never by expiry.
 */
export const USER_DECIDED = Prisma.sql`"decidedAt" IS NOT NULL AND "status" <> 'cancelled'`;

/** decidedAt − createdAt in whole milliseconds. */
export const decideMs = (dialect: Dialect): Prisma.Sql =>
  dialect === 'sqlite'
    ? Prisma.sql`CAST(ROUND((unixepoch("decidedAt", 'subsec') - unixepoch("createdAt", 'subsec')) * 1000) AS INTEGER)`
    : Prisma.sql`(EXTRACT(EPOCH FROM ("decidedAt" - "createdAt")) * 1000)`;
