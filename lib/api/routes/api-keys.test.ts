import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '@/lib/admin/create-api-key';
import { createTenant } from '@/lib/admin/create-tenant';
import { ZApiKeyViewSchema, ZCreatedApiKeySchema } from '@/lib/api/schemas';
import { createTestApiKeys, startTestApiServer, type ApiCaller } from '@/lib/api/test-api-server';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;
let call: ApiCaller;
let close: () => Promise<void>;
let keys: Awaited<ReturnType<typeof createTestApiKeys<'acme' | 'globex'>>>;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' });
  await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
  keys = await createTestApiKeys(db, ['acme', 'globex']);
  ({ call, close } = await startTestApiServer());
});

afterAll(async () => {
  await close();
  await cleanup();
});

const fieldPaths = (json: { fields?: { path: string }[] }) => json.fields?.map((field) => field.path);

describe('POST /api-keys', () => {
  it('creates an all-tenant key (201, shown once) that then authenticates', async () => {
    const reply = await call('POST', '/api-keys', { key: keys.all, body: { name: 'Deploy' } });
    expect(reply.status).toBe(201);
    expect(ZCreatedApiKeySchema.strict().parse(reply.json)).toEqual(reply.json);
    expect(reply.json).toMatchObject({
      name: 'Deploy',
      tenant: null,
      key: expect.stringMatching(/^bck_/),
      created_by: expect.stringMatching(/^api_key:/),
    });
    expect((await call('GET', '/tenants/globex', { key: reply.json.key })).status).toBe(200);
  });

  it('lets a tenant key create a key for its tenant only; an all-tenant key is owner-only (403)', async () => {
    const own = await call('POST', '/api-keys', { key: keys.byTenant.acme, body: { name: 'Acme CI', tenant: 'acme' } });
    expect(own.status).toBe(201);
    expect(own.json.tenant).toBe('acme');
    expect((await call('GET', '/tenants/acme', { key: own.json.key })).status).toBe(200);
    expect((await call('GET', '/tenants/globex', { key: own.json.key })).status).toBe(403);

    expect((await call('POST', '/api-keys', { key: keys.byTenant.acme, body: { name: 'All' } })).json).toEqual({
      error: 'forbidden',
    });
    expect((await call('POST', '/api-keys', { key: keys.byTenant.acme, body: { name: 'All', tenant: null } })).status).toBe(403);
    expect((await call('POST', '/api-keys', { key: keys.byTenant.acme, body: { name: 'G', tenant: 'globex' } })).status).toBe(
      403,
    );
  });

  it.each<[unknown, string[]]>([
    [{}, ['name']],
    [{ name: '' }, ['name']],
    [{ name: 'X', tenant: 'Not A Slug' }, ['tenant']],
    [{ name: 'X', tenant: 'no-such-tenant' }, ['tenant']],
    [{ name: 'X', scopes: ['all'] }, ['scopes']],
  ])('refuses %j with 400 validation_failed on %j', async (body, paths) => {
    const reply = await call('POST', '/api-keys', { key: keys.all, body });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toBe('validation_failed');
    expect(fieldPaths(reply.json)).toEqual(paths);
  });
});

describe('GET /api-keys', () => {
  it('pages through a tenant’s keys 3 at a time, never a key or hash; a tenant key sees only its tenant’s keys', async () => {
    await createTenant(db, CLI_PRINCIPAL, { slug: 'paged', name: 'Paged' });
    const created = [];
    for (let n = 0; n < 7; n += 1)
      created.push(await createApiKey(db, CLI_PRINCIPAL, { name: `Paged ${n}`, tenantSlug: 'paged' }));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const reply = await call('GET', `/api-keys?limit=3${query}`, { key: created[0].key });
      expect(reply.status).toBe(200);
      for (const key of reply.json.data) expect(ZApiKeyViewSchema.strict().parse(key)).toEqual(key);
      for (const { key } of created) expect(reply.text).not.toContain(key);
      seen.push(...reply.json.data.map((key: { id: string }) => key.id));
      cursor = reply.json.next_cursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(new Set(created.map((key) => key.id)));
    expect(await db.apiKey.findUniqueOrThrow({ where: { id: created[0].id } })).toMatchObject({ lastUsedAt: expect.any(Date) });

    const all = await call('GET', '/api-keys?limit=200', { key: keys.all });
    expect(all.json.data.map((key: { tenant: string | null }) => key.tenant)).toEqual(
      expect.arrayContaining([null, 'acme', 'globex', 'paged']),
    );
  });

  it('refuses a malformed cursor (400 on cursor)', async () => {
    const reply = await call('GET', '/api-keys?cursor=bm9wZQ', { key: keys.all });
    expect(reply.status).toBe(400);
    expect(fieldPaths(reply.json)).toEqual(['cursor']);
  });
});

describe('DELETE /api-keys/{id}', () => {
  it('revokes (204): the key is then refused (401); revoking again, or an unknown id, is 204', async () => {
    const created = await createApiKey(db, CLI_PRINCIPAL, { name: 'Leaked', tenantSlug: 'acme' });
    expect((await call('GET', '/tenants/acme', { key: created.key })).status).toBe(200);
    const revoked = await call('DELETE', `/api-keys/${created.id}`, { key: keys.byTenant.acme });
    expect({ status: revoked.status, text: revoked.text }).toEqual({ status: 204, text: '' });
    const refused = await call('GET', '/tenants/acme', { key: created.key });
    expect({ status: refused.status, json: refused.json }).toEqual({ status: 401, json: { error: 'unauthorized' } });
    expect((await call('DELETE', `/api-keys/${created.id}`, { key: keys.byTenant.acme })).status).toBe(204);
    expect((await call('DELETE', '/api-keys/no-such-key', { key: keys.byTenant.acme })).status).toBe(204);
    expect(await db.event.count({ where: { type: 'api_key_revoked', detail: { contains: created.id } } })).toBe(1);
  });

  it('answers 403 for another tenant’s key and for an all-tenant key, revoking neither', async () => {
    const globexKey = await createApiKey(db, CLI_PRINCIPAL, { name: 'Globex CI', tenantSlug: 'globex' });
    const allKey = await createApiKey(db, CLI_PRINCIPAL, { name: 'Root' });
    expect((await call('DELETE', `/api-keys/${globexKey.id}`, { key: keys.byTenant.acme })).json).toEqual({ error: 'forbidden' });
    expect((await call('DELETE', `/api-keys/${allKey.id}`, { key: keys.byTenant.acme })).status).toBe(403);
    expect((await call('GET', '/tenants/globex', { key: globexKey.key })).status).toBe(200);
    expect((await call('GET', '/tenants/globex', { key: allKey.key })).status).toBe(200);
  });
});
