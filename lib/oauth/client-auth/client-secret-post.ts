import type { ClientAuthenticator } from '@/lib/oauth/client-auth/client-authenticator';
import { verifyClientSecret } from '@/lib/oauth/client-auth/verify-client-secret';
import { invalidClient } from '@/lib/oauth/errors';

/** `client_secret_post` (RFC 6749 §2.3.1): client_id and client_secret in the form body. */
export const CLIENT_SECRET_POST: ClientAuthenticator = {
  usesAuthorizationHeader: false,
  isPresented: ({ params }) => params.has('client_secret'),
  read: ({ params }) => {
    const clientId = params.get('client_id');
    const clientSecret = params.get('client_secret') ?? '';
    if (clientId === undefined) throw invalidClient('client_secret without a client_id', { basicAttempted: false });

    return { clientId, verify: (client) => verifyClientSecret(client, clientSecret) };
  },
};
