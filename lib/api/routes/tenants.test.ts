import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { encodeCursor } from '@/lib/api/pagination';
import { ZTenantSummarySchema, ZTenantViewSchema } from '@/lib/api/schemas';
import { createTestApiKeys, startTestApiServer, type ApiCaller } from '@/lib/api/test-api-server';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { seedPendingRequest, seedUser } from '@/lib/testing/seed';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;
let call: ApiCaller;
let close: () => Promise<void>;
let keys: Awaited<ReturnType<typeof createTestApiKeys<'acme' | 'globex'>>>;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase({ appUrl: 'https://op.example.test' }));
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

describe('GET /tenants', () => {
  it('pages through 7 tenants 3 at a time: 3 pages, each tenant once, next_cursor null at the end', async () => {
    for (const n of [1, 2, 3, 4, 5]) await createTenant(db, CLI_PRINCIPAL, { slug: `paged-${n}`, name: `Paged ${n}` });
    const seen: string[] = [];
    let path = '/tenants?limit=3';
    let pages = 0;
    for (;;) {
      const reply = await call('GET', path, { key: keys.all });
      expect(reply.status).toBe(200);
      expect(Object.keys(reply.json)).toEqual(['data', 'next_cursor']);
      for (const tenant of reply.json.data) expect(ZTenantSummarySchema.strict().parse(tenant)).toEqual(tenant);
      seen.push(...reply.json.data.map((tenant: { slug: string }) => tenant.slug));
      pages += 1;
      if (reply.json.next_cursor === null) break;
      path = `/tenants?limit=3&cursor=${encodeURIComponent(reply.json.next_cursor)}`;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(['acme', 'globex', 'paged-1', 'paged-2', 'paged-3', 'paged-4', 'paged-5']);
    const all = await call('GET', '/tenants', { key: keys.all });
    expect(all.json.data).toHaveLength(7);
    expect(all.json.next_cursor).toBeNull();
  });

  it('shows a tenant key only its tenant', async () => {
    const reply = await call('GET', '/tenants', { key: keys.byTenant.acme });
    expect(reply.json).toEqual({
      data: [
        {
          id: expect.any(String),
          slug: 'acme',
          name: 'Acme',
          issuer: 'https://op.example.test/t/acme',
          created_at: expect.any(String),
        },
      ],
      next_cursor: null,
    });
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=201', 'limit'],
    ['limit=ten', 'limit'],
    [`cursor=${encodeCursor({ nope: 1 })}`, 'cursor'],
    ['cursor=%25%25', 'cursor'],
  ])('refuses ?%s with 400 validation_failed on %s', async (query, path) => {
    const reply = await call('GET', `/tenants?${query}`, { key: keys.all });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ error: 'validation_failed', fields: [{ path, message: expect.any(String) }] });
  });
});

describe('POST /tenants', () => {
  it('creates a tenant (201, its view, Location) with an all-tenant key', async () => {
    const reply = await call('POST', '/tenants', { key: keys.all, body: { slug: 'initech', name: 'Initech' } });
    expect(reply.status).toBe(201);
    expect(reply.headers.get('location')).toBe('/api/v1/tenants/initech');
    expect(ZTenantViewSchema.strict().parse(reply.json)).toEqual(reply.json);
    expect(reply.json).toMatchObject({
      slug: 'initech',
      name: 'Initech',
      issuer: 'https://op.example.test/t/initech',
      rate_limit_per_user: 5,
    });
    const [audit] = await db.event.findMany({ where: { type: 'tenant_created', tenantId: reply.json.id } });
    expect(audit.actor).toMatch(/^api_key:/);
  });

  it('is owner-only: 403 for a tenant key', async () => {
    const reply = await call('POST', '/tenants', { key: keys.byTenant.acme, body: { slug: 'mine', name: 'Mine' } });
    expect({ status: reply.status, json: reply.json }).toEqual({ status: 403, json: { error: 'forbidden' } });
    expect(await db.tenant.findUnique({ where: { slug: 'mine' } })).toBeNull();
  });

  it.each<[unknown, string[]]>([
    [{ slug: 'Bad Slug', name: 'X' }, ['slug']],
    [{ slug: 'ok-slug' }, ['name']],
    [{ slug: 'ok-slug', name: '' }, ['name']],
    [{ slug: 'ok-slug', name: 'X', issuer: 'https://evil.example' }, ['issuer']],
    [{}, ['slug', 'name']],
    [[], ['']],
  ])('refuses %j with 400 validation_failed naming each field', async (body, paths) => {
    const reply = await call('POST', '/tenants', { key: keys.all, body });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toBe('validation_failed');
    expect(fieldPaths(reply.json)).toEqual(paths);
  });

  it('answers 409 conflict for a slug that is taken', async () => {
    const reply = await call('POST', '/tenants', { key: keys.all, body: { slug: 'acme', name: 'Again' } });
    expect(reply.status).toBe(409);
    expect(reply.json).toEqual({ error: 'conflict', message: expect.stringContaining('"acme"') });
  });

  it('answers 415 for a form body and 400 for malformed JSON', async () => {
    const form = await call('POST', '/tenants', {
      key: keys.all,
      rawBody: 'slug=x&name=y',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(415);
    const malformed = await call('POST', '/tenants', {
      key: keys.all,
      rawBody: '{"slug":',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(fieldPaths(malformed.json)).toEqual(['']);
  });
});

describe('GET /tenants/{slug}', () => {
  it('returns the tenant with its settings to a key that reaches it', async () => {
    const reply = await call('GET', '/tenants/acme', { key: keys.byTenant.acme });
    expect(reply.status).toBe(200);
    expect(ZTenantViewSchema.strict().parse(reply.json)).toMatchObject({ slug: 'acme', max_pending_requests: 5000 });
  });

  it('answers 403 for another tenant and 404 for an unknown one', async () => {
    expect((await call('GET', '/tenants/globex', { key: keys.byTenant.acme })).json).toEqual({ error: 'forbidden' });
    const unknown = await call('GET', '/tenants/no-such-tenant', { key: keys.all });
    expect({ status: unknown.status, json: unknown.json }).toEqual({ status: 404, json: { error: 'not_found' } });
  });
});

describe('PATCH /tenants/{slug}', () => {
  it('changes the settings given and keeps the others', async () => {
    const reply = await call('PATCH', '/tenants/acme', {
      key: keys.byTenant.acme,
      body: { name: 'Acme Corp', rate_limit_per_user: 10 },
    });
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ name: 'Acme Corp', rate_limit_per_user: 10, rate_limit_per_tenant: 500 });
  });

  it('refuses bad settings with a field error each and changes nothing', async () => {
    const reply = await call('PATCH', '/tenants/acme', {
      key: keys.all,
      body: { rate_limit_per_user: -1, push_channel_enabled: 'yes', email_fallback_seconds: 3601, slug: 'renamed' },
    });
    expect(reply.status).toBe(400);
    expect(fieldPaths(reply.json)?.sort()).toEqual([
      'email_fallback_seconds',
      'push_channel_enabled',
      'rate_limit_per_user',
      'slug',
    ]);
    expect((await db.tenant.findUniqueOrThrow({ where: { slug: 'acme' } })).rateLimitPerUser).toBe(10);
  });

  it('sets the notification channels and the email fallback delay; refuses both channels off', async () => {
    const reply = await call('PATCH', '/tenants/acme', {
      key: keys.byTenant.acme,
      body: { push_channel_enabled: true, email_fallback_seconds: 10 },
    });
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ email_channel_enabled: true, push_channel_enabled: true, email_fallback_seconds: 10 });
    const refused = await call('PATCH', '/tenants/acme', {
      key: keys.byTenant.acme,
      body: { push_channel_enabled: false, email_channel_enabled: false },
    });
    expect(refused.status).toBe(400);
    expect(fieldPaths(refused.json)).toEqual(['push_channel_enabled']);
    const back = await call('PATCH', '/tenants/acme', { key: keys.byTenant.acme, body: { push_channel_enabled: false } });
    expect(back.json).toMatchObject({ email_channel_enabled: true, push_channel_enabled: false });
  });

  it('answers 403 for another tenant and 404 for an unknown one', async () => {
    expect((await call('PATCH', '/tenants/globex', { key: keys.byTenant.acme, body: { name: 'Mine' } })).status).toBe(403);
    expect((await call('PATCH', '/tenants/no-such-tenant', { key: keys.all, body: { name: 'X' } })).status).toBe(404);
    expect((await db.tenant.findUniqueOrThrow({ where: { slug: 'globex' } })).name).toBe('Globex');
  });
});

describe('DELETE /tenants/{slug}', () => {
  it('deletes (204, no body), and again (204): idempotent', async () => {
    await createTenant(db, CLI_PRINCIPAL, { slug: 'doomed', name: 'Doomed' });
    const first = await call('DELETE', '/tenants/doomed', { key: keys.all });
    expect({ status: first.status, text: first.text }).toEqual({ status: 204, text: '' });
    expect(await db.tenant.findUnique({ where: { slug: 'doomed' } })).toBeNull();
    expect((await call('DELETE', '/tenants/doomed', { key: keys.all })).status).toBe(204);
    expect((await call('GET', '/tenants/doomed', { key: keys.all })).status).toBe(404);
  });

  it('is owner-only: 403 for a tenant key, even on its own tenant or an unknown one', async () => {
    expect((await call('DELETE', '/tenants/acme', { key: keys.byTenant.acme })).json).toEqual({ error: 'forbidden' });
    expect((await call('DELETE', '/tenants/no-such-tenant', { key: keys.byTenant.acme })).status).toBe(403);
    expect(await db.tenant.findUnique({ where: { slug: 'acme' } })).not.toBeNull();
  });

  it('answers 409 while a request is pending, deletes with ?force=true, refuses ?force=maybe', async () => {
    const tenant = await createTenant(db, CLI_PRINCIPAL, { slug: 'busy', name: 'Busy' });
    const created = await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'busy', metadata: { client_name: 'Desk' } });
    const client = await db.client.findUniqueOrThrow({ where: { clientId: created.client_id } });
    await seedPendingRequest(db, { tenant, client, user: await seedUser(db, tenant) });

    const refused = await call('DELETE', '/tenants/busy', { key: keys.all });
    expect(refused.status).toBe(409);
    expect(refused.json).toEqual({ error: 'conflict', message: expect.stringContaining('1 pending request') });
    const bad = await call('DELETE', '/tenants/busy?force=maybe', { key: keys.all });
    expect(bad.status).toBe(400);
    expect(fieldPaths(bad.json)).toEqual(['force']);
    expect(await db.tenant.findUnique({ where: { slug: 'busy' } })).not.toBeNull();

    expect((await call('DELETE', '/tenants/busy?force=true', { key: keys.all })).status).toBe(204);
    expect(await db.tenant.findUnique({ where: { slug: 'busy' } })).toBeNull();
  });
});
