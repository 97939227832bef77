import type { ClientAuthRequest } from '@/lib/oauth/client-auth/client-authenticator';
import { CLIENT_AUTH_METHODS, CLIENT_AUTHENTICATORS, type ClientAuthMethod } from '@/lib/oauth/client-auth/registry';
import { invalidClient, invalidRequest } from '@/lib/oauth/errors';

/**
 * The one authentication method a request uses (RFC 6749 §2.3: "MUST NOT use
 * more than one authentication method in each request").
 *
 * @throws invalid_request when several are used; invalid_client when none is.
 */
export const selectClientAuthMethod = (request: ClientAuthRequest): ClientAuthMethod => {
  const presented = CLIENT_AUTH_METHODS.filter((method) => CLIENT_AUTHENTICATORS[method]?.isPresented(request) === true);
  if (presented.length > 1) throw invalidRequest('Use exactly one client authentication method.');
  if (presented.length === 0) {
    const detail = request.params.has('client_id')
      ? 'client_id without a client_secret'
      : 'no client authentication was presented';
    throw invalidClient(detail, { basicAttempted: false });
  }

  return presented[0];
};
