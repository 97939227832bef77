import { describe, expect, it } from 'vitest';
import { CLIENT_METADATA_DEFAULTS } from '@/lib/clients/client-metadata';
import { grantTypesOf, toClientRecord, type ClientRow } from '@/lib/clients/client-record';
import { InvalidStoredClientError } from '@/lib/clients/parse-client-settings';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import type { ProtocolStore } from '@/lib/store/protocol-store';
import { createSettingsCache } from '@/lib/store/settings-cache';
import { observedSettingsEpoch } from '@/lib/store/settings-epoch';

/** A stored client as the store returns it, with Prisma's column defaults. */
const row = (overrides: Partial<ClientRow> = {}): ClientRow & { createdAt: Date } => ({
  id: 'row-1',
  clientId: 'client-1',
  tenantId: 'tenant-1',
  name: 'Desk',
  secretHash: 'hash',
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
  createdAt: new Date(0),
  ...overrides,
});

describe('toClientRecord', () => {
  it('keeps the column names and values of a valid row, and nothing else', () => {
    const { createdAt: _createdAt, ...columns } = row();

    expect(toClientRecord(row())).toEqual(columns);
  });

  it('matches the Prisma column defaults with the metadata defaults', () => {
    const record = toClientRecord(row());

    expect(record).toMatchObject({
      tokenEndpointAuthMethod: CLIENT_METADATA_DEFAULTS.token_endpoint_auth_method,
      deliveryMode: CLIENT_METADATA_DEFAULTS.backchannel_token_delivery_mode,
      bindingMessagePolicy: CLIENT_METADATA_DEFAULTS.binding_message_policy,
      pollInterval: CLIENT_METADATA_DEFAULTS.backchannel_poll_interval,
      idTokenSignedResponseAlg: CLIENT_METADATA_DEFAULTS.id_token_signed_response_alg,
    });
  });

  it.each<[Partial<ClientRow>, RegExp]>([
    [{ bindingMessagePolicy: 'always' }, /binding_message_policy: must be one of required, optional \(got "always"\)/],
    [{ bindingMessageCharset: 'ascii' }, /binding_message_charset/],
    [
      { tokenEndpointAuthMethod: 'private_key_jwt' },
      /jwks: is required \(or jwks_uri\) when token_endpoint_auth_method is private_key_jwt/,
    ],
    [{ jwks: '{"keys":' }, /jwks: must be a JWKS object/],
    [
      { fapiCiba: true },
      /token_endpoint_auth_method: must be private_key_jwt, tls_client_auth, self_signed_tls_client_auth .* for a FAPI-CIBA client/,
    ],
    [{ deliveryMode: 'fax' }, /backchannel_token_delivery_mode: must be one of poll, ping, push/],
    [
      { deliveryMode: 'push' },
      /backchannel_client_notification_endpoint: is required when backchannel_token_delivery_mode is push/,
    ],
    [{ idTokenSignedResponseAlg: 'none' }, /id_token_signed_response_alg/],
    [{ grantTypes: `${CIBA_GRANT_TYPE} password` }, /grant_types\.1/],
    [{ pollInterval: 0 }, /backchannel_poll_interval/],
    [{ defaultRequestedExpiry: 999_999 }, /default_requested_expiry/],
  ])('fails closed on a row with %j, naming the client and the setting', (overrides, message) => {
    const attempt = () => toClientRecord(row(overrides));

    expect(attempt).toThrow(InvalidStoredClientError);
    expect(attempt).toThrow(/^Client client-1 has invalid stored settings/);
    expect(attempt).toThrow(message);
  });

  it('reads grant types stored space-separated', () => {
    expect(grantTypesOf({ grantTypes: CIBA_GRANT_TYPE })).toEqual([CIBA_GRANT_TYPE]);
    expect(grantTypesOf({ grantTypes: '' })).toEqual([]);
  });
});

describe('settings cache', () => {
  const storeWith = (rows: Map<string, ClientRow>, epoch: { value: number }) =>
    ({
      readSettingsEpoch: async () => epoch.value,
      findTenantBySlug: async () => null,
      findClientByClientId: async (clientId: string) => rows.get(clientId) ?? null,
    }) as unknown as ProtocolStore;

  it('serves validated records, refuses an invalid row without caching it, and publishes the epoch it read', async () => {
    const rows = new Map([['client-1', row()]]);
    const epoch = { value: 41 };
    const cache = createSettingsCache(storeWith(rows, epoch));

    expect(await cache.validate()).toBe(41);
    expect(observedSettingsEpoch()).toBe(41);
    expect(await cache.findClientByClientId('client-1')).toEqual(toClientRecord(row()));

    rows.set('client-2', row({ clientId: 'client-2', bindingMessagePolicy: 'sometimes' }));
    await expect(cache.findClientByClientId('client-2')).rejects.toThrow(InvalidStoredClientError);
    rows.set('client-2', row({ clientId: 'client-2' }));
    expect((await cache.findClientByClientId('client-2'))?.bindingMessagePolicy).toBe('optional');

    rows.set('client-1', row({ pollInterval: 9 }));
    expect((await cache.findClientByClientId('client-1'))?.pollInterval).toBe(5);
    epoch.value = 42;
    expect(await cache.validate()).toBe(42);
    expect(observedSettingsEpoch()).toBe(42);
    expect((await cache.findClientByClientId('client-1'))?.pollInterval).toBe(9);
  });
});
