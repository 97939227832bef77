import { queueClientCallback } from '@/lib/ciba/client-callback';
import { ACR_PASSKEY, PASSKEY_AMR } from '@/lib/ciba/constants';
import { buildEvent } from '@/lib/events/build-event';
import { timeOrderedId } from '@/lib/ids/time-ordered-id';
import { wakeOutbox } from '@/lib/outbox/wake-outbox';
import type { Actor, AgentDetail, EventType } from '@/lib/events/event-types';
import { requestEventSubject, type DecidedRequest, type ProtocolStore, type RequestDecision } from '@/lib/store/protocol-store';
import { isRequestExpired, isUnfinished, type RequestStatus } from '@/lib/store/request-lifecycle';

export type { RequestDecision };

export type CompleteBackchannelRequestOptions = {
  requestId: string;
  decision: RequestDecision;
  /** Who decided: recorded in the request's event. */
  actor: Actor;
  /** The approval link the user acted through; it is consumed in the same unit. */
  approvalLinkId?: string;
  /**
   * An approval's granted authorization_details (RFC 9396), a JSON array: the
   * items the user chose, stored by the same conditional update. Absent:
   * every item requested (the test hook, a request without details).
   */
  grantedAuthorizationDetails?: string;
  /**
   * The user decided with a verified passkey assertion bound to this request
   * and this decision (lib/authenticator): the enrolled device it came from.
   * An approval then records PASSKEY_AMR and may satisfy ACR_PASSKEY; without
   * it, a request at ACR_PASSKEY cannot be approved (`passkey_required`).
   */
  passkey?: { deviceId: string };
  /** The moment of the decision (default: now). Stored as `decidedAt`, the user's authentication time. */
  now?: Date;
};

export type CompleteBackchannelRequestFailure =
  /** No such request, or the link does not belong to it. */
  | 'not_found'
  /** Past `expiresAt`: nothing was changed (for `expire`: not past it yet). */
  | 'expired'
  | 'not_expired'
  /** Finished already (first decision wins). */
  | 'already_decided'
  /** The approval link was used before. */
  | 'link_used'
  /** An approval without a passkey of a request that asked for the passkey level (acr ACR_PASSKEY). */
  | 'passkey_required';

export type CompletedStatus = Extract<RequestStatus, 'approved' | 'denied' | 'cancelled' | 'expired'>;

export type CompleteBackchannelRequestResult =
  { ok: true; status: CompletedStatus } | { ok: false; reason: CompleteBackchannelRequestFailure };

const OUTCOMES: Record<RequestDecision, { status: CompletedStatus; event: EventType & `ciba_${CompletedStatus}` }> = {
  approve: { status: 'approved', event: 'ciba_approved' },
  deny: { status: 'denied', event: 'ciba_denied' },
  cancel: { status: 'cancelled', event: 'ciba_cancelled' },
  expire: { status: 'expired', event: 'ciba_expired' },
};

/** How often a conflict whose cause has vanished on re-read (a concurrent writer rolled back) is retried. */
const MAX_ATTEMPTS = 3;

/**
 * Works out why a decision could not be applied, from a fresh read; null when
 * nothing explains it any more, in which case the caller retries.
 */
const explainConflict = async (
  store: ProtocolStore,
  {
    requestId,
    decision,
    approvalLinkId,
    passkey,
    now,
  }: { requestId: string; decision: RequestDecision; approvalLinkId?: string; passkey: boolean; now: Date },
): Promise<CompleteBackchannelRequestFailure | null> => {
  const [request, link] = await Promise.all([
    store.findRequestState(requestId),
    approvalLinkId === undefined ? Promise.resolve(null) : store.findApprovalLinkState(approvalLinkId),
  ]);
  if (!request) return 'not_found';
  if (approvalLinkId !== undefined && (!link || link.requestId !== requestId)) return 'not_found';
  const expired = isRequestExpired(request, now);
  if (decision === 'expire') return !isUnfinished(request.status) ? 'already_decided' : expired ? null : 'not_expired';
  const decidable = decision === 'cancel' ? isUnfinished(request.status) : request.status === 'pending';
  if (!decidable) return 'already_decided';
  if (expired) return 'expired';
  if (link?.usedAt) return 'link_used';
  if (decision === 'approve' && request.acr === ACR_PASSKEY && !passkey) return 'passkey_required';

  return null;
};

/**
 * The event's `actor` column (the audit log's "who") when an administrator
 * ended the request — console, API key or CLI; null for the user, the system
 * and the test hook, whose decisions are request events, not admin actions.
 */
const auditActorOf = (actor: Actor): string | null => {
  if (actor.kind === 'admin' || actor.kind === 'api_key') return `${actor.kind}:${actor.id}`;

  return actor.kind === 'cli' ? 'cli' : null;
};

/** `{ agent }` for the event of a request an agent started (beside the user), nothing otherwise. */
const agentDetailOf = (request: DecidedRequest): { agent?: AgentDetail } =>
  request.actorIssuer === null || request.actorSub === null
    ? {}
    : {
        agent: {
          iss: request.actorIssuer,
          sub: request.actorSub,
          ...(request.actorName === null ? {} : { name: request.actorName }),
        },
      };

/**
 * Completes a CIBA request (CIBA §8, §9: the OP records the end-user's
 * decision against the auth_req_id). THE single entry point for every way a
 * request ends before redemption: the user's approve or deny on the approval
 * page, an administrator's cancel, the expiry sweeper, and the test hook.
 *
 * One unit: the approval link (if given) is consumed, one conditional update
 * moves the request (approve/deny: pending and unexpired; cancel: pending or
 * approved and unexpired; expire: pending or approved and past expiry), and
 * its event and — for a ping or push client — its callback's outbox message
 * are written (lib/ciba/client-callback.ts); nothing is written if any condition fails. Concurrent
 * calls on one request: exactly one succeeds. Never throws for a conflict.
 *
 * `decidedAt` is the end-user's authentication time: the token endpoint puts
 * it in the ID token as `auth_time` (OIDC Core §2), beside `amr` (PASSKEY_AMR
 * for a passkey approval, OIDC Core §2). A request at ACR_PASSKEY is approved
 * only with `passkey`; its denial needs none.
 */
export const completeBackchannelRequest = async (
  store: ProtocolStore,
  options: CompleteBackchannelRequestOptions,
): Promise<CompleteBackchannelRequestResult> => {
  const { requestId, decision, approvalLinkId, actor, grantedAuthorizationDetails, passkey } = options;
  const now = options.now ?? new Date();
  // A comparison, not a lookup: untyped callers cannot reach Object.prototype keys.
  if (!Object.hasOwn(OUTCOMES, decision)) return { ok: false, reason: 'not_found' };
  const outcome = OUTCOMES[decision];

  for (let attempt = 1; ; attempt += 1) {
    const subject = await store.applyDecision({
      requestId,
      decision,
      approvalLinkId,
      grantedAuthorizationDetails,
      amr: passkey && decision === 'approve' ? PASSKEY_AMR : undefined,
      now,
      // Ping and push clients get their callback queued in the same unit (CIBA §10.2, §10.3).
      effects: (matched) => {
        const callback = queueClientCallback({ id: timeOrderedId(now), request: matched, decision, now });

        return {
          events: [
            {
              ...buildEvent(
                outcome.event,
                requestEventSubject(matched),
                {
                  by: actor,
                  ...agentDetailOf(matched),
                  ...(passkey && (decision === 'approve' || decision === 'deny') ? { passkey_device_id: passkey.deviceId } : {}),
                },
                now,
              ),
              actor: auditActorOf(actor),
            },
          ],
          outbox: callback ? [callback] : [],
        };
      },
    });
    if (subject) {
      if (subject.callbackSecret !== null) wakeOutbox();

      return { ok: true, status: outcome.status };
    }
    const reason = await explainConflict(store, { requestId, decision, approvalLinkId, passkey: passkey !== undefined, now });
    if (reason !== null) return { ok: false, reason };
    if (attempt >= MAX_ATTEMPTS) return { ok: false, reason: 'already_decided' };
  }
};
