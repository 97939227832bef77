import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '@/lib/admin/create-api-key';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { deleteTenant } from '@/lib/admin/delete-tenant';
import { getTenant } from '@/lib/admin/get-tenant';
import { expectAdminError } from '@/lib/admin/test-helpers';
import { CLI_PRINCIPAL, type Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { seedPendingRequest, seedUser } from '@/lib/testing/seed';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase({ appUrl: 'https://op.example.test' }));
});

afterAll(async () => {
  await cleanup();
});

const epoch = async () => (await db.settingsEpoch.findUniqueOrThrow({ where: { id: 1 } })).epoch;

/** A tenant with a client, a user and one request created at `requestAt` (expiring 300 s later). */
const tenantWithRequest = async (slug: string, requestAt: Date) => {
  const tenant = await createTenant(db, CLI_PRINCIPAL, { slug, name: slug });
  const created = await createClient(db, CLI_PRINCIPAL, { tenantSlug: slug, metadata: { client_name: 'Desk' } });
  const client = await db.client.findUniqueOrThrow({ where: { clientId: created.client_id } });
  const user = await seedUser(db, tenant);
  await seedPendingRequest(db, { tenant, client, user, now: requestAt });

  return tenant;
};

describe('getTenant', () => {
  it('returns the tenant view; not_found for an unknown slug, forbidden out of reach', async () => {
    const tenant = await createTenant(db, CLI_PRINCIPAL, { slug: 'viewed', name: 'Viewed' });
    expect(await getTenant(db, CLI_PRINCIPAL, { slug: 'viewed' })).toEqual(tenant);
    await expectAdminError(getTenant(db, CLI_PRINCIPAL, { slug: 'nope' }), 'not_found');
    await expectAdminError(
      getTenant(db, { kind: 'api_key', id: 'k', name: 'k', tenantId: 'other' }, { slug: 'viewed' }),
      'forbidden',
    );
  });
});

describe('deleteTenant', () => {
  it('deletes the tenant and everything in it, bumps the epoch, and audits outside any tenant', async () => {
    const tenant = await tenantWithRequest('doomed', new Date(Date.now() - 3_600_000));
    await createApiKey(db, CLI_PRINCIPAL, { name: 'Doomed key', tenantSlug: 'doomed' });
    const before = await epoch();

    expect(await deleteTenant(db, CLI_PRINCIPAL, { slug: 'doomed' })).toEqual({ deleted: true });

    expect(await db.tenant.findUnique({ where: { slug: 'doomed' } })).toBeNull();
    const left = await Promise.all([
      db.client.count({ where: { tenantId: tenant.id } }),
      db.user.count({ where: { tenantId: tenant.id } }),
      db.backchannelRequest.count({ where: { tenantId: tenant.id } }),
      db.signingKey.count({ where: { tenantId: tenant.id } }),
      db.apiKey.count({ where: { tenantId: tenant.id } }),
      db.event.count({ where: { tenantId: tenant.id } }),
    ]);
    expect(left).toEqual([0, 0, 0, 0, 0, 0]);
    expect(await epoch()).toBe(before + 1);
    const [audit] = await db.event.findMany({ where: { type: 'tenant_deleted' } });
    expect(audit).toMatchObject({ tenantId: null, actor: 'cli' });
    expect(JSON.parse(audit.detail!)).toMatchObject({
      target: 'doomed',
      before: { slug: 'doomed', name: 'doomed', pending_requests: 0 },
      after: null,
    });
  });

  it('is idempotent: an unknown (or impossible) slug is no error and changes nothing', async () => {
    const before = await epoch();
    expect(await deleteTenant(db, CLI_PRINCIPAL, { slug: 'doomed' })).toEqual({ deleted: false });
    expect(await deleteTenant(db, CLI_PRINCIPAL, { slug: 'Not A Slug' })).toEqual({ deleted: false });
    expect(await epoch()).toBe(before);
  });

  it('refuses while a request is pending (conflict) and deletes it with force', async () => {
    await tenantWithRequest('busy', new Date());
    const before = await epoch();
    await expectAdminError(deleteTenant(db, CLI_PRINCIPAL, { slug: 'busy' }), 'conflict', /1 pending request;/);
    expect(await db.tenant.findUnique({ where: { slug: 'busy' } })).not.toBeNull();
    expect(await epoch()).toBe(before);

    expect(await deleteTenant(db, CLI_PRINCIPAL, { slug: 'busy', force: true })).toEqual({ deleted: true });
    expect(await db.tenant.findUnique({ where: { slug: 'busy' } })).toBeNull();
  });

  it('is owner-only: a tenant admin of the tenant and a tenant-scoped key are forbidden, even for an unknown slug', async () => {
    const tenant = await createTenant(db, CLI_PRINCIPAL, { slug: 'kept', name: 'Kept' });
    const admin: Principal = { kind: 'admin', id: 'a', email: 'a@x.test', role: 'tenant-admin', tenantIds: new Set([tenant.id]) };
    const key: Principal = { kind: 'api_key', id: 'k', name: 'k', tenantId: tenant.id };
    await expectAdminError(deleteTenant(db, admin, { slug: 'kept' }), 'forbidden');
    await expectAdminError(deleteTenant(db, key, { slug: 'kept' }), 'forbidden');
    await expectAdminError(deleteTenant(db, key, { slug: 'nope' }), 'forbidden');
    expect(await db.tenant.findUnique({ where: { slug: 'kept' } })).not.toBeNull();
    const allTenantKey: Principal = { kind: 'api_key', id: 'k2', name: 'k2', tenantId: null };
    expect(await deleteTenant(db, allTenantKey, { slug: 'kept' })).toEqual({ deleted: true });
  });
});
