import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '@/lib/admin/create-api-key';
import { createTenant } from '@/lib/admin/create-tenant';
import { revokeApiKey } from '@/lib/admin/revoke-api-key';
import { authenticateApiKey } from '@/lib/auth/authenticate-api-key';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;
let acmeId: string;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  acmeId = (await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' })).id;
});

afterAll(async () => {
  await cleanup();
});

const lastUsedAt = async (id: string) => (await db.apiKey.findUniqueOrThrow({ where: { id } })).lastUsedAt;

describe('authenticateApiKey', () => {
  it('authenticates a bearer key as its principal (all tenants, or one), with the scheme in any case', async () => {
    const all = await createApiKey(db, CLI_PRINCIPAL, { name: 'All' });
    const scoped = await createApiKey(db, CLI_PRINCIPAL, { name: 'Acme only', tenantSlug: 'acme' });
    expect(await authenticateApiKey(db, `Bearer ${all.key}`)).toEqual({
      kind: 'api_key',
      id: all.id,
      name: 'All',
      tenantId: null,
    });
    expect(await authenticateApiKey(db, `bearer  ${scoped.key}`)).toEqual({
      kind: 'api_key',
      id: scoped.id,
      name: 'Acme only',
      tenantId: acmeId,
    });
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another scheme', 'Basic YWxpY2U6c2VjcmV0'],
    ['a bare key', 'bck_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a bearer token that is not a key', 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig'],
    ['an unknown key', 'Bearer bck_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a key with a character too many', 'Bearer bck_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['two tokens', 'Bearer bck_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA bck_B'],
  ])('answers null for %s', async (_label, header) => {
    expect(await authenticateApiKey(db, header)).toBeNull();
  });

  it('refuses a revoked key, and a key whose last characters differ', async () => {
    const created = await createApiKey(db, CLI_PRINCIPAL, { name: 'Soon revoked' });
    const altered = `${created.key.slice(0, -1)}${created.key.endsWith('A') ? 'B' : 'A'}`;
    expect(await authenticateApiKey(db, `Bearer ${altered}`)).toBeNull();
    await revokeApiKey(db, CLI_PRINCIPAL, { id: created.id });
    expect(await authenticateApiKey(db, `Bearer ${created.key}`)).toBeNull();
  });

  it('records lastUsedAt at most once a minute', async () => {
    const created = await createApiKey(db, CLI_PRINCIPAL, { name: 'Busy' });
    const t0 = new Date('2031-01-01T00:00:00.000Z');
    expect(await lastUsedAt(created.id)).toBeNull();
    await authenticateApiKey(db, `Bearer ${created.key}`, t0);
    expect(await lastUsedAt(created.id)).toEqual(t0);
    await authenticateApiKey(db, `Bearer ${created.key}`, new Date(t0.getTime() + 59_000));
    expect(await lastUsedAt(created.id)).toEqual(t0);
    const later = new Date(t0.getTime() + 60_000);
    await authenticateApiKey(db, `Bearer ${created.key}`, later);
    expect(await lastUsedAt(created.id)).toEqual(later);
  });
});
