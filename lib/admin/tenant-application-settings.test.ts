import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { AdminError } from '@/lib/admin/errors';
import { updateClient } from '@/lib/admin/update-client';
import { updateTenant } from '@/lib/admin/update-tenant';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' });
  await createTenant(db, CLI_PRINCIPAL, { slug: 'other', name: 'Other' });
});

afterAll(async () => cleanup());

const expiryOf = async (clientId: string) =>
  db.client.findUniqueOrThrow({
    where: { clientId },
    select: { minRequestedExpiry: true, defaultRequestedExpiry: true, maxRequestedExpiry: true },
  });

describe("a tenant's settings for its applications", () => {
  it('are what a new application starts from; settings given at creation win', async () => {
    await updateTenant(db, CLI_PRINCIPAL, {
      slug: 'acme',
      settings: {
        default_requested_expiry: 120,
        max_requested_expiry: 3600,
        backchannel_poll_interval: 2,
        binding_message_policy: 'required',
      },
    });
    expect(await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Desk' } })).toMatchObject({
      default_requested_expiry: 120,
      max_requested_expiry: 3600,
      backchannel_poll_interval: 2,
      binding_message_policy: 'required',
    });
    expect(
      await createClient(db, CLI_PRINCIPAL, {
        tenantSlug: 'acme',
        metadata: { client_name: 'Kiosk', backchannel_poll_interval: 9, binding_message_policy: 'optional' },
      }),
    ).toMatchObject({ backchannel_poll_interval: 9, binding_message_policy: 'optional', max_requested_expiry: 3600 });
    // Another tenant keeps the built-in defaults.
    expect(await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'other', metadata: { client_name: 'App' } })).toMatchObject({
      default_requested_expiry: 300,
      max_requested_expiry: 259_200,
      backchannel_poll_interval: 5,
      binding_message_policy: 'optional',
    });
  });

  it("the tenant's maximum expiry caps every application: creating or updating one above it is refused, nothing written", async () => {
    const count = await db.client.count();
    const refusal = await createClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      metadata: { client_name: 'Long', max_requested_expiry: 3601 },
    }).catch((caught: unknown) => caught);
    expect(refusal).toBeInstanceOf(AdminError);
    expect(refusal).toMatchObject({
      code: 'invalid_input',
      fields: [
        {
          path: 'max_requested_expiry',
          message: "must be at most the tenant's maximum requested expiry (3600 seconds), got 3601",
        },
      ],
    });
    expect(await db.client.count()).toBe(count);

    const { client_id } = await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Short' } });
    await expect(
      updateClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', clientId: client_id, metadata: { max_requested_expiry: 7200 } }),
    ).rejects.toMatchObject({ code: 'invalid_input', fields: [{ path: 'max_requested_expiry' }] });
    expect((await expiryOf(client_id)).maxRequestedExpiry).toBe(3600);
  });

  it('lowering the maximum lowers every application above it, in the same transaction, each audited', async () => {
    const tight = await createClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      metadata: { client_name: 'Tight', min_requested_expiry: 10, default_requested_expiry: 20, max_requested_expiry: 30 },
    });
    const wide = await createClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      metadata: { client_name: 'Wide', min_requested_expiry: 900, default_requested_expiry: 1800, max_requested_expiry: 3600 },
    });
    const elsewhere = await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'other', metadata: { client_name: 'Far' } });

    await updateTenant(db, CLI_PRINCIPAL, {
      slug: 'acme',
      settings: { default_requested_expiry: 60, max_requested_expiry: 600 },
    });

    expect(await expiryOf(wide.client_id)).toEqual({
      minRequestedExpiry: 600,
      defaultRequestedExpiry: 600,
      maxRequestedExpiry: 600,
    });
    expect(await expiryOf(tight.client_id)).toEqual({
      minRequestedExpiry: 10,
      defaultRequestedExpiry: 20,
      maxRequestedExpiry: 30,
    });
    expect((await expiryOf(elsewhere.client_id)).maxRequestedExpiry).toBe(259_200);
    const [audit] = await db.event.findMany({
      where: { type: 'client_updated', detail: { contains: wide.client_id } },
      orderBy: { id: 'desc' },
    });
    expect(audit.actor).toBe('cli');
    expect(JSON.parse(audit.detail!)).toMatchObject({
      target: wide.client_id,
      before: { max_requested_expiry: 3600, default_requested_expiry: 1800 },
      after: { max_requested_expiry: 600, default_requested_expiry: 600, min_requested_expiry: 600 },
    });
  });
});
