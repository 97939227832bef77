// Users' authenticators through the admin doors: the Management API
// (/tenants/{slug}/users/{id}/authenticator-enrollments, …/authenticators) and the CLI
// (user enrol-authenticator / authenticators / revoke-authenticator).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { ZAuthenticatorDeviceSchema, ZAuthenticatorEnrollmentSchema } from '@/lib/api/routes/authenticators';
import { createTestApiKeys, startTestApiServer, type ApiCaller } from '@/lib/api/test-api-server';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { useTestDatabase } from '@/lib/testing/test-database';
import { runCli as runCommandLine } from '@/cli/main';

let db: Db;
let cleanup: () => Promise<void>;
let call: ApiCaller;
let close: () => Promise<void>;
let keys: Awaited<ReturnType<typeof createTestApiKeys<'acme' | 'globex'>>>;
let userId: string;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' });
  await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
  keys = await createTestApiKeys(db, ['acme', 'globex']);
  ({ call, close } = await startTestApiServer());
  userId = (await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@acme.test' })).id;
});

afterAll(async () => {
  await close();
  await cleanup();
});

/** An enrolled device, as enrolment writes it (the passkey part is tested in lib/authenticator). */
const seedDevice = async (name: string, push = false) => {
  const tenant = await db.tenant.findUniqueOrThrow({ where: { slug: 'acme' } });

  return db.authenticatorDevice.create({
    data: {
      id: `dev-${name}`,
      tenantId: tenant.id,
      userId,
      name,
      credentialId: `cred-${name}`,
      publicKey: 'AA',
      pushEndpoint: push ? 'https://push.example/x' : null,
    },
  });
};

describe('Management API', () => {
  it("POST …/authenticator-enrollments answers 202 and queues the email; again within a minute 409; another tenant's key 403", async () => {
    const sent = await call('POST', `/tenants/acme/users/${userId}/authenticator-enrollments`, { key: keys.byTenant.acme });
    expect(sent.status).toBe(202);
    expect(ZAuthenticatorEnrollmentSchema.parse(sent.json)).toMatchObject({ user_id: userId, email: 'alice@acme.test' });
    expect(await db.outboxMessage.count({ where: { type: 'authenticator_enrollment_email' } })).toBe(1);
    const again = await call('POST', `/tenants/acme/users/${userId}/authenticator-enrollments`, { key: keys.byTenant.acme });
    expect({ status: again.status, error: again.json.error }).toEqual({ status: 409, error: 'conflict' });
    const foreign = await call('POST', `/tenants/acme/users/${userId}/authenticator-enrollments`, { key: keys.byTenant.globex });
    expect({ status: foreign.status, json: foreign.json }).toEqual({ status: 403, json: { error: 'forbidden' } });
    const unknown = await call('POST', '/tenants/acme/users/nobody/authenticator-enrollments', { key: keys.byTenant.acme });
    expect({ status: unknown.status, error: unknown.json.error }).toEqual({ status: 404, error: 'not_found' });
  });

  it("lists the user's devices and revokes one (204, then 404); events name the key", async () => {
    await seedDevice('phone', true);
    await seedDevice('laptop');
    const listed = await call('GET', `/tenants/acme/users/${userId}/authenticators`, { key: keys.byTenant.acme });
    expect(listed.status).toBe(200);
    const devices = (listed.json.data as unknown[]).map((device) => ZAuthenticatorDeviceSchema.parse(device));
    expect(devices.map((device) => [device.name, device.push])).toEqual([
      ['phone', true],
      ['laptop', false],
    ]);
    expect(JSON.stringify(listed.json)).not.toContain('push.example');

    const foreign = await call('DELETE', `/tenants/acme/users/${userId}/authenticators/dev-phone`, { key: keys.byTenant.globex });
    expect(foreign.status).toBe(403);
    const revoked = await call('DELETE', `/tenants/acme/users/${userId}/authenticators/dev-phone`, { key: keys.byTenant.acme });
    expect(revoked.status).toBe(204);
    const again = await call('DELETE', `/tenants/acme/users/${userId}/authenticators/dev-phone`, { key: keys.byTenant.acme });
    expect({ status: again.status, error: again.json.error }).toEqual({ status: 404, error: 'not_found' });
    const event = await db.event.findFirstOrThrow({ where: { type: 'authenticator_revoked', userId } });
    expect(event.actor).toMatch(/^api_key:/);
    expect(await db.authenticatorDevice.count({ where: { userId } })).toBe(1);
  });
});

describe('backchannel user … (CLI)', () => {
  const runCli = async (args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runCommandLine(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });

    return { code, stdout, stderr };
  };

  it('enrol-authenticator, authenticators and revoke-authenticator', async () => {
    const bob = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'bob@acme.test' });
    const sent = await runCli(['user', 'enrol-authenticator', '--tenant', 'acme', '--email', 'bob@acme.test', '--json']);
    expect(sent.code, sent.stderr).toBe(0);
    expect(JSON.parse(sent.stdout)).toMatchObject({ user_id: bob.id, email: 'bob@acme.test' });

    await db.authenticatorDevice.create({
      data: {
        id: 'dev-bob',
        tenantId: (await db.tenant.findUniqueOrThrow({ where: { slug: 'acme' } })).id,
        userId: bob.id,
        name: 'Bob phone',
        credentialId: 'cred-bob',
        publicKey: 'AA',
      },
    });
    const listed = await runCli(['user', 'authenticators', '--tenant', 'acme', '--email', 'bob@acme.test']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toContain('Bob phone');
    const revoked = await runCli([
      'user',
      'revoke-authenticator',
      '--tenant',
      'acme',
      '--email',
      'bob@acme.test',
      '--device',
      'dev-bob',
    ]);
    expect(revoked.code, revoked.stderr).toBe(0);
    const again = await runCli([
      'user',
      'revoke-authenticator',
      '--tenant',
      'acme',
      '--email',
      'bob@acme.test',
      '--device',
      'dev-bob',
    ]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/No authenticator/);
  });
});
