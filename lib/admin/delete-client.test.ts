import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type CreatedClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { deleteClient } from '@/lib/admin/delete-client';
import { getClient } from '@/lib/admin/get-client';
import { expectAdminError } from '@/lib/admin/test-helpers';
import { CLI_PRINCIPAL, type Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { seedPendingRequest, seedUser } from '@/lib/testing/seed';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;
let acmeId: string;
let acmeAdmin: Principal;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  acmeId = (await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' })).id;
  await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
  acmeAdmin = { kind: 'admin', id: 'admin-a', email: 'a@acme.test', role: 'tenant-admin', tenantIds: new Set([acmeId]) };
});

afterAll(async () => {
  await cleanup();
});

const epoch = async () => (await db.settingsEpoch.findUniqueOrThrow({ where: { id: 1 } })).epoch;

const create = (tenantSlug: string, metadata: Record<string, unknown> = { client_name: 'Desk' }): Promise<CreatedClient> =>
  createClient(db, CLI_PRINCIPAL, { tenantSlug, metadata });

describe('getClient', () => {
  it('returns the client view without a secret', async () => {
    const { client_secret, ...view } = await create('acme', { client_name: 'Kiosk', backchannel_poll_interval: 7 });
    const client = await getClient(db, acmeAdmin, { tenantSlug: 'acme', clientId: view.client_id });
    expect(client).toEqual(view);
    expect(JSON.stringify(client)).not.toContain(client_secret);
  });

  it('does not find a client through another tenant, nor an unknown one (not_found); forbidden out of reach', async () => {
    const globex = await create('globex');
    await expectAdminError(getClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', clientId: globex.client_id }), 'not_found');
    await expectAdminError(getClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', clientId: 'nope' }), 'not_found');
    await expectAdminError(getClient(db, acmeAdmin, { tenantSlug: 'globex', clientId: globex.client_id }), 'forbidden');
  });
});

describe('deleteClient', () => {
  it('deletes the client and its requests, bumps the epoch, and audits its settings before', async () => {
    const created = await create('acme', { client_name: 'Old desk' });
    const client = await db.client.findUniqueOrThrow({ where: { clientId: created.client_id } });
    const user = await seedUser(db, { id: acmeId });
    await seedPendingRequest(db, { tenant: { id: acmeId }, client, user });
    const before = await epoch();

    expect(await deleteClient(db, acmeAdmin, { tenantSlug: 'acme', clientId: created.client_id })).toEqual({ deleted: true });

    expect(await db.client.findUnique({ where: { clientId: created.client_id } })).toBeNull();
    expect(await db.backchannelRequest.count({ where: { clientId: client.id } })).toBe(0);
    expect(await epoch()).toBe(before + 1);
    const [audit] = await db.event.findMany({ where: { type: 'client_deleted' } });
    expect(audit).toMatchObject({ tenantId: acmeId, actor: 'admin:admin-a' });
    expect(JSON.parse(audit.detail!)).toMatchObject({
      target: created.client_id,
      before: { client_name: 'Old desk', backchannel_poll_interval: 5 },
      after: null,
    });
    expect(audit.detail).not.toContain(client.secretHash);
  });

  it('is idempotent: an unknown client, or one of another tenant, is not deleted and is no error', async () => {
    const globex = await create('globex');
    expect(await deleteClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', clientId: 'nope' })).toEqual({ deleted: false });
    expect(await deleteClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', clientId: globex.client_id })).toEqual({ deleted: false });
    expect(await db.client.findUnique({ where: { clientId: globex.client_id } })).not.toBeNull();
  });

  it('refuses a tenant out of reach (forbidden) and an unknown tenant (not_found), deleting nothing', async () => {
    const globex = await create('globex');
    await expectAdminError(deleteClient(db, acmeAdmin, { tenantSlug: 'globex', clientId: globex.client_id }), 'forbidden');
    await expectAdminError(deleteClient(db, CLI_PRINCIPAL, { tenantSlug: 'nope', clientId: globex.client_id }), 'not_found');
    expect(await db.client.findUnique({ where: { clientId: globex.client_id } })).not.toBeNull();
  });
});
