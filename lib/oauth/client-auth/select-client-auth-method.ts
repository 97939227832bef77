import type { ClientAuthRequest } from '@/lib/oauth/client-auth/client-authenticator';
import { CLIENT_AUTH_METHODS, CLIENT_AUTHENTICATORS, type ClientAuthMethod } from '@/lib/oauth/client-auth/registry';
import { invalidClient, invalidRequest } from '@/lib/oauth/errors';
import { MTLS_AUTH_METHODS } from '@/lib/clients/client-metadata';

/** Credentials a client may send that no registered method verifies yet (RFC 7523 assertions). */
const hasUnsupportedCredentials = ({ params }: ClientAuthRequest): boolean => params.has('client_assertion');

/**
 * The one authentication method a request uses (RFC 6749 §2.3: "MUST NOT use
 * more than one authentication method in each request"), as its candidates:
 * one method, or both mutual-TLS methods, which look alike on the wire
 * (RFC 8705 §2: a certificate and a client_id) and between which the client's
 * registration decides (authenticateClient).
 *
 * @throws invalid_request when several are used; invalid_client when none is, or only an unsupported one.
 */
export const selectClientAuthMethods = (request: ClientAuthRequest): readonly [ClientAuthMethod, ...ClientAuthMethod[]] => {
  const presented = CLIENT_AUTH_METHODS.filter((method) => CLIENT_AUTHENTICATORS[method]?.isPresented(request) === true);
  const unsupported = hasUnsupportedCredentials(request);
  const ways = presented.filter((method) => !MTLS_AUTH_METHODS.includes(method)).length;
  const mtls = presented.length > ways ? 1 : 0;
  if (ways + mtls + (unsupported ? 1 : 0) > 1) throw invalidRequest('Use exactly one client authentication method.');
  if (unsupported) throw invalidClient('client_assertion authentication is not supported', { basicAttempted: false });
  if (presented.length === 0) {
    const detail = request.params.has('client_id')
      ? 'client_id without a client_secret, a client assertion or a TLS client certificate'
      : 'no client authentication was presented';
    throw invalidClient(detail, { basicAttempted: false });
  }

  return presented as [ClientAuthMethod, ...ClientAuthMethod[]];
};
