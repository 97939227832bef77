/**
 * Client authentication for the protocol endpoints: a registry of methods
 * keyed by `token_endpoint_auth_method` (./registry.ts), and the steps every
 * client-authenticated endpoint runs.
 */
export { grantTypesOf, type ClientRecord } from '@/lib/clients/client-record';
export { authenticateClient, type AuthenticateClientOptions, type FindClient } from '@/lib/oauth/client-auth/authenticate-client';
export type {
  ClientAuthenticator,
  ClientAuthRequest,
  PresentedClientCredentials,
} from '@/lib/oauth/client-auth/client-authenticator';
export type { InProcessClientAuthentication } from '@/lib/oauth/client-auth/in-process-client';
export { readAuthenticatedForm, type ReadAuthenticatedFormOptions } from '@/lib/oauth/client-auth/read-authenticated-form';
export { CLIENT_AUTH_METHODS, CLIENT_AUTHENTICATORS, type ClientAuthMethod } from '@/lib/oauth/client-auth/registry';
