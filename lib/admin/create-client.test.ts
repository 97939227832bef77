import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { AdminError } from '@/lib/admin/errors';
import { expectAdminError } from '@/lib/admin/test-helpers';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import type { Db } from '@/lib/db/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { useTestDatabase } from '@/lib/testing/test-database';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';

let db: Db;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme Corp' });
});

afterAll(async () => {
  await cleanup();
});

const epoch = async () => (await db.settingsEpoch.findUniqueOrThrow({ where: { id: 1 } })).epoch;

describe('createClient', () => {
  it('registers a poll-mode CIBA client with every default, shown with metadata names', async () => {
    const client = await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: ' Support desk ' } });

    expect(client).toEqual({
      client_id: expect.stringMatching(/^[\w-]{22}$/),
      client_secret: expect.stringMatching(/^[\w-]{43}$/),
      client_id_issued_at: expect.any(Number),
      client_name: 'Support desk',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: [CIBA_GRANT_TYPE],
      backchannel_token_delivery_mode: 'poll',
      backchannel_client_notification_endpoint: null,
      binding_message_policy: 'optional',
      binding_message_max_length: 64,
      binding_message_charset: 'restricted',
      backchannel_poll_interval: 5,
      backchannel_long_poll_timeout: 0,
      id_token_signed_response_alg: 'RS256',
      min_requested_expiry: 1,
      max_requested_expiry: 259200,
      default_requested_expiry: 300,
      access_token_lifetime: 3600,
      id_token_lifetime: 3600,
      refresh_token_lifetime: 2592000,
      authorization_details_types: [],
    });
    expect(Math.abs(client.client_id_issued_at - Date.now() / 1000)).toBeLessThan(60);
  });

  it('stores only the SHA-256 of the secret, and bumps the settings epoch', async () => {
    const before = await epoch();
    const client = await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Hashed' } });
    const row = await db.client.findUniqueOrThrow({ where: { clientId: client.client_id } });

    expect(row.secretHash).toBe(sha256Base64Url(client.client_secret));
    expect(JSON.stringify(row)).not.toContain(client.client_secret);
    expect(row).toMatchObject({
      grantTypes: CIBA_GRANT_TYPE,
      deliveryMode: 'poll',
      tokenEndpointAuthMethod: 'client_secret_basic',
      bindingMessagePolicy: 'optional',
    });
    expect(await epoch()).toBe(before + 1);
  });

  it('issues a different id and secret every time', async () => {
    const first = await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Same name' } });
    const second = await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Same name' } });

    expect(second.client_id).not.toBe(first.client_id);
    expect(second.client_secret).not.toBe(first.client_secret);
  });

  it('takes every setting given, dropping duplicate grant types', async () => {
    const client = await createClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      metadata: {
        client_name: 'Kiosk',
        token_endpoint_auth_method: 'client_secret_post',
        binding_message_policy: 'required',
        grant_types: [CIBA_GRANT_TYPE, CIBA_GRANT_TYPE],
        backchannel_poll_interval: 10,
        id_token_signed_response_alg: 'PS256',
        binding_message_charset: 'printable',
        default_requested_expiry: 600,
      },
    });
    const row = await db.client.findUniqueOrThrow({ where: { clientId: client.client_id } });

    expect(client).toMatchObject({
      token_endpoint_auth_method: 'client_secret_post',
      binding_message_policy: 'required',
      grant_types: [CIBA_GRANT_TYPE],
      backchannel_poll_interval: 10,
      id_token_signed_response_alg: 'PS256',
    });
    expect(row).toMatchObject({
      tokenEndpointAuthMethod: 'client_secret_post',
      bindingMessagePolicy: 'required',
      pollInterval: 10,
      idTokenSignedResponseAlg: 'PS256',
      bindingMessageCharset: 'printable',
      defaultRequestedExpiry: 600,
    });
  });

  it('registers a client without any grant from an empty list', async () => {
    const client = await createClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      metadata: { client_name: 'No grants', grant_types: [] },
    });
    const row = await db.client.findUniqueOrThrow({ where: { clientId: client.client_id } });

    expect(client.grant_types).toEqual([]);
    expect(row.grantTypes).toBe('');
  });

  it.each<[Record<string, unknown>, string, RegExp]>([
    [{ token_endpoint_auth_method: 'private_key_jwt' }, 'token_endpoint_auth_method', /^private_key_jwt is not supported yet/],
    [{ token_endpoint_auth_method: 'tls_client_auth' }, 'token_endpoint_auth_method', /not supported yet/],
    [
      { token_endpoint_auth_method: 'none' },
      'token_endpoint_auth_method',
      /must be one of client_secret_basic, client_secret_post/,
    ],
    [{ backchannel_token_delivery_mode: 'ping' }, 'backchannel_client_notification_endpoint', /^is required when .* is ping$/],
    [{ backchannel_token_delivery_mode: 'push' }, 'backchannel_client_notification_endpoint', /^is required when .* is push$/],
    [{ backchannel_token_delivery_mode: 'fax' }, 'backchannel_token_delivery_mode', /^must be one of poll, ping, push/],
    [{ id_token_signed_response_alg: 'none' }, 'id_token_signed_response_alg', /must be one of RS256, ES256, PS256, EdDSA/],
    [{ grant_types: ['password'] }, 'grant_types.0', /must be one of urn:openid:params:grant-type:ciba, refresh_token/],
    [{ grant_types: [CIBA_GRANT_TYPE, 'authorization_code'] }, 'grant_types.1', /"authorization_code"/],
    [{ grant_types: CIBA_GRANT_TYPE }, 'grant_types', /must be a list/],
    [{ binding_message_policy: 'always' }, 'binding_message_policy', /must be one of required, optional/],
    [{ backchannel_poll_interval: 0 }, 'backchannel_poll_interval', /from 1 to 300 \(got 0\)/],
    [{ backchannel_poll_interval: 301 }, 'backchannel_poll_interval', /from 1 to 300/],
    [{ backchannel_poll_interval: 2.5 }, 'backchannel_poll_interval', /whole number/],
    [{ backchannel_poll_interval: '5' }, 'backchannel_poll_interval', /whole number/],
    [{ client_name: '' }, 'client_name', /1–100 characters/],
    [{ client_name: 'x'.repeat(101) }, 'client_name', /1–100 characters/],
    [{ client_name: 'a\nb' }, 'client_name', /control characters/],
    [
      { min_requested_expiry: 600, default_requested_expiry: 300 },
      'default_requested_expiry',
      /from min_requested_expiry \(600\)/,
    ],
    [{ min_requested_expiry: 600, max_requested_expiry: 60 }, 'max_requested_expiry', /at least min_requested_expiry/],
    [{ jwks_uri: 'https://rp.example/jwks' }, 'jwks_uri', /not a setting/],
  ])('refuses %j with a message for its field', async (override, path, message) => {
    const before = await db.client.count();
    const error = await createClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      metadata: { client_name: 'Valid', ...override },
    }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AdminError);
    expect(error).toMatchObject({ code: 'invalid_input', fields: [{ path, message: expect.stringMatching(message) }] });
    expect(await db.client.count()).toBe(before);
  });

  it('reports every refused field at once', async () => {
    const error = (await createClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      metadata: { client_name: '', backchannel_poll_interval: 0, binding_message_policy: 'always' },
    }).catch((caught: unknown) => caught)) as AdminError;

    expect(error.fields.map((field) => field.path)).toEqual([
      'client_name',
      'binding_message_policy',
      'backchannel_poll_interval',
    ]);
    expect(error.message).toMatch(/^client_name: .+; binding_message_policy: .+; backchannel_poll_interval: .+$/);
  });

  it('requires client_name and an object', async () => {
    await expectAdminError(
      createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: {} }),
      'invalid_input',
      /client_name: is required/,
    );
    await expectAdminError(createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: 'Desk' }), 'invalid_input');
  });

  it('reports an unknown tenant as not_found and creates nothing', async () => {
    const before = await db.client.count();
    await expectAdminError(
      createClient(db, CLI_PRINCIPAL, { tenantSlug: 'nope', metadata: { client_name: 'X' } }),
      'not_found',
      /"nope"/,
    );
    await expectAdminError(
      createClient(db, CLI_PRINCIPAL, { tenantSlug: 'Not A Slug', metadata: { client_name: 'X' } }),
      'not_found',
    );

    expect(await db.client.count()).toBe(before);
  });
});
