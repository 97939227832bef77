import {
  countsByStatusNow,
  decideMs,
  requestsBetween,
  timeParameter,
  toNumber,
  unfinishedAt,
  USER_DECIDED,
  type Dialect,
  type SqlNumber,
} from '@/lib/admin/activity-sql';
import {
  ACTIVITY_SEAL_GRACE_MS,
  ACTIVITY_SEAL_HORIZON_MS,
  ACTIVITY_SLOT_MS,
  lockTenantActivity,
  slotStartOf,
} from '@/lib/admin/activity-slots';
import { addDecideTime, serializeDecideTimes, type DecideTimeHistogram } from '@/lib/admin/decide-time-histogram';
import type { Db } from '@/lib/db/client';
import { getEnv } from '@/lib/env';
import { Prisma } from '@/lib/generated/sqlite/client';
import { minTimeOrderedId } from '@/lib/ids/time-ordered-id';
import { UNFINISHED_STATUSES } from '@/lib/store/request-lifecycle';

/** How many slots one call tries to seal, by default (each costs two indexed reads of its half-hour and one short write). */
export const SEAL_BATCH_SLOTS = 48;

export type SealActivitySlotsOptions = {
  /** The moment sealing looks from (default: now). */
  now?: Date;
  /** At most this many slots are tried, oldest first (default SEAL_BATCH_SLOTS); the next call takes the rest. */
  maxSlots?: number;
  /** Only this tenant's slots (default: every tenant's). */
  tenantId?: string;
};

type SlotRef = { tenantId: string; slotStart: number };

type SlotClientRow = {
  clientId: string;
  started: SqlNumber;
  approved: SqlNumber;
  denied: SqlNumber;
  expired: SqlNumber;
  cancelled: SqlNumber;
  decided: SqlNumber;
  unfinished: SqlNumber;
};

/**
 * The slots from the horizon up to the last one ended ACTIVITY_SEAL_GRACE_MS
 * ago that `tenantId` has not sealed and that no waiting request holds open
 * (pending or approved, unexpired: read on the (tenantId, status, expiresAt)
 * index, at most the tenant's pending cap). Held slots are left out here, not
 * tried: slots held by long-lived requests would otherwise fill every batch,
 * oldest first, and newer slots would never seal.
 */
const unsealedSlots = async (db: Db, tenantId: string, now: number): Promise<SlotRef[]> => {
  const first = slotStartOf(now - ACTIVITY_SEAL_HORIZON_MS);
  const last = slotStartOf(now - ACTIVITY_SEAL_GRACE_MS) - ACTIVITY_SLOT_MS;
  const [sealed, waiting] = await Promise.all([
    db.activitySlot.findMany({ where: { tenantId, slotStart: { gte: new Date(first) } }, select: { slotStart: true } }),
    db.backchannelRequest.findMany({
      where: {
        tenantId,
        status: { in: [...UNFINISHED_STATUSES] },
        expiresAt: { gt: new Date(now) },
        createdAt: { gte: new Date(first) },
      },
      select: { createdAt: true },
    }),
  ]);
  const skipped = new Set([
    ...sealed.map(({ slotStart }) => slotStart.getTime()),
    ...waiting.map(({ createdAt }) => slotStartOf(createdAt.getTime())),
  ]);
  const slots: SlotRef[] = [];
  for (let slotStart = first; slotStart <= last; slotStart += ACTIVITY_SLOT_MS)
    if (!skipped.has(slotStart)) slots.push({ tenantId, slotStart });

  return slots;
};

/**
 * Seals one slot if every request created in it is final at `now`: its
 * counts per client (the status now, as getTenantActivity counts them) and
 * the histogram of its decide times are written with the slot's marker, in
 * one transaction, unless the slot is sealed already (insert … on conflict
 * do nothing: idempotent, safe with several instances) or lost requests
 * since they were counted (a deletion). True if this call sealed it.
 */
const sealSlot = async (db: Db, dialect: Dialect, { tenantId, slotStart }: SlotRef, now: Date): Promise<boolean> => {
  const fromId = minTimeOrderedId(new Date(slotStart));
  const toId = minTimeOrderedId(new Date(slotStart + ACTIVITY_SLOT_MS));
  const rows = await db.$queryRaw<SlotClientRow[]>`
    SELECT "clientId", ${countsByStatusNow(dialect, now)},
      COUNT(*) FILTER (WHERE ${USER_DECIDED}) AS "decided",
      COUNT(*) FILTER (WHERE ${unfinishedAt(dialect, now)}) AS "unfinished"
    ${requestsBetween(tenantId, fromId, toId)}
    GROUP BY 1`;
  if (rows.some((row) => toNumber(row.unfinished) > 0)) return false;
  const histograms = new Map<string, DecideTimeHistogram>();
  if (rows.some((row) => toNumber(row.decided) > 0)) {
    const durations = await db.$queryRaw<{ clientId: string; ms: SqlNumber; count: SqlNumber }[]>`
      SELECT "clientId", ${decideMs(dialect)} AS "ms", COUNT(*) AS "count"
      ${requestsBetween(tenantId, fromId, toId)} AND ${USER_DECIDED}
      GROUP BY 1, 2`;
    for (const { clientId, ms, count } of durations) {
      const histogram = histograms.get(clientId) ?? [];
      addDecideTime(histogram, toNumber(ms), toNumber(count));
      histograms.set(clientId, histogram);
    }
  }
  const started = rows.reduce((sum, row) => sum + toNumber(row.started), 0);
  const slotTime = timeParameter(dialect, new Date(slotStart));

  return db.$transaction(async (tx) => {
    await lockTenantActivity(tx, dialect, tenantId);
    const inserted = await tx.$executeRaw`
      INSERT INTO "ActivitySlot" ("tenantId", "slotStart", "sealedAt")
      SELECT ${tenantId}, ${slotTime}, ${timeParameter(dialect, now)}
      WHERE (SELECT COUNT(*) ${requestsBetween(tenantId, fromId, toId)}) = ${started}
      ON CONFLICT DO NOTHING`;
    if (inserted !== 1) return false;
    if (rows.length > 0) {
      const values = rows.map(
        (row) => Prisma.sql`(${tenantId}, ${slotTime}, ${row.clientId}, ${toNumber(row.started)}, ${toNumber(row.approved)},
          ${toNumber(row.denied)}, ${toNumber(row.expired)}, ${toNumber(row.cancelled)}, ${toNumber(row.decided)},
          ${serializeDecideTimes(histograms.get(row.clientId) ?? [])})`,
      );
      await tx.$executeRaw`
        INSERT INTO "ActivityRollup" ("tenantId", "slotStart", "clientId", "started", "approved", "denied", "expired", "cancelled", "decided", "decideTimes")
        VALUES ${Prisma.join(values)}`;
    }

    return true;
  });
};

/**
 * Seals the slots of the last week (ACTIVITY_SEAL_HORIZON_MS) that have ended
 * (plus ACTIVITY_SEAL_GRACE_MS) and whose every request is final — redeemed,
 * denied, cancelled, expired, or pending/approved past expiresAt — oldest
 * first, at most `maxSlots` tries; a slot that is empty is sealed empty. What
 * the overview counts of a sealed slot can no longer change, so it reads
 * the slot's rollups instead of its requests. Background work calls this;
 * any number of instances may. Resolves to how many slots this call sealed.
 */
export const sealActivitySlots = async (db: Db, options: SealActivitySlotsOptions = {}): Promise<number> => {
  const { now = new Date(), maxSlots = SEAL_BATCH_SLOTS, tenantId } = options;
  const dialect = getEnv().databaseKind;
  const tenantIds = tenantId ? [tenantId] : (await db.tenant.findMany({ select: { id: true } })).map(({ id }) => id);
  const candidates: SlotRef[] = [];
  for (const id of tenantIds) candidates.push(...(await unsealedSlots(db, id, now.getTime())));
  candidates.sort((a, b) => a.slotStart - b.slotStart || (a.tenantId < b.tenantId ? -1 : 1));
  let sealed = 0;
  for (const slot of candidates.slice(0, maxSlots)) if (await sealSlot(db, dialect, slot, now)) sealed += 1;

  return sealed;
};
