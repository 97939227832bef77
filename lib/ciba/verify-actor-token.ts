import { errors as joseErrors } from 'jose';
import { getBaseEnv } from '@/lib/env';
import type { AgentDetail } from '@/lib/events/event-types';
import type { FormParams } from '@/lib/http/protocol-http';
import { invalidRequest, truncate } from '@/lib/oauth/errors';
import { createIssuerKeyCache, IssuerKeysUnavailable, type IssuerKeyCache } from '@/lib/ciba/trusted-issuer-keys';
import { verifyTrustedIssuerJwt, type FindTrustedIssuer } from '@/lib/ciba/verify-trusted-issuer-jwt';

/** RFC 8693 §3: the one actor_token_type we accept. */
export const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';

/** Longest actor_token looked at. */
const MAX_ACTOR_TOKEN_LENGTH = 8192;

/** Longest display claim (`name`, `act_for`) shown on the approval page. */
export const ACTOR_DISPLAY_MAX_LENGTH = 100;

/** The agent a verified actor_token names: what the request stores and the tokens' `act` claim carries. */
export type VerifiedActor = {
  /** The token's `iss`: a trusted issuer of the tenant. */
  issuer: string;
  /** The token's `sub`: the agent's identifier at its issuer. */
  sub: string;
  /** The `name` claim: how the approval page names the agent. */
  name: string | null;
  /** The `act_for` claim: on whose behalf the agent says it acts (shown with its name). */
  actingFor: string | null;
};

/** The actor as events record it (beside the user). */
export const actorEventDetail = (actor: VerifiedActor): AgentDetail => ({
  iss: actor.issuer,
  sub: actor.sub,
  ...(actor.name === null ? {} : { name: actor.name }),
});

export type { FindTrustedIssuer } from '@/lib/ciba/verify-trusted-issuer-jwt';

const globalForKeys = globalThis as unknown as { backchannelIssuerKeys?: IssuerKeyCache };

/** The process's cache of trusted issuers' fetched key sets. */
export const getIssuerKeyCache = (): IssuerKeyCache => {
  globalForKeys.backchannelIssuerKeys ??= createIssuerKeyCache({
    allowHttpLoopback: () => getBaseEnv().allowHttpLoopbackCallbacks,
  });

  return globalForKeys.backchannelIssuerKeys;
};

const CONTROL_CHARACTERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/** An optional display claim: absent, or a short printable string. */
const displayClaim = (payload: Record<string, unknown>, claim: string): string | null => {
  const value = payload[claim];
  if (value === undefined) return null;
  if (
    typeof value !== 'string' ||
    value.trim() === '' ||
    value.length > ACTOR_DISPLAY_MAX_LENGTH ||
    CONTROL_CHARACTERS.test(value)
  ) {
    throw invalidRequest(
      `The actor_token's ${claim} claim must be a string of 1 to ${ACTOR_DISPLAY_MAX_LENGTH} printable characters.`,
    );
  }

  return value.trim();
};

/** The description of a verification failure (jose's error codes, never its messages). */
const describeFailure = (error: unknown, issuer: string, audience: string): string => {
  if (error instanceof IssuerKeysUnavailable) return `The actor_token could not be verified: ${error.message}.`;
  if (error instanceof joseErrors.JWTExpired) return 'The actor_token has expired (its exp is in the past).';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.claim === 'aud') return `The actor_token's aud must include this issuer (${audience}).`;
    if (error.reason === 'missing') return `The actor_token must have the ${error.claim} claim.`;
    if (error.claim === 'nbf') return 'The actor_token is not valid yet (nbf is in the future).';

    return `The actor_token's ${error.claim} claim is invalid.`;
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) {
    return `The actor_token names no key of its issuer ${truncate(issuer, 80)} (unknown kid).`;
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'The actor_token signature is invalid.';

  return 'The actor_token is not a valid signed JWT.';
};

/**
 * RFC 8693 §2.1 `actor_token` at bc-authorize (as WSO2 accepts it for CIBA):
 * a JWT naming the agent that asks on the user's behalf, from an issuer the
 * tenant trusts (lib/admin/trusted-issuers.ts). Checked with the other
 * parameters (CIBA §7.2 step 3), before the hint is processed (step 4).
 * Absent: null, and nothing changes.
 *
 * - `actor_token_type`, when sent, must be `urn:ietf:params:oauth:token-type:jwt`;
 *   sent without an actor_token it is refused (RFC 8693 §2.1).
 * - Signed with an asymmetric algorithm (never `none` or HS*), by a key of the
 *   issuer its `iss` names, which the tenant must trust.
 * - `aud` includes the tenant's issuer; `exp` is required and in the future
 *   (TRUSTED_ISSUER_CLOCK_SKEW_SECONDS of leeway); `sub` (the agent) is required.
 * - Optional `name` (the agent's display name) and `act_for` (on whose behalf
 *   it acts), each 1 to 100 printable characters.
 *
 * @throws invalid_request (400) for every failure, expiry included (there is
 * no dedicated code; the description says which).
 */
export const verifyActorToken = async (
  findTrustedIssuer: FindTrustedIssuer,
  options: { params: FormParams; tenantId: string; audience: string; now: Date; keys?: IssuerKeyCache },
): Promise<VerifiedActor | null> => {
  const { params, tenantId, audience, now } = options;
  const token = params.get('actor_token');
  const tokenType = params.get('actor_token_type');
  if (token === undefined) {
    if (tokenType !== undefined) throw invalidRequest('actor_token_type was sent without an actor_token.');

    return null;
  }
  if (tokenType !== undefined && tokenType !== JWT_TOKEN_TYPE) {
    throw invalidRequest(`actor_token_type must be ${JWT_TOKEN_TYPE} (got ${truncate(tokenType)}).`);
  }
  if (token === '' || token.length > MAX_ACTOR_TOKEN_LENGTH) {
    throw invalidRequest(`The actor_token must be a signed JWT of at most ${MAX_ACTOR_TOKEN_LENGTH} characters.`);
  }
  const { issuer, payload } = await verifyTrustedIssuerJwt(findTrustedIssuer, {
    name: 'actor_token',
    token,
    tenantId,
    audience,
    requiredClaims: ['exp', 'sub'],
    now,
    keys: options.keys ?? getIssuerKeyCache(),
    onVerifyFailure: (error, issuer) => invalidRequest(describeFailure(error, issuer, audience)),
  });
  const sub = payload.sub;
  if (typeof sub !== 'string' || sub === '' || sub.length > 255) {
    throw invalidRequest('The actor_token must have a sub claim (the agent) of 1 to 255 characters.');
  }

  return { issuer, sub, name: displayClaim(payload, 'name'), actingFor: displayClaim(payload, 'act_for') };
};
