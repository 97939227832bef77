import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '@/cli/main';
import { createTenant } from '@/lib/admin/create-tenant';
import { updateTenant } from '@/lib/admin/update-tenant';
import { AdminError } from '@/lib/admin/errors';
import { ZClientViewSchema, ZTenantViewSchema } from '@/lib/api/schemas';
import { createTestApiKeys, startTestApiServer, type ApiCaller } from '@/lib/api/test-api-server';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { useTestDatabase } from '@/lib/testing/test-database';

// The passkey policy (issue 13): Tenant.requirePasskeyApproval and
// Client.requirePasskeyApproval through the one tenant domain function and the
// one client metadata schema, as the CLI and the Management API set them.

let db: Db;
let cleanup: () => Promise<void>;
let call: ApiCaller;
let close: () => Promise<void>;
let keys: Awaited<ReturnType<typeof createTestApiKeys<'acme'>>>;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase({ appUrl: 'https://op.example.test' }));
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' });
  keys = await createTestApiKeys(db, ['acme']);
  ({ call, close } = await startTestApiServer());
});

afterAll(async () => {
  await close();
  await cleanup();
});

const cli = async (args: string[]) => {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });

  return { code, stdout, stderr };
};

const tenantPolicy = async () =>
  (await db.tenant.findUniqueOrThrow({ where: { slug: 'acme' }, select: { requirePasskeyApproval: true } }))
    .requirePasskeyApproval;

describe('the tenant policy (require_passkey_approval)', () => {
  it('updateTenant sets it, audited; a non-boolean is invalid_input on that field and changes nothing', async () => {
    const view = await updateTenant(db, CLI_PRINCIPAL, { slug: 'acme', settings: { require_passkey_approval: true } });
    expect(view.require_passkey_approval).toBe(true);
    const audit = await db.event.findFirstOrThrow({ where: { type: 'tenant_updated' }, orderBy: { id: 'desc' } });
    expect(JSON.parse(audit.detail!)).toMatchObject({
      before: { require_passkey_approval: false },
      after: { require_passkey_approval: true },
    });

    const refusal = await updateTenant(db, CLI_PRINCIPAL, { slug: 'acme', settings: { require_passkey_approval: 'yes' } }).catch(
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(AdminError);
    expect((refusal as AdminError).code).toBe('invalid_input');
    expect((refusal as AdminError).fields).toEqual([{ path: 'require_passkey_approval', message: 'must be true or false' }]);
    expect(await tenantPolicy()).toBe(true);
    await updateTenant(db, CLI_PRINCIPAL, { slug: 'acme', settings: { require_passkey_approval: false } });
  });

  it('PATCH /tenants/{slug}: on and off; "on" → 400 validation_failed with the field', async () => {
    const on = await call('PATCH', '/tenants/acme', { key: keys.byTenant.acme, body: { require_passkey_approval: true } });
    expect(on.status).toBe(200);
    expect(ZTenantViewSchema.strict().parse(on.json).require_passkey_approval).toBe(true);
    const bad = await call('PATCH', '/tenants/acme', { key: keys.byTenant.acme, body: { require_passkey_approval: 'on' } });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({
      error: 'validation_failed',
      fields: [{ path: 'require_passkey_approval', message: 'must be true or false' }],
    });
    const off = await call('PATCH', '/tenants/acme', { key: keys.byTenant.acme, body: { require_passkey_approval: false } });
    expect(off.json.require_passkey_approval).toBe(false);
  });
});

describe('the client policy (client metadata require_passkey_approval)', () => {
  it('POST and PATCH /tenants/{slug}/clients: set and changed; a non-boolean → 400 validation_failed with the field', async () => {
    const created = await call('POST', '/tenants/acme/clients', {
      key: keys.byTenant.acme,
      body: { client_name: 'Desk', require_passkey_approval: true },
    });
    expect(created.status).toBe(201);
    const { client_id } = created.json as { client_id: string };
    expect(created.json.require_passkey_approval).toBe(true);
    const path = `/tenants/acme/clients/${client_id}`;

    const bad = await call('PATCH', path, { key: keys.byTenant.acme, body: { require_passkey_approval: 'true' } });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: 'validation_failed', fields: [{ path: 'require_passkey_approval' }] });
    expect(bad.json.fields[0].message).toBe('must be true or false (got "true")');

    const changed = await call('PATCH', path, { key: keys.byTenant.acme, body: { require_passkey_approval: false } });
    expect(changed.status).toBe(200);
    expect(ZClientViewSchema.strict().parse(changed.json).require_passkey_approval).toBe(false);
  });
});

// Last: a call to the test API server made after these CLI runs was reset (ECONNRESET) here, so the API tests run first.
describe('the policies through the CLI', () => {
  it('CLI tenant update --require-passkey on|off; anything else is a usage error (exit 2) that changes nothing', async () => {
    const on = await cli(['tenant', 'update', '--slug', 'acme', '--require-passkey', 'on', '--json']);
    expect(on.code, on.stderr).toBe(0);
    expect(JSON.parse(on.stdout).require_passkey_approval).toBe(true);

    const bad = await cli(['tenant', 'update', '--slug', 'acme', '--require-passkey', 'yes']);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toMatch(/--require-passkey is "on" or "off", not "yes"/);
    expect(await tenantPolicy()).toBe(true);

    const off = await cli(['tenant', 'update', '--slug', 'acme', '--require-passkey', 'off', '--json']);
    expect(JSON.parse(off.stdout).require_passkey_approval).toBe(false);
  });

  it('CLI client create|update --require-passkey on|off (default off); a bad value is a usage error', async () => {
    const plain = await cli(['client', 'create', '--tenant', 'acme', '--name', 'Plain', '--json']);
    expect(JSON.parse(plain.stdout).require_passkey_approval).toBe(false);
    const strict = await cli(['client', 'create', '--tenant', 'acme', '--name', 'Strict', '--require-passkey', 'on', '--json']);
    expect(strict.code, strict.stderr).toBe(0);
    const { client_id, require_passkey_approval } = JSON.parse(strict.stdout) as {
      client_id: string;
      require_passkey_approval: boolean;
    };
    expect(require_passkey_approval).toBe(true);
    expect((await db.client.findUniqueOrThrow({ where: { clientId: client_id } })).requirePasskeyApproval).toBe(true);

    const bad = await cli(['client', 'update', '--tenant', 'acme', '--client-id', client_id, '--require-passkey', '1']);
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toMatch(/--require-passkey is "on" or "off", not "1"/);

    const off = await cli([
      'client',
      'update',
      '--tenant',
      'acme',
      '--client-id',
      client_id,
      '--require-passkey',
      'off',
      '--json',
    ]);
    expect(JSON.parse(off.stdout).require_passkey_approval).toBe(false);
  });
});
