import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@/lib/admin/create-tenant';
import { AdminError } from '@/lib/admin/errors';
import { expectAdminError } from '@/lib/admin/test-helpers';
import { updateTenant } from '@/lib/admin/update-tenant';
import type { Db } from '@/lib/db/client';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase({ appUrl: 'https://op.example.test' }));
  await createTenant(db, { slug: 'acme', name: 'Acme Corp' });
  await createTenant(db, { slug: 'globex', name: 'Globex' });
});

afterAll(async () => {
  await cleanup();
});

const epoch = async () => (await db.settingsEpoch.findUniqueOrThrow({ where: { id: 1 } })).epoch;

describe('updateTenant', () => {
  it('renames the tenant (trimmed), touches no other tenant, and bumps the settings epoch', async () => {
    const before = await epoch();
    const tenant = await updateTenant(db, { slug: 'acme', settings: { name: '  Acme Corporation ' } });

    expect(tenant).toEqual({
      id: expect.any(String),
      slug: 'acme',
      name: 'Acme Corporation',
      issuer: 'https://op.example.test/t/acme',
    });
    expect((await db.tenant.findUniqueOrThrow({ where: { slug: 'globex' } })).name).toBe('Globex');
    expect(await epoch()).toBe(before + 1);
  });

  it('returns the tenant unchanged for an empty change', async () => {
    expect(await updateTenant(db, { slug: 'acme', settings: {} })).toMatchObject({ slug: 'acme', name: 'Acme Corporation' });
  });

  it.each<[unknown, string, RegExp]>([
    [{ name: '' }, 'name', /1–100 characters/],
    [{ name: 'x'.repeat(101) }, 'name', /1–100 characters/],
    [{ slug: 'renamed' }, 'slug', /not a setting/],
    [{ rate_limit_per_user: 5 }, 'rate_limit_per_user', /not a setting/],
  ])('refuses %j with a message for its field and changes nothing', async (settings, path, message) => {
    const before = await epoch();
    const error = await updateTenant(db, { slug: 'acme', settings }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AdminError);
    expect(error).toMatchObject({ code: 'invalid_input', fields: [{ path, message: expect.stringMatching(message) }] });
    expect((await db.tenant.findUniqueOrThrow({ where: { slug: 'acme' } })).name).toBe('Acme Corporation');
    expect(await epoch()).toBe(before);
  });

  it('reports an unknown tenant as not_found', async () => {
    await expectAdminError(updateTenant(db, { slug: 'nope', settings: { name: 'X' } }), 'not_found', /"nope"/);
  });
});
