import type { Client } from '@/lib/generated/sqlite/client';
import { parseFormBody, type FormParams, type ProtocolRequest } from '@/lib/http/protocol-http';
import { constantEquals, sha256Base64Url } from '@/lib/oauth/crypto';
import { invalidClient, invalidRequest } from '@/lib/oauth/errors';

export type ClientRecord = Client;

export const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post'] as const;
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number];

/** Form parameters that belong to client authentication, not to the endpoint. */
export const CLIENT_AUTH_PARAMS = ['client_id', 'client_secret', 'client_assertion', 'client_assertion_type'] as const;

type PresentedCredentials = { method: ClientAuthMethod; clientId: string; clientSecret: string };

/** Form-urldecoding of one half of a Basic credential (RFC 6749 §2.3.1, Appendix B). */
const formUrlDecode = (value: string): string => decodeURIComponent(value.replace(/\+/g, ' '));

/**
 * Extracts the credentials a request presents. Exactly one method may be used
 * (RFC 6749 §2.3.1); a malformed Basic header is a failed authentication.
 */
export const readClientCredentials = (
  authorization: string | undefined,
  params: FormParams,
): PresentedCredentials => {
  const basic = authorization?.match(/^Basic\s+(.+)$/i);
  if (basic) {
    if (params.has('client_secret') || params.has('client_assertion')) {
      throw invalidRequest('Use exactly one client authentication method.');
    }
    const decoded = Buffer.from(basic[1].trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw invalidClient('malformed Basic credentials', { basicAttempted: true });
    let clientId: string;
    let clientSecret: string;
    try {
      clientId = formUrlDecode(decoded.slice(0, colon));
      clientSecret = formUrlDecode(decoded.slice(colon + 1));
    } catch {
      throw invalidClient('Basic credentials are not form-urlencoded', { basicAttempted: true });
    }
    const bodyClientId = params.get('client_id');
    if (bodyClientId !== undefined && bodyClientId !== clientId) {
      throw invalidRequest('client_id in the body does not match the Authorization header.');
    }

    return { method: 'client_secret_basic', clientId, clientSecret };
  }
  if (params.has('client_assertion')) {
    throw invalidClient('client_assertion authentication is not supported', { basicAttempted: false });
  }
  const clientId = params.get('client_id');
  const clientSecret = params.get('client_secret');
  if (clientId === undefined) {
    throw invalidClient('no client authentication was presented', { basicAttempted: false });
  }
  if (clientSecret === undefined) {
    throw invalidClient('client_id without a client_secret', { basicAttempted: false });
  }

  return { method: 'client_secret_post', clientId, clientSecret };
};

/** Hash compared against when the client does not exist, so both paths do the same work. */
const UNKNOWN_CLIENT_SECRET_HASH = sha256Base64Url('backchannel:no-such-client');

/**
 * Authenticates the calling client within one tenant (CIBA §7.1, RFC 6749
 * §2.3.1): credentials must be valid and presented with the client's
 * registered method. Every failure is 401 invalid_client with a fixed public
 * text; the reason is kept in `detail`. A client of another tenant is unknown.
 */
export const authenticateClient = async (
  findClient: (clientId: string) => Promise<ClientRecord | null>,
  options: { tenantId: string; authorization: string | undefined; params: FormParams },
): Promise<ClientRecord> => {
  const presented = readClientCredentials(options.authorization, options.params);
  const basicAttempted = presented.method === 'client_secret_basic';
  const unsafeClient =
    presented.clientId.length <= 200
      ? await findClient(presented.clientId)
      : null;
  const secretMatches = constantEquals(
    sha256Base64Url(presented.clientSecret),
    unsafeClient?.secretHash ?? UNKNOWN_CLIENT_SECRET_HASH,
  );
  if (!unsafeClient || unsafeClient.tenantId !== options.tenantId) {
    throw invalidClient('unknown client', { basicAttempted });
  }
  if (!secretMatches) throw invalidClient('wrong client secret', { basicAttempted });
  if (unsafeClient.tokenEndpointAuthMethod !== presented.method) {
    throw invalidClient(`client is registered for ${unsafeClient.tokenEndpointAuthMethod}`, { basicAttempted });
  }

  return unsafeClient;
};

/**
 * The first two steps of every client-authenticated endpoint (bc-authorize,
 * token): parse the form, then authenticate the client against it.
 */
export const readAuthenticatedForm = async (
  findClient: (clientId: string) => Promise<ClientRecord | null>,
  options: { tenantId: string; request: ProtocolRequest },
): Promise<{ params: FormParams; client: ClientRecord }> => {
  const params = parseFormBody(options.request);
  const client = await authenticateClient(findClient, {
    tenantId: options.tenantId,
    authorization: options.request.headers.authorization,
    params,
  });

  return { params, client };
};

/** The client's grant types (stored space-separated). */
export const grantTypesOf = (client: Pick<ClientRecord, 'grantTypes'>): string[] =>
  client.grantTypes.split(' ').filter(Boolean);
