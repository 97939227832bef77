import type { ClientAuthenticator } from '@/lib/oauth/client-auth/client-authenticator';
import { CLIENT_SECRET_BASIC } from '@/lib/oauth/client-auth/client-secret-basic';
import { CLIENT_SECRET_POST } from '@/lib/oauth/client-auth/client-secret-post';
import type { ClientAuthMethod } from '@/lib/oauth/client-auth/methods';
import { SELF_SIGNED_TLS_CLIENT_AUTH, TLS_CLIENT_AUTH } from '@/lib/oauth/client-auth/mutual-tls';

export { CLIENT_AUTH_METHODS, type ClientAuthMethod } from '@/lib/oauth/client-auth/methods';

/**
 * The authenticator of each client authentication method, keyed by its
 * `token_endpoint_auth_method` name (./methods.ts).
 */
export const CLIENT_AUTHENTICATORS: Partial<Record<ClientAuthMethod, ClientAuthenticator>> = {
  client_secret_basic: CLIENT_SECRET_BASIC,
  client_secret_post: CLIENT_SECRET_POST,
  tls_client_auth: TLS_CLIENT_AUTH,
  self_signed_tls_client_auth: SELF_SIGNED_TLS_CLIENT_AUTH,
};
