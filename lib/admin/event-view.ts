import type { Db } from '@/lib/db/client';

/**
 * An event as the Management API's /events and the request timeline show it
 * (contract.md: `{"id","type","time","request_id","client_id","user_id","detail"}`),
 * plus `actor` on administrative events. `client_id` is the OAuth client_id
 * (null once the client is deleted); `request_id` and `user_id` are the ids
 * the API's /requests and /users take.
 */
export type EventView = {
  id: string;
  type: string;
  time: string;
  request_id: string | null;
  client_id: string | null;
  user_id: string | null;
  detail: Record<string, unknown> | null;
  /** Who made an administrative change: `admin:<id>`, `api_key:<id>` or `cli`. Only on administrative events. */
  actor?: string;
};

/** Prisma `select` of what an EventView needs. */
export const EVENT_VIEW_COLUMNS = {
  id: true,
  type: true,
  actor: true,
  requestId: true,
  clientId: true,
  userId: true,
  detail: true,
  createdAt: true,
} as const;

export type EventViewRow = {
  id: string;
  type: string;
  actor: string | null;
  requestId: string | null;
  clientId: string | null;
  userId: string | null;
  detail: string | null;
  createdAt: Date;
};

const parseDetail = (detail: string | null): Record<string, unknown> | null => {
  if (detail === null) return null;
  try {
    return JSON.parse(detail) as Record<string, unknown>;
  } catch {
    return { unparsed: detail };
  }
};

/** The views of these events, with each client's OAuth client_id read in one query. */
export const toEventViews = async (db: Db, rows: readonly EventViewRow[]): Promise<EventView[]> => {
  const clientIds = [...new Set(rows.flatMap((row) => (row.clientId === null ? [] : [row.clientId])))];
  const clients =
    clientIds.length === 0
      ? []
      : await db.client.findMany({ where: { id: { in: clientIds } }, select: { id: true, clientId: true } });
  const oauthClientIdOf = new Map(clients.map((client) => [client.id, client.clientId]));

  return rows.map((row) => ({
    id: row.id,
    type: row.type,
    time: row.createdAt.toISOString(),
    request_id: row.requestId,
    client_id: row.clientId === null ? null : (oauthClientIdOf.get(row.clientId) ?? null),
    user_id: row.userId,
    detail: parseDetail(row.detail),
    ...(row.actor === null ? {} : { actor: row.actor }),
  }));
};
