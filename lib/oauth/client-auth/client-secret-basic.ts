import type { ClientAuthenticator } from '@/lib/oauth/client-auth/client-authenticator';
import { verifyClientSecret } from '@/lib/oauth/client-auth/verify-client-secret';
import { invalidClient, invalidRequest } from '@/lib/oauth/errors';

const BASIC_SCHEME = /^Basic\s+(.+)$/i;

const MALFORMED = { basicAttempted: true };

/** Form-urldecoding of one half of a Basic credential (RFC 6749 §2.3.1, Appendix B). */
const formUrlDecode = (value: string): string => decodeURIComponent(value.replace(/\+/g, ' '));

/**
 * `client_secret_basic` (RFC 6749 §2.3.1): HTTP Basic with the form-urlencoded
 * client_id and client_secret, split at the first colon. A client_id in the
 * form as well must be the same one.
 */
export const CLIENT_SECRET_BASIC: ClientAuthenticator = {
  usesAuthorizationHeader: true,
  isPresented: ({ authorization }) => authorization !== undefined && BASIC_SCHEME.test(authorization),
  read: ({ authorization, params }) => {
    const encoded = BASIC_SCHEME.exec(authorization ?? '')?.[1] ?? '';
    const decoded = Buffer.from(encoded.trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw invalidClient('malformed Basic credentials', MALFORMED);
    let clientId: string;
    let clientSecret: string;
    try {
      clientId = formUrlDecode(decoded.slice(0, colon));
      clientSecret = formUrlDecode(decoded.slice(colon + 1));
    } catch {
      throw invalidClient('Basic credentials are not form-urlencoded', MALFORMED);
    }
    const formClientId = params.get('client_id');
    if (formClientId !== undefined && formClientId !== clientId) {
      throw invalidRequest('client_id in the body does not match the Authorization header.');
    }

    return { clientId, verify: (client) => verifyClientSecret(client, clientSecret) };
  },
};
