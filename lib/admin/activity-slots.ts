/**
 * Sealed half-hours of a tenant's requests (ActivitySlot, ActivityRollup):
 * their timing, and what keeps them true when requests are deleted.
 */
import type { Dialect } from '@/lib/admin/activity-sql';
import type { Db } from '@/lib/db/client';
import { Prisma } from '@/lib/generated/sqlite/client';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** A slot: half an hour, aligned to UTC — the day view's bucket, a twelfth of the week view's. */
export const ACTIVITY_SLOT_MS = 30 * MINUTE_MS;
/** How far back slots are sealed: as far as the week view reaches. */
export const ACTIVITY_SEAL_HORIZON_MS = 7 * DAY_MS;
/** Sealed slots older than this are pruned: a day more than the week view reaches. */
export const ACTIVITY_SLOT_RETENTION_MS = 8 * DAY_MS;
/**
 * A slot is sealed no sooner than this after it ends: a request is stamped
 * with its creator's clock and committed a little later, so a late one may
 * still land in a slot that has just ended.
 */
export const ACTIVITY_SEAL_GRACE_MS = 5 * MINUTE_MS;

/** The first instant of the slot a time (Unix ms) falls in. */
export const slotStartOf = (time: number): number => Math.floor(time / ACTIVITY_SLOT_MS) * ACTIVITY_SLOT_MS;

/** PostgreSQL's advisory lock class for a tenant's slots (the second key is the tenant's hashtext). */
const ACTIVITY_LOCK_CLASS = Prisma.raw('46000');

/**
 * Serialises, until the transaction ends, the sealing of a tenant's slots
 * with the deletion of its requests (unsealUserActivity): without it, on
 * PostgreSQL, a slot could be sealed from requests a concurrent deletion has
 * removed but not yet committed. SQLite's single writer already serialises them.
 */
export const lockTenantActivity = async (tx: Prisma.TransactionClient, dialect: Dialect, tenantId: string) => {
  if (dialect === 'postgres') await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ACTIVITY_LOCK_CLASS}, hashtext(${tenantId}))`;
};

/**
 * Unseals the slots that hold a user's requests, in the transaction that
 * deletes the user and its requests with it, after lockTenantActivity: the
 * sealed counts included them, a raw read no longer would. Reads the user's
 * requests from the tenant's oldest sealed slot on (the (userId, createdAt)
 * index; at most ACTIVITY_SLOT_RETENTION_MS of them, fewer than the deletion
 * itself removes). Background work seals the slots again from what remains.
 */
export const unsealUserActivity = async (
  tx: Prisma.TransactionClient | Db,
  { tenantId, userId }: { tenantId: string; userId: string },
): Promise<void> => {
  const oldest = await tx.activitySlot.findFirst({
    where: { tenantId },
    orderBy: { slotStart: 'asc' },
    select: { slotStart: true },
  });
  if (!oldest) return;
  const requests = await tx.backchannelRequest.findMany({
    where: { userId, createdAt: { gte: oldest.slotStart } },
    select: { createdAt: true },
  });
  const slotStarts = new Set(requests.map(({ createdAt }) => slotStartOf(createdAt.getTime())));
  if (slotStarts.size === 0) return;
  await tx.activitySlot.deleteMany({ where: { tenantId, slotStart: { in: [...slotStarts].map((time) => new Date(time)) } } });
};

/**
 * Deletes sealed slots (and their rollups, which cascade) that started more
 * than ACTIVITY_SLOT_RETENTION_MS before `now`, every tenant's. Resolves to
 * how many. A few rows a tenant per half-hour: one statement.
 */
export const pruneActivitySlots = async (db: Db, now = new Date()): Promise<number> => {
  const { count } = await db.activitySlot.deleteMany({
    where: { slotStart: { lt: new Date(now.getTime() - ACTIVITY_SLOT_RETENTION_MS) } },
  });

  return count;
};
