import { getEnv } from '@/lib/env';

/** A tenant's issuer identifier: `<APP_URL>/t/<slug>`. Every endpoint URL hangs off it. */
export const issuerFor = (tenantSlug: string): string => `${getEnv().appUrl}/t/${tenantSlug}`;

export const endpointsFor = (tenantSlug: string) => {
  const issuer = issuerFor(tenantSlug);

  return {
    issuer,
    discovery: `${issuer}/.well-known/openid-configuration`,
    jwks: `${issuer}/.well-known/jwks.json`,
    backchannelAuthentication: `${issuer}/bc-authorize`,
    token: `${issuer}/oauth/token`,
    userinfo: `${issuer}/userinfo`,
    revocation: `${issuer}/revoke`,
    introspection: `${issuer}/introspect`,
    /** Dynamic client registration (RFC 7591 §3); a client's configuration endpoint is `<registration>/<client_id>` (RFC 7592). */
    registration: `${issuer}/register`,
  };
};

/** Tenant slugs: lower-case letters, digits and inner hyphens, 1–63 characters (a DNS label). */
export const TENANT_SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
