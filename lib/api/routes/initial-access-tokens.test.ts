import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@/lib/admin/create-tenant';
import { ZCreatedInitialAccessTokenSchema, ZInitialAccessTokenViewSchema, ZTenantViewSchema } from '@/lib/api/schemas';
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

const PATH = '/tenants/acme/initial-access-tokens';

describe('PATCH /tenants/{slug} dynamic_registration', () => {
  it('turns the switch on and off; a non-boolean is a validation error', async () => {
    const on = await call('PATCH', '/tenants/acme', { key: keys.byTenant.acme, body: { dynamic_registration: true } });
    expect(on.status).toBe(200);
    expect(ZTenantViewSchema.strict().parse(on.json).dynamic_registration).toBe(true);
    const bad = await call('PATCH', '/tenants/acme', { key: keys.byTenant.acme, body: { dynamic_registration: 'on' } });
    expect(bad.status).toBe(400);
    expect(bad.json.fields).toEqual([{ path: 'dynamic_registration', message: 'must be true or false' }]);
    const off = await call('PATCH', '/tenants/acme', { key: keys.byTenant.acme, body: { dynamic_registration: false } });
    expect(off.json.dynamic_registration).toBe(false);
  });
});

describe('/tenants/{slug}/initial-access-tokens', () => {
  it('creates a token (201, shown once), lists it without the token, revokes it (204)', async () => {
    const created = await call('POST', PATH, { key: keys.byTenant.acme, body: { name: 'Partners', expires_in: 3600, uses: 5 } });
    expect(created.status).toBe(201);
    expect(ZCreatedInitialAccessTokenSchema.strict().parse(created.json)).toEqual(created.json);
    expect(created.json).toMatchObject({ name: 'Partners', tenant: 'acme', uses_left: 5, status: 'active' });

    const listed = await call('GET', PATH, { key: keys.byTenant.acme });
    expect(listed.status).toBe(200);
    const [item] = listed.json.data as Record<string, unknown>[];
    expect(ZInitialAccessTokenViewSchema.strict().parse(item)).toEqual(item);
    expect(item.id).toBe(created.json.id);
    expect(JSON.stringify(listed.json)).not.toContain(created.json.token);

    const revoked = await call('DELETE', `${PATH}/${created.json.id}`, { key: keys.byTenant.acme });
    expect(revoked.status).toBe(204);
    expect((await call('DELETE', `${PATH}/${created.json.id}`, { key: keys.byTenant.acme })).status).toBe(204);
    expect(((await call('GET', PATH, { key: keys.byTenant.acme })).json.data as { status: string }[])[0].status).toBe('revoked');
    const audit = await db.event.findMany({ where: { type: { startsWith: 'initial_access_token_' } }, orderBy: { id: 'asc' } });
    expect(audit.map((event) => event.type)).toEqual(['initial_access_token_created', 'initial_access_token_revoked']);
    expect(audit.every((event) => !event.detail!.includes(created.json.token as string))).toBe(true);
  });

  it('keeps tenants apart: another tenant’s key is 403, another tenant’s token id 404', async () => {
    const created = await call('POST', PATH, { key: keys.byTenant.acme, body: { name: 'Acme only' } });
    expect((await call('GET', PATH, { key: keys.byTenant.globex })).status).toBe(403);
    expect((await call('POST', PATH, { key: keys.byTenant.globex, body: { name: 'X' } })).status).toBe(403);
    expect((await call('DELETE', `${PATH}/${created.json.id}`, { key: keys.byTenant.globex })).status).toBe(403);
    const crossed = await call('DELETE', `/tenants/globex/initial-access-tokens/${created.json.id}`, {
      key: keys.byTenant.globex,
    });
    expect(crossed.status).toBe(404);
    expect((await call('GET', '/tenants/globex/initial-access-tokens', { key: keys.byTenant.globex })).json.data).toEqual([]);
  });

  it.each<[unknown, string[]]>([
    [{}, ['name']],
    [{ name: 'X', uses: 0 }, ['uses']],
    [{ name: 'X', expires_in: 10 }, ['expires_in']],
    [{ name: 'X', scope: 'all' }, ['scope']],
  ])('refuses %j with 400 validation_failed on %j', async (body, paths) => {
    const reply = await call('POST', PATH, { key: keys.all, body });
    expect(reply.status).toBe(400);
    expect((reply.json.fields as { path: string }[]).map((field) => field.path)).toEqual(paths);
  });
});
