import { describe, expect, it } from 'vitest';
import type { ClientRecord } from '@/lib/clients/client-record';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import { authenticateClient, CLIENT_AUTH_METHODS } from '@/lib/oauth/client-auth';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { OAuthError } from '@/lib/oauth/errors';

const SECRET = 'a secret: with colon & plus+';

const record = (overrides: Partial<ClientRecord> = {}): ClientRecord => ({
  id: 'row-1',
  clientId: 'client:1',
  tenantId: 'tenant-1',
  name: 'Desk',
  secretHash: sha256Base64Url(SECRET),
  tokenEndpointAuthMethod: 'client_secret_basic',
  grantTypes: CIBA_GRANT_TYPE,
  deliveryMode: 'poll',
  notificationEndpoint: null,
  authorizationDetailsTypes: '',
  bindingMessagePolicy: 'optional',
  bindingMessageMaxLength: 64,
  bindingMessageCharset: 'restricted',
  minRequestedExpiry: 1,
  maxRequestedExpiry: 259200,
  defaultRequestedExpiry: 300,
  pollInterval: 5,
  longPollTimeout: 0,
  idTokenSignedResponseAlg: 'RS256',
  accessTokenLifetime: 3600,
  idTokenLifetime: 3600,
  refreshTokenLifetime: 2592000,
  jwks: null,
  jwksUri: null,
  tlsClientAuthSubjectDn: null,
  tokenEndpointAuthSigningAlg: null,
  requestSigningAlg: null,
  userCodeParameter: false,
  fapiCiba: false,
  idTokenHintGracePeriod: 0,
  requirePasskeyApproval: false,
  ...overrides,
});

const formEncode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
const basic = (clientId: string, secret: string) =>
  `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(secret)}`).toString('base64')}`;

/** Authenticates against one registered client; records the client_ids looked up. */
const attempt = async (
  request: { authorization?: string; params?: Record<string, string> },
  client: ClientRecord = record(),
): Promise<{ result: ClientRecord | OAuthError; lookups: string[] }> => {
  const lookups: string[] = [];
  const findClient = async (clientId: string) => {
    lookups.push(clientId);

    return clientId === client.clientId ? client : null;
  };
  const result = await authenticateClient(findClient, {
    tenantId: 'tenant-1',
    authorization: request.authorization,
    params: new Map(Object.entries(request.params ?? {})),
    clientCertificate: undefined,
    issuer: 'https://op.example/t/acme',
    endpointUrl: 'https://op.example/t/acme/oauth/token',
    receivedAt: new Date(),
    claimJwtId: async () => true,
  }).catch((error: unknown) => {
    if (error instanceof OAuthError) return error;
    throw error;
  });

  return { result, lookups };
};

const expectFailure = (result: ClientRecord | OAuthError, error: string, options: { challenge: boolean }) => {
  expect(result).toBeInstanceOf(OAuthError);
  const failure = result as OAuthError;
  expect(failure.error).toBe(error);
  expect('WWW-Authenticate' in failure.headers).toBe(options.challenge);
};

describe('client authentication registry', () => {
  it('names every token_endpoint_auth_method a client may be registered for', () => {
    expect(CLIENT_AUTH_METHODS).toEqual([
      'client_secret_basic',
      'client_secret_post',
      'private_key_jwt',
      'tls_client_auth',
      'self_signed_tls_client_auth',
    ]);
  });

  it('client_secret_basic: form-urldecodes both halves, split at the first colon (RFC 6749 §2.3.1)', async () => {
    const { result } = await attempt({ authorization: basic('client:1', SECRET) });

    expect(result).toEqual(record());
  });

  it('client_secret_post: client_id and client_secret in the form', async () => {
    const client = record({ tokenEndpointAuthMethod: 'client_secret_post' });
    const { result } = await attempt({ params: { client_id: 'client:1', client_secret: SECRET } }, client);

    expect(result).toEqual(client);
  });

  it('refuses the right secret presented with a method the client is not registered for', async () => {
    expectFailure((await attempt({ params: { client_id: 'client:1', client_secret: SECRET } })).result, 'invalid_client', {
      challenge: false,
    });
    const postClient = record({ tokenEndpointAuthMethod: 'client_secret_post' });
    expectFailure((await attempt({ authorization: basic('client:1', SECRET) }, postClient)).result, 'invalid_client', {
      challenge: true,
    });
  });

  it('challenges with WWW-Authenticate only when Basic was tried', async () => {
    expectFailure((await attempt({ authorization: basic('client:1', 'wrong') })).result, 'invalid_client', { challenge: true });
    expectFailure((await attempt({ authorization: 'Basic bm9jb2xvbg==' })).result, 'invalid_client', { challenge: true });
    expectFailure((await attempt({ params: { client_id: 'client:1', client_secret: 'wrong' } })).result, 'invalid_client', {
      challenge: false,
    });
    expectFailure((await attempt({})).result, 'invalid_client', { challenge: false });
    expectFailure((await attempt({ params: { client_id: 'client:1' } })).result, 'invalid_client', { challenge: false });
    expectFailure((await attempt({ params: { client_secret: SECRET } })).result, 'invalid_client', { challenge: false });
  });

  it('allows exactly one method per request', async () => {
    const twice = await attempt({ authorization: basic('client:1', SECRET), params: { client_secret: SECRET } });
    expectFailure(twice.result, 'invalid_request', { challenge: false });
    expect(twice.lookups).toEqual([]);
    const withAssertion = await attempt({ params: { client_id: 'client:1', client_secret: SECRET, client_assertion: 'x' } });
    expectFailure(withAssertion.result, 'invalid_request', { challenge: false });
    const mismatch = await attempt({ authorization: basic('client:1', SECRET), params: { client_id: 'other' } });
    expectFailure(mismatch.result, 'invalid_request', { challenge: false });
  });

  it('takes a client assertion for private_key_jwt: a malformed one is invalid_client without a challenge, unlooked-up', async () => {
    const malformed = await attempt({ params: { client_assertion: 'x', client_assertion_type: 'y' } });
    expectFailure(malformed.result, 'invalid_client', { challenge: false });
    expect(malformed.lookups).toEqual([]);
    const typeOnly = await attempt({
      params: { client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' },
    });
    expectFailure(typeOnly.result, 'invalid_client', { challenge: false });
  });

  it('treats a client of another tenant, and an over-long client_id, as unknown', async () => {
    expectFailure(
      (await attempt({ authorization: basic('client:1', SECRET) }, record({ tenantId: 'tenant-2' }))).result,
      'invalid_client',
      {
        challenge: true,
      },
    );
    const long = await attempt({ authorization: basic('x'.repeat(201), SECRET) });
    expectFailure(long.result, 'invalid_client', { challenge: true });
    expect(long.lookups).toEqual([]);
  });
});
