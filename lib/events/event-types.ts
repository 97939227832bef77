/**
 * Who completed a request: the user through a channel, an administrator (in
 * the console, through a Management API key, or the CLI), the system
 * (expiry), or the conformance test hook.
 */
export type Actor =
  /** The user: on the emailed approval page, or in the authenticator app (lib/authenticator). */
  | { kind: 'user'; channel: 'email' | 'authenticator' }
  | { kind: 'admin'; id: string }
  | { kind: 'api_key'; id: string }
  | { kind: 'cli' }
  | { kind: 'system' }
  | { kind: 'test_hook' };

/**
 * The agent acting for the user (a verified actor_token, RFC 8693): its
 * issuer, its `sub`, and its display name when the token gave one. Recorded
 * beside the user on the events of a request an agent started.
 */
export type AgentDetail = { iss: string; sub: string; name?: string };

/**
 * Every event type and its `detail`. Names follow Auth0's log event names
 * where one exists (`ciba_start_succeeded`, `ciba_start_failed`,
 * `ciba_exchange_succeeded`, `ciba_exchange_failed`) and `ciba_<verb>`
 * otherwise (contract.md, /events).
 * Detail members use the wire's snake_case: events are served as they are.
 */
export type EventDetails = {
  /**
   * bc-authorize accepted a request (CIBA §7.3). `started_by` only when an
   * administrator started it from the console (Try it), the client vouched for
   * by their session instead of its credentials.
   */
  ciba_start_succeeded: {
    scope: string;
    binding_message: string | null;
    expires_in: number;
    /** The first channel: push (to `push_devices` devices, the email `email_after_seconds` later, null: none) or email. */
    channel: 'email' | 'push';
    push_devices?: number;
    email_after_seconds?: number | null;
    started_by?: Actor;
    /** RFC 9396: the types of the authorization_details requested, when there were any (never their values). */
    authorization_details_types?: string[];
    /** The agent acting for the user, when the request carried an actor_token. */
    agent?: AgentDetail;
  };
  /**
   * bc-authorize refused an authenticated client's request (CIBA §13): the
   * answer's `error` and `error_description`, and the private `reason` the
   * client is not told. No request exists (request_id null); the user is
   * named only when the hint had resolved to one. Never the hint itself.
   * `started_by` as in ciba_start_succeeded.
   */
  ciba_start_failed: {
    error: string;
    error_description: string | null;
    reason: string | null;
    started_by?: Actor;
    /** The agent, when its actor_token had been verified before the refusal. */
    agent?: AgentDetail;
  };
  /** A notification to the user (or later the client) was delivered to its provider. */
  ciba_notification_sent: { channel: string; outbox_message_id: string; attempt: number; provider_message_id: string };
  /** A delivery attempt failed; `final` when no retry follows. */
  ciba_notification_failed: {
    channel: string;
    outbox_message_id: string;
    attempt: number;
    error: string;
    final: boolean;
    next_attempt_at: string | null;
  };
  /**
   * A ping or push callback (CIBA §10.2, §10.3) reached the client's
   * notification endpoint: `response` is its HTTP status line, e.g. "HTTP 204".
   */
  ciba_callback_delivered: { mode: string; outbox_message_id: string; attempt: number; response: string };
  /**
   * A callback attempt failed; `final` when no retry follows (a 4xx, a
   * redirect, or the request's expiry reached). A push that finally failed
   * revokes the tokens it carried (`tokens_revoked`).
   */
  ciba_callback_failed: {
    mode: string;
    outbox_message_id: string;
    attempt: number;
    error: string;
    final: boolean;
    next_attempt_at: string | null;
    tokens_revoked: boolean;
  };
  /** The approval page was displayed for a valid link (a GET: the request itself is unchanged). */
  ciba_link_opened: { channel: 'email' };
  /** `agent`: the agent acting for the user, when the request carried an actor_token. */
  /** `passkey_device_id`: the enrolled authenticator whose passkey assertion decided (AuthenticatorDevice.id). */
  ciba_approved: { by: Actor; agent?: AgentDetail; passkey_device_id?: string };
  ciba_denied: { by: Actor; agent?: AgentDetail; passkey_device_id?: string };
  ciba_cancelled: { by: Actor; agent?: AgentDetail };
  ciba_expired: { by: Actor; agent?: AgentDetail };
  /** Tokens were issued for the request (CIBA §10.1.1). */
  ciba_exchange_succeeded: { access_token_jti: string; agent?: AgentDetail };
  /** A redeemed auth_req_id was presented again: the tokens it produced are revoked. */
  ciba_exchange_failed: { reason: 'replay'; tokens_revoked: boolean };
  /** The client polled faster than the interval (CIBA §11); the interval is now `interval`. */
  ciba_slow_down: { interval: number };
  /** A refresh token of the request's grant was used (RFC 6749 §6): rotated, a new access token issued. */
  ciba_tokens_refreshed: { access_token_jti: string };
  /**
   * Every token of the request's grant was revoked: a rotated refresh token
   * was presented again (`refresh_token_reuse`), or a refresh token of the
   * grant was revoked at the revocation endpoint (`revocation`, RFC 7009).
   */
  ciba_tokens_revoked: { reason: 'refresh_token_reuse' | 'revocation' };
} & { [T in AdminEventType]: AdminChange };

/**
 * An administrative change, for the audit log: what it touched (`target`, e.g.
 * a client_id or a tenant slug) and the settings before and after (null for a
 * creation or deletion). Never a secret or a secret's hash.
 */
export type AdminChange = { target: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null };

/** Administrative event types: written with the principal who caused them (Event.actor). */
export const ADMIN_EVENT_TYPES = [
  'tenant_created',
  'tenant_updated',
  'tenant_deleted',
  'client_created',
  'client_updated',
  'client_deleted',
  'client_secret_rotated',
  'authorization_type_created',
  'authorization_type_updated',
  'authorization_type_deleted',
  'user_created',
  'user_updated',
  'user_deleted',
  'user_blocked',
  'user_unblocked',
  'users_imported',
  'signing_key_rotated',
  'signing_key_retired',
  'admin_created',
  'admin_updated',
  'admin_removed',
  'api_key_created',
  'api_key_revoked',
  'initial_access_token_created',
  'initial_access_token_revoked',
  'email_test_sent',
  'trusted_issuer_added',
  'trusted_issuer_removed',
  // Authenticator app (lib/authenticator): written with Event.userId; actor an admin's label or `user:<id>` for the user themself.
  'authenticator_enrollment_sent',
  'authenticator_enrolled',
  'authenticator_revoked',
] as const;
export type AdminEventType = (typeof ADMIN_EVENT_TYPES)[number];

export type EventType = keyof EventDetails;

export const REQUEST_EVENT_TYPES = [
  'ciba_start_succeeded',
  'ciba_start_failed',
  'ciba_notification_sent',
  'ciba_notification_failed',
  'ciba_callback_delivered',
  'ciba_callback_failed',
  'ciba_link_opened',
  'ciba_approved',
  'ciba_denied',
  'ciba_cancelled',
  'ciba_expired',
  'ciba_exchange_succeeded',
  'ciba_exchange_failed',
  'ciba_slow_down',
  'ciba_tokens_refreshed',
  'ciba_tokens_revoked',
] as const satisfies readonly EventType[];

export const EVENT_TYPES = [...REQUEST_EVENT_TYPES, ...ADMIN_EVENT_TYPES] as const satisfies readonly EventType[];

/** What an event is about; every id is the database id (not client_id or sub). */
export type EventSubject = { tenantId: string; requestId?: string | null; clientId?: string | null; userId?: string | null };

/** An event as stored (the Event table). */
export type EventRecord = {
  id: string;
  /** Null only for administrative events outside any tenant. */
  tenantId: string | null;
  type: string;
  /** Who caused an administrative event (Principal: `admin:<id>`, `api_key:<id>`, `cli`, `registration:<token id>`, `registration_client:<client_id>`); null for request events. */
  actor: string | null;
  requestId: string | null;
  clientId: string | null;
  userId: string | null;
  detail: string | null;
  createdAt: Date;
};
