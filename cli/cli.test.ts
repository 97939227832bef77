import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * End-to-end tests of the real `backchannel` executable: each case spawns
 * `node bin/backchannel.mjs ...` against a temporary SQLite database, from a
 * working directory outside the project (the launcher must find everything
 * from its own location).
 */

const LAUNCHER = resolve(__dirname, '../bin/backchannel.mjs');

type CliResult = { code: number | null; stdout: string; stderr: string };

let workDir: string;
let databasePath: string;

const runCli = (args: string[]): Promise<CliResult> =>
  new Promise((resolveResult, reject) => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: `file:${databasePath}`,
      BACKCHANNEL_DATA_DIR: workDir,
      APP_URL: 'https://op.example.test',
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

/** Runs a `--json` command that must succeed; returns its one JSON document. */
const runJson = async (args: string[]): Promise<any> => {
  const result = await runCli([...args, '--json']);
  expect(result.code, result.stderr).toBe(0);
  expectOneJsonDocument(result.stdout);

  return JSON.parse(result.stdout);
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

beforeAll(() => {
  workDir = mkdtempSync(join(tmpdir(), 'backchannel-cli-test-'));
  databasePath = join(workDir, 'cli.db');
});

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('backchannel CLI', () => {
  it('migrates a fresh database and prints the new tenant as one JSON document', async () => {
    const result = await runCli(['tenant', 'create', '--slug', 'acme', '--name', 'Acme Corp', '--json']);

    expect(result.code, result.stderr).toBe(0);
    expectOneJsonDocument(result.stdout);
    expect(JSON.parse(result.stdout)).toEqual({
      id: expect.any(String),
      slug: 'acme',
      name: 'Acme Corp',
      issuer: 'https://op.example.test/t/acme',
    });
    // Migration progress goes to stderr, never stdout.
    expect(result.stderr).toMatch(/Applied migration/);
  });

  it('creates clients and shows the secret once, stored only as a hash', async () => {
    const client = await runJson(['client', 'create', '--tenant', 'acme', '--name', 'Support desk']);
    expect(client).toEqual({
      client_id: expect.any(String),
      client_secret: expect.any(String),
      name: 'Support desk',
      tenant: 'acme',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['urn:openid:params:grant-type:ciba'],
      backchannel_token_delivery_mode: 'poll',
      binding_message_policy: 'optional',
    });

    const post = await runJson([
      'client', 'create', '--tenant', 'acme', '--name', 'Kiosk',
      '--auth-method', 'client_secret_post', '--binding-message', 'required',
      '--grant-types', 'urn:openid:params:grant-type:ciba',
    ]);
    expect(post).toMatchObject({ token_endpoint_auth_method: 'client_secret_post', binding_message_policy: 'required' });

    const noGrants = await runJson(['client', 'create', '--tenant', 'acme', '--name', 'No grants', '--grant-types', 'none']);
    expect(noGrants.grant_types).toEqual([]);

    const sqlite = new Database(databasePath, { readonly: true });
    try {
      const row = sqlite.prepare('SELECT * FROM Client WHERE clientId = ?').get(client.client_id) as Record<string, unknown>;
      expect(JSON.stringify(row)).not.toContain(client.client_secret);
      expect(row.secretHash).toEqual(expect.any(String));
    } finally {
      sqlite.close();
    }

    const listed = await runJson(['client', 'list', '--tenant', 'acme']);
    expect(listed.map((entry: { client_id: string }) => entry.client_id).sort()).toEqual(
      [client.client_id, post.client_id, noGrants.client_id].sort(),
    );
    expect(JSON.stringify(listed)).not.toContain(client.client_secret);
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

    const users = await runJson(['user', 'list', '--tenant', 'acme']);
    expect(users).toEqual([{ ...user, createdAt: expect.any(String) }]);

    const tenants = await runJson(['tenant', 'list']);
    expect(tenants).toEqual([expect.objectContaining({ slug: 'acme', issuer: 'https://op.example.test/t/acme' })]);
  });

  it.each<[string[], RegExp]>([
    [['tenant', 'create', '--slug', 'acme', '--name', 'Again'], /already exists/],
    [['tenant', 'create', '--slug', 'Bad Slug', '--name', 'X'], /slug/i],
    [['user', 'create', '--tenant', 'acme', '--email', 'ALICE@example.com'], /already exists/],
    [['user', 'create', '--tenant', 'acme', '--email', 'not-an-email'], /not a valid address/],
    [['client', 'list', '--tenant', 'nope'], /No tenant with slug "nope"/],
    [['client', 'create', '--tenant', 'acme', '--name', 'X', '--grant-types', 'authorization_code'], /Unsupported grant type/],
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
  ])('exits 2 for the usage error on stderr only: %j', async (args, message) => {
    await expectFailure(args, 2, message);
  });

  it('prints help on stdout with exit code 0', async () => {
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/Usage: backchannel <resource> <action>/);

    const command = await runCli(['client', 'create', '--help']);
    expect(command.code).toBe(0);
    expect(command.stdout).toMatch(/--grant-types <list>/);
    expect(command.stdout).toMatch(/--auth-method <method>/);
  });
});
