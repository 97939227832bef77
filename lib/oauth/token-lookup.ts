import type { ClientRecord } from '@/lib/clients/client-record';
import type { Db } from '@/lib/db/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { verifyAccessToken } from '@/lib/oauth/tokens';
import type { GrantRow, ProtocolStore, RefreshTokenRow } from '@/lib/store/protocol-store';
import type { TenantRecord } from '@/lib/tenants/find-tenant';
import { issuerFor } from '@/lib/tenants/issuer';

export type AccessTokenClaims = Awaited<ReturnType<typeof verifyAccessToken>>;

/**
 * A token presented to revocation or introspection, found and checked to
 * belong to the calling client — or null: unknown, malformed, expired
 * (access tokens: their signature and exp are checked), of another tenant
 * or of another client. The two RFCs answer all of these the same way, so
 * the caller cannot tell them apart.
 */
export type ClientToken = { type: 'access_token'; claims: AccessTokenClaims } | { type: 'refresh_token'; token: RefreshTokenRow };

/** Hint values of RFC 7009 §2.1 / RFC 7662 §2.1; anything else is ignored. */
const TOKEN_TYPES = ['access_token', 'refresh_token'] as const;

export type TokenLookupDependencies = { db: Db; store: Pick<ProtocolStore, 'findRefreshToken'> };

const findAccessToken = async (
  { db }: TokenLookupDependencies,
  { tenant, client, token }: { tenant: TenantRecord; client: ClientRecord; token: string },
): Promise<ClientToken | null> => {
  // Our access tokens are JWTs; refresh tokens never contain a dot.
  if (!token.includes('.')) return null;
  let claims: AccessTokenClaims;
  try {
    claims = await verifyAccessToken(db, { tenantId: tenant.id, issuer: issuerFor(tenant.slug), token });
  } catch {
    return null;
  }

  return claims.client_id === client.clientId ? { type: 'access_token', claims } : null;
};

const findRefreshToken = async (
  { store }: TokenLookupDependencies,
  { tenant, client, token }: { tenant: TenantRecord; client: ClientRecord; token: string },
): Promise<ClientToken | null> => {
  if (token.includes('.') || token.length > 200) return null;
  const unsafeToken = await store.findRefreshToken(sha256Base64Url(token));
  if (!unsafeToken || unsafeToken.tenantId !== tenant.id || unsafeToken.clientId !== client.id) return null;

  return { type: 'refresh_token', token: unsafeToken };
};

/**
 * Finds `token` among the calling client's access and refresh tokens,
 * looking first where `token_type_hint` points and then at the other type
 * (RFC 7009 §2.1: the hint only speeds the search up).
 */
export const findClientToken = async (
  dependencies: TokenLookupDependencies,
  options: { tenant: TenantRecord; client: ClientRecord; token: string; hint: string | undefined },
): Promise<ClientToken | null> => {
  const order = options.hint === 'refresh_token' ? [...TOKEN_TYPES].reverse() : TOKEN_TYPES;
  for (const type of order) {
    const found =
      type === 'access_token' ? await findAccessToken(dependencies, options) : await findRefreshToken(dependencies, options);
    if (found) return found;
  }

  return null;
};

/**
 * Whether an access token's grant still stands: the grant exists in this
 * tenant for the token's subject, its tokens were not revoked (a replayed
 * auth_req_id, a reused or revoked refresh token) and this token was not
 * revoked on its own (RFC 7009).
 */
export const isAccessTokenGrantActive = (grant: GrantRow | null, tenant: TenantRecord, claims: AccessTokenClaims): boolean =>
  grant !== null &&
  grant.tenantId === tenant.id &&
  grant.tokensRevokedAt === null &&
  grant.revokedJti === null &&
  grant.sub === claims.sub;

/** Whether a refresh token can still be used: unrotated, unexpired, its grant unrevoked, its user not blocked. */
export const isRefreshTokenActive = (token: RefreshTokenRow, now: Date): boolean =>
  token.rotatedAt === null && token.tokensRevokedAt === null && !token.userBlocked && token.expiresAt.getTime() > now.getTime();
