import { errors as joseErrors, jwtVerify, type CryptoKey, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import { IssuerKeysUnavailable } from '@/lib/ciba/trusted-issuer-keys';
import { clientKeysFor } from '@/lib/clients/client-keys';
import { CLIENT_SIGNING_ALGS, FAPI_SIGNING_ALGS, type ClientSigningAlg } from '@/lib/clients/client-metadata';
import type { ClientRecord } from '@/lib/clients/client-record';
import type { ClientAuthenticator, ClientAuthRequest } from '@/lib/oauth/client-auth/client-authenticator';
import {
  CLIENT_ASSERTION_CLOCK_SKEW_SECONDS,
  readClientAssertion,
  type ClientAssertion,
} from '@/lib/oauth/client-auth/read-client-assertion';
import { invalidClient } from '@/lib/oauth/errors';

const NO_CHALLENGE = { basicAttempted: false };

/**
 * The algorithms a client's assertions may use: its
 * `token_endpoint_auth_signing_alg` if set, else any of CLIENT_SIGNING_ALGS;
 * for a FAPI-CIBA client only PS256 and ES256 (FAPI 1.0 Part 2 §8.6, ciba-spec.md §2.3).
 */
export const assertionAlgsFor = (client: Pick<ClientRecord, 'tokenEndpointAuthSigningAlg' | 'fapiCiba'>): ClientSigningAlg[] => {
  const algs: readonly ClientSigningAlg[] =
    client.tokenEndpointAuthSigningAlg === null ? CLIENT_SIGNING_ALGS : [client.tokenEndpointAuthSigningAlg];

  return client.fapiCiba ? algs.filter((alg) => (FAPI_SIGNING_ALGS as readonly string[]).includes(alg)) : [...algs];
};

/** Why the signature did not verify, for the log (jose's error classes, never its messages). */
const signatureFailure = (error: unknown): string => {
  if (error instanceof joseErrors.JWKSNoMatchingKey)
    return 'no key of the client matches the assertion (unknown kid or key type)';
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'the assertion signature does not verify';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'the assertion alg is not allowed';
  if (error instanceof joseErrors.JOSEError) return `the assertion does not verify (${error.code})`;

  return 'the assertion does not verify';
};

/**
 * Verifies the assertion's signature with the client's keys. An assertion
 * without a `kid`, where several keys fit its alg, is tried against each
 * (jose's documented pattern for JWKSMultipleMatchingKeys).
 *
 * @throws jose's errors; IssuerKeysUnavailable when the keys cannot be had.
 */
const verifySignature = async (token: string, keys: JWTVerifyGetKey, options: JWTVerifyOptions): Promise<void> => {
  try {
    await jwtVerify(token, keys, options);
  } catch (error) {
    if (!(error instanceof joseErrors.JWKSMultipleMatchingKeys)) throw error;
    for await (const key of error as unknown as AsyncIterable<CryptoKey>) {
      try {
        await jwtVerify(token, key, options);

        return;
      } catch (attempt) {
        if (!(attempt instanceof joseErrors.JWSSignatureVerificationFailed)) throw attempt;
      }
    }
    throw new joseErrors.JWSSignatureVerificationFailed();
  }
};

/**
 * Verifies a well-formed assertion (readClientAssertion) for the client it
 * names, in this order: the client is registered for private_key_jwt; the
 * alg is one it may use (assertionAlgsFor); the signature verifies with one
 * of its keys (inline `jwks`, or its `jwks_uri`'s set through the shared
 * cache: lib/clients/client-keys.ts); and only then the `jti` is recorded as
 * used, until the assertion could no longer be accepted (exp plus the
 * skew) — atomically across instances, so of two uses exactly one passes
 * (RFC 7523 §3 item 7). An unknown client is refused at once: without its
 * keys there is no signature to check.
 *
 * Failures that depend on the stored client keep the fixed public text
 * (they would tell which clients exist), but for two a client needs to
 * know: its keys could not be fetched (why), and a replayed jti (said only
 * after the signature verified).
 *
 * @throws invalid_client (401).
 */
const verifyClientAssertion = async (
  client: ClientRecord | null,
  assertion: ClientAssertion,
  { receivedAt, claimJwtId }: Pick<ClientAuthRequest, 'receivedAt' | 'claimJwtId'>,
): Promise<boolean> => {
  if (client === null) return false;
  if (client.tokenEndpointAuthMethod !== 'private_key_jwt') {
    throw invalidClient(`client is registered for ${client.tokenEndpointAuthMethod}`, NO_CHALLENGE);
  }
  const algorithms = assertionAlgsFor(client);
  if (!algorithms.includes(assertion.alg)) {
    throw invalidClient(`assertion alg ${assertion.alg} is not allowed for this client (${algorithms.join(', ')})`, NO_CHALLENGE);
  }
  try {
    await verifySignature(assertion.token, clientKeysFor(client, receivedAt), {
      algorithms,
      currentDate: receivedAt,
      clockTolerance: CLIENT_ASSERTION_CLOCK_SKEW_SECONDS,
    });
  } catch (error) {
    if (error instanceof IssuerKeysUnavailable) {
      throw invalidClient(`client keys unavailable: ${error.message}`, {
        ...NO_CHALLENGE,
        description: `The client's keys could not be obtained: ${error.message}.`,
      });
    }
    throw invalidClient(signatureFailure(error), NO_CHALLENGE);
  }
  const expiresAt = new Date((assertion.exp + CLIENT_ASSERTION_CLOCK_SKEW_SECONDS) * 1000);
  const first = await claimJwtId({
    clientId: client.id,
    purpose: 'client_assertion',
    jti: assertion.jti,
    expiresAt,
    now: receivedAt,
  });
  if (!first) {
    throw invalidClient('client assertion jti replayed', {
      ...NO_CHALLENGE,
      description: 'The client assertion was already used (its jti was seen before).',
    });
  }

  return true;
};

/**
 * `private_key_jwt` (RFC 7523 §2.2, OIDC Core §9): a JWT signed with a key
 * of the client, sent as `client_assertion` with `client_assertion_type`.
 * Presented when either parameter is sent (so that a malformed attempt is
 * refused as such, never taken for no authentication).
 */
export const PRIVATE_KEY_JWT: ClientAuthenticator = {
  usesAuthorizationHeader: false,
  isPresented: ({ params }) => params.has('client_assertion') || params.has('client_assertion_type'),
  read: (request) => {
    const assertion = readClientAssertion(request);

    return { clientId: assertion.clientId, verify: (client) => verifyClientAssertion(client, assertion, request) };
  },
};
