import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '@/lib/admin/create-api-key';
import { createTenant } from '@/lib/admin/create-tenant';
import { AdminError } from '@/lib/admin/errors';
import { listApiKeys } from '@/lib/admin/list-api-keys';
import { revokeApiKey } from '@/lib/admin/revoke-api-key';
import { expectAdminError } from '@/lib/admin/test-helpers';
import { CLI_PRINCIPAL, type Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;
let acmeId: string;
let globexId: string;
let acmeAdmin: Principal;
let owner: Principal;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  acmeId = (await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' })).id;
  globexId = (await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' })).id;
  acmeAdmin = { kind: 'admin', id: 'admin-a', email: 'a@acme.test', role: 'tenant-admin', tenantIds: new Set([acmeId]) };
  owner = { kind: 'admin', id: 'owner-1', email: 'o@op.test', role: 'owner', tenantIds: new Set() };
});

afterAll(async () => {
  await cleanup();
});

const auditOf = async (type: string, target: string) =>
  db.event.findMany({ where: { type, detail: { contains: target } }, orderBy: { id: 'asc' } });

describe('createApiKey', () => {
  it('returns the key once (bck_ + 256 bits), stores only its hash and a 12-character prefix, and audits without the key', async () => {
    const created = await createApiKey(db, owner, { name: '  Deploy bot ' });
    expect(created).toEqual({
      id: expect.any(String),
      key: expect.stringMatching(/^bck_[A-Za-z0-9_-]{43}$/),
      name: 'Deploy bot',
      tenant: null,
      prefix: created.key.slice(0, 12),
      created_by: 'admin:owner-1',
      created_at: expect.any(String),
      last_used_at: null,
      revoked_at: null,
    });
    expect(Object.keys(created).slice(0, 2)).toEqual(['id', 'key']);
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(row).toMatchObject({ keyHash: sha256Base64Url(created.key), prefix: created.key.slice(0, 12), tenantId: null });
    expect(JSON.stringify(row)).not.toContain(created.key);
    const [audit] = await auditOf('api_key_created', created.id);
    expect(audit).toMatchObject({ tenantId: null, actor: 'admin:owner-1' });
    expect(JSON.parse(audit.detail!)).toEqual({
      target: created.id,
      before: null,
      after: { name: 'Deploy bot', tenant: null, prefix: created.prefix },
    });
    expect(audit.detail).not.toContain(created.key);
    expect(audit.detail).not.toContain(row.keyHash);
  });

  it('lets a tenant admin create a key for a tenant they may access, recorded in that tenant', async () => {
    const created = await createApiKey(db, acmeAdmin, { name: 'Acme CI', tenantSlug: 'acme' });
    expect(created).toMatchObject({ tenant: 'acme', created_by: 'admin:admin-a' });
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: created.id } })).tenantId).toBe(acmeId);
    expect((await auditOf('api_key_created', created.id))[0].tenantId).toBe(acmeId);
  });

  it('refuses an all-tenant key to a tenant admin and to a tenant-scoped key (forbidden), and writes nothing', async () => {
    const before = await db.apiKey.count();
    await expectAdminError(createApiKey(db, acmeAdmin, { name: 'Everything' }), 'forbidden');
    await expectAdminError(
      createApiKey(db, { kind: 'api_key', id: 'k', name: 'k', tenantId: acmeId }, { name: 'Everything', tenantSlug: null }),
      'forbidden',
    );
    expect(await db.apiKey.count()).toBe(before);
  });

  it('refuses a key for a tenant out of reach (forbidden)', async () => {
    await expectAdminError(createApiKey(db, acmeAdmin, { name: 'Theirs', tenantSlug: 'globex' }), 'forbidden');
  });

  it.each<[Parameters<typeof createApiKey>[2], string, RegExp]>([
    [{ name: '' }, 'name', /1–100 characters/],
    [{ name: 'x'.repeat(101) }, 'name', /1–100 characters/],
    [{ name: 'Bot', tenantSlug: 'Not A Slug' }, 'tenant', /tenant slug/],
    [{ name: 'Bot', tenantSlug: 'nope' }, 'tenant', /names no tenant/],
  ])('refuses %j with a field error on %s', async (options, path, message) => {
    const error = await createApiKey(db, CLI_PRINCIPAL, options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AdminError);
    expect(error).toMatchObject({ code: 'invalid_input', fields: [{ path, message: expect.stringMatching(message) }] });
  });
});

describe('listApiKeys', () => {
  it('shows owners every key, a tenant admin only their tenants’ keys, never a hash', async () => {
    await createApiKey(db, CLI_PRINCIPAL, { name: 'Globex CI', tenantSlug: 'globex' });
    const all = await listApiKeys(db, owner, { take: 100 });
    expect(all.map((key) => key.tenant).sort()).toEqual(['acme', 'globex', null].sort());
    expect(JSON.stringify(all)).not.toMatch(/keyHash|key_hash/);
    const acmeOnly = await listApiKeys(db, acmeAdmin, { take: 100 });
    expect(acmeOnly.map((key) => key.name)).toEqual(['Acme CI']);
    const scoped = await listApiKeys(db, { kind: 'api_key', id: 'x', name: 'x', tenantId: globexId }, { take: 100 });
    expect(scoped.map((key) => key.name)).toEqual(['Globex CI']);
  });

  it('pages by (created_at, id) after a position', async () => {
    const all = await listApiKeys(db, CLI_PRINCIPAL, { take: 100 });
    const first = await listApiKeys(db, CLI_PRINCIPAL, { take: 2 });
    expect(first).toEqual(all.slice(0, 2));
    const rest = await listApiKeys(db, CLI_PRINCIPAL, { take: 100, after: { created_at: first[1].created_at, id: first[1].id } });
    expect(rest).toEqual(all.slice(2));
  });
});

describe('revokeApiKey', () => {
  it('revokes once (audited once), then is a no-op; an unknown id is no error', async () => {
    const created = await createApiKey(db, CLI_PRINCIPAL, { name: 'Short-lived', tenantSlug: 'acme' });
    const now = new Date('2030-01-01T00:00:00Z');
    expect(await revokeApiKey(db, acmeAdmin, { id: created.id, now })).toEqual({ revoked: true });
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: created.id } })).revokedAt).toEqual(now);
    expect(await revokeApiKey(db, acmeAdmin, { id: created.id })).toEqual({ revoked: false });
    expect(await revokeApiKey(db, acmeAdmin, { id: 'no-such-key' })).toEqual({ revoked: false });
    const audits = await auditOf('api_key_revoked', created.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ tenantId: acmeId, actor: 'admin:admin-a' });
    expect((await listApiKeys(db, acmeAdmin, { take: 100 })).find((key) => key.id === created.id)?.revoked_at).toBe(
      now.toISOString(),
    );
  });

  it('refuses a key of another tenant, and an all-tenant key to a non-owner (forbidden), revoking nothing', async () => {
    const globexKey = await createApiKey(db, CLI_PRINCIPAL, { name: 'Globex deploy', tenantSlug: 'globex' });
    const allKey = await createApiKey(db, CLI_PRINCIPAL, { name: 'All deploy' });
    await expectAdminError(revokeApiKey(db, acmeAdmin, { id: globexKey.id }), 'forbidden');
    await expectAdminError(revokeApiKey(db, acmeAdmin, { id: allKey.id }), 'forbidden');
    const rows = await db.apiKey.findMany({ where: { id: { in: [globexKey.id, allKey.id] } } });
    expect(rows.map((row) => row.revokedAt)).toEqual([null, null]);
    expect(await revokeApiKey(db, owner, { id: allKey.id })).toEqual({ revoked: true });
  });
});
