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

/** Prisma `select` of a LiveRequestView's request columns (its delivery is read apart: toLiveRequestViews). */
export const LIVE_REQUEST_VIEW_COLUMNS = { ...REQUEST_VIEW_COLUMNS, lastPolledAt: true } as const;

export type LiveRequestViewRow = RequestViewRow & { lastPolledAt: Date | null };

type DeliveryRow = {
  requestId: string | null;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  lastError: string | null;
};

/** Ids per delivery query: far below either database's bound-parameter limit (SQLite's is 32,766). */
const DELIVERY_CHUNK = 500;

const deliveryOf = (message: DeliveryRow | undefined): DeliveryView => {
  if (!message) return { status: 'none', attempts: 0, error: null };
  const status = message.status === 'delivered' ? 'sent' : message.status === 'failed' ? 'failed' : 'queued';

  return { status, attempts: message.attempts, error: message.status === 'delivered' ? null : message.lastError };
};

/**
 * The live views of these requests: their approval emails' delivery read on
 * the outbox's requestId index, a bounded chunk of ids per query (the monitor
 * loads thousands of requests at once).
 */
export const toLiveRequestViews = async (db: Db, rows: readonly LiveRequestViewRow[], now: Date): Promise<LiveRequestView[]> => {
  const deliveries = new Map<string, DeliveryRow & { createdAt: Date }>();
  for (let start = 0; start < rows.length; start += DELIVERY_CHUNK) {
    const ids = rows.slice(start, start + DELIVERY_CHUNK).map((row) => row.id);
    const messages = await db.outboxMessage.findMany({
      where: { requestId: { in: ids }, type: APPROVAL_EMAIL_TYPE },
      select: { requestId: true, status: true, attempts: true, lastError: true, createdAt: true },
    });
    for (const message of messages) {
      const known = message.requestId === null ? undefined : deliveries.get(message.requestId);
      if (message.requestId !== null && (!known || known.createdAt < message.createdAt))
        deliveries.set(message.requestId, message);
    }
  }

  return rows.map((row) => ({
    ...toRequestView(row, now),
    last_polled_at: row.lastPolledAt?.toISOString() ?? null,
    delivery: deliveryOf(deliveries.get(row.id)),
  }));
};

/** The live views of these requests of a tenant; unknown ids are left out. */
export const loadLiveRequestViews = async (db: Db, tenantId: string, ids: readonly string[]): Promise<LiveRequestView[]> => {
  if (ids.length === 0) return [];
  const rows = await db.backchannelRequest.findMany({
    where: { tenantId, id: { in: [...ids] } },
    select: LIVE_REQUEST_VIEW_COLUMNS,
  });

  return toLiveRequestViews(db, rows, new Date());
};
