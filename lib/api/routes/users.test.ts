import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { ZImportReportSchema, ZUserDetailSchema, ZUserSchema } from '@/lib/api/routes/users';
import { createTestApiKeys, startTestApiServer, type ApiCaller } from '@/lib/api/test-api-server';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { useTestDatabase } from '@/lib/testing/test-database';
import { verifyUserCode } from '@/lib/ciba/user-code-hash';

let db: Db;
let cleanup: () => Promise<void>;
let call: ApiCaller;
let close: () => Promise<void>;
let keys: Awaited<ReturnType<typeof createTestApiKeys<'acme' | 'globex'>>>;
let globexUserId: string;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' });
  await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
  keys = await createTestApiKeys(db, ['acme', 'globex']);
  globexUserId = (await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'globex', email: 'gina@example.com' })).id;
  ({ call, close } = await startTestApiServer());
});

afterAll(async () => {
  await close();
  await cleanup();
});

const fieldPaths = (json: { fields?: { path: string }[] }) => json.fields?.map((field) => field.path);

const createThroughApi = async (body: Record<string, unknown>) => {
  const reply = await call('POST', '/tenants/acme/users', { key: keys.byTenant.acme, body });
  expect(reply.status, reply.text).toBe(201);

  return reply.json as { id: string; email: string; sub: string };
};

describe('POST /tenants/{slug}/users', () => {
  it('creates a user (201, Location) and answers it as GET does', async () => {
    const reply = await call('POST', '/tenants/acme/users', {
      key: keys.byTenant.acme,
      body: { email: 'Alice@Example.com', name: 'Alice' },
    });
    expect(reply.status).toBe(201);
    expect(ZUserDetailSchema.strict().parse(reply.json)).toEqual(reply.json);
    expect(reply.json).toMatchObject({ email: 'alice@example.com', name: 'Alice', email_verified: true, recent_requests: [] });
    expect(reply.headers.get('location')).toBe(`/api/v1/tenants/acme/users/${reply.json.id}`);
    expect((await call('GET', `/tenants/acme/users/${reply.json.id}`, { key: keys.byTenant.acme })).json).toEqual(reply.json);
  });

  it.each<[unknown, string[]]>([
    [{}, ['email']],
    [{ email: 'not-an-email' }, ['email']],
    [{ email: 'x@example.com', name: 'x'.repeat(101) }, ['name']],
    [{ email: 'x@example.com', sub: 'chosen' }, ['sub']],
    [['x@example.com'], ['']],
  ])('refuses %j with 400 validation_failed on %j', async (body, paths) => {
    const before = await db.user.count();
    const reply = await call('POST', '/tenants/acme/users', { key: keys.byTenant.acme, body });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toBe('validation_failed');
    expect(fieldPaths(reply.json)).toEqual(paths);
    expect(await db.user.count()).toBe(before);
  });

  it('answers 409 for a taken email, 403 for another tenant (whatever the body), 404 for an unknown tenant', async () => {
    await createThroughApi({ email: 'taken@example.com' });
    const taken = await call('POST', '/tenants/acme/users', { key: keys.byTenant.acme, body: { email: 'TAKEN@example.com' } });
    expect(taken.status).toBe(409);
    expect(taken.json).toEqual({ error: 'conflict', message: expect.stringMatching(/taken@example.com already exists/) });
    expect((await call('POST', '/tenants/globex/users', { key: keys.byTenant.acme, body: { email: 'bad' } })).json).toEqual({
      error: 'forbidden',
    });
    expect(
      (await call('POST', '/tenants/no-such-tenant/users', { key: keys.all, body: { email: 'x@example.com' } })).status,
    ).toBe(404);
  });
});

describe('GET /tenants/{slug}/users', () => {
  it('pages through the users by email, and searches by email prefix or sub', async () => {
    await createTenant(db, CLI_PRINCIPAL, { slug: 'paged', name: 'Paged' });
    const subs: string[] = [];
    for (const n of [5, 3, 1, 4, 2]) {
      subs.push((await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'paged', email: `user${n}@example.com` })).sub);
    }
    const seen: string[] = [];
    let path = '/tenants/paged/users?limit=2';
    for (let pages = 1; ; pages += 1) {
      const reply = await call('GET', path, { key: keys.all });
      expect(reply.status).toBe(200);
      for (const user of reply.json.data) expect(ZUserSchema.strict().parse(user)).toEqual(user);
      seen.push(...reply.json.data.map((user: { email: string }) => user.email));
      if (reply.json.next_cursor === null) {
        expect(pages).toBe(3);
        break;
      }
      path = `/tenants/paged/users?limit=2&cursor=${encodeURIComponent(reply.json.next_cursor)}`;
    }
    expect(seen).toEqual([1, 2, 3, 4, 5].map((n) => `user${n}@example.com`));

    const prefix = await call('GET', '/tenants/paged/users?search=USER4', { key: keys.all });
    expect(prefix.json).toEqual({ data: [expect.objectContaining({ email: 'user4@example.com' })], next_cursor: null });
    const bySub = await call('GET', `/tenants/paged/users?search=${encodeURIComponent(subs[0])}`, { key: keys.all });
    expect(bySub.json.data.map((user: { email: string }) => user.email)).toEqual(['user5@example.com']);
  });

  it.each<[string, string[]]>([
    ['limit=0', ['limit']],
    ['limit=201', ['limit']],
    ['cursor=nonsense', ['cursor']],
    ['sort=name', ['sort']],
    ['limit=5&limit=6', ['limit']],
  ])('answers 400 for ?%s on %j', async (query, paths) => {
    const reply = await call('GET', `/tenants/acme/users?${query}`, { key: keys.byTenant.acme });
    expect(reply.status).toBe(400);
    expect(fieldPaths(reply.json)).toEqual(paths);
  });

  it('keeps each tenant to itself', async () => {
    const globex = await call('GET', '/tenants/globex/users', { key: keys.byTenant.globex });
    expect(globex.json.data.map((user: { id: string }) => user.id)).toEqual([globexUserId]);
    expect((await call('GET', '/tenants/globex/users', { key: keys.byTenant.acme })).status).toBe(403);
  });
});

describe('GET, PATCH, DELETE /tenants/{slug}/users/{id}', () => {
  it('gets a user; 404 for an unknown one and for another tenant’s; 403 across tenants', async () => {
    const user = await createThroughApi({ email: 'get@example.com' });
    expect((await call('GET', `/tenants/acme/users/${user.id}`, { key: keys.byTenant.acme })).json).toMatchObject({
      id: user.id,
      sub: user.sub,
    });
    expect((await call('GET', '/tenants/acme/users/no-such-user', { key: keys.byTenant.acme })).json).toEqual({
      error: 'not_found',
    });
    expect((await call('GET', `/tenants/acme/users/${globexUserId}`, { key: keys.all })).status).toBe(404);
    expect((await call('GET', `/tenants/globex/users/${globexUserId}`, { key: keys.byTenant.acme })).status).toBe(403);
  });

  it('changes the fields given, sets a user code as a hash only; refuses bad input with its field path', async () => {
    const user = await createThroughApi({ email: 'patch@example.com' });
    const path = `/tenants/acme/users/${user.id}`;
    const changed = await call('PATCH', path, {
      key: keys.byTenant.acme,
      body: { name: 'Pat', email_verified: false, user_code: 'open-sesame' },
    });
    expect(changed.status).toBe(200);
    expect(ZUserSchema.strict().parse(changed.json)).toMatchObject({ name: 'Pat', email_verified: false, has_user_code: true });
    expect(changed.text).not.toContain('open-sesame');
    expect(
      await verifyUserCode('open-sesame', (await db.user.findUniqueOrThrow({ where: { id: user.id } })).userCodeHash!),
    ).toEqual({ ok: true, needsRehash: false });

    const refused = await call('PATCH', path, { key: keys.byTenant.acme, body: { email: 'nope', user_code: 'abc' } });
    expect(refused.status).toBe(400);
    expect(fieldPaths(refused.json)).toEqual(['email', 'user_code']);
    await createThroughApi({ email: 'other@example.com' });
    const conflict = await call('PATCH', path, { key: keys.byTenant.acme, body: { email: 'other@example.com' } });
    expect(conflict.status).toBe(409);
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).email).toBe('patch@example.com');
    expect((await call('PATCH', `/tenants/globex/users/${globexUserId}`, { key: keys.byTenant.acme, body: {} })).status).toBe(
      403,
    );
  });

  it('blocks and unblocks with {"blocked": true|false}; the user view shows it; a non-boolean is 400 on its path', async () => {
    const user = await createThroughApi({ email: 'blockme@example.com' });
    const path = `/tenants/acme/users/${user.id}`;
    expect(user).toMatchObject({ blocked: false });
    const blocked = await call('PATCH', path, { key: keys.byTenant.acme, body: { blocked: true } });
    expect(blocked.status).toBe(200);
    expect(ZUserSchema.strict().parse(blocked.json)).toMatchObject({ blocked: true });
    expect((await call('GET', path, { key: keys.byTenant.acme })).json).toMatchObject({ blocked: true });
    const refused = await call('PATCH', path, { key: keys.byTenant.acme, body: { blocked: 'no' } });
    expect(refused.status).toBe(400);
    expect(fieldPaths(refused.json)).toEqual(['blocked']);
    const unblocked = await call('PATCH', path, { key: keys.byTenant.acme, body: { blocked: false } });
    expect(unblocked.json).toMatchObject({ blocked: false });
  });

  it('deletes (204), idempotently; 403 across tenants, leaving the user', async () => {
    const user = await createThroughApi({ email: 'temporary@example.com' });
    const path = `/tenants/acme/users/${user.id}`;
    expect((await call('DELETE', path, { key: keys.byTenant.acme })).status).toBe(204);
    expect((await call('GET', path, { key: keys.byTenant.acme })).status).toBe(404);
    expect((await call('DELETE', path, { key: keys.byTenant.acme })).status).toBe(204);
    expect((await call('DELETE', `/tenants/globex/users/${globexUserId}`, { key: keys.byTenant.acme })).status).toBe(403);
    expect(await db.user.findUnique({ where: { id: globexUserId } })).not.toBeNull();
  });
});

describe('POST /tenants/{slug}/users/import', () => {
  it('imports a JSON body {format, content} and reports the bad rows', async () => {
    const content = JSON.stringify([{ email: 'imp1@example.com' }, { email: 'bad' }, { email: 'imp2@example.com', name: 'Two' }]);
    const reply = await call('POST', '/tenants/acme/users/import', {
      key: keys.byTenant.acme,
      body: { format: 'json', content },
    });
    expect(reply.status).toBe(200);
    expect(ZImportReportSchema.strict().parse(reply.json)).toEqual({
      created: 2,
      failed: [{ row: 2, email: 'bad', errors: [{ path: 'email', message: expect.stringMatching(/not a valid address/) }] }],
    });
  });

  it('imports a text/csv body as is', async () => {
    const reply = await call('POST', '/tenants/acme/users/import', {
      key: keys.byTenant.acme,
      rawBody: 'email,name\ncsv1@example.com,One\nimp1@example.com,Again\n',
      headers: { 'content-type': 'text/csv; charset=utf-8' },
    });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({
      created: 1,
      failed: [
        { row: 3, email: 'imp1@example.com', errors: [{ path: 'email', message: 'already belongs to a user of this tenant' }] },
      ],
    });
    expect(await db.user.count({ where: { email: 'csv1@example.com' } })).toBe(1);
  });

  it.each<[string, { body?: unknown; rawBody?: string; headers?: Record<string, string> }, number, unknown]>([
    ['a CSV without header', { rawBody: 'a@example.com\n', headers: { 'content-type': 'text/csv' } }, 400, ['content']],
    ['no body', {}, 400, ['format', 'content']],
    ['an unknown format', { body: { format: 'xml', content: '' } }, 400, ['format']],
    ['a JSON array', { body: [] }, 400, ['']],
    ['text/plain', { rawBody: 'email\n', headers: { 'content-type': 'text/plain' } }, 415, undefined],
    ['CSV that is not UTF-8', { rawBody: 'email\n\xff\n', headers: { 'content-type': 'text/csv' } }, 400, ['content']],
  ])('refuses %s', async (_case, options, status, paths) => {
    const rawBody = options.rawBody === undefined ? undefined : Uint8Array.from(Buffer.from(options.rawBody, 'latin1'));
    const reply = await call('POST', '/tenants/acme/users/import', { key: keys.byTenant.acme, ...options, rawBody });
    expect(reply.status).toBe(status);
    expect(fieldPaths(reply.json)).toEqual(paths);
  });

  it('answers 413 for a CSV body over 1 MiB, and 403 across tenants', async () => {
    const big = `email\n${'a'.repeat(1024 * 1024)}\n`;
    const tooBig = await call('POST', '/tenants/acme/users/import', {
      key: keys.byTenant.acme,
      rawBody: big,
      headers: { 'content-type': 'text/csv' },
    });
    expect(tooBig.status).toBe(413);
    const forbidden = await call('POST', '/tenants/globex/users/import', {
      key: keys.byTenant.acme,
      body: { format: 'csv', content: 'email\nsneak@example.com\n' },
    });
    expect(forbidden.json).toEqual({ error: 'forbidden' });
    expect(await db.user.count({ where: { email: 'sneak@example.com' } })).toBe(0);
  });
});
