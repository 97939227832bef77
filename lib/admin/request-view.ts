import { isRequestExpired, type RequestStatus } from '@/lib/store/request-lifecycle';

/** A CIBA request as every admin door shows it (never auth_req_id, which only the client holds). */
export type RequestView = {
  id: string;
  /** The status now: a pending or approved request past its expiry is `expired` before the sweeper writes it. */
  status: RequestStatus;
  /** The OAuth client_id of the client that made it. */
  client_id: string;
  client_name: string;
  user: { id: string; email: string };
  scope: string;
  binding_message: string | null;
  created_at: string;
  expires_at: string;
  decided_at: string | null;
  /** Token-endpoint polls so far. */
  poll_count: number;
  /** The agent acting for the user (a verified actor_token, RFC 8693), null without one. */
  agent: { iss: string; sub: string; name: string | null; acting_for: string | null } | null;
};

/** Prisma `select` of what a RequestView needs. */
export const REQUEST_VIEW_COLUMNS = {
  id: true,
  status: true,
  scope: true,
  bindingMessage: true,
  createdAt: true,
  expiresAt: true,
  decidedAt: true,
  pollCount: true,
  actorIssuer: true,
  actorSub: true,
  actorName: true,
  actorFor: true,
  client: { select: { clientId: true, name: true } },
  user: { select: { id: true, email: true } },
} as const;

export type RequestViewRow = {
  id: string;
  status: RequestStatus;
  scope: string;
  bindingMessage: string | null;
  createdAt: Date;
  expiresAt: Date;
  decidedAt: Date | null;
  pollCount: number;
  actorIssuer: string | null;
  actorSub: string | null;
  actorName: string | null;
  actorFor: string | null;
  client: { clientId: string; name: string };
  user: { id: string; email: string };
};

export const toRequestView = (row: RequestViewRow, now: Date): RequestView => ({
  id: row.id,
  status: isRequestExpired(row, now) ? 'expired' : row.status,
  client_id: row.client.clientId,
  client_name: row.client.name,
  user: { id: row.user.id, email: row.user.email },
  scope: row.scope,
  binding_message: row.bindingMessage,
  created_at: row.createdAt.toISOString(),
  expires_at: row.expiresAt.toISOString(),
  decided_at: row.decidedAt?.toISOString() ?? null,
  poll_count: row.pollCount,
  agent:
    row.actorIssuer === null || row.actorSub === null
      ? null
      : { iss: row.actorIssuer, sub: row.actorSub, name: row.actorName, acting_for: row.actorFor },
});
