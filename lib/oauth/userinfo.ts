import type { Db } from '@/lib/db/client';
import type { ClientCertificate, FormParams } from '@/lib/http/protocol-http';
import type { ProtocolStore } from '@/lib/store/protocol-store';
import { insufficientScope, invalidRequest, invalidToken, missingBearerToken } from '@/lib/oauth/errors';
import { certificateThumbprint, verifyAccessToken } from '@/lib/oauth/tokens';
import type { TenantRecord } from '@/lib/tenants/find-tenant';
import { issuerFor } from '@/lib/tenants/issuer';

/**
 * The bearer token of a userinfo request (RFC 6750 §2.1 header, or §2.2 form
 * body on POST); sending it both ways, or twice, is invalid_request.
 */
export const readBearerToken = (authorization: string | undefined, form: FormParams | null): string => {
  const fromHeader = authorization?.match(/^Bearer\s+([A-Za-z0-9\-._~+/]+=*)\s*$/i)?.[1];
  const fromBody = form?.get('access_token');
  if (authorization !== undefined && fromHeader === undefined && /^Bearer\b/i.test(authorization)) {
    throw invalidToken('malformed Bearer authorization header');
  }
  if (fromHeader !== undefined && fromBody !== undefined) {
    throw invalidRequest('Send the access token in one place only.');
  }
  const token = fromHeader ?? fromBody;
  if (token === undefined) throw missingBearerToken();

  return token;
};

/**
 * GET|POST <issuer>/userinfo (OIDC Core §5.3): the standard claims of the
 * token's subject, limited to the token's scopes. The token must be one this
 * tenant issued, unexpired, and not revoked: on its own (RFC 7009), or with
 * its grant (an auth_req_id replay, a reused or revoked refresh token). A
 * certificate-bound token (`cnf.x5t#S256`, RFC 8705 §3) is accepted only
 * over a connection with that very client certificate.
 */
export const getUserInfo = async (
  { db, store }: { db: Db; store: Pick<ProtocolStore, 'findGrantByAccessTokenJti'> },
  options: { tenant: TenantRecord; token: string; now: Date; clientCertificate?: ClientCertificate },
) => {
  const { tenant } = options;
  let claims: Awaited<ReturnType<typeof verifyAccessToken>>;
  try {
    claims = await verifyAccessToken(db, { tenantId: tenant.id, issuer: issuerFor(tenant.slug), token: options.token });
  } catch (error) {
    throw invalidToken(`access token verification failed: ${(error as Error).message}`);
  }
  // RFC 8705 §3: "the protected resource MUST obtain … the client certificate … and … verify that the certificate matches".
  if (claims.cnf !== undefined) {
    const bound = claims.cnf['x5t#S256'];
    if (options.clientCertificate === undefined)
      throw invalidToken('certificate-bound access token presented without a client certificate');
    if (bound !== certificateThumbprint(options.clientCertificate)) {
      throw invalidToken('certificate-bound access token presented with another client certificate');
    }
  }
  const grant = await store.findGrantByAccessTokenJti(claims.jti);
  if (!grant || grant.tenantId !== tenant.id) throw invalidToken('no grant for this access token');
  if (grant.tokensRevokedAt) throw invalidToken('tokens revoked');
  if (grant.revokedJti !== null) throw invalidToken('access token revoked (RFC 7009)');
  if (grant.sub !== claims.sub) throw invalidToken('subject mismatch');
  const scopes = (claims.scope ?? '').split(' ');
  if (!scopes.includes('openid')) throw insufficientScope();

  return {
    sub: grant.sub,
    ...(scopes.includes('profile') && grant.name ? { name: grant.name } : {}),
    ...(scopes.includes('email') ? { email: grant.email, email_verified: grant.emailVerified } : {}),
  };
};
