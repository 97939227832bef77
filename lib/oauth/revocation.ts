import type { Db } from '@/lib/db/client';
import type { ProtocolRequest, ProtocolResponse } from '@/lib/http/protocol-http';
import { readAuthenticatedForm } from '@/lib/oauth/client-auth';
import { invalidRequest } from '@/lib/oauth/errors';
import { findClientToken } from '@/lib/oauth/token-lookup';
import type { ProtocolData } from '@/lib/store/get-protocol-store';
import type { TenantRecord } from '@/lib/tenants/find-tenant';

/**
 * POST <issuer>/revoke — token revocation (RFC 7009), client-authenticated
 * with the client's registered method (401 invalid_client otherwise).
 * - An access token of the client is recorded as revoked until it expires:
 *   userinfo and introspection refuse it at once.
 * - A refresh token of the client revokes its whole grant (RFC 7009 §2.1:
 *   the access tokens of the same grant too): every refresh and access
 *   token issued from that CIBA request.
 * Unknown, malformed, expired or another client's tokens change nothing and
 * are answered 200 as well (RFC 7009 §2.2); `token_type_hint` is only a hint.
 *
 * @throws invalid_client; invalid_request without a token.
 */
export const revokeToken = async (
  { db, store, settings }: { db: Db } & ProtocolData,
  { tenant, request }: { tenant: TenantRecord; request: ProtocolRequest },
): Promise<ProtocolResponse> => {
  const { params, client } = await readAuthenticatedForm(settings.findClientByClientId, { tenant, request, store });
  const token = params.get('token');
  if (token === undefined || token === '') throw invalidRequest('The token parameter is required.');
  const found = await findClientToken({ db, store }, { tenant, client, token, hint: params.get('token_type_hint') });
  const now = request.receivedAt;
  if (found?.type === 'access_token') {
    const { jti, exp } = found.claims;
    await store.revokeAccessToken({ jti, tenantId: tenant.id, expiresAt: new Date((exp ?? 0) * 1000), now });
  } else if (found?.type === 'refresh_token') {
    const { token: refreshToken } = found;
    await store.revokeGrant({
      request: {
        id: refreshToken.requestId,
        tenantId: refreshToken.tenantId,
        clientId: refreshToken.clientId,
        userId: refreshToken.userId,
      },
      now,
      reason: 'revocation',
    });
  }

  return { status: 200, headers: { 'Cache-Control': 'no-store' }, body: '' };
};
