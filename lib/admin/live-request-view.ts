import type { Db } from '@/lib/db/client';
import { REQUEST_VIEW_COLUMNS, toRequestView, type RequestView, type RequestViewRow } from '@/lib/admin/request-view';
import { APPROVAL_EMAIL_TYPE } from '@/lib/ciba/approval-email';

/**
 * Where the user's notification stands: `queued` (not yet attempted, or
 * waiting for a retry — then `error` says why the last attempt failed),
 * `sent` (handed to the provider), `failed` (given up), `none` (nothing sent).
 */
export type DeliveryView = { status: 'queued' | 'sent' | 'failed' | 'none'; attempts: number; error: string | null };

/** A request as the live monitor shows it: the RequestView, its last poll and its notification's delivery. */
export type LiveRequestView = RequestView & { last_polled_at: string | null; delivery: DeliveryView };

/** Prisma `select` of what a LiveRequestView needs. */
export const LIVE_REQUEST_VIEW_COLUMNS = {
  ...REQUEST_VIEW_COLUMNS,
  lastPolledAt: true,
  outbox: {
    where: { type: APPROVAL_EMAIL_TYPE },
    select: { status: true, attempts: true, lastError: true },
    orderBy: { createdAt: 'desc' },
    take: 1,
  },
} as const;

export type LiveRequestViewRow = RequestViewRow & {
  lastPolledAt: Date | null;
  outbox: { status: 'pending' | 'delivered' | 'failed'; attempts: number; lastError: string | null }[];
};

const deliveryOf = (row: LiveRequestViewRow): DeliveryView => {
  const message = row.outbox[0];
  if (!message) return { status: 'none', attempts: 0, error: null };
  const status = message.status === 'delivered' ? 'sent' : message.status === 'failed' ? 'failed' : 'queued';

  return { status, attempts: message.attempts, error: message.status === 'delivered' ? null : message.lastError };
};

export const toLiveRequestView = (row: LiveRequestViewRow, now: Date): LiveRequestView => ({
  ...toRequestView(row, now),
  last_polled_at: row.lastPolledAt?.toISOString() ?? null,
  delivery: deliveryOf(row),
});

/** The live views of these requests of a tenant, in one query; unknown ids are left out. */
export const loadLiveRequestViews = async (db: Db, tenantId: string, ids: readonly string[]): Promise<LiveRequestView[]> => {
  if (ids.length === 0) return [];
  const rows = await db.backchannelRequest.findMany({
    where: { tenantId, id: { in: [...ids] } },
    select: LIVE_REQUEST_VIEW_COLUMNS,
  });
  const now = new Date();

  return rows.map((row) => toLiveRequestView(row as LiveRequestViewRow, now));
};
