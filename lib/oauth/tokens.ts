import { createHash, randomUUID } from 'node:crypto';
import { createLocalJWKSet, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { grantTypesOf, type ClientRecord } from '@/lib/clients/client-record';
import { REFRESH_TOKEN_GRANT_TYPE } from '@/lib/clients/client-metadata';
import type { Db } from '@/lib/db/client';
import { randomToken, sha256Base64Url } from '@/lib/oauth/crypto';
import { DEFAULT_SIGNING_ALG, getTenantKeys, SIGNING_ALGS, type SigningAlg } from '@/lib/oauth/signing-keys';

/**
 * at_hash (OIDC Core §3.1.3.6): base64url of the left half of the SHA-256
 * hash of the access token — SHA-256 for every algorithm we sign with.
 */
export const accessTokenHash = (accessToken: string): string =>
  createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16).toString('base64url');

/**
 * The ID token claim carrying a refresh token's hash, computed as at_hash is
 * (CIBA §10.3.1, for pushed tokens).
 */
export const RT_HASH_CLAIM = 'urn:openid:params:jwt:claim:rt_hash';
export const refreshTokenHash = accessTokenHash;

/** A grant's stored authorization_details (a JSON array), or null when it has none. */
export const parseGrantedAuthorizationDetails = (stored: string | null): unknown[] | null =>
  stored === null ? null : (JSON.parse(stored) as unknown[]);

/**
 * RFC 8705 §3.1 confirmation claim of a certificate-bound access token:
 * base64url of the SHA-256 of the certificate's DER encoding.
 */
export type CertificateConfirmation = { 'x5t#S256': string };

/** The `x5t#S256` thumbprint (RFC 8705 §3.1) of a certificate, from its SHA-256 fingerprint (colon-separated hex). */
export const certificateThumbprint = (certificate: { fingerprint256: string }): string =>
  Buffer.from(certificate.fingerprint256.replace(/:/g, ''), 'hex').toString('base64url');

/** A refresh token's value: 32 random bytes (256 bits), base64url; only its SHA-256 is stored. */
const REFRESH_TOKEN_BYTES = 32;

/**
 * Whether a grant of `scope` to `client` comes with a refresh token: the
 * user granted `offline_access` (OIDC Core §11) and the client is registered
 * for the refresh_token grant (RFC 6749 §6). Otherwise offline_access is
 * ignored.
 */
export const grantsRefreshToken = (client: Pick<ClientRecord, 'grantTypes'>, scope: string): boolean =>
  scope.split(' ').includes('offline_access') && grantTypesOf(client).includes(REFRESH_TOKEN_GRANT_TYPE);

const signWith = async (db: Db, tenantId: string, alg: SigningAlg, typ: string, claims: JWTPayload): Promise<string> => {
  const key = (await getTenantKeys(db, tenantId)).signing.get(alg);
  if (!key) throw new Error(`Tenant ${tenantId} has no active ${alg} signing key.`);

  return new SignJWT(claims).setProtectedHeader({ alg, kid: key.kid, typ }).sign(key.privateKey);
};

/**
 * RFC 8693 §4.1 `act`: the agent acting for the user (the request's verified
 * actor_token), carried by the ID token and the access token of its grant.
 */
export type ActClaim = { sub: string; iss: string };

/** The `act` claim of a grant whose request named an agent, or null. */
export const actClaimOf = (row: { actorIssuer: string | null; actorSub: string | null }): ActClaim | null =>
  row.actorIssuer !== null && row.actorSub !== null ? { sub: row.actorSub, iss: row.actorIssuer } : null;

/** The ID token claim naming the request a pushed ID token answers (CIBA §10.3.1). */
export const AUTH_REQ_ID_CLAIM = 'urn:openid:params:jwt:claim:auth_req_id';

export type IssuedTokens = {
  accessToken: string;
  accessTokenJti: string;
  idToken: string;
  expiresIn: number;
};

/** The successful token response (RFC 6749 §5.1, CIBA §10.1.1). */
export type TokenResponse = {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  /** Whenever the scope includes openid (always on the CIBA grant). */
  id_token?: string;
  refresh_token?: string;
  scope: string;
  /**
   * RFC 9396 §7: the authorization_details granted, when the request had
   * any — as the user approved them; fewer items than requested when the
   * user approved only some.
   */
  authorization_details?: unknown[];
};

/** A refresh token to store with the change that issues it (its value is only in the response). */
export type RefreshTokenRecord = {
  id: string;
  tenantId: string;
  requestId: string;
  clientId: string;
  tokenHash: string;
  scope: string;
  accessTokenJti: string | null;
  createdAt: Date;
  expiresAt: Date;
};

export type MintTokenResponseOptions = {
  tenantId: string;
  issuer: string;
  client: ClientRecord;
  /** The grant: the request it was approved for, its user and how they authenticated. */
  grant: {
    requestId: string;
    sub: string;
    authTime: Date;
    acr: string | null;
    /** RFC 8176 amr values of the approval, or null (the claim is left out). */
    amr?: string[] | null;
    actor?: ActClaim | null;
  };
  /** The access token's scope (on a refresh, possibly narrower than the grant's). */
  scope: string;
  /** RFC 9396: the grant's authorization_details (kept on a refresh), or null when the request had none. */
  authorizationDetails?: unknown[] | null;
  /**
   * Issue a refresh token with this scope (RFC 6749 §6: a rotated one keeps
   * the scope of the one it replaces), or none. Callers decide with
   * grantsRefreshToken on the CIBA grant; the refresh_token grant always rotates.
   */
  refreshTokenScope: string | null;
  /**
   * The refresh token issued by the refresh_token grant records the jti of
   * its access token (so that token can be traced to its grant); the CIBA
   * grant's access token jti is on the request instead.
   */
  recordAccessTokenJti: boolean;
  /** Add `urn:openid:params:jwt:claim:rt_hash` to the ID token when a refresh token is issued (pushed tokens, CIBA §10.3.1). */
  withRefreshTokenHash?: boolean;
  /** More ID token claims (a pushed ID token's `urn:openid:params:jwt:claim:auth_req_id`). */
  extraIdTokenClaims?: JWTPayload;
  /** RFC 8705 §3: the certificate the access token is bound to (mutual-TLS clients), or none. */
  cnf?: CertificateConfirmation | null;
  now: Date;
};

/**
 * The one minting function of every grant: the whole token response — an
 * access token, an ID token when the scope includes openid (OIDC Core §12.2
 * on a refresh: same sub, aud and auth_time, new iat), and a refresh token
 * when asked for — with the jti of the access token and the refresh token's
 * record for the caller to store in the same unit that commits the grant's
 * state change. Nothing is stored here.
 */
export const mintTokenResponse = async (
  db: Db,
  options: MintTokenResponseOptions,
): Promise<{ response: TokenResponse; accessTokenJti: string; refreshToken: RefreshTokenRecord | null }> => {
  const { client, grant, now } = options;
  const refreshTokenValue = options.refreshTokenScope === null ? null : randomToken(REFRESH_TOKEN_BYTES);
  const tokens = await mintTokens(db, {
    tenantId: options.tenantId,
    issuer: options.issuer,
    clientId: client.clientId,
    sub: grant.sub,
    scope: options.scope,
    authorizationDetails: options.authorizationDetails ?? null,
    authTime: grant.authTime,
    acr: grant.acr,
    amr: grant.amr ?? null,
    act: grant.actor ?? null,
    idTokenAlg: client.idTokenSignedResponseAlg,
    accessTokenLifetime: client.accessTokenLifetime,
    idTokenLifetime: client.idTokenLifetime,
    cnf: options.cnf ?? null,
    extraIdTokenClaims: {
      ...options.extraIdTokenClaims,
      ...(refreshTokenValue !== null && options.withRefreshTokenHash
        ? { [RT_HASH_CLAIM]: refreshTokenHash(refreshTokenValue) }
        : {}),
    },
    now,
  });
  const refreshToken =
    refreshTokenValue === null || options.refreshTokenScope === null
      ? null
      : {
          id: randomUUID(),
          tenantId: options.tenantId,
          requestId: grant.requestId,
          clientId: client.id,
          tokenHash: sha256Base64Url(refreshTokenValue),
          scope: options.refreshTokenScope,
          accessTokenJti: options.recordAccessTokenJti ? tokens.accessTokenJti : null,
          createdAt: now,
          expiresAt: new Date(now.getTime() + client.refreshTokenLifetime * 1000),
        };

  return {
    response: {
      access_token: tokens.accessToken,
      token_type: 'Bearer',
      expires_in: tokens.expiresIn,
      ...(options.scope.split(' ').includes('openid') ? { id_token: tokens.idToken } : {}),
      ...(refreshTokenValue === null ? {} : { refresh_token: refreshTokenValue }),
      scope: options.scope,
      ...(options.authorizationDetails ? { authorization_details: options.authorizationDetails } : {}),
    },
    accessTokenJti: tokens.accessTokenJti,
    refreshToken,
  };
};

/**
 * Mints the token pair for an approved CIBA request (CIBA §10.1.1):
 * - an RFC 9068 JWT access token (`typ: at+jwt`, RS256) with scope and client_id,
 *   audience = the tenant's userinfo endpoint, the only resource it grants;
 * - an ID token signed with the client's registered alg, with auth_time
 *   (the approval time), acr when one was requested and satisfied, amr when
 *   the approval says how (a passkey), and at_hash.
 */
export const mintTokens = async (
  db: Db,
  options: {
    tenantId: string;
    issuer: string;
    clientId: string;
    sub: string;
    scope: string;
    /** RFC 9396 §9.1: carried in the access token as the `authorization_details` claim. */
    authorizationDetails?: unknown[] | null;
    authTime: Date;
    acr: string | null;
    /** OIDC Core §2: RFC 8176 values, in both tokens; null: left out. */
    amr?: string[] | null;
    /** RFC 8693 §4.1: the agent acting for the user, in both tokens. */
    act?: ActClaim | null;
    idTokenAlg: SigningAlg;
    accessTokenLifetime: number;
    idTokenLifetime: number;
    extraIdTokenClaims?: JWTPayload;
    /** RFC 8705 §3.1: binds the access token to a client certificate. */
    cnf?: CertificateConfirmation | null;
    now: Date;
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
    ...(options.authorizationDetails ? { authorization_details: options.authorizationDetails } : {}),
    auth_time: Math.floor(options.authTime.getTime() / 1000),
    ...(options.acr ? { acr: options.acr } : {}),
    ...(options.amr ? { amr: options.amr } : {}),
    ...(options.act ? { act: options.act } : {}),
    ...(options.cnf ? { cnf: options.cnf } : {}),
    iat,
    exp: iat + options.accessTokenLifetime,
    jti: accessTokenJti,
  });
  const idToken = await signWith(db, options.tenantId, options.idTokenAlg, 'JWT', {
    ...options.extraIdTokenClaims,
    iss: options.issuer,
    sub: options.sub,
    aud: options.clientId,
    iat,
    exp: iat + options.idTokenLifetime,
    auth_time: Math.floor(options.authTime.getTime() / 1000),
    ...(options.acr ? { acr: options.acr } : {}),
    ...(options.amr ? { amr: options.amr } : {}),
    ...(options.act ? { act: options.act } : {}),
    at_hash: accessTokenHash(accessToken),
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

  return payload as JWTPayload & {
    sub: string;
    jti: string;
    client_id: string;
    scope?: string;
    authorization_details?: unknown[];
    act?: ActClaim;
    cnf?: Partial<CertificateConfirmation>;
  };
};

/**
 * Verifies an ID token this tenant issued to this client, for id_token_hint
 * (CIBA §7.1). Expiry is not enforced here: the caller applies the client's
 * id_token_hint_grace_period (lib/ciba/resolve-hinted-user.ts).
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
