import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import type { IssuerKeyCache } from '@/lib/ciba/trusted-issuer-keys';
import { invalidRequest, truncate } from '@/lib/oauth/errors';

/** Asymmetric JWS algorithms only (RFC 7518 §3.1): `none` and the HMAC algorithms (a shared secret) are refused. */
export const TRUSTED_ISSUER_JWT_ALGS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

/** Leeway for `exp` (and `nbf`, `iat`) between a trusted issuer's clock and ours. */
export const TRUSTED_ISSUER_CLOCK_SKEW_SECONDS = 30;

/** A tenant's trusted issuer by its `iss` (null when the tenant does not trust it). */
export type FindTrustedIssuer = (
  tenantId: string,
  issuer: string,
) => Promise<{ id: string; jwks: string | null; jwksUri: string | null } | null>;

/**
 * Verifies a JWT that a trusted issuer of the tenant signed — an actor_token
 * (RFC 8693) or a login_hint_token (CIBA §7.1) — the one way for both: a
 * well-formed JWS with an asymmetric alg (TRUSTED_ISSUER_JWT_ALGS), an `iss`
 * the tenant trusts, the signature checked with that issuer's keys (inline,
 * or its jwks_uri through `keys`), `aud` = `audience`, `requiredClaims`
 * present, times within the skew. `name` is the parameter, for the messages.
 *
 * @throws invalid_request for a malformed token, a refused alg, no or an untrusted `iss`;
 *   `onVerifyFailure(error, issuer)`'s error when jose's verification fails.
 */
export const verifyTrustedIssuerJwt = async (
  findTrustedIssuer: FindTrustedIssuer,
  options: {
    name: string;
    token: string;
    tenantId: string;
    audience: string;
    requiredClaims: string[];
    now: Date;
    keys: IssuerKeyCache;
    onVerifyFailure: (error: unknown, issuer: string) => Error;
  },
): Promise<{ issuer: string; payload: JWTPayload }> => {
  const { name, token, tenantId, audience, now } = options;
  let alg: unknown;
  let issuer: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
    issuer = decodeJwt(token).iss;
  } catch {
    throw invalidRequest(`The ${name} is not a well-formed signed JWT.`);
  }
  if (typeof alg !== 'string' || !(TRUSTED_ISSUER_JWT_ALGS as readonly string[]).includes(alg)) {
    throw invalidRequest(
      `The ${name} must be signed with an asymmetric algorithm (${TRUSTED_ISSUER_JWT_ALGS.join(', ')}); ${truncate(String(alg))} is not accepted.`,
    );
  }
  if (typeof issuer !== 'string' || issuer === '') throw invalidRequest(`The ${name} must have an iss claim.`);
  const trusted = await findTrustedIssuer(tenantId, issuer);
  if (!trusted) throw invalidRequest(`The ${name}'s issuer ${truncate(issuer, 80)} is not trusted by this tenant.`);
  try {
    const { payload } = await jwtVerify(token, options.keys.keysFor(trusted, now), {
      issuer,
      audience,
      algorithms: [...TRUSTED_ISSUER_JWT_ALGS],
      requiredClaims: options.requiredClaims,
      clockTolerance: TRUSTED_ISSUER_CLOCK_SKEW_SECONDS,
      currentDate: now,
    });

    return { issuer, payload };
  } catch (error) {
    throw options.onVerifyFailure(error, issuer);
  }
};
