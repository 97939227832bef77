/**
 * Errors of the authenticator app's own endpoints (enrolment, sign-in,
 * decisions, own devices): each code has one HTTP status, mapped here only
 * (authenticatorErrorResponse). Admin operations use AdminError instead.
 */
export const AUTHENTICATOR_ERROR_STATUS = {
  /** The body is not what the endpoint takes. */
  invalid_request: 400,
  /** No valid authenticator session (none, expired, or its device was revoked). */
  unauthenticated: 401,
  /** Not the same-origin POST with the right CSRF token. */
  forbidden: 403,
  /** The enrolment link or request does not exist for this user (or never did). */
  not_found: 404,
  /** The enrolment link was used already. */
  enrollment_used: 410,
  /** The enrolment link expired. */
  enrollment_expired: 410,
  /** The request was already approved, denied or cancelled (first decision wins). */
  already_decided: 409,
  /** The request expired before the decision. */
  expired: 410,
  /** The passkey is not an enrolled device of this user (never enrolled, or revoked). */
  unknown_device: 401,
  /** The WebAuthn response did not verify (signature, challenge, origin, RP ID, user verification). */
  invalid_assertion: 401,
  /** The signature counter did not move forward (a cloned or replayed authenticator response). */
  counter_mismatch: 401,
  /** An approval that selects none of the request's items. */
  nothing_selected: 400,
} as const;

export type AuthenticatorErrorCode = keyof typeof AUTHENTICATOR_ERROR_STATUS;

export class AuthenticatorError extends Error {
  override readonly name = 'AuthenticatorError';
  readonly code: AuthenticatorErrorCode;

  constructor(code: AuthenticatorErrorCode, message: string) {
    super(message);
    this.code = code;
  }

  get status(): number {
    return AUTHENTICATOR_ERROR_STATUS[this.code];
  }
}

export const isAuthenticatorError = (error: unknown): error is AuthenticatorError => error instanceof AuthenticatorError;
