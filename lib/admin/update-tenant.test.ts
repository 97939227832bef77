import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@/lib/admin/create-tenant';
import { AdminError } from '@/lib/admin/errors';
import { expectAdminError } from '@/lib/admin/test-helpers';
import { updateTenant } from '@/lib/admin/update-tenant';
import type { Db } from '@/lib/db/client';
import { useTestDatabase } from '@/lib/testing/test-database';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';

let db: Db;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase({ appUrl: 'https://op.example.test' }));
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme Corp' });
  await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
});

afterAll(async () => {
  await cleanup();
});

const epoch = async () => (await db.settingsEpoch.findUniqueOrThrow({ where: { id: 1 } })).epoch;

describe('updateTenant', () => {
  it('renames the tenant (trimmed), touches no other tenant, and bumps the settings epoch', async () => {
    const before = await epoch();
    const tenant = await updateTenant(db, CLI_PRINCIPAL, { slug: 'acme', settings: { name: '  Acme Corporation ' } });

    expect(tenant).toEqual({
      id: expect.any(String),
      slug: 'acme',
      name: 'Acme Corporation',
      issuer: 'https://op.example.test/t/acme',
      rate_limit_per_user: 5,
      rate_limit_per_tenant: 500,
      max_pending_requests: 5000,
      rate_limit_per_agent: 20,
      email_channel_enabled: true,
      push_channel_enabled: false,
      email_fallback_seconds: 30,
      dynamic_registration: false,
      require_passkey_approval: false,
      default_requested_expiry: 300,
      max_requested_expiry: 259_200,
      backchannel_poll_interval: 5,
      binding_message_policy: 'optional',
      created_at: expect.any(String),
    });
    expect((await db.tenant.findUniqueOrThrow({ where: { slug: 'globex' } })).name).toBe('Globex');
    expect(await epoch()).toBe(before + 1);
  });

  it('changes the limits and channels, and records the change with its actor in the audit log', async () => {
    const tenant = await updateTenant(db, CLI_PRINCIPAL, {
      slug: 'globex',
      settings: {
        rate_limit_per_user: 0,
        rate_limit_per_tenant: 1000,
        max_pending_requests: 10,
        rate_limit_per_agent: 3,
        email_channel_enabled: false,
        push_channel_enabled: true,
        email_fallback_seconds: 0,
      },
    });
    expect(tenant).toMatchObject({
      rate_limit_per_user: 0,
      rate_limit_per_agent: 3,
      rate_limit_per_tenant: 1000,
      max_pending_requests: 10,
      email_channel_enabled: false,
      push_channel_enabled: true,
      email_fallback_seconds: 0,
    });
    const [audit] = await db.event.findMany({ where: { tenantId: tenant.id, type: 'tenant_updated' }, orderBy: { id: 'desc' } });
    expect(audit.actor).toBe('cli');
    expect(JSON.parse(audit.detail!)).toMatchObject({
      target: 'globex',
      before: { rate_limit_per_user: 5, rate_limit_per_agent: 20, email_channel_enabled: true, push_channel_enabled: false },
      after: { rate_limit_per_user: 0, rate_limit_per_agent: 3, email_channel_enabled: false, push_channel_enabled: true },
    });
  });

  it('refuses to turn off the last notification channel, naming the switch that moved', async () => {
    // globex is push only now (above): push off would leave no channel.
    const error = await updateTenant(db, CLI_PRINCIPAL, { slug: 'globex', settings: { push_channel_enabled: false } }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({
      code: 'invalid_input',
      fields: [{ path: 'push_channel_enabled', message: expect.stringMatching(/other notification channel is off too/) }],
    });
    // Both switched in one change: email on, push off is fine.
    expect(
      await updateTenant(db, CLI_PRINCIPAL, {
        slug: 'globex',
        settings: { push_channel_enabled: false, email_channel_enabled: true },
      }),
    ).toMatchObject({ push_channel_enabled: false, email_channel_enabled: true });
  });

  it('refuses a tenant admin of another tenant (forbidden) and changes nothing', async () => {
    const acme = await db.tenant.findUniqueOrThrow({ where: { slug: 'acme' } });
    const admin = { kind: 'admin', id: 'a1', email: 'a@x.test', role: 'tenant-admin', tenantIds: new Set([acme.id]) } as const;
    await expectAdminError(updateTenant(db, admin, { slug: 'globex', settings: { name: 'Mine' } }), 'forbidden');
    expect((await db.tenant.findUniqueOrThrow({ where: { slug: 'globex' } })).name).toBe('Globex');
    expect(await updateTenant(db, admin, { slug: 'acme', settings: {} })).toMatchObject({ slug: 'acme' });
  });

  it('returns the tenant unchanged for an empty change', async () => {
    expect(await updateTenant(db, CLI_PRINCIPAL, { slug: 'acme', settings: {} })).toMatchObject({
      slug: 'acme',
      name: 'Acme Corporation',
    });
  });

  it.each<[unknown, string, RegExp]>([
    [{ name: '' }, 'name', /1–100 characters/],
    [{ name: 'x'.repeat(101) }, 'name', /1–100 characters/],
    [{ slug: 'renamed' }, 'slug', /not a setting/],
    [{ rate_limit_per_user: -1 }, 'rate_limit_per_user', /from 0 \(no limit\) to 10000/],
    [{ max_pending_requests: 1.5 }, 'max_pending_requests', /whole number/],
    [{ rate_limit_per_agent: -1 }, 'rate_limit_per_agent', /from 0 \(no limit\) to 10000/],
    [{ email_channel_enabled: 'yes' }, 'email_channel_enabled', /true or false/],
    [{ push_channel_enabled: 'on' }, 'push_channel_enabled', /true or false/],
    [{ email_channel_enabled: false }, 'email_channel_enabled', /cannot be off while the other notification channel is off too/],
    [{ email_fallback_seconds: 3601 }, 'email_fallback_seconds', /from 0 \(email at once\) to 3600 \(got 3601\)/],
    [{ email_fallback_seconds: -1 }, 'email_fallback_seconds', /from 0 \(email at once\) to 3600 \(got -1\)/],
    [{ email_fallback_seconds: 2.5 }, 'email_fallback_seconds', /whole number of seconds/],
    [{ issuer: 'x' }, 'issuer', /not a setting/],
    [{ max_requested_expiry: 0 }, 'max_requested_expiry', /from 1 to 259200/],
    [{ backchannel_poll_interval: 301 }, 'backchannel_poll_interval', /from 1 to 300/],
    [{ binding_message_policy: 'sometimes' }, 'binding_message_policy', /required, optional/],
    [
      { default_requested_expiry: 600, max_requested_expiry: 599 },
      'default_requested_expiry',
      /at most max_requested_expiry \(599\)/,
    ],
    [{ max_requested_expiry: 299 }, 'max_requested_expiry', /at least default_requested_expiry \(300\)/],
    [
      { default_requested_expiry: 300, max_requested_expiry: 100 },
      'max_requested_expiry',
      /at least default_requested_expiry \(300\), got 100/,
    ],
  ])('refuses %j with a message for its field and changes nothing', async (settings, path, message) => {
    const before = await epoch();
    const error = await updateTenant(db, CLI_PRINCIPAL, { slug: 'acme', settings }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AdminError);
    expect(error).toMatchObject({ code: 'invalid_input', fields: [{ path, message: expect.stringMatching(message) }] });
    expect((await db.tenant.findUniqueOrThrow({ where: { slug: 'acme' } })).name).toBe('Acme Corporation');
    expect(await epoch()).toBe(before);
  });

  it('reports an unknown tenant as not_found', async () => {
    await expectAdminError(updateTenant(db, CLI_PRINCIPAL, { slug: 'nope', settings: { name: 'X' } }), 'not_found', /"nope"/);
  });
});
