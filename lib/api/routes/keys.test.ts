import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@/lib/admin/create-tenant';
import { ZSigningKeySchema } from '@/lib/api/routes/keys';
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
  // The tenants' first keys have been published for an hour.
  await db.signingKey.updateMany({ data: { createdAt: new Date(Date.now() - 3_600_000) } });
  keys = await createTestApiKeys(db, ['acme', 'globex']);
  ({ call, close } = await startTestApiServer());
});

afterAll(async () => {
  await close();
  await cleanup();
});

const fieldPaths = (json: { fields?: { path: string }[] }) => json.fields?.map((field) => field.path);

describe('GET /tenants/{slug}/keys', () => {
  it('lists the keys by alg, page by page, never private material', async () => {
    const reply = await call('GET', '/tenants/acme/keys', { key: keys.byTenant.acme });
    expect(reply.status).toBe(200);
    for (const key of reply.json.data) expect(ZSigningKeySchema.strict().parse(key)).toEqual(key);
    expect(
      reply.json.data.map((key: { alg: string; status: string; signing: boolean }) => [key.alg, key.status, key.signing]),
    ).toEqual([
      ['ES256', 'active', true],
      ['EdDSA', 'active', true],
      ['PS256', 'active', true],
      ['RS256', 'active', true],
    ]);
    expect(reply.text).not.toMatch(/"d"|private|encrypted/i);
    const first = await call('GET', '/tenants/acme/keys?limit=3', { key: keys.byTenant.acme });
    const rest = await call('GET', `/tenants/acme/keys?limit=3&cursor=${encodeURIComponent(first.json.next_cursor)}`, {
      key: keys.byTenant.acme,
    });
    expect([...first.json.data, ...rest.json.data]).toEqual(reply.json.data);
    expect(rest.json.next_cursor).toBeNull();
    expect((await call('GET', '/tenants/globex/keys', { key: keys.byTenant.acme })).status).toBe(403);
  });
});

describe('POST /tenants/{slug}/keys/rotate and …/keys/{kid}/retire', () => {
  it('rotates (201: published, not signing yet); the old key cannot be retired until the new one signs', async () => {
    const rotated = await call('POST', '/tenants/acme/keys/rotate', { key: keys.byTenant.acme, body: { alg: 'RS256' } });
    expect(rotated.status).toBe(201);
    expect(ZSigningKeySchema.strict().parse(rotated.json)).toMatchObject({ alg: 'RS256', status: 'active', signing: false });
    const listed = await call('GET', '/tenants/acme/keys', { key: keys.byTenant.acme });
    const old = listed.json.data.find((key: { alg: string; kid: string }) => key.alg === 'RS256' && key.kid !== rotated.json.kid);
    expect(old).toMatchObject({ signing: true });

    const early = await call('POST', `/tenants/acme/keys/${old.kid}/retire`, { key: keys.byTenant.acme });
    expect(early.status).toBe(409);
    expect(early.json).toEqual({ error: 'conflict', message: expect.stringMatching(/still signs/) });

    await db.signingKey.update({ where: { kid: rotated.json.kid }, data: { createdAt: new Date(Date.now() - 6 * 60_000) } });
    const retired = await call('POST', `/tenants/acme/keys/${old.kid}/retire`, { key: keys.byTenant.acme });
    expect(retired.status).toBe(200);
    expect(retired.json).toMatchObject({ kid: old.kid, status: 'retiring', signing: false });
    const again = await call('POST', `/tenants/acme/keys/${old.kid}/retire`, { key: keys.byTenant.acme });
    expect(again.json).toEqual({ error: 'conflict', message: expect.stringMatching(/already retired/) });
  });

  it.each<[unknown, string[]]>([
    [{}, ['alg']],
    [{ alg: 'HS256' }, ['alg']],
    [{ alg: 'RS256', kid: 'mine' }, ['kid']],
    ['RS256', ['']],
  ])('refuses to rotate with %j (400 on %j), creating nothing', async (body, paths) => {
    const before = await db.signingKey.count();
    const reply = await call('POST', '/tenants/acme/keys/rotate', { key: keys.byTenant.acme, body });
    expect(reply.status).toBe(400);
    expect(fieldPaths(reply.json)).toEqual(paths);
    expect(await db.signingKey.count()).toBe(before);
  });

  it('keeps each tenant to itself', async () => {
    const globexKid = (await db.signingKey.findFirstOrThrow({ where: { tenant: { slug: 'globex' } } })).kid;
    expect((await call('POST', `/tenants/acme/keys/${globexKid}/retire`, { key: keys.all })).status).toBe(404);
    expect((await call('POST', `/tenants/globex/keys/${globexKid}/retire`, { key: keys.byTenant.acme })).status).toBe(403);
    expect((await call('POST', '/tenants/globex/keys/rotate', { key: keys.byTenant.acme, body: { alg: 'RS256' } })).status).toBe(
      403,
    );
    expect(await db.signingKey.count({ where: { tenant: { slug: 'globex' } } })).toBe(4);
  });
});
