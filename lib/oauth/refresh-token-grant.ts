import { grantAuthentication } from '@/lib/ciba/grant-authentication';
import { REFRESH_TOKEN_GRANT_TYPE } from '@/lib/clients/client-metadata';
import { grantTypesOf, type ClientRecord } from '@/lib/clients/client-record';
import type { Db } from '@/lib/db/client';
import type { FormParams } from '@/lib/http/protocol-http';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { invalidGrant, invalidRequest, invalidScope, unauthorizedClient } from '@/lib/oauth/errors';
import {
  actClaimOf,
  mintTokenResponse,
  parseGrantedAuthorizationDetails,
  type CertificateConfirmation,
  type TokenResponse,
} from '@/lib/oauth/tokens';
import type { ProtocolStore, RefreshTokenRow, RequestSubject } from '@/lib/store/protocol-store';
import type { TenantRecord } from '@/lib/tenants/find-tenant';
import { issuerFor } from '@/lib/tenants/issuer';

/** RFC 6749 §3.3 scope-token. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * The scope of a refresh (RFC 6749 §6): the family's scope when the request
 * names none, otherwise the scope it names, which may narrow the family's
 * but never widen it. Canonical order: the family's.
 *
 * @throws invalid_scope for a malformed scope or one beyond the family's.
 */
export const narrowRefreshScope = (granted: string, requested: string | undefined): string => {
  if (requested === undefined) return granted;
  const values = requested.split(' ').filter(Boolean);
  if (values.length === 0 || values.some((value) => !SCOPE_TOKEN.test(value))) {
    throw invalidScope('The scope parameter is malformed.');
  }
  const grantedValues = granted.split(' ');
  if (values.some((value) => !grantedValues.includes(value))) {
    throw invalidScope('The requested scope exceeds the scope originally granted.');
  }

  return grantedValues.filter((value) => values.includes(value)).join(' ');
};

const subjectOf = (token: RefreshTokenRow): RequestSubject => ({
  id: token.requestId,
  tenantId: token.tenantId,
  clientId: token.clientId,
  userId: token.userId,
});

/**
 * A rotated refresh token presented again: either its client is confused or
 * it leaked, and it cannot be told whether the attacker or the client holds
 * the successor, so every token of the grant is revoked (RFC 9700 §4.14.2,
 * OAuth 2.1 §4.3.1: refresh token rotation with reuse detection).
 */
const refuseReuse = async (store: ProtocolStore, token: RefreshTokenRow, now: Date): Promise<never> => {
  await store.revokeGrant({ request: subjectOf(token), now, reason: 'refresh_token_reuse' });
  throw invalidGrant('refresh token already used; every token of its grant is revoked');
};

/**
 * The refresh_token grant at the token endpoint (RFC 6749 §6) for an
 * authenticated client. Every use rotates the token: the response carries a
 * new refresh token, a new access token and, when the scope includes openid,
 * a new ID token (OIDC Core §12.2). `invalid_grant` for an unknown, expired,
 * revoked or already-used token (a reuse revokes the whole family), for one
 * issued to another client, and once the user is blocked or deleted or the
 * client deleted; `invalid_scope` for a scope beyond the one granted;
 * `unauthorized_client` when the client lost the refresh_token grant.
 */
export const redeemRefreshToken = async (
  { db, store }: { db: Db; store: ProtocolStore },
  options: {
    tenant: TenantRecord;
    client: ClientRecord;
    params: FormParams;
    /** RFC 8705 §3: the certificate the new access token is bound to (the one the client authenticated with), or none. */
    cnf?: CertificateConfirmation | null;
    now: Date;
  },
): Promise<TokenResponse> => {
  const { tenant, client, params, now } = options;
  if (!grantTypesOf(client).includes(REFRESH_TOKEN_GRANT_TYPE)) {
    throw unauthorizedClient('This client is not allowed to use the refresh_token grant.');
  }
  const presented = params.get('refresh_token');
  if (presented === undefined || presented === '') throw invalidRequest('The refresh_token parameter is required.');
  const unsafeToken = await store.findRefreshToken(sha256Base64Url(presented));
  if (!unsafeToken || unsafeToken.tenantId !== tenant.id) throw invalidGrant('unknown refresh token');
  // Bound to its client (RFC 6749 §6): another client learns nothing, and the family is left alone.
  if (unsafeToken.clientId !== client.id) throw invalidGrant('refresh token was issued to another client');
  const token = unsafeToken;

  if (token.tokensRevokedAt !== null) throw invalidGrant('refresh token revoked');
  if (token.rotatedAt !== null) return refuseReuse(store, token, now);
  if (token.expiresAt.getTime() <= now.getTime()) throw invalidGrant('refresh token expired');
  if (token.userBlocked) throw invalidGrant('the user is blocked');
  const scope = narrowRefreshScope(token.scope, params.get('scope'));

  const minted = await mintTokenResponse(db, {
    tenantId: tenant.id,
    issuer: issuerFor(tenant.slug),
    client,
    grant: {
      requestId: token.requestId,
      sub: token.userSub,
      authTime: token.decidedAt ?? token.createdAt,
      ...grantAuthentication(token),
      actor: actClaimOf(token),
    },
    scope,
    // RFC 9396 §7 with RFC 6749 §6: a refresh keeps the authorization_details granted.
    authorizationDetails: parseGrantedAuthorizationDetails(token.grantedAuthorizationDetails),
    refreshTokenScope: token.scope,
    recordAccessTokenJti: true,
    cnf: options.cnf ?? null,
    now,
  });
  const successor = minted.refreshToken;
  if (successor === null) throw new Error('a refresh always mints a successor refresh token');
  // One conditional update decides between concurrent uses of the same token: exactly one
  // rotates it. A loser finds it rotated and is treated as a reuse, which revokes the family
  // (RFC 9700 §4.14.2 / OAuth 2.1: the server cannot tell a retry from a replay).
  if (!(await store.rotateRefreshToken({ token, subject: subjectOf(token), successor, now }))) {
    const current = await store.findRefreshToken(sha256Base64Url(presented));
    if (current?.rotatedAt != null && current.tokensRevokedAt === null) return refuseReuse(store, current, now);
    throw invalidGrant('refresh token no longer valid (revoked, expired, user blocked or client changed)');
  }

  return minted.response;
};
