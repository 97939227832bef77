import { errors as joseErrors, type JWTPayload } from 'jose';
import { IssuerKeysUnavailable } from '@/lib/ciba/trusted-issuer-keys';
import { getIssuerKeyCache } from '@/lib/ciba/verify-actor-token';
import { verifyTrustedIssuerJwt, type FindTrustedIssuer } from '@/lib/ciba/verify-trusted-issuer-jwt';
import { expiredLoginHintToken, invalidRequest } from '@/lib/oauth/errors';

/** How a verified login_hint_token names the user, for the lookup in the tenant. */
export type LoginHintSubject = { by: 'email'; email: string } | { by: 'sub'; sub: string } | { by: 'nobody' };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const nonEmptyString = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** The description of a verification failure (jose's error classes, never its messages or the token's values). */
const describeFailure = (error: unknown): string => {
  if (error instanceof IssuerKeysUnavailable) return `The login_hint_token could not be verified: ${error.message}.`;
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return "The login_hint_token's aud must be this provider's issuer identifier.";
    if (error.reason === 'missing') return `The login_hint_token must have the ${error.claim} claim.`;
    if (error.claim === 'nbf') return 'The login_hint_token is not valid yet (its nbf is in the future).';

    return `The login_hint_token's ${error.claim} claim is invalid.`;
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'The login_hint_token names no key of its issuer (unknown kid).';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'The login_hint_token signature is invalid.';

  return 'The login_hint_token is not a valid signed JWT.';
};

/**
 * The user a verified token names: RFC 9493 `sub_id` — format `email`
 * (`email`) or `iss_sub` (`iss` must be the tenant's issuer, else nobody) —
 * or else the `sub` claim, or else the `email` claim.
 */
const subjectOf = (payload: JWTPayload, tenantIssuer: string): LoginHintSubject => {
  const subId = payload.sub_id;
  if (subId !== undefined) {
    if (isRecord(subId) && subId.format === 'email' && nonEmptyString(subId.email)) {
      return { by: 'email', email: subId.email.trim().toLowerCase() };
    }
    if (isRecord(subId) && subId.format === 'iss_sub' && nonEmptyString(subId.iss) && nonEmptyString(subId.sub)) {
      return subId.iss === tenantIssuer ? { by: 'sub', sub: subId.sub } : { by: 'nobody' };
    }
    throw invalidRequest(
      "The login_hint_token's sub_id must be an RFC 9493 subject identifier of format email (with email) or iss_sub (with iss and sub).",
    );
  }
  if (nonEmptyString(payload.sub)) return { by: 'sub', sub: payload.sub };
  if (nonEmptyString(payload.email)) return { by: 'email', email: payload.email.trim().toLowerCase() };
  throw invalidRequest('The login_hint_token must name the user by sub_id, sub or email.');
};

/**
 * A `login_hint_token` (CIBA §7.1; contract.md): a JWT from an issuer the
 * tenant trusts (`login-hint-issuer add`; the trusted-issuer list and key
 * cache the actor_token uses, lib/ciba/verify-actor-token.ts), signed with an
 * asymmetric algorithm, `aud` the tenant's issuer, `exp` required
 * (TRUSTED_ISSUER_CLOCK_SKEW_SECONDS of leeway). Returns how it names the user;
 * the caller looks the user up (CIBA §7.2 step 4).
 *
 * @throws expired_login_hint_token (400) when `exp` is past — only for a
 * token whose signature verified (CIBA §13); invalid_request (400) for an
 * unknown issuer, a bad signature, a wrong `aud`, a missing `exp` or a
 * malformed token.
 */
export const verifyLoginHintToken = async (
  findTrustedIssuer: FindTrustedIssuer,
  options: { token: string; tenantId: string; issuer: string; now: Date },
): Promise<LoginHintSubject> => {
  const { token, tenantId, issuer: audience, now } = options;
  const { payload } = await verifyTrustedIssuerJwt(findTrustedIssuer, {
    name: 'login_hint_token',
    token,
    tenantId,
    audience,
    requiredClaims: ['exp'],
    now,
    keys: getIssuerKeyCache(),
    // CIBA §13: an expired token whose signature verified has its own code.
    onVerifyFailure: (error) =>
      error instanceof joseErrors.JWTExpired ? expiredLoginHintToken() : invalidRequest(describeFailure(error)),
  });

  return subjectOf(payload, audience);
};
