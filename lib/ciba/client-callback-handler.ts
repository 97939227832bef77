import { randomInt } from 'node:crypto';
import { PING_CALLBACK, PUSH_CALLBACK, type CallbackMessageSecret, type CallbackPayload } from '@/lib/ciba/client-callback';
import { postCallback, type CallbackAttemptResult } from '@/lib/ciba/post-callback';
import { issueTokensForApprovedRequest, type CibaTokenResponse } from '@/lib/ciba/redeem-ciba-grant';
import { hasCertificateBoundTokens, toClientRecord, type ClientRecord } from '@/lib/clients/client-record';
import type { Db } from '@/lib/db/client';
import { getBaseEnv } from '@/lib/env';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import type { CertificateConfirmation } from '@/lib/oauth/tokens';
import type { DeliveryResult, OutboxHandler } from '@/lib/outbox/outbox-handler';
import { sealOutboxSecret } from '@/lib/outbox/outbox-secret';
import type { ClaimedOutboxMessage, ProtocolStore } from '@/lib/store/protocol-store';
import { isRequestExpired } from '@/lib/store/request-lifecycle';
import { TENANT_RECORD_COLUMNS } from '@/lib/tenants/find-tenant';

/**
 * RFC 8705 §3 for pushed tokens (CIBA §10.3.1): no token request carries a
 * certificate, so a mutual-TLS client's tokens are bound to the one it used
 * at bc-authorize (stored on the request). One read, for such clients only.
 */
const pushedTokenBinding = async (db: Db, client: ClientRecord, requestId: string): Promise<CertificateConfirmation | null> => {
  if (!hasCertificateBoundTokens(client)) return null;
  const row = await db.backchannelRequest.findUnique({ where: { id: requestId }, select: { certificateThumbprint: true } });

  return row?.certificateThumbprint ? { 'x5t#S256': row.certificateThumbprint } : null;
};

/** The first retry of a callback comes about this soon, … */
const FIRST_CALLBACK_RETRY_MS = 1_000;
/** … each next one twice as late, at most this late. */
const MAX_CALLBACK_RETRY_MS = 60_000;

/**
 * When a callback whose attempt `attempt` failed is tried again: bounded
 * exponential back-off (1 s, 2 s, 4 s … at most 60 s) with jitter (a random
 * half to whole of the step, so callbacks failing together do not retry
 * together), and never past the payload's deadline (the request's expiry):
 * null then, the failure is final.
 */
export const callbackRetryAt = (message: Pick<ClaimedOutboxMessage, 'payload'>, attempt: number, now: Date): Date | null => {
  const step = Math.min(FIRST_CALLBACK_RETRY_MS * 2 ** Math.min(attempt - 1, 16), MAX_CALLBACK_RETRY_MS);
  const delay = step / 2 + randomInt(0, Math.floor(step / 2) + 1);
  const at = new Date(now.getTime() + delay);
  const { deadline } = JSON.parse(message.payload) as CallbackPayload;

  return at.getTime() > Date.parse(deadline) ? null : at;
};

const asDeliveryResult = (result: CallbackAttemptResult, sealedSecret?: string): DeliveryResult => {
  if (result.kind === 'delivered') return { ok: true, providerMessageId: `HTTP ${result.status}` };

  return { ok: false, error: result.error, retryable: result.kind === 'unavailable', sealedSecret };
};

/** A final failure with nothing sent. */
const dropped = (error: string): DeliveryResult => ({ ok: false, error, retryable: false });

type Endpoint = { url: string; bearerToken: string; idempotencyKey: string };

/** The client's notification endpoint now (settings may have changed since the request), or why there is none. */
const findEndpoint = async (
  db: Db,
  message: ClaimedOutboxMessage,
  secret: CallbackMessageSecret,
): Promise<{ endpoint: Endpoint; client: ReturnType<typeof toClientRecord> } | { error: string }> => {
  const payload = JSON.parse(message.payload) as CallbackPayload;
  const row = await db.client.findUnique({ where: { id: payload.clientId } });
  if (!row) return { error: 'the client was deleted' };
  const client = toClientRecord(row);
  if (client.notificationEndpoint === null) return { error: 'the client has no notification endpoint any more' };

  return {
    endpoint: { url: client.notificationEndpoint, bearerToken: secret.client_notification_token, idempotencyKey: message.id },
    client,
  };
};

const post = (endpoint: Endpoint, body: unknown) =>
  postCallback({
    endpoint: endpoint.url,
    bearerToken: endpoint.bearerToken,
    idempotencyKey: endpoint.idempotencyKey,
    body: JSON.stringify(body),
    allowHttpLoopback: getBaseEnv().allowHttpLoopbackCallbacks,
  });

/** CIBA §12 push error payload. */
const pushError = (authReqId: string, error: 'access_denied' | 'expired_token' | 'transaction_failed', description: string) => ({
  auth_req_id: authReqId,
  error,
  error_description: description,
});

/**
 * The ping callback (CIBA §10.2): `{"auth_req_id": …}`, nothing else; the
 * client then redeems at the token endpoint. A ping that fails loses
 * nothing: the request stays redeemable by polling until it expires.
 */
const deliverPing = async (db: Db, message: ClaimedOutboxMessage, secret: CallbackMessageSecret): Promise<DeliveryResult> => {
  const found = await findEndpoint(db, message, secret);
  if ('error' in found) return dropped(found.error);

  return asDeliveryResult(await post(found.endpoint, { auth_req_id: secret.auth_req_id }));
};

/**
 * Why the redemption behind a push matched nothing, from a fresh read:
 * another attempt redeemed it meanwhile (its lease had lapsed; the tokens it
 * stored in the message are kept for the retry, never the stale secret this
 * attempt claimed), the user was blocked (access_denied), or the request can
 * no longer be redeemed (cancelled or expired: that decision's own message
 * tells the client; the client lost the CIBA grant): final, nothing sent.
 */
const explainUnredeemedPush = async (
  { db, store }: { db: Db; store: ProtocolStore },
  message: ClaimedOutboxMessage,
  endpoint: Endpoint,
  authReqId: string,
): Promise<DeliveryResult> => {
  const current = await store.findRequestForPoll(sha256Base64Url(authReqId));
  if (current?.status === 'redeemed') {
    const stored = await db.outboxMessage.findUnique({ where: { id: message.id }, select: { encryptedSecret: true } });

    return {
      ok: false,
      error: 'another attempt redeemed the request meanwhile',
      retryable: true,
      sealedSecret: stored?.encryptedSecret ?? undefined,
    };
  }
  if (current?.userBlocked) {
    return asDeliveryResult(
      await post(endpoint, pushError(authReqId, 'access_denied', 'The end-user is not allowed to sign in.')),
    );
  }

  return dropped('the request could no longer be redeemed (cancelled, expired, or the client lost the CIBA grant)');
};

/**
 * The push callback (CIBA §10.3): on approval, the token response plus
 * `auth_req_id` — minted by the same function as the token endpoint's, the
 * request redeemed in the same conditional update, and the response sealed
 * into this message in that unit, so every retry sends the same tokens and
 * the request can never be redeemed twice. After a denial, a cancel or the
 * expiry, the §12 error payload. An approval overtaken by a cancel or the
 * expiry sends nothing: that decision's own message tells the client.
 */
const deliverPush = async (
  { db, store }: { db: Db; store: ProtocolStore },
  message: ClaimedOutboxMessage,
  secret: CallbackMessageSecret,
  now: Date,
): Promise<DeliveryResult> => {
  const payload = JSON.parse(message.payload) as CallbackPayload;
  const found = await findEndpoint(db, message, secret);
  if ('error' in found) return dropped(found.error);
  const authReqId = secret.auth_req_id;
  if (payload.outcome === 'denied') {
    return asDeliveryResult(
      await post(found.endpoint, pushError(authReqId, 'access_denied', 'The end-user denied the authorization request.')),
    );
  }
  if (payload.outcome === 'expired') {
    return asDeliveryResult(
      await post(
        found.endpoint,
        pushError(authReqId, 'expired_token', 'The authorization request expired before the end-user answered.'),
      ),
    );
  }
  if (secret.token_response) {
    return asDeliveryResult(await post(found.endpoint, { ...secret.token_response, auth_req_id: authReqId }));
  }

  const request = await store.findRequestForPoll(sha256Base64Url(authReqId));
  if (!request) return dropped('the request no longer exists');
  if (request.status === 'cancelled' || request.status === 'denied')
    return dropped('the request was cancelled before its tokens were pushed');
  if (request.status === 'redeemed') {
    // Redeemed, but this message holds no tokens (they were lost before delivery): none can be sent
    // again. The client is told the transaction failed, and the failure is final, so the tokens are revoked.
    const told = await post(found.endpoint, pushError(authReqId, 'transaction_failed', 'The tokens could not be delivered.'));
    const outcome = told.kind === 'delivered' ? `HTTP ${told.status}` : told.error;

    return dropped(`the pushed tokens were lost before delivery; transaction_failed sent (${outcome})`);
  }
  if (isRequestExpired(request, now)) return dropped('the request expired before its tokens were pushed');
  if (request.userBlocked) {
    return asDeliveryResult(
      await post(found.endpoint, pushError(authReqId, 'access_denied', 'The end-user is not allowed to sign in.')),
    );
  }
  const tenant = await db.tenant.findUnique({ where: { id: message.tenantId }, select: TENANT_RECORD_COLUMNS });
  if (!tenant) return dropped('the tenant was deleted');
  let sealedSecret: string | undefined;
  const tokens = await issueTokensForApprovedRequest(
    { db, store },
    {
      tenant,
      client: found.client,
      request,
      now,
      cnf: await pushedTokenBinding(db, found.client, request.id),
      seal: {
        messageId: message.id,
        authReqId,
        envelope: (response: CibaTokenResponse) => {
          const next: CallbackMessageSecret = { ...secret, token_response: response };
          sealedSecret = sealOutboxSecret(JSON.stringify(next), message.id);

          return sealedSecret;
        },
      },
    },
  );
  if (!tokens) return explainUnredeemedPush({ db, store }, message, found.endpoint, authReqId);

  return asDeliveryResult(await post(found.endpoint, { ...tokens, auth_req_id: authReqId }), sealedSecret);
};

const secretOf = (secret: string | null): CallbackMessageSecret | null =>
  secret === null ? null : (JSON.parse(secret) as CallbackMessageSecret);

/** Past its deadline (a worker that was down for long): the request is over, nothing is sent. */
const isPastDeadline = (message: ClaimedOutboxMessage, now: Date): boolean =>
  now.getTime() > Date.parse((JSON.parse(message.payload) as CallbackPayload).deadline);

/** The outbox handler of ping callbacks (CIBA §10.2). */
export const createPingCallbackHandler = (db: Db, clock: () => Date = () => new Date()): OutboxHandler => ({
  type: PING_CALLBACK,
  channel: 'ping',
  events: 'callback',
  retryAt: callbackRetryAt,
  deliver: async (message, secret) => {
    const opened = secretOf(secret);
    if (!opened) return dropped('the callback has no secret');
    if (isPastDeadline(message, clock())) return dropped('the request expired before its callback could be delivered');

    return deliverPing(db, message, opened);
  },
});

/**
 * The outbox handler of push callbacks (CIBA §10.3). A push that finally
 * fails revokes the tokens it carried (revokesTokensOnFinalFailure).
 */
export const createPushCallbackHandler = (
  { db, store }: { db: Db; store: ProtocolStore },
  clock: () => Date = () => new Date(),
): OutboxHandler => ({
  type: PUSH_CALLBACK,
  channel: 'push',
  events: 'callback',
  revokesTokensOnFinalFailure: true,
  retryAt: callbackRetryAt,
  deliver: async (message, secret) => {
    const opened = secretOf(secret);
    if (!opened) return dropped('the callback has no secret');
    const now = clock();
    if (isPastDeadline(message, now)) return dropped('the request expired before its callback could be delivered');

    return deliverPush({ db, store }, message, opened, now);
  },
});
