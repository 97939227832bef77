import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, SUPPORTED_GRANT_TYPES } from '@/lib/admin/create-client';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import { createTenant } from '@/lib/admin/create-tenant';
import { expectAdminError } from '@/lib/admin/test-helpers';
import type { Db } from '@/lib/db/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  await createTenant(db, { slug: 'acme', name: 'Acme Corp' });
});

afterAll(async () => {
  await cleanup();
});

describe('createClient', () => {
  it('registers a poll-mode CIBA client with basic auth and an optional binding message by default', async () => {
    const client = await createClient(db, { tenantSlug: 'acme', name: ' Support desk ' });

    expect(client).toEqual({
      client_id: expect.stringMatching(/^[\w-]{22}$/),
      client_secret: expect.stringMatching(/^[\w-]{43}$/),
      name: 'Support desk',
      tenant: 'acme',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: [CIBA_GRANT_TYPE],
      backchannel_token_delivery_mode: 'poll',
      binding_message_policy: 'optional',
    });
    expect(SUPPORTED_GRANT_TYPES).toEqual(['urn:openid:params:grant-type:ciba']);
  });

  it('stores only the SHA-256 of the secret', async () => {
    const client = await createClient(db, { tenantSlug: 'acme', name: 'Hashed' });
    const row = await db.client.findUniqueOrThrow({ where: { clientId: client.client_id } });

    expect(row.secretHash).toBe(sha256Base64Url(client.client_secret));
    expect(JSON.stringify(row)).not.toContain(client.client_secret);
    expect(row).toMatchObject({
      grantTypes: CIBA_GRANT_TYPE,
      deliveryMode: 'poll',
      tokenEndpointAuthMethod: 'client_secret_basic',
      bindingMessagePolicy: 'optional',
    });
  });

  it('issues a different id and secret every time', async () => {
    const first = await createClient(db, { tenantSlug: 'acme', name: 'Same name' });
    const second = await createClient(db, { tenantSlug: 'acme', name: 'Same name' });

    expect(second.client_id).not.toBe(first.client_id);
    expect(second.client_secret).not.toBe(first.client_secret);
  });

  it('takes the auth method, binding-message policy and grant types given', async () => {
    const client = await createClient(db, {
      tenantSlug: 'acme',
      name: 'Kiosk',
      authMethod: 'client_secret_post',
      bindingMessage: 'required',
      grantTypes: [CIBA_GRANT_TYPE, CIBA_GRANT_TYPE],
    });
    const row = await db.client.findUniqueOrThrow({ where: { clientId: client.client_id } });

    expect(client).toMatchObject({
      token_endpoint_auth_method: 'client_secret_post',
      binding_message_policy: 'required',
      grant_types: [CIBA_GRANT_TYPE],
    });
    expect(row).toMatchObject({ tokenEndpointAuthMethod: 'client_secret_post', bindingMessagePolicy: 'required' });
  });

  it('registers a client without any grant from an empty list', async () => {
    const client = await createClient(db, { tenantSlug: 'acme', name: 'No grants', grantTypes: [] });
    const row = await db.client.findUniqueOrThrow({ where: { clientId: client.client_id } });

    expect(client.grant_types).toEqual([]);
    expect(row.grantTypes).toBe('');
  });

  it('rejects unknown grant types, naming them and the supported ones', async () => {
    await expectAdminError(
      createClient(db, { tenantSlug: 'acme', name: 'X', grantTypes: [CIBA_GRANT_TYPE, 'authorization_code'] }),
      'invalid_input',
      /"authorization_code".*supported: urn:openid:params:grant-type:ciba/,
    );
  });

  it.each([
    [{ authMethod: 'private_key_jwt' }, /Auth method must be one of client_secret_basic, client_secret_post/],
    [{ authMethod: 'none' }, /Auth method/],
    [{ bindingMessage: 'always' }, /Binding message policy must be one of required, optional/],
    [{ name: '' }, /Client name/],
    [{ name: 'x'.repeat(101) }, /Client name/],
  ])('rejects invalid input %j', async (override, message) => {
    await expectAdminError(createClient(db, { tenantSlug: 'acme', name: 'Valid', ...override }), 'invalid_input', message);
  });

  it('reports an unknown tenant as not_found and creates nothing', async () => {
    const before = await db.client.count();
    await expectAdminError(createClient(db, { tenantSlug: 'nope', name: 'X' }), 'not_found', /"nope"/);
    await expectAdminError(createClient(db, { tenantSlug: 'Not A Slug', name: 'X' }), 'not_found');

    expect(await db.client.count()).toBe(before);
  });
});
