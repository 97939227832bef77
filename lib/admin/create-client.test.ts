import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateClientSecret } from '@/lib/admin/rotate-client-secret';
import { updateClient } from '@/lib/admin/update-client';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { AdminError } from '@/lib/admin/errors';
import { expectAdminError } from '@/lib/admin/test-helpers';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import type { Db } from '@/lib/db/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { useTestDatabase } from '@/lib/testing/test-database';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';

/** A public EC key set (what a private_key_jwt or signed-request client registers). */
const PUBLIC_JWKS = {
  keys: [{ ...(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as object), kid: 'k1' }],
} as { keys: Record<string, unknown>[] };

/** A client the FAPI-CIBA profile admits: every test changes one setting of it. */
const FAPI_CLIENT = {
  fapi_ciba: true,
  token_endpoint_auth_method: 'private_key_jwt',
  jwks: PUBLIC_JWKS,
};

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
      jwks: null,
      jwks_uri: null,
      tls_client_auth_subject_dn: null,
      token_endpoint_auth_signing_alg: null,
      backchannel_authentication_request_signing_alg: null,
      backchannel_user_code_parameter: false,
      fapi_ciba: false,
      id_token_hint_grace_period: 0,
      require_passkey_approval: false,
    });
    expect(Math.abs(client.client_id_issued_at - Date.now() / 1000)).toBeLessThan(60);
  });

  it('stores only the SHA-256 of the secret, and bumps the settings epoch', async () => {
    const before = await epoch();
    const client = await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Hashed' } });
    const row = await db.client.findUniqueOrThrow({ where: { clientId: client.client_id } });

    expect(row.secretHash).toBe(sha256Base64Url(client.client_secret!));
    expect(JSON.stringify(row)).not.toContain(client.client_secret!);
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
    [
      { token_endpoint_auth_method: 'private_key_jwt' },
      'jwks',
      /^is required \(or jwks_uri\) when token_endpoint_auth_method is private_key_jwt$/,
    ],
    [
      { token_endpoint_auth_method: 'self_signed_tls_client_auth' },
      'jwks',
      /^is required \(or jwks_uri\) when .* is self_signed_tls_client_auth$/,
    ],
    [
      { token_endpoint_auth_method: 'tls_client_auth' },
      'tls_client_auth_subject_dn',
      /^is required when token_endpoint_auth_method is tls_client_auth$/,
    ],
    [
      { tls_client_auth_subject_dn: 'CN=desk' },
      'tls_client_auth_subject_dn',
      /^must be null unless token_endpoint_auth_method is tls_client_auth/,
    ],
    [
      { token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_subject_dn: 'desk.example.com' },
      'tls_client_auth_subject_dn',
      /^must be an RFC 4514 distinguished name, e\.g\. "CN=desk\.example\.com,O=Example" \(an attribute has no "="\)$/,
    ],
    [
      { token_endpoint_auth_signing_alg: 'ES256' },
      'token_endpoint_auth_signing_alg',
      /^must be null unless .* is private_key_jwt/,
    ],
    [
      { backchannel_authentication_request_signing_alg: 'PS256' },
      'jwks',
      /^is required \(or jwks_uri\) when backchannel_authentication_request_signing_alg is set/,
    ],
    [
      { backchannel_authentication_request_signing_alg: 'HS256', jwks: PUBLIC_JWKS },
      'backchannel_authentication_request_signing_alg',
      /^must be one of PS256, ES256, RS256, EdDSA \(got "HS256"\)$/,
    ],
    [
      { backchannel_authentication_request_signing_alg: 'none', jwks: PUBLIC_JWKS },
      'backchannel_authentication_request_signing_alg',
      /got "none"/,
    ],
    [
      { token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'HS256', jwks: PUBLIC_JWKS },
      'token_endpoint_auth_signing_alg',
      /must be one of PS256/,
    ],
    [{ jwks: { keys: [] } }, 'jwks', /non-empty "keys" array/],
    [{ jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }, 'jwks', /must be a public RSA, EC or OKP key/],
    [{ jwks: { keys: [{ ...PUBLIC_JWKS.keys[0], d: 'x' }] } }, 'jwks', /private member "d"/],
    [{ jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA' }] } }, 'jwks', /keys\[0\] is not a usable public key/],
    [{ jwks: '{"keys":[]}' }, 'jwks', /must be a JWKS object/],
    [{ jwks_uri: 'http://rp.example/jwks' }, 'jwks_uri', /must be an https:\/\/ URL/],
    [{ jwks_uri: 'https://127.0.0.1/jwks' }, 'jwks_uri', /loopback|private|not allowed|resolve/],
    [{ backchannel_user_code_parameter: 'yes' }, 'backchannel_user_code_parameter', /must be true or false/],
    [{ id_token_hint_grace_period: 86_401 }, 'id_token_hint_grace_period', /from 0 to 86400/],
    [
      { fapi_ciba: true, jwks: PUBLIC_JWKS },
      'token_endpoint_auth_method',
      /^must be private_key_jwt, tls_client_auth, self_signed_tls_client_auth \(got client_secret_basic\) for a FAPI-CIBA client/,
    ],
    [
      { ...FAPI_CLIENT, backchannel_authentication_request_signing_alg: null },
      'backchannel_authentication_request_signing_alg',
      /^must be PS256 or ES256: signed requests are required for a FAPI-CIBA client/,
    ],
    [
      { ...FAPI_CLIENT, backchannel_authentication_request_signing_alg: 'RS256' },
      'backchannel_authentication_request_signing_alg',
      /must be PS256 or ES256/,
    ],
    [
      { ...FAPI_CLIENT, token_endpoint_auth_signing_alg: 'RS256' },
      'token_endpoint_auth_signing_alg',
      /must be PS256 or ES256 or null for a FAPI-CIBA client/,
    ],
    [
      { ...FAPI_CLIENT, id_token_signed_response_alg: 'RS256' },
      'id_token_signed_response_alg',
      /must be PS256 or ES256 for a FAPI-CIBA client/,
    ],
    [{ ...FAPI_CLIENT, binding_message_policy: 'optional' }, 'binding_message_policy', /must be required for a FAPI-CIBA client/],
    [
      { token_endpoint_auth_method: 'none' },
      'token_endpoint_auth_method',
      /must be one of client_secret_basic, client_secret_post, private_key_jwt, tls_client_auth, self_signed_tls_client_auth/,
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
    [{ software_statement: 'x' }, 'software_statement', /not a setting/],
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

  it('a FAPI-CIBA client takes the profile defaults for what it leaves out, and has no secret', async () => {
    const client = await createClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      metadata: { client_name: 'Bank', ...FAPI_CLIENT },
    });
    const row = await db.client.findUniqueOrThrow({ where: { clientId: client.client_id } });

    expect(client).toMatchObject({
      fapi_ciba: true,
      token_endpoint_auth_method: 'private_key_jwt',
      backchannel_authentication_request_signing_alg: 'PS256',
      binding_message_policy: 'required',
      id_token_signed_response_alg: 'PS256',
      jwks: PUBLIC_JWKS,
    });
    expect(client.client_secret).toBeUndefined();
    expect(row.secretHash).toBeNull();
    expect(JSON.parse(row.jwks!)).toEqual(PUBLIC_JWKS);
  });

  it('a key or certificate client has no secret: switching to a secret method issues one once, switching away drops it', async () => {
    const mtls = await createClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      metadata: {
        client_name: 'Desk',
        token_endpoint_auth_method: 'tls_client_auth',
        tls_client_auth_subject_dn: 'CN=desk.example.com,O=Example',
      },
    });
    expect(mtls.client_secret).toBeUndefined();
    await expect(rotateClientSecret(db, CLI_PRINCIPAL, { tenantSlug: 'acme', clientId: mtls.client_id })).rejects.toMatchObject({
      code: 'invalid_input',
      fields: [{ path: 'token_endpoint_auth_method', message: expect.stringMatching(/has no secret to rotate/) }],
    });

    const toSecret = await updateClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      clientId: mtls.client_id,
      metadata: { token_endpoint_auth_method: 'client_secret_post', tls_client_auth_subject_dn: null },
    });
    expect(toSecret.client_secret).toEqual(expect.any(String));
    expect((await db.client.findUniqueOrThrow({ where: { clientId: mtls.client_id } })).secretHash).toBe(
      sha256Base64Url(toSecret.client_secret!),
    );
    const again = await updateClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      clientId: mtls.client_id,
      metadata: { client_name: 'Desk 2' },
    });
    expect(again.client_secret).toBeUndefined();

    await updateClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      clientId: mtls.client_id,
      metadata: { token_endpoint_auth_method: 'private_key_jwt', jwks: PUBLIC_JWKS },
    });
    expect((await db.client.findUniqueOrThrow({ where: { clientId: mtls.client_id } })).secretHash).toBeNull();
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
