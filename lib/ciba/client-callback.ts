import { getEnv } from '@/lib/env';
import { invalidRequest } from '@/lib/oauth/errors';
import { sealOutboxSecret } from '@/lib/outbox/outbox-secret';
import { seal, unseal } from '@/lib/security/sealed-box';
import type { NewOutboxMessage, RequestDecision } from '@/lib/store/protocol-store';

/**
 * What a ping or push client is told about its request, and how the message
 * that tells it is kept: CIBA §10.2 (ping), §10.3 (push), §12 (push errors).
 */

/** Outbox message types of the client callbacks (lib/ciba/deliver-client-callback.ts delivers them). */
export const PING_CALLBACK = 'ping_callback';
export const PUSH_CALLBACK = 'push_callback';
export type CallbackMode = 'ping' | 'push';

/** client_notification_token: at most this many characters (the contract's bound). */
export const CLIENT_NOTIFICATION_TOKEN_MAX_LENGTH = 1_024;

/** RFC 6750 §2.1 b64token: what may follow "Bearer " in an Authorization header. */
const BEARER_TOKEN_SYNTAX = /^[A-Za-z0-9\-._~+/]+=*$/;

/** How long a push callback announcing expiry is retried (the request itself is over). */
export const EXPIRY_CALLBACK_WINDOW_MS = 10 * 60_000;

/**
 * The `client_notification_token` a ping or push client must send with
 * bc-authorize (CIBA §7.1: REQUIRED for those modes): the bearer token the OP
 * presents at the client's notification endpoint, so RFC 6750 syntax, at most
 * 1,024 characters. A poll client's is ignored (CIBA §7.1 defines it only
 * for ping and push).
 *
 * @throws OAuthError invalid_request when it is missing, too long or malformed.
 */
export const checkClientNotificationToken = (value: string | undefined): string => {
  if (value === undefined || value === '') {
    throw invalidRequest('client_notification_token is required for ping and push clients.');
  }
  if (value.length > CLIENT_NOTIFICATION_TOKEN_MAX_LENGTH) {
    throw invalidRequest(`client_notification_token must be at most ${CLIENT_NOTIFICATION_TOKEN_MAX_LENGTH} characters.`);
  }
  if (!BEARER_TOKEN_SYNTAX.test(value)) {
    throw invalidRequest('client_notification_token must be a bearer token (RFC 6750 §2.1 syntax).');
  }

  return value;
};

/** What the request keeps sealed until its callback is queued. */
export type CallbackSecret = { mode: CallbackMode; clientNotificationToken: string; authReqId: string };

const requestContext = (requestId: string) => `request-callback:${requestId}`;

/**
 * The callback secret of a new ping or push request (BackchannelRequest.callbackSecret):
 * AES-256-GCM under the key-encryption key, bound to the request, so a backup
 * of the database holds neither the client's token nor the auth_req_id in the clear.
 */
export const sealCallbackSecret = (secret: CallbackSecret, requestId: string): string =>
  seal(JSON.stringify(secret), requestContext(requestId), getEnv().keyEncryptionKey);

/** The request's callback secret, or null when it cannot be opened (another key, tampered with). */
export const openCallbackSecret = (envelope: string, requestId: string): CallbackSecret | null => {
  const plain = unseal(envelope, requestContext(requestId), getEnv().keyEncryptionKey);

  return plain === null ? null : (JSON.parse(plain) as CallbackSecret);
};

/** What the callback says: tokens (or "ready", for ping), or a §12 error. */
export type CallbackOutcome = 'approved' | 'denied' | 'expired';

/** A callback message's payload (never a secret: those are in its sealed secret). */
export type CallbackPayload = {
  clientId: string;
  userId: string;
  outcome: CallbackOutcome;
  /** Retries stop at this time (ISO 8601): the request's expiry (or a short window after it, for an expiry push). */
  deadline: string;
};

/** A callback message's sealed secret: the client's bearer token, the auth_req_id, and once minted the pushed token response. */
export type CallbackMessageSecret = {
  client_notification_token: string;
  auth_req_id: string;
  /** Push, after the tokens were minted and the request redeemed (in the same unit): what every attempt sends. */
  token_response?: Record<string, unknown>;
};

/** The callback outcome a decision produces for a mode: ping is told after approval or denial; push also after expiry. */
const outcomeOf = (decision: RequestDecision, mode: CallbackMode): CallbackOutcome | null => {
  if (decision === 'approve') return 'approved';
  if (decision === 'deny' || decision === 'cancel') return 'denied';

  return mode === 'push' ? 'expired' : null;
};

/**
 * The callback outbox message a decision queues for a ping or push request
 * (written in the decision's unit): none for a poll request, nor for a ping
 * request's expiry (CIBA §10.2: the client is pinged once the user has
 * answered). The message id is the idempotency key.
 */
export const queueClientCallback = (options: {
  id: string;
  request: { id: string; tenantId: string; clientId: string; userId: string; expiresAt: Date; callbackSecret: string | null };
  decision: RequestDecision;
  now: Date;
}): NewOutboxMessage | null => {
  const { id, request, decision, now } = options;
  if (request.callbackSecret === null) return null;
  const secret = openCallbackSecret(request.callbackSecret, request.id);
  // A secret sealed under another key-encryption key: nothing can be sent; the decision still stands.
  if (secret === null) return null;
  const outcome = outcomeOf(decision, secret.mode);
  if (outcome === null) return null;
  const deadline =
    outcome === 'expired' ? new Date(now.getTime() + EXPIRY_CALLBACK_WINDOW_MS) : new Date(request.expiresAt.getTime());
  const payload: CallbackPayload = {
    clientId: request.clientId,
    userId: request.userId,
    outcome,
    deadline: deadline.toISOString(),
  };
  const messageSecret: CallbackMessageSecret = {
    client_notification_token: secret.clientNotificationToken,
    auth_req_id: secret.authReqId,
  };

  return {
    id,
    tenantId: request.tenantId,
    requestId: request.id,
    type: secret.mode === 'ping' ? PING_CALLBACK : PUSH_CALLBACK,
    payload: JSON.stringify(payload),
    encryptedSecret: sealOutboxSecret(JSON.stringify(messageSecret), id),
    availableAt: now,
    createdAt: now,
  };
};
