import { timeParameter, toNumber, type SqlNumber } from '@/lib/admin/activity-sql';
import type { Db } from '@/lib/db/client';
import { Prisma } from '@/lib/generated/sqlite/client';
import type { ScrapeReadings } from '@/lib/metrics/registry';
import type { ProtocolStore } from '@/lib/store/protocol-store';

type PendingRow = { slug: string; pending: SqlNumber };
type OutboxRow = { type: string; depth: SqlNumber; oldest: Date | string | null };

/** A DateTime read through a raw aggregate: a Date on PostgreSQL, ISO-8601 text on SQLite. */
const toDate = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));

/**
 * What `/metrics` reads from the database at scrape time, never per request:
 * two grouped statements, run together.
 *
 * - Pending requests per tenant: one `LEFT JOIN … GROUP BY` over every tenant
 *   (0 for a tenant with none, so its series does not vanish), counting the
 *   requests still awaiting a decision (`pending` and not past `expiresAt`: the
 *   isRequestExpired rule) on the (tenantId, status, expiresAt) index.
 * - Outbox depth and the age of the oldest message per type: messages not yet
 *   delivered or failed for good (status `pending`, including those waiting
 *   out a retry back-off), on the (status, availableAt) index.
 * - Pool usage: the request store's PostgreSQL pools, from memory (no query).
 */
export const readScrapeGauges = async (
  db: Db,
  store: Pick<ProtocolStore, 'dialect' | 'poolUsage'>,
  now: Date,
): Promise<ScrapeReadings> => {
  const at = timeParameter(store.dialect, now);
  const [pending, outbox] = await Promise.all([
    db.$queryRaw<PendingRow[]>(Prisma.sql`
      SELECT t."slug" AS "slug", COUNT(r."id") AS "pending"
      FROM "Tenant" t
      LEFT JOIN "BackchannelRequest" r ON r."tenantId" = t."id" AND r."status" = 'pending' AND r."expiresAt" > ${at}
      GROUP BY t."slug"`),
    db.$queryRaw<OutboxRow[]>(Prisma.sql`
      SELECT "type", COUNT(*) AS "depth", MIN("createdAt") AS "oldest"
      FROM "OutboxMessage"
      WHERE "status" = 'pending'
      GROUP BY "type"`),
  ]);

  return {
    pendingByTenant: pending.map((row) => ({ tenant: row.slug, pending: toNumber(row.pending) })),
    outboxByType: outbox.map((row) => {
      const oldest = toDate(row.oldest);

      return {
        type: row.type,
        depth: toNumber(row.depth),
        oldestAgeSeconds: oldest === null ? 0 : Math.max(0, (now.getTime() - oldest.getTime()) / 1000),
      };
    }),
    pools: store.poolUsage(),
  };
};
