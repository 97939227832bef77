// `backchannel tenant update --dynamic-registration` and `backchannel initial-access-token create|list|revoke` (RFC 7591 §3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/db/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { call } from '@/lib/testing/protocol-client';
import { useTestDatabase } from '@/lib/testing/test-database';
import { runCli as runCommandLine } from './main';

type CliResult = { code: number | null; stdout: string; stderr: string };

const runCli = async (args: string[]): Promise<CliResult> => {
  let stdout = '';
  let stderr = '';
  const code = await runCommandLine(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });

  return { code, stdout, stderr };
};

const runJson = async <T = Record<string, unknown>>(args: string[]): Promise<T> => {
  const result = await runCli([...args, '--json']);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stdout.trimEnd().split('\n')).toHaveLength(1);

  return JSON.parse(result.stdout) as T;
};

const expectFailure = async (args: string[], code: 1 | 2, message: RegExp) => {
  const result = await runCli(args);
  expect(result.code).toBe(code);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(message);
};

/** A registration at the tenant's endpoint with this initial access token. */
const register = (slug: string, token: string) =>
  call({
    method: 'POST',
    path: `/t/${slug}/register`,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: Buffer.from(JSON.stringify({ client_name: 'From the CLI test', token_endpoint_auth_method: 'client_secret_basic' })),
    receivedAt: new Date(),
  });

describe('backchannel initial-access-token and --dynamic-registration', () => {
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ cleanup } = await useTestDatabase({ appUrl: 'https://op.example.test' }));
    for (const slug of ['acme', 'globex'])
      expect((await runCli(['tenant', 'create', '--slug', slug, '--name', slug])).code).toBe(0);
  });

  afterAll(async () => {
    await cleanup();
  });

  it('turns dynamic registration on and off (tenant update --dynamic-registration), audited', async () => {
    expect((await runJson(['tenant', 'update', '--slug', 'acme', '--dynamic-registration', 'on'])).dynamic_registration).toBe(
      true,
    );
    const events = await getDb().event.findMany({ where: { type: 'tenant_updated' }, orderBy: { createdAt: 'desc' }, take: 1 });
    expect(JSON.parse(events[0].detail!)).toMatchObject({
      before: { dynamic_registration: false },
      after: { dynamic_registration: true },
    });
    await expectFailure(['tenant', 'update', '--slug', 'acme', '--dynamic-registration', 'yes', '--json'], 2, /on" or "off/);
  });

  it('creates a token shown once (only its hash stored) that registers clients, limited by --uses', async () => {
    const created = await runJson(['initial-access-token', 'create', '--tenant', 'acme', '--name', 'Partners', '--uses', '1']);
    expect(created).toEqual({
      id: expect.any(String),
      token: expect.stringMatching(/^bcit_[A-Za-z0-9_-]{43}$/),
      name: 'Partners',
      tenant: 'acme',
      created_at: expect.any(String),
      expires_at: null,
      uses_left: 1,
      revoked_at: null,
      status: 'active',
    });
    expect(Object.keys(created).slice(0, 2)).toEqual(['token', 'id']);
    const row = await getDb().initialAccessToken.findUniqueOrThrow({ where: { id: created.id as string } });
    expect(row.tokenHash).toBe(sha256Base64Url(created.token as string));
    expect(JSON.stringify(row)).not.toContain(created.token);

    expect((await register('acme', created.token as string)).status).toBe(201);
    expect((await register('acme', created.token as string)).status).toBe(401);
    const [listed] = await runJson<Record<string, unknown>[]>(['initial-access-token', 'list', '--tenant', 'acme']);
    expect(listed).toMatchObject({ id: created.id, uses_left: 0, status: 'used_up' });
    expect(listed).not.toHaveProperty('token');

    const human = await runCli(['initial-access-token', 'create', '--tenant', 'acme', '--name', 'Human', '--expires-in', '3600']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/token:\s+bcit_[\w-]{43}/);
    expect(human.stdout).toMatch(/shown only this once/);
  });

  it('revokes a token of its tenant only; another tenant’s id is not found', async () => {
    const created = await runJson(['initial-access-token', 'create', '--tenant', 'acme', '--name', 'Doomed']);
    await expectFailure(
      ['initial-access-token', 'revoke', '--tenant', 'globex', '--id', created.id as string, '--json'],
      1,
      /has no initial access token/,
    );
    expect(await runJson(['initial-access-token', 'revoke', '--tenant', 'acme', '--id', created.id as string])).toEqual({
      id: created.id,
      revoked: true,
    });
    expect((await runJson(['initial-access-token', 'revoke', '--tenant', 'acme', '--id', created.id as string])).revoked).toBe(
      false,
    );
    expect((await register('acme', created.token as string)).status).toBe(401);
    const globex = await runJson<unknown[]>(['initial-access-token', 'list', '--tenant', 'globex']);
    expect(globex).toEqual([]);
  });

  it.each<[string[], 1 | 2, RegExp]>([
    [['--name', 'X', '--uses', '0'], 1, /--uses: must be a whole number of registrations from 1/],
    [['--name', 'X', '--uses', 'many'], 2, /--uses needs a whole number/],
    [['--name', 'X', '--expires-in', '5'], 1, /--expires-in: must be a whole number of seconds from 60/],
    [['--uses', '1'], 2, /Missing required option --name/],
  ])('refuses create %j', async (args, code, message) => {
    await expectFailure(['initial-access-token', 'create', '--tenant', 'acme', ...args, '--json'], code, message);
  });
});
