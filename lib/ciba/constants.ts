/** The CIBA grant type (CIBA §4, §10.1). */
export const CIBA_GRANT_TYPE = 'urn:openid:params:grant-type:ciba';

/**
 * Scopes every tenant supports. `openid` is mandatory in a CIBA request (CIBA
 * §7.1); `offline_access` (OIDC Core §11) asks for a refresh token, issued
 * when the client has the refresh_token grant.
 */
export const SUPPORTED_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

/**
 * Authentication context classes we can satisfy. Approval through a
 * single-use link sent to the user's verified email address proves control
 * of that mailbox.
 */
export const ACR_EMAIL_LINK = 'urn:backchannel:acr:email-link';
/**
 * The stronger class: approval with the user's passkey (a WebAuthn assertion
 * with user verification, bound to the request) from an enrolled authenticator
 * or on the approval page. A request at this level is never approved by the
 * emailed link alone (completeBackchannelRequest refuses it).
 */
export const ACR_PASSKEY = 'urn:backchannel:acr:passkey';
/** Strongest first. */
export const SUPPORTED_ACR_VALUES = [ACR_PASSKEY, ACR_EMAIL_LINK] as const;

/**
 * RFC 8176 amr values of a passkey approval: a hardware-protected key (hwk),
 * user presence (user), and user verification by biometric or PIN on top of
 * possession (mfa). An approval through the emailed link alone has no amr.
 */
export const PASSKEY_AMR = ['hwk', 'user', 'mfa'] as const;

/** Added to the poll interval each time a client polls too fast (CIBA §11: "at least 5 seconds"). */
export const SLOW_DOWN_INCREMENT_SECONDS = 5;

/**
 * Network jitter allowance when comparing poll spacing with the interval: a
 * client that waits exactly `interval` seconds after our previous response
 * can reach us a little early relative to that poll's arrival.
 */
export const POLL_SPACING_GRACE_MS = 250;

/** auth_req_id: 32 random bytes = 256 bits, base64url (CIBA §7.3 asks for ≥ 128, recommends 160). */
export const AUTH_REQ_ID_BYTES = 32;

/** Longest requested_expiry string we parse (anything longer is clamped-out nonsense). */
export const MAX_REQUESTED_EXPIRY_DIGITS = 10;
