import type { ExpressionBuilder } from 'kysely';
import type { RequestStatus } from '@/lib/generated/sqlite/enums';
import type { Database } from '@/lib/store/sql/database';

export type { RequestStatus };

/**
 * A request's life (CIBA §7–§11): created `pending`; the user decides
 * (`approved` | `denied`); an administrator may cancel (`cancelled`) what is
 * not finished; what is not finished by `expiresAt` expires (`expired`); an
 * approved request is redeemed once at the token endpoint (`redeemed`).
 */
export const REQUEST_STATUSES = [
  'pending',
  'approved',
  'denied',
  'cancelled',
  'expired',
  'redeemed',
] as const satisfies readonly RequestStatus[];

/** Statuses that still wait for something (a decision, or redemption) and so can expire. */
export const UNFINISHED_STATUSES = ['pending', 'approved'] as const satisfies readonly RequestStatus[];

/** Whether a request with this status still waits for a decision or for redemption. */
export const isUnfinished = (status: RequestStatus): boolean =>
  (UNFINISHED_STATUSES as readonly RequestStatus[]).includes(status);

/**
 * THE expiry rule (CIBA §7.3 expires_in): a request is expired once it is
 * marked so, or while unfinished from `expiresAt` on — before the sweeper has
 * written `expired`. `expiredInSql` / `unexpiredInSql` state the same rule
 * for the store's conditional updates.
 */
export const isRequestExpired = (request: { status: RequestStatus; expiresAt: Date }, now: Date): boolean =>
  request.status === 'expired' || (isUnfinished(request.status) && request.expiresAt.getTime() <= now.getTime());

/**
 * THE poll-spacing rule (CIBA §11 slow_down): a poll is well spaced when it
 * comes at least the request's `interval` seconds after the last counted one
 * (or is the first), less `graceMs` of network jitter. Its SQL twin is in
 * queries.selectAndCountPoll (PostgreSQL's one-statement poll).
 */
export const isPollWellSpaced = (request: { lastPolledAt: Date | null; interval: number }, now: Date, graceMs: number): boolean =>
  request.lastPolledAt === null || now.getTime() - request.lastPolledAt.getTime() + graceMs >= request.interval * 1000;

type RequestExpressions = ExpressionBuilder<Database, 'BackchannelRequest'>;

/** SQL for "unfinished and not yet past expiresAt" at `now` (a parameter): the complement of isRequestExpired for unfinished requests. */
export const unexpiredInSql = (eb: RequestExpressions, now: Date) => eb('BackchannelRequest.expiresAt', '>', now);

/** SQL for "unfinished and past expiresAt at `now`": what the sweeper marks expired. */
export const expiredInSql = (eb: RequestExpressions, now: Date) =>
  eb.and([eb('BackchannelRequest.status', 'in', [...UNFINISHED_STATUSES]), eb('BackchannelRequest.expiresAt', '<=', now)]);
