import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/types';
import { decisionChallenge } from '@/lib/authenticator/decision-challenge';
import { AuthenticatorError } from '@/lib/authenticator/errors';
import { relyingParty } from '@/lib/authenticator/relying-party';
import type { AuthenticatorSession } from '@/lib/authenticator/session';
import { verifyDecisionAssertion } from '@/lib/authenticator/verify-decision-assertion';
import { agentOf, describeScopes, type ApprovalAgent, type ScopeDescription } from '@/lib/ciba/approval-page-data';
import {
  describeApprovalItems,
  parseStoredAuthorizationDetails,
  selectGrantedItems,
  type ApprovalItem,
} from '@/lib/ciba/approval-items';
import { completeBackchannelRequest } from '@/lib/ciba/complete-backchannel-request';
import type { Db } from '@/lib/db/client';
import { toAuthorizationTypeSet } from '@/lib/oauth/authorization-details/authorization-type-record';
import type { ProtocolStore } from '@/lib/store/protocol-store';

/**
 * The authenticator app's requests: the signed-in user's pending requests
 * (so a lost notification loses nothing), one request as the user decides
 * on it (the approval page's data: lib/ciba/approval-page-data.ts and
 * approval-items.ts), and the decision itself: a WebAuthn assertion over
 * decisionChallenge (bound to the request, the decision and the items),
 * verified by verifyDecisionAssertion, completed by completeBackchannelRequest.
 */

export type PendingRequestSummary = {
  id: string;
  clientName: string;
  bindingMessage: string | null;
  createdAt: Date;
  expiresAt: Date;
};

/** The user's pending, unexpired requests, newest first (at most 50). */
export const listPendingRequests = async (
  db: Db,
  session: AuthenticatorSession,
  now = new Date(),
): Promise<PendingRequestSummary[]> => {
  const rows = await db.backchannelRequest.findMany({
    where: { tenantId: session.tenantId, userId: session.userId, status: 'pending', expiresAt: { gt: now } },
    select: { id: true, bindingMessage: true, createdAt: true, expiresAt: true, client: { select: { name: true } } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: 50,
  });

  return rows.map(({ client, ...row }) => ({ ...row, clientName: client.name }));
};

export type AppRequest = {
  id: string;
  clientName: string;
  bindingMessage: string | null;
  scopes: ScopeDescription[];
  items: ApprovalItem[];
  agent: ApprovalAgent | null;
  createdAt: Date;
  expiresAt: Date;
  secondsLeft: number;
  /** Stored JSON of authorization_details (bound into the challenge), or null. */
  authorizationDetails: string | null;
};

const REQUEST_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * One pending request of the session's user, as the request screen shows
 * it. Unsafe reads are scoped to the user and tenant next to the data.
 *
 * @throws AuthenticatorError not_found (unknown, or another user's), already_decided, expired.
 */
export const getAppRequest = async (
  db: Db,
  store: Pick<ProtocolStore, 'listAuthorizationTypes'>,
  session: AuthenticatorSession,
  requestId: unknown,
  now = new Date(),
): Promise<AppRequest> => {
  if (typeof requestId !== 'string' || !REQUEST_ID_PATTERN.test(requestId)) {
    throw new AuthenticatorError('not_found', 'No such request.');
  }
  const row = await db.backchannelRequest.findFirst({
    where: { id: requestId, tenantId: session.tenantId, userId: session.userId },
    select: {
      id: true,
      status: true,
      scope: true,
      bindingMessage: true,
      authorizationDetails: true,
      createdAt: true,
      expiresAt: true,
      actorSub: true,
      actorName: true,
      actorFor: true,
      client: { select: { name: true } },
    },
  });
  if (!row) throw new AuthenticatorError('not_found', 'No such request.');
  if (row.status === 'expired' || (row.status === 'pending' && row.expiresAt <= now)) {
    throw new AuthenticatorError('expired', 'The request has expired.');
  }
  if (row.status !== 'pending') throw new AuthenticatorError('already_decided', 'The request was already answered.');
  const details = parseStoredAuthorizationDetails(row.authorizationDetails);
  const items =
    details.length === 0
      ? []
      : describeApprovalItems(details, toAuthorizationTypeSet(await store.listAuthorizationTypes(session.tenantId)));

  return {
    id: row.id,
    clientName: row.client.name,
    bindingMessage: row.bindingMessage,
    scopes: describeScopes(row.scope),
    items,
    agent: agentOf(row),
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    secondsLeft: Math.max(1, Math.floor((row.expiresAt.getTime() - now.getTime()) / 1000)),
    authorizationDetails: row.authorizationDetails,
  };
};

export type DecisionInput = { decision: unknown; items?: unknown };

type ParsedDecision = { decision: 'approve' | 'deny'; grantedItems: number[] | null };

/** The decision and, for an approval of a request with items, the granted indexes (selectGrantedItems' rules). */
const parseDecision = (request: AppRequest, input: DecisionInput): ParsedDecision => {
  const { decision } = input;
  if (decision !== 'approve' && decision !== 'deny') {
    throw new AuthenticatorError('invalid_request', 'decision must be "approve" or "deny".');
  }
  if (decision === 'deny' || request.items.length === 0) return { decision, grantedItems: null };
  const raw = input.items ?? [];
  if (!Array.isArray(raw) || raw.length > 100 || !raw.every((value) => Number.isInteger(value))) {
    throw new AuthenticatorError('invalid_request', 'items must be an array of item indexes.');
  }
  const selection = selectGrantedItems(request.items, raw.map(String));
  if (!selection.ok) {
    throw selection.reason === 'nothing_selected'
      ? new AuthenticatorError('nothing_selected', 'Select at least one item to approve, or deny.')
      : new AuthenticatorError('invalid_request', 'items names an item the request does not have.');
  }

  return { decision, grantedItems: selection.granted };
};

const challengeOf = (request: AppRequest, parsed: ParsedDecision): string =>
  decisionChallenge({
    requestId: request.id,
    decision: parsed.decision,
    bindingMessage: request.bindingMessage,
    authorizationDetails: request.authorizationDetails,
    grantedItems: parsed.grantedItems,
  });

/**
 * navigator.credentials.get() options for one decision: the challenge is
 * decisionChallenge of this request, decision and items; only the user's
 * enrolled credentials are allowed; user verification required. Reads only.
 */
export const decisionOptions = async (
  db: Db,
  store: Pick<ProtocolStore, 'listAuthorizationTypes'>,
  session: AuthenticatorSession,
  input: { requestId: unknown } & DecisionInput,
): Promise<PublicKeyCredentialRequestOptionsJSON> => {
  const request = await getAppRequest(db, store, session, input.requestId);
  const parsed = parseDecision(request, input);
  const devices = await db.authenticatorDevice.findMany({
    where: { tenantId: session.tenantId, userId: session.userId },
    select: { credentialId: true, transports: true },
  });

  return {
    challenge: challengeOf(request, parsed),
    rpId: relyingParty().rpId,
    timeout: 120_000,
    userVerification: 'required',
    allowCredentials: devices.map((device) => ({
      id: device.credentialId,
      type: 'public-key',
      ...(device.transports ? { transports: JSON.parse(device.transports) as AuthenticatorTransport[] } : {}),
    })),
  };
};

/**
 * Decides a request in the app: the request must be the session user's and
 * pending; the assertion must verify over this decision's challenge (so an
 * assertion made for another request, another decision or other items
 * fails); then the one completion function records the decision with the
 * passkey's device (amr, acr) and the actor `user` / `authenticator`.
 *
 * @throws AuthenticatorError not_found, already_decided, expired, invalid_request, nothing_selected, unknown_device, invalid_assertion, counter_mismatch.
 */
export const decideInApp = async (
  db: Db,
  store: ProtocolStore,
  session: AuthenticatorSession,
  input: { requestId: unknown; response: unknown; now?: Date } & DecisionInput,
): Promise<{ status: 'approved' | 'denied' }> => {
  const now = input.now ?? new Date();
  const request = await getAppRequest(db, store, session, input.requestId, now);
  const parsed = parseDecision(request, input);
  if (typeof input.response !== 'object' || input.response === null) {
    throw new AuthenticatorError('invalid_request', 'response must be the WebAuthn assertion.');
  }
  const verified = await verifyDecisionAssertion(db, {
    tenantId: session.tenantId,
    userId: session.userId,
    response: input.response as AuthenticationResponseJSON,
    expectedChallenge: challengeOf(request, parsed),
    now,
  });
  if (!verified.ok) throw new AuthenticatorError(verified.reason, 'The passkey assertion did not verify for this decision.');

  const details = parseStoredAuthorizationDetails(request.authorizationDetails);
  const result = await completeBackchannelRequest(store, {
    requestId: request.id,
    decision: parsed.decision,
    grantedAuthorizationDetails:
      parsed.grantedItems === null ? undefined : JSON.stringify(parsed.grantedItems.map((index) => details[index])),
    passkey: { deviceId: verified.deviceId },
    actor: { kind: 'user', channel: 'authenticator' },
    now,
  });
  if (result.ok) return { status: parsed.decision === 'approve' ? 'approved' : 'denied' };
  switch (result.reason) {
    case 'expired':
    case 'not_expired':
      throw new AuthenticatorError('expired', 'The request has expired.');
    case 'not_found':
      throw new AuthenticatorError('not_found', 'No such request.');
    default:
      throw new AuthenticatorError('already_decided', 'The request was already answered.');
  }
};
