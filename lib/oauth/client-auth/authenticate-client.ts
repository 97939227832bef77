import type { ClientRecord } from '@/lib/clients/client-record';
import type { ClientAuthRequest } from '@/lib/oauth/client-auth/client-authenticator';
import { CLIENT_AUTHENTICATORS } from '@/lib/oauth/client-auth/registry';
import { selectClientAuthMethods } from '@/lib/oauth/client-auth/select-client-auth-method';
import { invalidClient } from '@/lib/oauth/errors';

/** Longer client_ids are not looked up: none is issued that long. */
const MAX_CLIENT_ID_LENGTH = 200;

/** Looks a client up by client_id across tenants; the caller checks the tenant. */
export type FindClient = (clientId: string) => Promise<ClientRecord | null>;

export type AuthenticateClientOptions = { tenantId: string } & ClientAuthRequest;

/**
 * Authenticates the calling client within one tenant (CIBA §7.1, RFC 6749
 * §2.3): exactly one method is used, its credentials verify, and it is the
 * method the client is registered for. Credentials are verified before the
 * client is judged, with a dummy for an unknown client, so every path does
 * the same work. Every failure is 401 invalid_client with a fixed public text
 * and the reason in `detail`; a client of another tenant is unknown.
 *
 * @throws invalid_client, or invalid_request when several methods are used at once.
 */
export const authenticateClient = async (findClient: FindClient, options: AuthenticateClientOptions): Promise<ClientRecord> => {
  const { tenantId, ...request } = options;
  const candidates = selectClientAuthMethods(request);
  const first = CLIENT_AUTHENTICATORS[candidates[0]]!.read(request);
  const unsafeClient = first.clientId.length <= MAX_CLIENT_ID_LENGTH ? await findClient(first.clientId) : null;
  // Methods alike on the wire (mutual TLS, RFC 8705 §2): the client's registered one verifies.
  const method = candidates.find((candidate) => candidate === unsafeClient?.tokenEndpointAuthMethod) ?? candidates[0];
  const authenticator = CLIENT_AUTHENTICATORS[method]!;
  const challenge = { basicAttempted: authenticator.usesAuthorizationHeader };
  const presented = method === candidates[0] ? first : authenticator.read(request);
  const verified = await presented.verify(unsafeClient);
  if (!unsafeClient || unsafeClient.tenantId !== tenantId) throw invalidClient('unknown client', challenge);
  if (!verified) throw invalidClient(`${method} credentials do not verify`, challenge);
  if (unsafeClient.tokenEndpointAuthMethod !== method) {
    throw invalidClient(`client is registered for ${unsafeClient.tokenEndpointAuthMethod}`, challenge);
  }

  return unsafeClient;
};
