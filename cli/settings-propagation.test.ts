import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { deliverOutbox } from '@/lib/testing/outbox';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import type { Db } from '@/lib/db/client';
import { call, credentialsOf, expectOAuthError, formRequest, type ClientCredentials } from '@/lib/testing/protocol-client';
import { useTestDatabase } from '@/lib/testing/test-database';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';

/**
 * Settings changed through the real CLI, in another process, reach the
 * protocol endpoints of this one at their next request: the settings cache is
 * warm, and only the settings epoch can tell it the CLI wrote something.
 * Runs on PostgreSQL too when TEST_POSTGRES_URL is set.
 */

const LAUNCHER = resolve(__dirname, '../bin/backchannel.mjs');

let db: Db;
let cleanup: () => Promise<void>;
let client: ClientCredentials;
let userSub: string;

/** `backchannel <args> --json` in a child process against this test's database; its one JSON document. */
const backchannel = (args: string[]): Promise<Record<string, unknown>> =>
  new Promise((resolveResult, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test' };
    delete env.BACKCHANNEL_ROOT;
    const child = spawn(process.execPath, [LAUNCHER, ...args, '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolveResult(JSON.parse(stdout))
        : reject(new Error(`backchannel ${args.join(' ')} exited ${code}: ${stderr}`)),
    );
  });

const authorize = (params: Record<string, string>, auth: ClientCredentials = client) =>
  call(formRequest('/t/acme/bc-authorize', { scope: 'openid', login_hint: userSub, ...params }, { auth }));

const poll = (authReqId: string, auth: ClientCredentials) =>
  call(formRequest('/t/acme/oauth/token', { grant_type: CIBA_GRANT_TYPE, auth_req_id: authReqId }, { auth }));

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme Corp' });
  await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
  client = credentialsOf(await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Desk' } }));
  ({ sub: userSub } = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com' }));
});

afterAll(async () => {
  await deliverOutbox();
  await cleanup();
});

describe('settings changed by the CLI in another process', () => {
  it('client update: the next bc-authorize obeys the new binding-message policy and poll interval', async () => {
    const warm = await authorize({});
    expect(warm.status).toBe(200);
    expect(warm.json.interval).toBe(5);

    const updated = await backchannel([
      'client',
      'update',
      '--tenant',
      'acme',
      '--client-id',
      client.clientId,
      '--binding-message',
      'required',
      '--poll-interval',
      '11',
    ]);
    expect(updated).toMatchObject({ binding_message_policy: 'required', backchannel_poll_interval: 11 });

    expectOAuthError(await authorize({}), 400, 'invalid_request');
    const withMessage = await authorize({ binding_message: 'W4SCT' });
    expect(withMessage.status).toBe(200);
    expect(withMessage.json.interval).toBe(11);
  });

  it('client update with a refused setting changes nothing the protocol sees', async () => {
    await expect(
      backchannel(['client', 'update', '--tenant', 'acme', '--client-id', client.clientId, '--poll-interval', '0']),
    ).rejects.toThrow(/exited 1: backchannel: --poll-interval: must be a whole number of seconds from 1 to 300 \(got 0\)/);

    expect((await authorize({ binding_message: 'W4SCT' })).json.interval).toBe(11);
  });

  it('client rotate-secret: the next token request refuses the old secret and accepts the new one', async () => {
    const first = (await authorize({ binding_message: 'W4SCT' })).json.auth_req_id as string;
    const second = (await authorize({ binding_message: 'W4SCT' })).json.auth_req_id as string;
    expectOAuthError(await poll(first, client), 400, 'authorization_pending');

    const rotated = await backchannel(['client', 'rotate-secret', '--tenant', 'acme', '--client-id', client.clientId]);
    const renewed = { clientId: client.clientId, clientSecret: rotated.client_secret as string };

    const refused = await poll(second, client);
    expectOAuthError(refused, 401, 'invalid_client');
    expect(refused.headers['WWW-Authenticate']).toMatch(/^Basic /);
    expectOAuthError(await poll(second, renewed), 400, 'authorization_pending');
    client = renewed;
  });

  it('a client of another tenant cannot be changed through this one', async () => {
    await expect(
      backchannel(['client', 'update', '--tenant', 'globex', '--client-id', client.clientId, '--binding-message', 'optional']),
    ).rejects.toThrow(/exited 1: backchannel: No client ".+" in tenant "globex"/);

    expectOAuthError(await authorize({}), 400, 'invalid_request');
  });
});
