import { createHash, randomUUID } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import type { Db } from '@/lib/db/client';
import { DEFAULT_SIGNING_ALG, getTenantKeys, SIGNING_ALGS, type SigningAlg } from '@/lib/oauth/signing-keys';

/**
 * at_hash (OIDC Core §3.1.3.6): base64url of the left half of the SHA-256
 * hash of the access token — SHA-256 for every algorithm we sign with.
 */
export const accessTokenHash = (accessToken: string): string =>
  createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16).toString('base64url');

const signWith = async (db: Db, tenantId: string, alg: SigningAlg, typ: string, claims: JWTPayload): Promise<string> => {
  const key = (await getTenantKeys(db, tenantId)).signing.get(alg);
  if (!key) throw new Error(`Tenant ${tenantId} has no active ${alg} signing key.`);

  return new SignJWT(claims).setProtectedHeader({ alg, kid: key.kid, typ }).sign(key.privateKey);
};

/** The ID token claim naming the request a pushed ID token answers (CIBA §10.3.1). */
export const AUTH_REQ_ID_CLAIM = 'urn:openid:params:jwt:claim:auth_req_id';

export type IssuedTokens = {
  accessToken: string;
  accessTokenJti: string;
  idToken: string;
  expiresIn: number;
};

/**
 * Mints the token pair for an approved CIBA request (CIBA §10.1.1):
 * - an RFC 9068 JWT access token (`typ: at+jwt`, RS256) with scope and client_id,
 *   audience = the tenant's userinfo endpoint, the only resource it grants;
 * - an ID token signed with the client's registered alg, with auth_time
 *   (the approval time), acr when one was requested and satisfied, and at_hash;
 *   for a push (CIBA §10.3.1) also urn:openid:params:jwt:claim:auth_req_id.
 */
export const mintTokens = async (
  db: Db,
  options: {
    tenantId: string;
    issuer: string;
    clientId: string;
    sub: string;
    scope: string;
    authTime: Date;
    acr: string | null;
    idTokenAlg: SigningAlg;
    accessTokenLifetime: number;
    idTokenLifetime: number;
    now: Date;
    /** Push delivery (CIBA §10.3.1): the ID token carries the auth_req_id it answers. */
    authReqId?: string;
  },
): Promise<IssuedTokens> => {
  const iat = Math.floor(options.now.getTime() / 1000);
  const accessTokenJti = randomUUID();
  const accessToken = await signWith(db, options.tenantId, DEFAULT_SIGNING_ALG, 'at+jwt', {
    iss: options.issuer,
    sub: options.sub,
    aud: `${options.issuer}/userinfo`,
    client_id: options.clientId,
    scope: options.scope,
    auth_time: Math.floor(options.authTime.getTime() / 1000),
    ...(options.acr ? { acr: options.acr } : {}),
    iat,
    exp: iat + options.accessTokenLifetime,
    jti: accessTokenJti,
  });
  const idToken = await signWith(db, options.tenantId, options.idTokenAlg, 'JWT', {
    iss: options.issuer,
    sub: options.sub,
    aud: options.clientId,
    iat,
    exp: iat + options.idTokenLifetime,
    auth_time: Math.floor(options.authTime.getTime() / 1000),
    ...(options.acr ? { acr: options.acr } : {}),
    at_hash: accessTokenHash(accessToken),
    ...(options.authReqId === undefined ? {} : { [AUTH_REQ_ID_CLAIM]: options.authReqId }),
  });

  return { accessToken, accessTokenJti, idToken, expiresIn: options.accessTokenLifetime };
};

const verifier = async (db: Db, tenantId: string) => createLocalJWKSet((await getTenantKeys(db, tenantId)).jwks);

/**
 * Verifies an access token this tenant issued (signature, typ, iss, aud, exp).
 * Throws jose's errors; callers map them to invalid_token.
 */
export const verifyAccessToken = async (db: Db, options: { tenantId: string; issuer: string; token: string }) => {
  const { payload } = await jwtVerify(options.token, await verifier(db, options.tenantId), {
    issuer: options.issuer,
    audience: `${options.issuer}/userinfo`,
    typ: 'at+jwt',
    algorithms: [DEFAULT_SIGNING_ALG],
    requiredClaims: ['sub', 'jti', 'exp', 'client_id'],
  });

  return payload as JWTPayload & { sub: string; jti: string; client_id: string; scope?: string };
};

/**
 * Verifies an ID token this tenant issued to this client, for id_token_hint
 * (CIBA §7.1). Expiry is not enforced: a hint names a user, it grants nothing.
 * Access tokens fail the audience check (theirs is the userinfo endpoint).
 */
export const verifyIdTokenHint = async (
  db: Db,
  options: { tenantId: string; issuer: string; clientId: string; token: string },
) => {
  const { payload } = await jwtVerify(options.token, await verifier(db, options.tenantId), {
    issuer: options.issuer,
    audience: options.clientId,
    algorithms: [...SIGNING_ALGS],
    currentDate: new Date(0),
    requiredClaims: ['sub'],
  });
  return payload as JWTPayload & { sub: string };
};
