import type { Db } from '@/lib/db/client';
import { jsonResponse, type ProtocolRequest, type ProtocolResponse } from '@/lib/http/protocol-http';
import { readAuthenticatedForm } from '@/lib/oauth/client-auth';
import { invalidRequest } from '@/lib/oauth/errors';
import { parseGrantedAuthorizationDetails } from '@/lib/oauth/tokens';
import { findClientToken, isAccessTokenGrantActive, isRefreshTokenActive } from '@/lib/oauth/token-lookup';
import type { ProtocolData } from '@/lib/store/get-protocol-store';
import { actClaimOf } from '@/lib/oauth/tokens';
import type { TenantRecord } from '@/lib/tenants/find-tenant';
import { issuerFor } from '@/lib/tenants/issuer';

const INACTIVE = { active: false } as const;

const toSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/**
 * POST <issuer>/introspect — token introspection (RFC 7662),
 * client-authenticated (no or bad credentials: 401 invalid_client). The
 * token's own client gets the full answer (§2.2) for an active access or
 * refresh token; anything else — another client's token, an expired,
 * revoked, rotated or unknown one — is `{"active":false}` and nothing more,
 * so a client learns nothing about tokens that are not its own.
 *
 * @throws invalid_client; invalid_request without a token.
 */
export const introspectToken = async (
  { db, store, settings }: { db: Db } & ProtocolData,
  { tenant, request }: { tenant: TenantRecord; request: ProtocolRequest },
): Promise<ProtocolResponse> => {
  const { params, client } = await readAuthenticatedForm(settings.findClientByClientId, { tenant, request });
  const token = params.get('token');
  if (token === undefined || token === '') throw invalidRequest('The token parameter is required.');
  const found = await findClientToken({ db, store }, { tenant, client, token, hint: params.get('token_type_hint') });
  const issuer = issuerFor(tenant.slug);
  let answer: Record<string, unknown> = INACTIVE;
  if (found?.type === 'access_token') {
    const { claims } = found;
    if (isAccessTokenGrantActive(await store.findGrantByAccessTokenJti(claims.jti), tenant, claims)) {
      answer = {
        active: true,
        scope: claims.scope,
        client_id: claims.client_id,
        sub: claims.sub,
        exp: claims.exp,
        iat: claims.iat,
        token_type: 'Bearer',
        iss: claims.iss,
        aud: claims.aud,
        jti: claims.jti,
        // RFC 9396 §9.2: the authorization_details the token grants.
        ...(claims.authorization_details ? { authorization_details: claims.authorization_details } : {}),
        // RFC 8693 §4.1: the agent acting for the user, as the token carries it.
        ...(claims.act ? { act: claims.act } : {}),
        // RFC 8705 §3.2: the certificate a bound token is bound to.
        ...(claims.cnf ? { cnf: claims.cnf } : {}),
      };
    }
  } else if (found?.type === 'refresh_token' && isRefreshTokenActive(found.token, request.receivedAt)) {
    const { token: refreshToken } = found;
    answer = {
      active: true,
      scope: refreshToken.scope,
      client_id: client.clientId,
      sub: refreshToken.userSub,
      exp: toSeconds(refreshToken.expiresAt),
      iat: toSeconds(refreshToken.createdAt),
      token_type: 'refresh_token',
      iss: issuer,
      aud: issuer,
      jti: refreshToken.id,
      ...(refreshToken.grantedAuthorizationDetails === null
        ? {}
        : { authorization_details: parseGrantedAuthorizationDetails(refreshToken.grantedAuthorizationDetails) }),
      ...(actClaimOf(refreshToken) ? { act: actClaimOf(refreshToken) } : {}),
    };
  }

  return jsonResponse(200, answer, { noStore: true });
};
