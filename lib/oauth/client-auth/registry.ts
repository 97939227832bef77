import type { ClientAuthenticator } from '@/lib/oauth/client-auth/client-authenticator';
import { CLIENT_SECRET_BASIC } from '@/lib/oauth/client-auth/client-secret-basic';
import { CLIENT_SECRET_POST } from '@/lib/oauth/client-auth/client-secret-post';

/**
 * The client authentication methods this server implements, keyed by their
 * `token_endpoint_auth_method` name. Discovery advertises exactly these, and
 * clients can be registered only for these.
 */
export const CLIENT_AUTHENTICATORS = {
  client_secret_basic: CLIENT_SECRET_BASIC,
  client_secret_post: CLIENT_SECRET_POST,
} as const satisfies Record<string, ClientAuthenticator>;

export type ClientAuthMethod = keyof typeof CLIENT_AUTHENTICATORS;

export const CLIENT_AUTH_METHODS = Object.keys(CLIENT_AUTHENTICATORS) as [ClientAuthMethod, ...ClientAuthMethod[]];
