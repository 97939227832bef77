import { decodeProtectedHeader, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { IssuerKeysUnavailable } from '@/lib/ciba/trusted-issuer-keys';
import { clientKeysFor } from '@/lib/clients/client-keys';
import { CLIENT_SIGNING_ALGS, FAPI_SIGNING_ALGS } from '@/lib/clients/client-metadata';
import type { ClientRecord } from '@/lib/clients/client-record';
import type { FormParams } from '@/lib/http/protocol-http';
import type { AuthorizationDetailsInput } from '@/lib/oauth/authorization-details/parse-authorization-details';
import { invalidAuthorizationDetails, invalidRequest } from '@/lib/oauth/errors';
import type { ProtocolStore } from '@/lib/store/protocol-store';

/**
 * The authentication request parameters (CIBA §7.1 and the extensions we
 * accept): inside a signed request they are claims of the JWT and MUST NOT
 * also be sent as form parameters (CIBA §7.1.1). Client authentication
 * parameters (`client_id`, `client_secret`, `client_assertion*`) stay in the form.
 */
export const AUTHENTICATION_REQUEST_PARAMETERS = [
  'scope',
  'client_notification_token',
  'acr_values',
  'login_hint_token',
  'id_token_hint',
  'login_hint',
  'binding_message',
  'user_code',
  'requested_expiry',
  'request_context',
  'authorization_details',
  'actor_token',
  'actor_token_type',
  'notification_channel',
] as const;

/** The parameters that are strings inside the JWT as in the form. */
const STRING_CLAIMS = [
  'scope',
  'client_notification_token',
  'acr_values',
  'login_hint_token',
  'id_token_hint',
  'login_hint',
  'binding_message',
  'user_code',
  'actor_token',
  'actor_token_type',
  'notification_channel',
] as const satisfies readonly (typeof AUTHENTICATION_REQUEST_PARAMETERS)[number][];

/** Leeway for `exp`, `nbf` and `iat` between the client's clock and ours. */
export const REQUEST_OBJECT_CLOCK_SKEW_SECONDS = 30;

/** The longest a request object may be valid, `nbf` to `exp` (FAPI-CIBA §5.2.2-9; contract.md: for every client). */
export const REQUEST_OBJECT_MAX_LIFETIME_SECONDS = 60 * 60;

/** Longest `jti` stored for replay detection. */
const MAX_JTI_LENGTH = 255;

/** The registered claims of the request object itself, beside the parameters. */
const REQUIRED_CLAIMS = ['aud', 'iss', 'exp', 'iat', 'nbf', 'jti'] as const;

/**
 * The request's effective parameters: the form's, or — for a signed request —
 * the form's client authentication parameters with the request object's
 * claims in place of the rest. `authorizationDetails` is kept apart because
 * inside the JWT it is JSON (RFC 9396 §2), not text.
 */
export type AuthenticationRequestParameters = {
  params: FormParams;
  authorizationDetails: AuthorizationDetailsInput | undefined;
};

/**
 * Reads bc-authorize's parameters after client authentication (CIBA §7.2
 * steps 1–2): a request without `request` is taken as its form, unless the
 * client must sign its requests (a `backchannel_authentication_request_signing_alg`,
 * which every FAPI-CIBA client has: FAPI-CIBA §5.2.2-6). A request with
 * `request` is verified by verifyRequestObject. `request_uri` is not part
 * of CIBA and is refused.
 *
 * @throws invalid_request (400) for every request-object failure (CIBA §13,
 * ciba-spec.md §1.6); invalid_authorization_details for a bad RAR claim.
 */
export const readAuthenticationRequest = async (
  store: Pick<ProtocolStore, 'claimJwtId'>,
  options: { form: FormParams; client: ClientRecord; issuer: string; now: Date },
): Promise<AuthenticationRequestParameters> => {
  const { form, client } = options;
  if (form.has('request_uri')) throw invalidRequest('request_uri is not supported; send the signed request as request.');
  if (!form.has('request')) {
    if (client.requestSigningAlg !== null || client.fapiCiba) {
      throw invalidRequest('This client must send a signed authentication request (the request parameter, CIBA §7.1.1).');
    }

    return { params: form, authorizationDetails: form.get('authorization_details') };
  }

  return verifyRequestObject(store, options);
};

/** The description of a jose verification failure, naming the claim, never its value. */
const describeFailure = (error: unknown): string => {
  if (error instanceof IssuerKeysUnavailable) return `The request object could not be verified: ${error.message}.`;
  if (error instanceof joseErrors.JWTExpired) return 'The request object has expired (its exp is in the past).';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    if (error.reason === 'missing') return `The request object must have the ${error.claim} claim.`;
    if (error.claim === 'aud') return "The request object's aud must contain this provider's issuer identifier.";
    if (error.claim === 'iss') return "The request object's iss must be the client's client_id.";
    if (error.claim === 'nbf') return 'The request object is not valid yet (its nbf is in the future).';

    return `The request object's ${error.claim} claim is invalid.`;
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) return "The request object names no key of the client's (unknown kid).";
  if (error instanceof joseErrors.JWKSMultipleMatchingKeys) return 'The request object must name its key (kid).';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'The request object signature is invalid.';

  return 'The request object is not a valid signed JWT.';
};

/** The algorithms this client's request objects may use. */
const allowedAlgs = (client: ClientRecord): readonly string[] => {
  if (client.requestSigningAlg !== null) return [client.requestSigningAlg];
  // FAPI-CIBA §7.6 (FAPI 1.0 Part 2 §8.6); configuration already narrows a FAPI client's alg to these.
  if (client.fapiCiba) return FAPI_SIGNING_ALGS;

  return CLIENT_SIGNING_ALGS;
};

/**
 * A signed authentication request (CIBA §7.1.1): the `request` JWT,
 * verified, turned into the effective parameters.
 *
 * - Asymmetric JWS only: `alg` one of CLIENT_SIGNING_ALGS, the client's
 *   registered alg when it has one, PS256 or ES256 for a FAPI-CIBA client;
 *   `none`, HS* and encrypted (JWE) request objects are refused. Verified
 *   with the client's jwks or jwks_uri (lib/clients/client-keys.ts).
 * - `aud` contains this tenant's issuer (only the issuer: §7.1.1's MUST;
 *   the endpoint URL is not accepted, which keeps request objects apart from
 *   client assertions); `iss` is the client_id; `exp`, `iat`, `nbf` and
 *   `jti` are required; `exp` not past and `nbf`, `iat` not in the future
 *   (REQUEST_OBJECT_CLOCK_SKEW_SECONDS of leeway); `nbf` to `exp` at most
 *   60 minutes (FAPI-CIBA §5.2.2-9, applied to every client).
 * - No authentication request parameter also outside the JWT; a `client_id`
 *   inside equals the authenticated client's.
 * - The parameters inside are strings, but `requested_expiry` (a JSON number
 *   or string, a positive integer: §7.1.1), `authorization_details` (a JSON
 *   array, RFC 9396) and `request_context` (a JSON object, FAPI-CIBA §5.3).
 * - `jti` is claimed (once per client, atomic across instances) only when
 *   all of the above passed, so a refused request does not burn its jti.
 *
 * @throws invalid_request (400), the description naming the claim, never its value.
 */
export const verifyRequestObject = async (
  store: Pick<ProtocolStore, 'claimJwtId'>,
  options: { form: FormParams; client: ClientRecord; issuer: string; now: Date },
): Promise<AuthenticationRequestParameters> => {
  const { form, client, issuer, now } = options;
  const token = form.get('request')!;
  const outside = AUTHENTICATION_REQUEST_PARAMETERS.find((name) => form.has(name));
  if (outside !== undefined) {
    throw invalidRequest(`${outside} must be inside the signed request object, not beside it (CIBA §7.1.1).`);
  }
  const parts = token.split('.').length;
  if (parts === 5) throw invalidRequest('Encrypted request objects are not accepted: sign it (JWS), do not encrypt it.');
  let alg: unknown;
  try {
    if (parts !== 3) throw new Error('not a JWS');
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw invalidRequest('The request object is not a well-formed signed JWT.');
  }
  const algs = allowedAlgs(client);
  if (typeof alg !== 'string' || !algs.includes(alg)) {
    throw invalidRequest(`The request object must be signed with ${algs.join(' or ')} (an asymmetric algorithm).`);
  }
  if (client.jwks === null && client.jwksUri === null) {
    throw invalidRequest('This client has no registered keys (jwks or jwks_uri) to verify a signed request with.');
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, clientKeysFor(client, now), {
      algorithms: [alg],
      issuer: client.clientId,
      audience: issuer,
      requiredClaims: [...REQUIRED_CLAIMS],
      clockTolerance: REQUEST_OBJECT_CLOCK_SKEW_SECONDS,
      currentDate: now,
    }));
  } catch (error) {
    throw invalidRequest(describeFailure(error));
  }
  const { exp, nbf, iat, jti } = payload as Required<Pick<JWTPayload, 'exp' | 'nbf' | 'iat'>> & { jti: unknown };
  const nowSeconds = now.getTime() / 1000;
  if (iat > nowSeconds + REQUEST_OBJECT_CLOCK_SKEW_SECONDS) {
    throw invalidRequest('The request object was issued in the future (its iat is after now).');
  }
  if (exp - nbf > REQUEST_OBJECT_MAX_LIFETIME_SECONDS) {
    throw invalidRequest('The request object is valid for too long: nbf to exp must be at most 60 minutes.');
  }
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) {
    throw invalidRequest(`The request object's jti claim must be a string of 1 to ${MAX_JTI_LENGTH} characters.`);
  }
  if (payload.client_id !== undefined && payload.client_id !== client.clientId) {
    throw invalidRequest("The request object's client_id claim must be the authenticated client's.");
  }
  const params = effectiveParameters(form, payload);
  const authorizationDetails = payload.authorization_details === undefined ? undefined : { claim: payload.authorization_details };
  if (authorizationDetails !== undefined && !Array.isArray(authorizationDetails.claim)) {
    throw invalidAuthorizationDetails('authorization_details must be a JSON array of objects.');
  }
  // Remembered until the request object can no longer be accepted: exp plus the skew we allow.
  const expiresAt = new Date((exp + REQUEST_OBJECT_CLOCK_SKEW_SECONDS) * 1000);
  if (!(await store.claimJwtId({ clientId: client.id, purpose: 'request_object', jti, expiresAt, now }))) {
    throw invalidRequest("The request object's jti has been used before (replay).");
  }

  return { params, authorizationDetails };
};

/** The form's client authentication parameters with the request object's parameters added as text. */
const effectiveParameters = (form: FormParams, payload: JWTPayload): FormParams => {
  const params = new Map(form);
  params.delete('request');
  for (const name of STRING_CLAIMS) {
    const value = payload[name];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw invalidRequest(`The request object's ${name} claim must be a string.`);
    params.set(name, value);
  }
  const expiry = payload.requested_expiry;
  if (expiry !== undefined) {
    // CIBA §7.1.1: a JSON number or a string; either way a positive integer (resolveExpiresIn checks the digits).
    if (typeof expiry === 'number' && Number.isSafeInteger(expiry) && expiry > 0) params.set('requested_expiry', String(expiry));
    else if (typeof expiry === 'string') params.set('requested_expiry', expiry);
    else throw invalidRequest("The request object's requested_expiry claim must be a positive integer (number or string).");
  }
  const context = payload.request_context;
  if (context !== undefined && (typeof context !== 'object' || context === null || Array.isArray(context))) {
    throw invalidRequest("The request object's request_context claim must be a JSON object (FAPI-CIBA §5.3).");
  }

  return params;
};
