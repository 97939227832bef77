/**
 * Every `token_endpoint_auth_method` (RFC 7591 §2, OIDC Core §9, RFC 7523
 * §2.2, RFC 8705 §2) a client may be registered for. Each has an
 * authenticator in ./registry.ts; discovery advertises exactly these.
 */
export const CLIENT_AUTH_METHODS = [
  'client_secret_basic',
  'client_secret_post',
  'private_key_jwt',
  'tls_client_auth',
  'self_signed_tls_client_auth',
] as const;

export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];
