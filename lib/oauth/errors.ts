/**
 * The closed set of OAuth / CIBA errors the protocol endpoints return.
 * Each carries a public `description` (sent as `error_description`) and an
 * optional private `detail` (logged, never sent). Where the precise reason
 * would help an attacker (invalid_client, invalid_grant) the public text is
 * fixed and the reason goes in `detail`.
 *
 * Error codes and statuses: CIBA Core §11 (token endpoint) and §13
 * (backchannel authentication endpoint); RFC 6749 §5.2.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'invalid_scope'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'access_denied'
  | 'authorization_pending'
  | 'slow_down'
  | 'expired_token'
  | 'unknown_user_id'
  | 'expired_login_hint_token'
  | 'invalid_binding_message'
  | 'missing_user_code'
  | 'invalid_user_code'
  | 'invalid_authorization_details'
  | 'invalid_token'
  | 'invalid_client_metadata'
  | 'insufficient_scope'
  | 'temporarily_unavailable'
  | 'server_error';

export class OAuthError extends Error {
  readonly error: OAuthErrorCode;
  readonly status: number;
  readonly description: string;
  readonly detail: string | undefined;
  /** Extra response headers (WWW-Authenticate, Retry-After, Allow). */
  readonly headers: Record<string, string>;
  /** Extra public members of the error body (slow_down's `interval`). */
  readonly extra: Record<string, string | number>;

  constructor(
    error: OAuthErrorCode,
    status: number,
    description: string,
    options: { detail?: string; headers?: Record<string, string>; extra?: Record<string, string | number> } = {},
  ) {
    super(`${error}: ${description}${options.detail ? ` (${options.detail})` : ''}`);
    this.name = 'OAuthError';
    this.error = error;
    this.status = status;
    this.description = description;
    this.detail = options.detail;
    this.headers = options.headers ?? {};
    this.extra = options.extra ?? {};
  }
}

/**
 * 400: `authorization_details` refused (RFC 9396 §5): not a JSON array of
 * objects, too large, an item of an unknown type or one the client may not
 * use, or an item its type's schema refuses. The description names the item
 * and field, never a value.
 */
export const invalidAuthorizationDetails = (description: string) =>
  new OAuthError('invalid_authorization_details', 400, description);

/** 400: missing, repeated or malformed parameter; zero or several hints (CIBA §13). */
export const invalidRequest = (description: string, detail?: string) =>
  new OAuthError('invalid_request', 400, description, { detail });

/** 405 with `Allow`: the endpoint exists but not for this method. */
export const methodNotAllowed = (allowed: readonly string[]) =>
  new OAuthError('invalid_request', 405, `The request method must be ${allowed.join(' or ')}.`, {
    headers: { Allow: allowed.join(', ') },
  });

/**
 * 401: client authentication failed, for any reason. The public text never
 * says which (unknown client, wrong secret, wrong method); `description`
 * replaces it only where saying what was wrong tells nothing about stored
 * clients (a malformed client assertion, RFC 7523 §3). When the client
 * tried HTTP Basic, the challenge is repeated (RFC 6749 §5.2).
 */
export const invalidClient = (detail: string, options: { basicAttempted: boolean; description?: string }) =>
  new OAuthError('invalid_client', 401, options.description ?? 'Client authentication failed.', {
    detail,
    headers: options.basicAttempted ? { 'WWW-Authenticate': 'Basic realm="backchannel", charset="UTF-8"' } : {},
  });

/** 400: auth_req_id unknown, issued to another client, or already redeemed (CIBA §11). */
export const invalidGrant = (detail: string) =>
  new OAuthError('invalid_grant', 400, 'The auth_req_id is invalid, was issued to another client, or was already used.', {
    detail,
  });

export const invalidScope = (description: string) => new OAuthError('invalid_scope', 400, description);

/** 400: the client may not use this flow or grant (CIBA §11, §13). */
export const unauthorizedClient = (description: string) => new OAuthError('unauthorized_client', 400, description);

export const unsupportedGrantType = (grantType: string) =>
  new OAuthError('unsupported_grant_type', 400, `The grant type "${truncate(grantType)}" is not supported.`);

/**
 * bc-authorize: no notification channel of the tenant can reach the hinted
 * user (push only, and no device of theirs subscribed to Web Push). CIBA §13:
 * 403 access_denied, the OP's policy decision before any user interaction.
 */
export const noNotificationChannel = (detail: string) =>
  new OAuthError(
    'access_denied',
    403,
    'The end-user cannot be asked to approve: none of the notification channels this provider uses reaches them.',
    { detail },
  );

/** 400: the end-user denied the request (CIBA §11). */
export const accessDenied = () => new OAuthError('access_denied', 400, 'The end-user denied the authorization request.');

/**
 * 403 at bc-authorize (CIBA §13 `access_denied`: the OP refuses before any
 * user interaction): the client's acr_values name only the passkey level
 * and the hinted user has no enrolled authenticator (lib/ciba/select-acr.ts).
 */
export const passkeyLevelUnavailable = () =>
  new OAuthError(
    'access_denied',
    403,
    'The requested acr_values cannot be satisfied for this user: the passkey level needs an enrolled authenticator.',
  );

/** 400: keep polling (CIBA §11). */
export const authorizationPending = () =>
  new OAuthError('authorization_pending', 400, 'The end-user has not yet approved or denied the request.');

/**
 * 400: the client polled faster than the interval; the interval for this and
 * every later poll is now `interval` seconds (CIBA §11).
 */
export const slowDown = (interval: number) =>
  new OAuthError('slow_down', 400, `Polling too fast: wait at least ${interval} seconds between polls.`, {
    headers: { 'Retry-After': String(interval) },
    extra: { interval },
  });

/** 400: the auth_req_id has expired; start a new request (CIBA §11). */
export const expiredToken = () =>
  new OAuthError('expired_token', 400, 'The auth_req_id has expired. Start a new authentication request.');

/**
 * 400: the hint does not identify a user of this tenant (CIBA §13) — also
 * for a blocked user, whose block is not revealed (contract.md); `detail`
 * (never sent) says which.
 */
export const unknownUserId = (detail?: string) =>
  new OAuthError('unknown_user_id', 400, 'The hint does not identify a known user.', { detail });

/** 400: the login_hint_token's `exp` is past (CIBA §13); only for a token whose signature verified. */
export const expiredLoginHintToken = () =>
  new OAuthError('expired_login_hint_token', 400, 'The login_hint_token has expired (its exp is in the past).');

/** 400: the client must send the user's user_code and did not (CIBA §7.1.2, §13). */
export const missingUserCode = () => new OAuthError('missing_user_code', 400, 'This client must send the user_code of the user.');

/**
 * 400: the user_code is wrong, the user has none, or it is locked after too
 * many wrong codes (CIBA §7.1.2, §13). The public text is the same for all
 * three; `detail` (recorded on the ciba_start_failed event, never sent) says which.
 */
export const invalidUserCode = (detail: string) =>
  new OAuthError('invalid_user_code', 400, 'The user_code is not valid for this user.', { detail });

/**
 * 429 access_denied with Retry-After: the hinted user's per-minute limit is
 * reached. CIBA §13's code for a request the OP refuses before any user
 * interaction; 429 (RFC 6585 §4) says it is a rate limit (contract.md).
 */
export const userRateLimited = (retryAfterSeconds: number) =>
  new OAuthError('access_denied', 429, 'Too many authentication requests for this user. Try again later.', {
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });

/**
 * 429 access_denied with Retry-After, as userRateLimited: the per-minute
 * limit of the agent named by the request's actor_token is reached.
 */
export const agentRateLimited = (retryAfterSeconds: number) =>
  new OAuthError('access_denied', 429, 'Too many authentication requests from this agent. Try again later.', {
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });

/**
 * 429 temporarily_unavailable with Retry-After (RFC 6749 §4.1.2.1's code for
 * a server that cannot take the request now): the tenant's per-minute limit
 * or its cap of outstanding requests is reached; `detail` says which.
 */
export const tenantRateLimited = (retryAfterSeconds: number, detail: string) =>
  new OAuthError('temporarily_unavailable', 429, 'Too many authentication requests. Try again later.', {
    detail,
    headers: { 'Retry-After': String(retryAfterSeconds) },
  });

export const invalidBindingMessage = (description: string) => new OAuthError('invalid_binding_message', 400, description);

/** 401 at userinfo, with the RFC 6750 §3 challenge. */
export const invalidToken = (detail: string) =>
  new OAuthError('invalid_token', 401, 'The access token is invalid, expired or revoked.', {
    detail,
    headers: { 'WWW-Authenticate': 'Bearer realm="backchannel", error="invalid_token"' },
  });

/** 401 at userinfo when no token was sent at all (RFC 6750 §3.1: no error code in the challenge). */
export const missingBearerToken = () =>
  new OAuthError('invalid_request', 401, 'A bearer access token is required.', {
    headers: { 'WWW-Authenticate': 'Bearer realm="backchannel"' },
  });

export const insufficientScope = () =>
  new OAuthError('insufficient_scope', 403, 'The access token does not carry the openid scope.', {
    headers: { 'WWW-Authenticate': 'Bearer realm="backchannel", error="insufficient_scope", scope="openid"' },
  });

/**
 * 400 at dynamic registration (RFC 7591 §3.2.2, RFC 7592 §2.2): a metadata
 * field refused; the description names each field and why
 * (`<field>: <message>; …`).
 */
export const invalidClientMetadata = (description: string) => new OAuthError('invalid_client_metadata', 400, description);

/**
 * 401 at dynamic registration and at a client's configuration endpoint
 * (RFC 7591 §3, RFC 7592 §2, with RFC 6750 §3's challenge): the initial or
 * registration access token is missing, unknown, expired, revoked or used
 * up; `detail` (never sent) says which. A missing token's challenge carries
 * no error code (RFC 6750 §3.1).
 */
export const invalidRegistrationToken = (detail: string, options: { missing?: boolean } = {}) =>
  new OAuthError('invalid_token', 401, 'The access token is missing, invalid, expired, revoked or used up.', {
    detail,
    headers: {
      'WWW-Authenticate': options.missing ? 'Bearer realm="backchannel"' : 'Bearer realm="backchannel", error="invalid_token"',
    },
  });

export const notFound = () => new OAuthError('invalid_request', 404, 'No such endpoint.');

/** Keeps echoed client input short and printable (RFC 6749 §5.2 error_description charset). */
export const truncate = (value: string, max = 40): string => {
  const printable = value.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '?');

  return printable.length > max ? `${printable.slice(0, max)}...` : printable;
};
