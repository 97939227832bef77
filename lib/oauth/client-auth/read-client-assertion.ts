import { decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import { CLIENT_SIGNING_ALGS, type ClientSigningAlg } from '@/lib/clients/client-metadata';
import type { ClientAuthRequest } from '@/lib/oauth/client-auth/client-authenticator';
import { invalidClient, invalidRequest, truncate } from '@/lib/oauth/errors';

/** RFC 7523 §2.2: the one `client_assertion_type` for a JWT client assertion. */
export const JWT_BEARER_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Leeway for `exp`, `nbf` and `iat` between the client's clock and ours (RFC 7523 §3 items 4, 5, 6 "reasonable leeway"). */
export const CLIENT_ASSERTION_CLOCK_SKEW_SECONDS = 30;

/**
 * An assertion may live at most this long: its `exp` at most this far after
 * the request (plus the skew) and after its own `iat`. Short, so that a
 * leaked assertion is soon worthless and the jti store stays small
 * (RFC 7523 §3 item 4: "MAY reject JWTs with an exp claim value that is
 * unreasonably far in the future").
 */
export const CLIENT_ASSERTION_MAX_LIFETIME_SECONDS = 600;

/** Longest `jti` accepted (it is stored until the assertion expires). */
export const CLIENT_ASSERTION_MAX_JTI_LENGTH = 256;

/** Longest client_assertion looked at. */
const MAX_CLIENT_ASSERTION_LENGTH = 8192;

/** A client assertion whose form and claims are acceptable; its signature is not verified yet. */
export type ClientAssertion = {
  /** The compact JWS as sent. */
  token: string;
  alg: ClientSigningAlg;
  /** `iss` = `sub`: the client_id it names. */
  clientId: string;
  jti: string;
  /** NumericDate (seconds). */
  exp: number;
};

/** An invalid_client whose public text says what was wrong with the assertion (it names nothing stored). */
const refuse = (description: string) => invalidClient(description, { basicAttempted: false, description });

const isNumericDate = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** RFC 7523 §3 item 3: `aud` (a string or an array) names the issuer or the endpoint called. */
const checkAudience = (aud: JWTPayload['aud'], { issuer, endpointUrl }: Pick<ClientAuthRequest, 'issuer' | 'endpointUrl'>) => {
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  if (!audiences.some((value) => value === issuer || value === endpointUrl)) {
    throw refuse(`The client assertion's aud must include the issuer (${issuer}) or this endpoint's URL (${endpointUrl}).`);
  }
};

/** RFC 7523 §3 items 4–6: `exp` required, not past and not far off; `nbf` and `iat`, if present, not in the future. */
const checkTimes = (payload: JWTPayload, receivedAt: Date): number => {
  const now = receivedAt.getTime() / 1000;
  const skew = CLIENT_ASSERTION_CLOCK_SKEW_SECONDS;
  const { exp, nbf, iat } = payload;
  if (exp === undefined) throw refuse('The client assertion must have an exp claim.');
  if (!isNumericDate(exp)) throw refuse("The client assertion's exp claim must be a number (NumericDate).");
  if (exp <= now - skew) throw refuse('The client assertion has expired (its exp is in the past).');
  if (nbf !== undefined && !isNumericDate(nbf)) throw refuse("The client assertion's nbf claim must be a number (NumericDate).");
  if (nbf !== undefined && nbf > now + skew) throw refuse('The client assertion is not valid yet (its nbf is in the future).');
  if (iat !== undefined && !isNumericDate(iat)) throw refuse("The client assertion's iat claim must be a number (NumericDate).");
  if (iat !== undefined && iat > now + skew) throw refuse("The client assertion's iat is in the future.");
  const max = CLIENT_ASSERTION_MAX_LIFETIME_SECONDS;
  if (exp > now + max + skew || (iat !== undefined && exp - iat > max)) {
    throw refuse(`The client assertion lives too long: its exp must be at most ${max} seconds after the request and its iat.`);
  }

  return exp;
};

/**
 * Reads a `private_key_jwt` client assertion (RFC 7523 §2.2 and §3, RFC 7521
 * §4.2, OIDC Core §9) and checks everything that needs no stored client, so
 * that each refusal may say what was wrong:
 * - `client_assertion_type` is exactly JWT_BEARER_ASSERTION_TYPE and a
 *   `client_assertion` is sent with it;
 * - the assertion is a compact JWS (never a JWE) signed with one of
 *   CLIENT_SIGNING_ALGS (never `none` or HS*);
 * - `iss` = `sub` = the client_id; a `client_id` in the form, if any, is the same;
 * - `aud` names the tenant's issuer or the endpoint's URL;
 * - `exp` is required, not past and at most CLIENT_ASSERTION_MAX_LIFETIME_SECONDS
 *   away; `nbf` and `iat`, if present, are not in the future
 *   (CLIENT_ASSERTION_CLOCK_SKEW_SECONDS of leeway throughout);
 * - `jti` is required, 1 to CLIENT_ASSERTION_MAX_JTI_LENGTH characters.
 *
 * @throws invalid_client (401) for every failure; invalid_request (400) when
 * the form's client_id contradicts the assertion.
 */
export const readClientAssertion = (request: ClientAuthRequest): ClientAssertion => {
  const { params } = request;
  const type = params.get('client_assertion_type');
  const token = params.get('client_assertion');
  if (type !== JWT_BEARER_ASSERTION_TYPE) {
    throw refuse(
      `client_assertion_type must be ${JWT_BEARER_ASSERTION_TYPE}${type === undefined ? '' : ` (got ${truncate(type)})`}.`,
    );
  }
  if (token === undefined || token === '') throw refuse('client_assertion is required with client_assertion_type.');
  if (token.length > MAX_CLIENT_ASSERTION_LENGTH) {
    throw refuse(`The client assertion must be at most ${MAX_CLIENT_ASSERTION_LENGTH} characters.`);
  }
  if (token.split('.').length !== 3)
    throw refuse('The client assertion must be a signed JWT (compact JWS); encrypted JWTs are not accepted.');
  let alg: unknown;
  let payload: JWTPayload;
  try {
    alg = decodeProtectedHeader(token).alg;
    payload = decodeJwt(token);
  } catch {
    throw refuse('The client assertion is not a well-formed signed JWT.');
  }
  if (typeof alg !== 'string' || !(CLIENT_SIGNING_ALGS as readonly string[]).includes(alg)) {
    throw refuse(
      `The client assertion must be signed with one of ${CLIENT_SIGNING_ALGS.join(', ')}; ${truncate(String(alg))} is not accepted.`,
    );
  }
  const { iss, sub, jti } = payload;
  if (typeof sub !== 'string' || sub === '') throw refuse('The client assertion must have a sub claim: the client_id.');
  if (iss !== sub) throw refuse("The client assertion's iss and sub must both be the client_id.");
  const formClientId = params.get('client_id');
  if (formClientId !== undefined && formClientId !== sub) {
    throw invalidRequest("client_id in the body does not match the client assertion's sub.");
  }
  checkAudience(payload.aud, request);
  const exp = checkTimes(payload, request.receivedAt);
  if (typeof jti !== 'string' || jti === '' || jti.length > CLIENT_ASSERTION_MAX_JTI_LENGTH) {
    throw refuse(`The client assertion must have a jti claim of 1 to ${CLIENT_ASSERTION_MAX_JTI_LENGTH} characters.`);
  }

  return { token, alg: alg as ClientSigningAlg, clientId: sub, jti, exp };
};
