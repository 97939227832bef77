import { generateKeyPairSync } from 'node:crypto';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/db/client';
import { deliverOutbox } from '@/lib/testing/outbox';
import { call, formRequest } from '@/lib/testing/protocol-client';
import { useTestDatabase } from '@/lib/testing/test-database';
import { runCli as runCommandLine } from './main';
import { verifyUserCode } from '@/lib/ciba/user-code-hash';

/**
 * The `backchannel` command line. Every command is run through `runCli`, the
 * function the executable runs, in this process against the test database
 * (SQLite, or PostgreSQL in npm test's PostgreSQL pass); the executable itself
 * (bin/backchannel.mjs: launcher, exit codes, stdout kept for the output) is
 * spawned by the last block, a few times only, since each spawn costs about
 * two seconds of CPU.
 */

type CliResult = { code: number | null; stdout: string; stderr: string };

const APP_URL = 'https://op.example.test';

/** One command line through runCli, its output captured. */
const runCli = async (args: string[]): Promise<CliResult> => {
  let stdout = '';
  let stderr = '';
  const code = await runCommandLine(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });

  return { code, stdout, stderr };
};

/** What these tests read of the JSON documents the CLI prints. */
type JsonDocument = { client_id: string; client_secret?: string; grant_types: string[] } & Record<string, unknown>;

/** Runs a `--json` command that must succeed; returns its one JSON document. */
const runJson = async <T = JsonDocument>(args: string[]): Promise<T> => {
  const result = await runCli([...args, '--json']);
  expect(result.code, result.stderr).toBe(0);
  expectOneJsonDocument(result.stdout);

  return JSON.parse(result.stdout) as T;
};

/** stdout is exactly one JSON document on one line, and nothing else. */
const expectOneJsonDocument = (stdout: string) => {
  expect(stdout.endsWith('\n')).toBe(true);
  expect(stdout.trimEnd().split('\n')).toHaveLength(1);
  expect(() => JSON.parse(stdout)).not.toThrow();
};

const expectFailure = async (args: string[], code: 1 | 2, message: RegExp) => {
  const result = await runCli(args);
  expect(result.code).toBe(code);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(message);
};

describe('backchannel CLI', () => {
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ cleanup } = await useTestDatabase({ appUrl: APP_URL }));
  });

  afterAll(async () => {
    await cleanup();
  });

  it('creates a tenant and prints it as one JSON document', async () => {
    const result = await runCli(['tenant', 'create', '--slug', 'acme', '--name', 'Acme Corp', '--json']);

    expect(result.code, result.stderr).toBe(0);
    expectOneJsonDocument(result.stdout);
    expect(JSON.parse(result.stdout)).toEqual({
      id: expect.any(String),
      slug: 'acme',
      name: 'Acme Corp',
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
  });

  it('creates clients and shows the secret once, stored only as a hash', async () => {
    const client = await runJson(['client', 'create', '--tenant', 'acme', '--name', 'Support desk']);
    expect(client).toEqual({
      client_id: expect.any(String),
      client_secret: expect.any(String),
      client_id_issued_at: expect.any(Number),
      client_name: 'Support desk',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['urn:openid:params:grant-type:ciba'],
      backchannel_token_delivery_mode: 'poll',
      backchannel_client_notification_endpoint: null,
      binding_message_policy: 'optional',
      binding_message_max_length: 64,
      binding_message_charset: 'restricted',
      backchannel_poll_interval: 5,
      backchannel_long_poll_timeout: 0,
      id_token_signed_response_alg: 'RS256',
      min_requested_expiry: 1,
      max_requested_expiry: 259200,
      default_requested_expiry: 300,
      access_token_lifetime: 3600,
      id_token_lifetime: 3600,
      refresh_token_lifetime: 2592000,
      authorization_details_types: [],
      jwks: null,
      jwks_uri: null,
      tls_client_auth_subject_dn: null,
      token_endpoint_auth_signing_alg: null,
      backchannel_authentication_request_signing_alg: null,
      backchannel_user_code_parameter: false,
      fapi_ciba: false,
      id_token_hint_grace_period: 0,
      require_passkey_approval: false,
    });

    // prettier-ignore
    const post = await runJson([
      'client', 'create', '--tenant', 'acme', '--name', 'Kiosk', '--auth-method', 'client_secret_post',
      '--binding-message', 'required', '--grant-types', 'urn:openid:params:grant-type:ciba',
      '--delivery-mode', 'poll', '--id-token-alg', 'ES256', '--poll-interval', '9', '--long-poll', '25',
    ]);
    expect(post).toMatchObject({
      token_endpoint_auth_method: 'client_secret_post',
      binding_message_policy: 'required',
      id_token_signed_response_alg: 'ES256',
      backchannel_poll_interval: 9,
      backchannel_long_poll_timeout: 25,
    });

    const noGrants = await runJson(['client', 'create', '--tenant', 'acme', '--name', 'No grants', '--grant-types', 'none']);
    expect(noGrants.grant_types).toEqual([]);

    // prettier-ignore
    const refreshing = await runJson([
      'client', 'create', '--tenant', 'acme', '--name', 'Refreshing', '--grant-types', 'urn:openid:params:grant-type:ciba,refresh_token',
      '--id-token-alg', 'EdDSA', '--refresh-token-lifetime', '86400',
    ]);
    expect(refreshing).toMatchObject({
      grant_types: ['urn:openid:params:grant-type:ciba', 'refresh_token'],
      id_token_signed_response_alg: 'EdDSA',
      refresh_token_lifetime: 86400,
    });

    const row = await getDb().client.findUniqueOrThrow({ where: { clientId: client.client_id } });
    expect(JSON.stringify(row)).not.toContain(client.client_secret);
    expect(row.secretHash).toEqual(expect.any(String));

    const listed = await runJson<JsonDocument[]>(['client', 'list', '--tenant', 'acme']);
    expect(listed.map((entry: { client_id: string }) => entry.client_id).sort()).toEqual(
      [client.client_id, post.client_id, noGrants.client_id, refreshing.client_id].sort(),
    );
    const { client_secret: _secret, ...view } = post;
    expect(listed.find((entry: { client_id: string }) => entry.client_id === post.client_id)).toEqual(view);
    expect(JSON.stringify(listed)).not.toContain(client.client_secret);
    expect(
      listed.flatMap((entry: object) => Object.keys(entry)).filter((key: string) => /client_secret$|hash/i.test(key)),
    ).toEqual([]);
  });

  it('updates a client, printing it with metadata names', async () => {
    const { client_id } = await runJson(['client', 'create', '--tenant', 'acme', '--name', 'To change']);
    // prettier-ignore
    const updated = await runJson([
      'client', 'update', '--tenant', 'acme', '--client-id', client_id, '--name', 'Changed',
      '--binding-message', 'required', '--poll-interval', '15', '--id-token-alg', 'PS256',
      '--auth-method', 'client_secret_post', '--grant-types', 'none', '--delivery-mode', 'poll',
    ]);

    expect(updated).toMatchObject({
      client_id,
      client_name: 'Changed',
      binding_message_policy: 'required',
      backchannel_poll_interval: 15,
      id_token_signed_response_alg: 'PS256',
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: [],
    });
    expect(updated.client_secret).toBeUndefined();
  });

  it('refuses bad settings with one stderr line per option, exit 1, and changes nothing', async () => {
    const { client_id } = await runJson(['client', 'create', '--tenant', 'acme', '--name', 'Stays']);
    // prettier-ignore
    const result = await runCli([
      'client', 'update', '--tenant', 'acme', '--client-id', client_id, '--poll-interval', '0',
      '--auth-method', 'client_secret_jwt', '--notification-endpoint', 'http://example.com/cb', '--id-token-alg', 'HS256',
      '--long-poll', '26', '--json',
    ]);

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      'backchannel: --auth-method: must be one of client_secret_basic, client_secret_post, private_key_jwt, tls_client_auth, self_signed_tls_client_auth (got "client_secret_jwt")',
      'backchannel: --notification-endpoint: must be an https:// URL (plain http is only for http://127.0.0.1, http://[::1] or http://localhost with ALLOW_HTTP_LOOPBACK_CALLBACKS=true)',
      'backchannel: --poll-interval: must be a whole number of seconds from 1 to 300 (got 0)',
      'backchannel: --long-poll: must be a whole number of seconds from 0 to 25 (got 26)',
      'backchannel: --id-token-alg: must be one of RS256, ES256, PS256, EdDSA (got "HS256")',
    ]);
    const listed = await runJson<JsonDocument[]>(['client', 'list', '--tenant', 'acme']);
    expect(listed.find((entry: { client_id: string }) => entry.client_id === client_id)).toMatchObject({
      token_endpoint_auth_method: 'client_secret_basic',
      backchannel_poll_interval: 5,
    });
  });

  it('--fapi: a client_secret_* method or optional signed requests is refused with exit 1; a key client takes the profile (contract.md)', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwks = JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'bank-1' }] });

    const secret = await runCli(['client', 'create', '--tenant', 'acme', '--name', 'FAPI secret', '--fapi', '--json']);
    expect(secret).toMatchObject({ code: 1, stdout: '' });
    expect(secret.stderr).toMatch(
      /^backchannel: --auth-method: must be private_key_jwt, tls_client_auth, self_signed_tls_client_auth \(got client_secret_basic\) for a FAPI-CIBA client/,
    );
    // prettier-ignore
    const optional = await runCli([
      'client', 'create', '--tenant', 'acme', '--name', 'FAPI optional', '--fapi', '--auth-method', 'private_key_jwt',
      '--jwks', jwks, '--signed-requests', 'optional', '--json',
    ]);
    expect(optional).toMatchObject({ code: 1, stdout: '' });
    expect(optional.stderr).toMatch(
      /--signed-requests: must be PS256 or ES256: signed requests are required for a FAPI-CIBA client/,
    );

    const bank = await runJson([
      'client',
      'create',
      '--tenant',
      'acme',
      '--name',
      'FAPI bank',
      '--fapi',
      '--auth-method',
      'private_key_jwt',
      '--jwks',
      jwks,
    ]);
    expect(bank).toMatchObject({
      fapi_ciba: true,
      token_endpoint_auth_method: 'private_key_jwt',
      backchannel_authentication_request_signing_alg: 'PS256',
      binding_message_policy: 'required',
      id_token_signed_response_alg: 'PS256',
    });
    expect(bank.client_secret).toBeUndefined();
  });

  it('registers a ping client with its notification endpoint; refuses a private or plain-http one, naming the flag', async () => {
    // prettier-ignore
    const created = await runJson([
      'client', 'create', '--tenant', 'acme', '--name', 'Agent', '--delivery-mode', 'ping',
      '--notification-endpoint', 'https://93.184.215.14/ciba/cb',
    ]);
    expect(created).toMatchObject({
      backchannel_token_delivery_mode: 'ping',
      backchannel_client_notification_endpoint: 'https://93.184.215.14/ciba/cb',
    });

    // prettier-ignore
    const refused = await runCli([
      'client', 'update', '--tenant', 'acme', '--client-id', created.client_id, '--notification-endpoint', 'https://10.1.2.3/cb',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trimEnd()).toBe(
      'backchannel: --notification-endpoint: must not resolve to a loopback, private or link-local address (10.1.2.3 resolves to 10.1.2.3)',
    );
    const missing = await runCli(['client', 'create', '--tenant', 'acme', '--name', 'Pusher', '--delivery-mode', 'push']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trimEnd()).toBe(
      'backchannel: --notification-endpoint: is required when backchannel_token_delivery_mode is push',
    );
  });

  it('rotates a client secret: a new one, shown once, stored only as a hash', async () => {
    const client = await runJson(['client', 'create', '--tenant', 'acme', '--name', 'Rotating']);
    const rotated = await runJson(['client', 'rotate-secret', '--tenant', 'acme', '--client-id', client.client_id]);

    expect(rotated).toEqual({ client_id: client.client_id, client_secret: expect.stringMatching(/^[\w-]{43}$/) });
    expect(rotated.client_secret).not.toBe(client.client_secret);
    const human = await runCli(['client', 'rotate-secret', '--tenant', 'acme', '--client-id', client.client_id]);
    expect(human.stdout).toMatch(/client_secret:\s+[\w-]{43}/);
    expect(human.stdout).toMatch(/shown only this once/);
  });

  it('updates a tenant', async () => {
    await runJson(['tenant', 'create', '--slug', 'renamed', '--name', 'Before']);
    expect(await runJson(['tenant', 'update', '--slug', 'renamed', '--name', 'After'])).toEqual({
      id: expect.any(String),
      slug: 'renamed',
      name: 'After',
      issuer: 'https://op.example.test/t/renamed',
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
    expect(
      await runJson([
        'tenant',
        'update',
        '--slug',
        'renamed',
        '--rate-limit-per-user',
        '0',
        '--rate-limit-per-tenant',
        '600',
        '--max-pending',
        '10',
        '--rate-limit-per-agent',
        '7',
        '--email-channel',
        'off',
        '--push-channel',
        'on',
        '--email-fallback-delay',
        '45',
        '--default-expiry',
        '60',
        '--max-expiry',
        '600',
        '--poll-interval',
        '2',
        '--binding-message',
        'required',
      ]),
    ).toMatchObject({
      rate_limit_per_user: 0,
      rate_limit_per_tenant: 600,
      max_pending_requests: 10,
      rate_limit_per_agent: 7,
      email_channel_enabled: false,
      push_channel_enabled: true,
      email_fallback_seconds: 45,
      default_requested_expiry: 60,
      max_requested_expiry: 600,
      backchannel_poll_interval: 2,
      binding_message_policy: 'required',
    });
    // Push only: push off would leave no channel; the refusal names the flag.
    await expectFailure(
      ['tenant', 'update', '--slug', 'renamed', '--push-channel', 'off', '--json'],
      1,
      /^backchannel: --push-channel: cannot be off while the other notification channel is off too/,
    );
    await expectFailure(
      ['tenant', 'update', '--slug', 'renamed', '--email-fallback-delay', '3601'],
      1,
      /^backchannel: --email-fallback-delay: must be a whole number of seconds from 0 \(email at once\) to 3600 \(got 3601\)/,
    );
  });

  it('does not find a client through another tenant', async () => {
    await runJson(['tenant', 'create', '--slug', 'globex', '--name', 'Globex']);
    const { client_id } = await runJson(['client', 'create', '--tenant', 'globex', '--name', 'Globex desk']);

    const notFound = new RegExp(`No client "${client_id}" in tenant "acme"`);
    await expectFailure(
      ['client', 'update', '--tenant', 'acme', '--client-id', client_id, '--name', 'Mine', '--json'],
      1,
      notFound,
    );
    await expectFailure(['client', 'rotate-secret', '--tenant', 'acme', '--client-id', client_id, '--json'], 1, notFound);
  });

  it('says in human output that the secret is shown only once', async () => {
    const result = await runCli(['client', 'create', '--tenant', 'acme', '--name', 'Human']);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/client_secret:\s+[\w-]{43}/);
    expect(result.stdout).toMatch(/shown only this once/);
  });

  it('creates and lists users', async () => {
    const user = await runJson(['user', 'create', '--tenant', 'acme', '--email', 'Alice@Example.com', '--name', 'Alice Doe']);
    expect(user).toEqual({
      id: expect.any(String),
      sub: expect.any(String),
      email: 'alice@example.com',
      name: 'Alice Doe',
      tenant: 'acme',
    });

    const users = await runJson<JsonDocument[]>(['user', 'list', '--tenant', 'acme']);
    expect(users).toEqual([
      {
        id: user.id,
        sub: user.sub,
        email: 'alice@example.com',
        email_verified: true,
        name: 'Alice Doe',
        has_user_code: false,
        user_code_locked_until: null,
        blocked: false,
        created_at: expect.any(String),
        updated_at: expect.any(String),
      },
    ]);

    const tenants = await runJson<JsonDocument[]>(['tenant', 'list']);
    expect(tenants).toContainEqual(expect.objectContaining({ slug: 'acme', issuer: 'https://op.example.test/t/acme' }));
  });

  it('blocks and unblocks a user: JSON id and blocked', async () => {
    const user = await runJson<{ id: string }>(['user', 'create', '--tenant', 'acme', '--email', 'blocked@example.com']);
    expect(await runJson(['user', 'block', '--tenant', 'acme', '--email', 'Blocked@Example.com'])).toEqual({
      id: user.id,
      blocked: true,
      cancelled_requests: 0,
    });
    expect((await getDb().user.findUniqueOrThrow({ where: { id: user.id } })).blocked).toBe(true);
    expect(await runJson(['user', 'unblock', '--tenant', 'acme', '--email', 'blocked@example.com'])).toMatchObject({
      id: user.id,
      blocked: false,
    });
    await expectFailure(
      ['user', 'block', '--tenant', 'acme', '--email', 'nobody@example.com', '--json'],
      1,
      /nobody@example.com/,
    );
  });

  it('sets a user code, stored only as its SHA-256', async () => {
    const user = await runJson<{ id: string }>(['user', 'create', '--tenant', 'acme', '--email', 'coded@example.com']);
    expect(
      await runJson(['user', 'set-code', '--tenant', 'acme', '--email', 'Coded@Example.com', '--code', '7391-kite']),
    ).toEqual({
      id: user.id,
      has_user_code: true,
    });
    const row = await getDb().user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await verifyUserCode('7391-kite', row.userCodeHash!)).toEqual({ ok: true, needsRehash: false });

    await expectFailure(
      ['user', 'set-code', '--tenant', 'acme', '--email', 'coded@example.com', '--code', 'abc', '--json'],
      1,
      /^backchannel: --code: must be 4–64 characters \(got 3\)\n$/,
    );
    await expectFailure(
      ['user', 'set-code', '--tenant', 'acme', '--email', 'nobody@example.com', '--code', 'abcd', '--json'],
      1,
      /No user "nobody@example.com" in tenant "acme"/,
    );
    await expectFailure(
      ['user', 'set-code', '--tenant', 'acme', '--email', 'coded@example.com', '--json'],
      2,
      /Missing required option --code/,
    );
  });

  it('invites administrators: a tenant admin of one tenant, or an owner', async () => {
    const tenantAdmin = await runJson<Record<string, unknown>>([
      'admin',
      'create',
      '--email',
      'Ops@Example.com',
      '--tenant',
      'acme',
    ]);
    expect(tenantAdmin).toEqual({
      id: expect.any(String),
      email: 'ops@example.com',
      name: null,
      role: 'tenant-admin',
      tenants: ['acme'],
      email_verified: false,
      created_at: expect.any(String),
    });
    expect(await runJson(['admin', 'create', '--email', 'cto@example.com', '--role', 'owner'])).toMatchObject({
      email: 'cto@example.com',
      role: 'owner',
      tenants: [],
    });

    await expectFailure(['admin', 'create', '--email', 'ops@example.com', '--json'], 1, /ops@example.com already exists/);
    await expectFailure(
      ['admin', 'create', '--email', 'x@example.com', '--role', 'root', '--json'],
      1,
      /^backchannel: --role: must be owner or tenant-admin\n$/,
    );
    await expectFailure(
      ['admin', 'create', '--email', 'x@example.com', '--tenant', 'nope', '--json'],
      1,
      /^backchannel: --tenant: names no tenant \(got "nope"\)\n$/,
    );
    await expectFailure(
      ['admin', 'create', '--email', 'x@example.com', '--role', 'owner', '--tenant', 'acme', '--json'],
      1,
      /--tenant: must be empty for an owner/,
    );
    await expectFailure(['admin', 'create', '--json'], 2, /Missing required option --email/);
  });

  it('creates API keys (for one tenant, or every tenant), the key shown once and stored only as a hash', async () => {
    const scoped = await runJson<Record<string, unknown>>(['api-key', 'create', '--name', 'Acme CI', '--tenant', 'acme']);
    expect(scoped).toEqual({
      id: expect.any(String),
      key: expect.stringMatching(/^bck_[A-Za-z0-9_-]{43}$/),
      name: 'Acme CI',
      tenant: 'acme',
      prefix: (scoped.key as string).slice(0, 12),
      created_by: 'cli',
      created_at: expect.any(String),
      last_used_at: null,
      revoked_at: null,
    });
    expect(Object.keys(scoped).slice(0, 2)).toEqual(['id', 'key']);
    const everyTenant = await runJson<Record<string, unknown>>(['api-key', 'create', '--name', 'Deploy bot']);
    expect(everyTenant).toMatchObject({ name: 'Deploy bot', tenant: null });

    const rows = await getDb().apiKey.findMany({ where: { id: { in: [scoped.id as string, everyTenant.id as string] } } });
    expect(rows).toHaveLength(2);
    expect(JSON.stringify(rows)).not.toContain(scoped.key);
    expect(JSON.stringify(rows)).not.toContain(everyTenant.key);

    const human = await runCli(['api-key', 'create', '--name', 'Human']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/key:\s+bck_[\w-]{43}/);
    expect(human.stdout).toMatch(/shown only this once/);
    await expectFailure(
      ['api-key', 'create', '--name', 'X', '--tenant', 'nope', '--json'],
      1,
      /--tenant: names no tenant \(got "nope"\)/,
    );
    await expectFailure(['api-key', 'create', '--json'], 2, /Missing required option --name/);
  });

  it.each<[string[], RegExp]>([
    [['tenant', 'create', '--slug', 'acme', '--name', 'Again'], /already exists/],
    [['tenant', 'create', '--slug', 'Bad Slug', '--name', 'X'], /slug/i],
    [['user', 'create', '--tenant', 'acme', '--email', 'ALICE@example.com'], /already exists/],
    [['user', 'create', '--tenant', 'acme', '--email', 'not-an-email'], /not a valid address/],
    [['client', 'list', '--tenant', 'nope'], /No tenant with slug "nope"/],
    [
      ['client', 'create', '--tenant', 'acme', '--name', 'X', '--grant-types', 'authorization_code'],
      /^backchannel: --grant-types: must be one of urn:openid:params:grant-type:ciba, refresh_token \(got "authorization_code"\)\n$/,
    ],
    [['tenant', 'update', '--slug', 'acme', '--name', ' '], /^backchannel: --name: must be 1–100 characters/],
    [['tenant', 'update', '--slug', 'nope', '--name', 'X'], /No tenant with slug "nope"/],
    [['client', 'update', '--tenant', 'acme', '--client-id', 'nope'], /No client "nope" in tenant "acme"/],
  ])('exits 1 with the error on stderr only: %j', async (args, message) => {
    await expectFailure([...args, '--json'], 1, message);
  });

  it.each<[string[], RegExp]>([
    [[], /No command given/],
    [['frobnicate', '--json'], /Unknown command "frobnicate"/],
    [['tenant', 'delete', '--json'], /Unknown command "tenant delete"/],
    [['tenant', 'create', '--slug', 'x', '--json'], /Missing required option --name/],
    [['tenant', 'create', '--slug', 'x', '--name', 'X', '--color', 'red', '--json'], /Unknown option '--color'/],
    [['user', 'list', '--tenant'], /--tenant/],
    [['user', 'list', '--tenant', 'acme', 'extra', '--json'], /extra/],
    [['client', 'create', '--tenant', 'acme', '--name', 'X', '--grant-types', ','], /--grant-types/],
    [
      ['client', 'update', '--tenant', 'acme', '--client-id', 'x', '--poll-interval', 'soon'],
      /--poll-interval needs a whole number/,
    ],
    [['client', 'update', '--tenant', 'acme', '--client-id', 'x', '--long-poll', '5s'], /--long-poll needs a whole number/],
    [['client', 'update', '--tenant', 'acme', '--name', 'X'], /Missing required option --client-id/],
    [['client', 'rotate-secret', '--tenant', 'acme', '--client-id', 'x', '--name', 'X'], /Unknown option '--name'/],
    [['tenant', 'update', '--slug', 'acme', '--rate-limit-per-user', 'five'], /--rate-limit-per-user needs a whole number/],
    [['tenant', 'update', '--slug', 'acme', '--email-channel', 'yes'], /--email-channel is "on" or "off"/],
    [['tenant', 'update', '--slug', 'acme', '--push-channel', 'true'], /--push-channel is "on" or "off"/],
    [['tenant', 'update', '--slug', 'acme', '--email-fallback-delay', '1m'], /--email-fallback-delay needs a whole number/],
    [['client', 'create', '--tenant', 'acme', '--name', 'J', '--jwks', '{"keys":'], /--jwks needs a JWKS document as JSON/],
    [['client', 'update', '--tenant', 'acme', '--client-id', 'x', '--user-code', 'yes'], /--user-code is "on" or "off"/],
    [
      ['client', 'update', '--tenant', 'acme', '--client-id', 'x', '--signed-requests', 'always'],
      /--signed-requests is "required" or "optional"/,
    ],
    [
      ['client', 'update', '--tenant', 'acme', '--client-id', 'x', '--signed-requests', 'optional', '--request-alg', 'ES256'],
      /--request-alg needs --signed-requests required/,
    ],
  ])('exits 2 for the usage error on stderr only: %j', async (args, message) => {
    await expectFailure(args, 2, message);
  });

  it('defines authorization types (authorization-type create) and registers clients for them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-rar-'));
    const write = (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text);

      return path;
    };
    const schema = write('payment.json', JSON.stringify({ type: 'object', required: ['type'] }));
    try {
      const created = await runJson<{ type: string; partial_approval: boolean; title: string | null }>([
        'authorization-type', 'create', '--tenant', 'acme', '--type', 'payment_initiation', '--schema-file', schema,
        '--title', 'Payment', '--partial', 'off',
      ]); // prettier-ignore
      expect(created).toMatchObject({ type: 'payment_initiation', title: 'Payment', partial_approval: false });
      const client = await runJson([
        'client', 'create', '--tenant', 'acme', '--name', 'Bank', '--authorization-details-types', 'payment_initiation',
      ]); // prettier-ignore
      expect(client.authorization_details_types).toEqual(['payment_initiation']);

      await expectFailure(
        [
          'client',
          'create',
          '--tenant',
          'acme',
          '--name',
          'Bank',
          '--authorization-details-types',
          'payment_initiation,nope',
          '--json',
        ],
        1,
        /--authorization-details-types: "nope" is not an authorization type of this tenant/,
      );
      await expectFailure(
        [
          'authorization-type',
          'create',
          '--tenant',
          'acme',
          '--type',
          'x',
          '--schema-file',
          write('bad.json', '{"type":"nonsense"}'),
        ],
        1,
        /--schema-file: is not a valid JSON Schema/,
      );
      await expectFailure(
        ['authorization-type', 'create', '--tenant', 'acme', '--type', 'x', '--schema-file', write('broken.json', '{')],
        2,
        /--schema-file: .* is not valid JSON/,
      );
      await expectFailure(
        ['authorization-type', 'create', '--tenant', 'acme', '--type', 'x', '--schema-file', join(dir, 'missing.json')],
        2,
        /--schema-file: cannot read/,
      );
      await expectFailure(
        ['authorization-type', 'create', '--tenant', 'acme', '--type', 'x'],
        2,
        /Missing required option --schema-file/,
      );
      await expectFailure(
        ['authorization-type', 'create', '--tenant', 'acme', '--type', 'payment_initiation', '--schema-file', schema],
        1,
        /already has an authorization type "payment_initiation"/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists the development outbox: each approval email with its link while the request is pending (outbox list)', async () => {
    await runJson(['tenant', 'create', '--slug', 'mailroom', '--name', 'Mailroom']);
    await runJson(['user', 'create', '--tenant', 'mailroom', '--email', 'dana@example.com']);
    const desk = await runJson(['client', 'create', '--tenant', 'mailroom', '--name', 'Desk']);
    const started = await call(
      formRequest(
        '/t/mailroom/bc-authorize',
        { scope: 'openid', login_hint: 'dana@example.com', binding_message: 'M4IL' },
        { auth: { clientId: desk.client_id, clientSecret: desk.client_secret as string } },
      ),
    );
    expect(started.status).toBe(200);
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = () => true;
    try {
      await deliverOutbox();
    } finally {
      process.stdout.write = write;
    }

    const emails = await runJson<Record<string, unknown>[]>(['outbox', 'list', '--tenant', 'mailroom']);
    expect(emails).toEqual([
      expect.objectContaining({
        to: 'dana@example.com',
        request: { id: expect.any(String), status: 'pending' },
        approval_url: expect.stringMatching(/^https:\/\/op\.example\.test\/t\/mailroom\/approve\/[A-Za-z0-9_-]+$/),
      }),
    ]);
    const human = await runCli(['outbox', 'list', '--tenant', 'mailroom']);
    expect(human.code).toBe(0);
    expect(human.stdout).toContain(emails[0].approval_url as string);
    await expectFailure(
      ['outbox', 'list', '--tenant', 'mailroom', '--limit', '0'],
      1,
      /--limit.*must be a whole number from 1 to 100/,
    );
    await expectFailure(['outbox', 'list'], 2, /--tenant/);
  });

  it('prints help on stdout with exit code 0', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Usage: backchannel <resource> <action>/);

    const command = await runCli(['client', 'create', '--help']);
    expect(command.code).toBe(0);
    expect(command.stdout).toMatch(/--grant-types <list>/);
    expect(command.stdout).toMatch(/--auth-method <method>/);
    const update = await runCli(['client', 'update', '--help']);
    expect(update.code).toBe(0);
    expect(update.stdout).toMatch(/--client-id <client_id>/);
    expect(update.stdout).toMatch(/--poll-interval <seconds>/);
  });
});

/**
 * The real executable, spawned from a working directory outside the project
 * (the launcher finds everything from its own location) on a fresh SQLite
 * file of its own, so npm test's PostgreSQL pass skips it.
 */
describe.skipIf(Boolean(process.env.TEST_POSTGRES_URL))('the backchannel executable', { timeout: 60_000 }, () => {
  const LAUNCHER = resolve(__dirname, '../bin/backchannel.mjs');
  let workDir: string;

  const spawnCli = (args: string[]): Promise<CliResult> =>
    new Promise((resolveResult, reject) => {
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        DATABASE_URL: `file:${join(workDir, 'cli.db')}`,
        BACKCHANNEL_DATA_DIR: workDir,
        APP_URL,
        NODE_ENV: 'test',
      };
      delete env.BACKCHANNEL_ROOT;
      const child = spawn(process.execPath, [LAUNCHER, ...args], { cwd: workDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      child.on('error', reject);
      child.on('close', (code) => resolveResult({ code, stdout, stderr }));
    });

  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), 'backchannel-cli-test-'));
  });

  afterAll(() => {
    rmSync(workDir, { recursive: true, force: true });
  });

  it('migrates a fresh database (progress on stderr) and prints exactly one JSON document on stdout, exit 0', async () => {
    const result = await spawnCli(['tenant', 'create', '--slug', 'acme', '--name', 'Acme Corp', '--json']);

    expect(result.code, result.stderr).toBe(0);
    expectOneJsonDocument(result.stdout);
    expect(JSON.parse(result.stdout)).toMatchObject({ slug: 'acme', issuer: 'https://op.example.test/t/acme' });
    expect(result.stderr).toMatch(/Applied migration/);
  });

  it('exits 1 on a refused input and 2 on a usage error, with nothing on stdout', async () => {
    const [refused, usage] = await Promise.all([
      spawnCli(['tenant', 'create', '--slug', 'Bad Slug', '--name', 'X', '--json']),
      spawnCli(['frobnicate', '--json']),
    ]);

    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toMatch(/^backchannel: --slug: /m);
    expect(usage).toMatchObject({ code: 2, stdout: '' });
    expect(usage.stderr).toMatch(/Unknown command "frobnicate"/);
  });

  it('prints help on stdout with exit code 0', async () => {
    const help = await spawnCli(['--help']);

    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: backchannel <resource> <action>/);
    expect(help.stderr).toBe('');
  });
});
