import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { listClients } from '@/lib/admin/list-clients';
import { listTenants } from '@/lib/admin/list-tenants';
import { listUsers } from '@/lib/admin/list-users';
import { expectAdminError } from '@/lib/admin/test-helpers';
import type { Db } from '@/lib/db/client';
import { useTestDatabase } from '@/lib/testing/test-database';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';

let db: Db;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase({ appUrl: 'https://op.example.test' }));
});

afterAll(async () => {
  await cleanup();
});

describe('listing', () => {
  it('returns empty lists for a fresh database and tenant', async () => {
    expect(await listTenants(db, CLI_PRINCIPAL)).toEqual([]);
    await createTenant(db, CLI_PRINCIPAL, { slug: 'empty', name: 'Empty' });

    expect(await listClients(db, CLI_PRINCIPAL, { tenantSlug: 'empty' })).toEqual([]);
    expect(await listUsers(db, CLI_PRINCIPAL, { tenantSlug: 'empty' })).toEqual({ data: [], next_cursor: null });
  });

  it('lists tenants with their issuers', async () => {
    await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme Corp' });
    await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
    const tenants = await listTenants(db, CLI_PRINCIPAL);

    expect(tenants.map((tenant) => tenant.slug).sort()).toEqual(['acme', 'empty', 'globex']);
    expect(tenants.find((tenant) => tenant.slug === 'acme')).toEqual({
      id: expect.any(String),
      slug: 'acme',
      name: 'Acme Corp',
      issuer: 'https://op.example.test/t/acme',
      createdAt: expect.any(Date),
    });
  });

  it("keeps each tenant's clients and users to itself and never returns secrets", async () => {
    const acmeClient = await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Acme desk' } });
    const globexClient = await createClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'globex',
      metadata: { client_name: 'Globex desk', grant_types: [] },
    });
    const acmeUser = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com' });
    const globexUser = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'globex', email: 'alice@example.com' });

    const acmeClients = await listClients(db, CLI_PRINCIPAL, { tenantSlug: 'acme' });
    const globexClients = await listClients(db, CLI_PRINCIPAL, { tenantSlug: 'globex' });
    expect(acmeClients.map((client) => client.client_id)).toEqual([acmeClient.client_id]);
    const { client_secret: _secret, ...globexView } = globexClient;
    expect(globexClients).toEqual([globexView]);
    expect(globexClients[0]).toMatchObject({ client_name: 'Globex desk', grant_types: [], backchannel_poll_interval: 5 });
    const listed = JSON.stringify([acmeClients, globexClients]);
    expect(listed).not.toContain(acmeClient.client_secret);
    const secretHash = (await db.client.findUniqueOrThrow({ where: { clientId: acmeClient.client_id } })).secretHash;
    expect(listed).not.toContain(secretHash);
    expect(Object.keys(acmeClients[0]).filter((key) => /secret|hash/i.test(key))).toEqual([]);

    const acmeUsers = await listUsers(db, CLI_PRINCIPAL, { tenantSlug: 'acme' });
    const globexUsers = await listUsers(db, CLI_PRINCIPAL, { tenantSlug: 'globex' });
    expect(acmeUsers.data.map((user) => user.id)).toEqual([acmeUser.id]);
    expect(globexUsers.data.map((user) => user.id)).toEqual([globexUser.id]);
  });

  it('reports an unknown tenant as not_found', async () => {
    await expectAdminError(listClients(db, CLI_PRINCIPAL, { tenantSlug: 'nope' }), 'not_found');
    await expectAdminError(listUsers(db, CLI_PRINCIPAL, { tenantSlug: 'nope' }), 'not_found');
  });
});
