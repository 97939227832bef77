import type { Db } from '@/lib/db/client';

export type BackchannelDecision = 'approve' | 'deny';

export type CompleteBackchannelRequestOptions = {
  requestId: string;
  decision: BackchannelDecision;
  /** The approval link the user acted through; it is consumed in the same transaction. */
  approvalLinkId?: string;
  /** The moment of the decision (default: now). Stored as `decidedAt`, the user's authentication time. */
  now?: Date;
};

export type CompleteBackchannelRequestFailure =
  /** No such request, or the link does not belong to it. */
  | 'not_found'
  /** Still pending but `expiresAt` has passed: nothing was changed. */
  | 'expired'
  /** Approved, denied or redeemed already (first decision wins). */
  | 'already_decided'
  /** The approval link was used before. */
  | 'link_used';

export type CompleteBackchannelRequestResult =
  | { ok: true; status: 'approved' | 'denied' }
  | { ok: false; reason: CompleteBackchannelRequestFailure };

/** Thrown inside the transaction to roll it back when a conditional update matched nothing. */
class DecisionConflict extends Error {}

/** How often a rollback whose cause has vanished on re-read (a concurrent transaction rolled back) is retried. */
const MAX_ATTEMPTS = 3;

// A comparison, not a lookup table: untyped callers cannot reach Object.prototype keys.
const statusFor = (decision: BackchannelDecision): 'approved' | 'denied' | null =>
  decision === 'approve' ? 'approved' : decision === 'deny' ? 'denied' : null;

/**
 * Works out why a decision could not be applied, from a fresh read. Returns
 * null when nothing explains it any more (the conflicting writer rolled
 * back), in which case the caller retries.
 */
const explainConflict = async (
  db: Db,
  { requestId, approvalLinkId, now }: { requestId: string; approvalLinkId?: string; now: Date },
): Promise<CompleteBackchannelRequestFailure | null> => {
  const [request, link] = await Promise.all([
    db.backchannelRequest.findUnique({ where: { id: requestId }, select: { status: true, expiresAt: true } }),
    approvalLinkId === undefined
      ? Promise.resolve(null)
      : db.approvalLink.findUnique({ where: { id: approvalLinkId }, select: { requestId: true, usedAt: true } }),
  ]);
  if (!request) return 'not_found';
  if (approvalLinkId !== undefined && (!link || link.requestId !== requestId)) return 'not_found';
  if (request.status !== 'pending') return 'already_decided';
  if (request.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (link?.usedAt) return 'link_used';

  return null;
};

/**
 * Completes a CIBA request with the user's decision (CIBA §8, §9: the OP
 * obtains the end-user's consent and records the result against the
 * auth_req_id). THE single entry point for every caller: the approval page,
 * tests, and future authentication channels.
 *
 * Atomic and first-decision-wins: one transaction (a) consumes the approval
 * link (`usedAt: null` → now) if one is given and (b) moves the request
 * from "pending" and unexpired to approved/denied with `decidedAt`; if either
 * conditional update matches nothing the whole transaction rolls back and the
 * reason is read afterwards. Concurrent calls on one request: exactly one
 * returns ok. Never throws for a conflict; rejects only on database errors.
 *
 * `decidedAt` is the end-user's authentication time: the token endpoint
 * puts it in the ID token as `auth_time` (OIDC Core §2).
 */
export const completeBackchannelRequest = async (
  db: Db,
  options: CompleteBackchannelRequestOptions,
): Promise<CompleteBackchannelRequestResult> => {
  const { requestId, decision, approvalLinkId } = options;
  const now = options.now ?? new Date();
  const status = statusFor(decision);
  if (status === null) return { ok: false, reason: 'not_found' };

  for (let attempt = 1; ; attempt += 1) {
    try {
      await db.$transaction(async (tx) => {
        if (approvalLinkId !== undefined) {
          const link = await tx.approvalLink.updateMany({
            where: { id: approvalLinkId, requestId, usedAt: null },
            data: { usedAt: now },
          });
          if (link.count !== 1) throw new DecisionConflict();
        }
        const request = await tx.backchannelRequest.updateMany({
          where: { id: requestId, status: 'pending', expiresAt: { gt: now } },
          data: { status, decidedAt: now },
        });
        if (request.count !== 1) throw new DecisionConflict();
      });
    } catch (error) {
      if (!(error instanceof DecisionConflict)) throw error;
      const reason = await explainConflict(db, { requestId, approvalLinkId, now });
      if (reason !== null) return { ok: false, reason };
      if (attempt >= MAX_ATTEMPTS) return { ok: false, reason: 'already_decided' };
      continue;
    }

    // TODO(ping): when the client's deliveryMode is "ping", POST { auth_req_id }
    // to its backchannel_client_notification_endpoint with the
    // client_notification_token as Bearer (CIBA §10.2). Do it after the commit
    // above, in the background (trackBackgroundTask), never inside the
    // transaction, and for denials too (the client then gets access_denied).

    return { ok: true, status };
  }
};
