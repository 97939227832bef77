import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@/lib/admin/create-tenant';
import { expectAdminError } from '@/lib/admin/test-helpers';
import type { Db } from '@/lib/db/client';
import { getEnv } from '@/lib/env';
import { decryptPrivateJwk } from '@/lib/oauth/signing-keys';
import { useTestDatabase } from '@/lib/testing/test-database';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { SIGNING_ALGS } from '@/lib/oauth/signing-keys';

let db: Db;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase({ appUrl: 'https://op.example.test' }));
});

afterAll(async () => {
  await cleanup();
});

describe('createTenant', () => {
  it('creates the tenant with its issuer and a trimmed name', async () => {
    const tenant = await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: '  Acme Corp  ' });

    expect(tenant).toEqual({
      id: expect.any(String),
      slug: 'acme',
      name: 'Acme Corp',
      issuer: 'https://op.example.test/t/acme',
      rate_limit_per_user: 5,
      rate_limit_per_tenant: 500,
      max_pending_requests: 5000,
      rate_limit_per_agent: 20,
      email_channel_enabled: true,
      push_channel_enabled: false,
      email_fallback_seconds: 30,
      dynamic_registration: false,
      require_passkey_approval: false,
      default_requested_expiry: 300,
      max_requested_expiry: 259_200,
      backchannel_poll_interval: 5,
      binding_message_policy: 'optional',
      created_at: expect.any(String),
    });
    const row = await db.tenant.findUniqueOrThrow({ where: { slug: 'acme' } });
    expect(row).toMatchObject({ id: tenant.id, name: 'Acme Corp' });
  });

  it('creates a key for every signing algorithm (RS256, ES256, PS256, EdDSA), its private half encrypted', async () => {
    const tenant = await createTenant(db, CLI_PRINCIPAL, { slug: 'keys', name: 'Keys' });
    const keys = await db.signingKey.findMany({ where: { tenantId: tenant.id } });

    expect(keys.map((key) => key.alg).sort()).toEqual(['ES256', 'EdDSA', 'PS256', 'RS256']);
    for (const key of keys) {
      const publicJwk = JSON.parse(key.publicJwk);
      expect(publicJwk).toMatchObject({ kid: key.kid, alg: key.alg, use: 'sig' });
      expect(publicJwk.d).toBeUndefined();
      // Not plaintext JSON, no private component in the clear.
      expect(key.encryptedPrivateJwk).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
      expect(() => JSON.parse(key.encryptedPrivateJwk)).toThrow();
      expect(key.encryptedPrivateJwk).not.toContain('"d"');
      // ...yet it decrypts to the private key with the environment's key-encryption key.
      const privateJwk = decryptPrivateJwk(key.encryptedPrivateJwk, key.kid, getEnv().keyEncryptionKey);
      expect(privateJwk.d).toEqual(expect.any(String));
      expect(privateJwk.x ?? privateJwk.n).toBe(publicJwk.x ?? publicJwk.n);
    }
  });

  it('rejects a duplicate slug with a conflict and keeps the first tenant intact', async () => {
    await createTenant(db, CLI_PRINCIPAL, { slug: 'dup', name: 'First' });
    await expectAdminError(createTenant(db, CLI_PRINCIPAL, { slug: 'dup', name: 'Second' }), 'conflict', /"dup" already exists/);

    const tenants = await db.tenant.findMany({ where: { slug: 'dup' }, include: { signingKeys: true } });
    expect(tenants).toHaveLength(1);
    expect(tenants[0].name).toBe('First');
    expect(tenants[0].signingKeys).toHaveLength(SIGNING_ALGS.length);
  });

  it('lets exactly one of two concurrent creates with the same slug win', async () => {
    const results = await Promise.allSettled([
      createTenant(db, CLI_PRINCIPAL, { slug: 'race', name: 'A' }),
      createTenant(db, CLI_PRINCIPAL, { slug: 'race', name: 'B' }),
    ]);

    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const [rejected] = results.filter((result) => result.status === 'rejected');
    expect(rejected.reason).toMatchObject({ name: 'AdminError', code: 'conflict' });
    expect(await db.signingKey.count({ where: { tenant: { slug: 'race' } } })).toBe(SIGNING_ALGS.length);
  });

  it.each([
    ['', 'empty'],
    ['Acme', 'upper-case'],
    ['-acme', 'leading hyphen'],
    ['acme-', 'trailing hyphen'],
    ['ac me', 'space'],
    ['a'.repeat(64), '64 characters'],
    ['acme/../x', 'path characters'],
  ])('rejects the slug %j (%s)', async (slug) => {
    await expectAdminError(createTenant(db, CLI_PRINCIPAL, { slug, name: 'Acme' }), 'invalid_input', /slug/);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'blank'],
    ['x'.repeat(101), '101 characters'],
    ['Acme\nCorp', 'control character'],
  ])('rejects the name %j (%s)', async (name) => {
    await expectAdminError(createTenant(db, CLI_PRINCIPAL, { slug: 'valid-slug', name }), 'invalid_input', /^name: /);
  });

  it('accepts a 100-character name and a 63-character slug', async () => {
    const slug = `a${'b'.repeat(61)}c`;
    const tenant = await createTenant(db, CLI_PRINCIPAL, { slug, name: 'é'.repeat(100) });

    expect(tenant.slug).toBe(slug);
    expect(tenant.name).toHaveLength(100);
  });

  it('creates nothing when validation fails', async () => {
    await expectAdminError(createTenant(db, CLI_PRINCIPAL, { slug: 'nothing', name: '' }), 'invalid_input');

    expect(await db.tenant.count({ where: { slug: 'nothing' } })).toBe(0);
  });
});
