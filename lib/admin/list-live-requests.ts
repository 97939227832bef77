import { LIVE_REQUEST_VIEW_COLUMNS, toLiveRequestViews, type LiveRequestView } from '@/lib/admin/live-request-view';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { minTimeOrderedId } from '@/lib/ids/time-ordered-id';
import { UNFINISHED_STATUSES } from '@/lib/store/request-lifecycle';

/** The most pending requests the monitor loads (a tenant's default cap on pending requests: Tenant.maxPendingRequests). */
export const LIVE_PENDING_LIMIT = 5_000;
/** The finished requests shown under the pending ones. */
export const LIVE_RECENT_LIMIT = 50;
/** How far before the snapshot the live stream resumes (events that committed just after it were made before it). */
const RESUME_MARGIN_MS = 5_000;

export type LiveRequestsSnapshot = {
  /** Unfinished, unexpired requests, newest first. */
  pending: LiveRequestView[];
  /** True when there were more than LIVE_PENDING_LIMIT (the oldest are left out). */
  pending_truncated: boolean;
  /** The latest finished (or expired) requests, newest first. */
  recent: LiveRequestView[];
  /** The event id the live stream resumes after, so nothing between this read and the stream is missed. */
  resume_after: string;
};

/**
 * What the live monitor starts from: a tenant's pending requests and the
 * latest finished ones, read on the (tenantId, status, expiresAt) and
 * (tenantId, id) indexes; the stream (watch-requests.ts) carries it forward.
 *
 * @throws AdminError `not_found` for an unknown tenant; `forbidden` for one out of reach.
 */
export const listLiveRequests = async (
  db: Db,
  principal: Principal,
  options: { tenantSlug: string },
): Promise<LiveRequestsSnapshot> => {
  const tenant = await requireTenantAccess(db, principal, options.tenantSlug);
  const now = new Date();
  const resumeAfter = minTimeOrderedId(new Date(now.getTime() - RESUME_MARGIN_MS));
  const [pending, recent] = await Promise.all([
    db.backchannelRequest.findMany({
      where: { tenantId: tenant.id, status: { in: [...UNFINISHED_STATUSES] }, expiresAt: { gt: now } },
      select: LIVE_REQUEST_VIEW_COLUMNS,
      orderBy: { id: 'desc' },
      take: LIVE_PENDING_LIMIT + 1,
    }),
    db.backchannelRequest.findMany({
      where: {
        tenantId: tenant.id,
        OR: [{ status: { notIn: [...UNFINISHED_STATUSES] } }, { expiresAt: { lte: now } }],
      },
      select: LIVE_REQUEST_VIEW_COLUMNS,
      orderBy: { id: 'desc' },
      take: LIVE_RECENT_LIMIT,
    }),
  ]);

  return {
    pending: await toLiveRequestViews(db, pending.slice(0, LIVE_PENDING_LIMIT), now),
    pending_truncated: pending.length > LIVE_PENDING_LIMIT,
    recent: await toLiveRequestViews(db, recent, now),
    resume_after: resumeAfter,
  };
};
