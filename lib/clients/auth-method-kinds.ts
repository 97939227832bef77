/**
 * What each token_endpoint_auth_method needs from its client's settings, in
 * a module with no server dependencies so that the console's forms can show
 * the right fields as the administrator picks a method. The metadata schema
 * (client-metadata.ts, checkKeySettings) is what enforces these rules; its
 * test checks that the two agree.
 */
import type { ClientAuthMethod } from '@/lib/oauth/client-auth/methods';

/** Methods with a shared secret (RFC 6749 §2.3.1): the client is issued one. */
export const isSecretAuthMethod = (method: string): boolean =>
  method === 'client_secret_basic' || method === 'client_secret_post';

/** Methods that authenticate with the client's public keys (jwks or jwks_uri): RFC 7523 §2.2, RFC 8705 §2.2. */
export const isKeyAuthMethod = (method: string): boolean =>
  method === 'private_key_jwt' || method === 'self_signed_tls_client_auth';

/** tls_client_auth (RFC 8705 §2.1): the certificate's subject DN is registered. */
export const needsSubjectDn = (method: string): boolean => method === 'tls_client_auth';

/** Only private_key_jwt signs an assertion, so only it has a token_endpoint_auth_signing_alg. */
export const hasAssertionAlg = (method: string): boolean => method === 'private_key_jwt';

/** Short names for tables and badges. */
export const AUTH_METHOD_SHORT_NAMES: Record<ClientAuthMethod, string> = {
  client_secret_basic: 'Secret · Basic',
  client_secret_post: 'Secret · form',
  private_key_jwt: 'Private key JWT',
  tls_client_auth: 'Mutual TLS · CA',
  self_signed_tls_client_auth: 'Mutual TLS · self-signed',
};

/** The short name of a method (the method itself when unknown). */
export const authMethodShortName = (method: string): string => AUTH_METHOD_SHORT_NAMES[method as ClientAuthMethod] ?? method;
