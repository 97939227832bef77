// The tenant's trusted issuers through every door: the domain functions (lib/admin), the Management
// API (/tenants/{slug}/trusted-issuers) and the CLI (login-hint-issuer add/list/remove).
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTrustedIssuer } from '@/lib/admin/add-trusted-issuer';
import { createTenant } from '@/lib/admin/create-tenant';
import { AdminError } from '@/lib/admin/errors';
import { listTrustedIssuers } from '@/lib/admin/list-trusted-issuers';
import { ZTrustedIssuerSchema } from '@/lib/api/routes/trusted-issuers';
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
let publicJwk: JWK;
let privateJwk: JWK;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' });
  await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
  keys = await createTestApiKeys(db, ['acme', 'globex']);
  ({ call, close } = await startTestApiServer());
  const pair = await generateKeyPair('ES256', { extractable: true });
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1' };
  privateJwk = { ...(await exportJWK(pair.privateKey)), kid: 'k1' };
});

afterAll(async () => {
  await close();
  await cleanup();
});

const setSwitch = (on: boolean) => {
  if (on) process.env.ALLOW_HTTP_LOOPBACK_CALLBACKS = 'true';
  else delete process.env.ALLOW_HTTP_LOOPBACK_CALLBACKS;
  (globalThis as { backchannelEnv?: unknown }).backchannelEnv = undefined;
};

const fieldErrors = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AdminError);
  expect((error as AdminError).code).toBe('invalid_input');

  return (error as AdminError).fields;
};

describe('addTrustedIssuer (the domain function)', () => {
  it.each<[string, unknown, string, RegExp]>([
    ['no keys', { issuer: 'https://a.example' }, 'jwks', /exactly one of jwks or jwks_uri/],
    [
      'both kinds of keys',
      { issuer: 'https://a.example', jwks: { keys: [] }, jwks_uri: 'https://a.example/jwks' },
      'jwks',
      /non-empty "keys"|exactly one/,
    ],
    ['a private key', { issuer: 'https://a.example', jwks: 'PRIVATE' }, 'jwks', /private member "d"/],
    ['a symmetric key', { issuer: 'https://a.example', jwks: { keys: [{ kty: 'oct', k: 'c2VjcmV0' }] } }, 'jwks', /kty "oct"/],
    ['an empty issuer', { issuer: '', jwks: 'PUBLIC' }, 'issuer', /required/],
    ['an issuer with spaces', { issuer: 'https://a.example x', jwks: 'PUBLIC' }, 'issuer', /spaces/],
    ['a plain-http jwks_uri', { issuer: 'https://a.example', jwks_uri: 'http://a.example/jwks' }, 'jwks_uri', /https/],
    [
      'a loopback jwks_uri (switch off)',
      { issuer: 'https://a.example', jwks_uri: 'https://127.0.0.1/jwks' },
      'jwks_uri',
      /loopback/,
    ],
    [
      'a link-local jwks_uri',
      { issuer: 'https://a.example', jwks_uri: 'https://169.254.169.254/latest' },
      'jwks_uri',
      /loopback, private or link-local/,
    ],
  ])('refuses %s with a field error and stores nothing', async (_name, raw, path, message) => {
    setSwitch(false);
    const input = JSON.parse(
      JSON.stringify(raw)
        .replace('"PRIVATE"', JSON.stringify({ keys: [privateJwk] }))
        .replace('"PUBLIC"', JSON.stringify({ keys: [publicJwk] })),
    ) as unknown;
    const fields = await fieldErrors(addTrustedIssuer(db, CLI_PRINCIPAL, { tenantSlug: 'acme', input }));
    expect(fields).toContainEqual({ path, message: expect.stringMatching(message) });
    expect(await db.trustedIssuer.count()).toBe(0);
  });

  it('accepts an http loopback jwks_uri only with ALLOW_HTTP_LOOPBACK_CALLBACKS', async () => {
    setSwitch(true);
    try {
      const added = await addTrustedIssuer(db, CLI_PRINCIPAL, {
        tenantSlug: 'globex',
        input: { issuer: 'https://loopback.example', jwks_uri: 'http://127.0.0.1:4399/jwks.json' },
      });
      expect(added).toMatchObject({
        issuer: 'https://loopback.example',
        jwks: null,
        jwks_uri: 'http://127.0.0.1:4399/jwks.json',
      });
    } finally {
      setSwitch(false);
    }
  });

  it('refuses the same issuer twice in a tenant (conflict), and is audited', async () => {
    await addTrustedIssuer(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      input: { issuer: 'https://dup.example', jwks: { keys: [publicJwk] } },
    });
    const error = await addTrustedIssuer(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      input: { issuer: 'https://dup.example', jwks: { keys: [publicJwk] } },
    }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'conflict' });
    const audit = await db.event.findFirstOrThrow({ where: { type: 'trusted_issuer_added' }, orderBy: { id: 'desc' } });
    expect(audit.actor).toBe('cli');
    expect(JSON.parse(audit.detail!)).toMatchObject({ target: 'https://dup.example', before: null });
  });
});

describe('/tenants/{slug}/trusted-issuers', () => {
  it('adds (201, Location), lists and removes (204, idempotent), within its tenant only', async () => {
    const added = await call('POST', '/tenants/acme/trusted-issuers', {
      key: keys.byTenant.acme,
      body: { issuer: 'https://agents.example', jwks: { keys: [publicJwk] } },
    });
    expect(added.status, added.text).toBe(201);
    expect(ZTrustedIssuerSchema.strict().parse(added.json)).toEqual(added.json);
    expect(added.json).toMatchObject({ issuer: 'https://agents.example', jwks: { keys: [publicJwk] }, jwks_uri: null });
    expect(added.headers.get('location')).toBe(`/api/v1/tenants/acme/trusted-issuers/${added.json.id}`);

    const listed = await call('GET', '/tenants/acme/trusted-issuers', { key: keys.byTenant.acme });
    expect(listed.status).toBe(200);
    expect(listed.json.next_cursor).toBeNull();
    expect((listed.json.data as { issuer: string }[]).map((item) => item.issuer)).toContain('https://agents.example');

    // Another tenant's key: forbidden, and globex's own list does not show acme's issuer.
    expect((await call('GET', '/tenants/acme/trusted-issuers', { key: keys.byTenant.globex })).status).toBe(403);
    expect((await call('DELETE', `/tenants/globex/trusted-issuers/${added.json.id}`, { key: keys.byTenant.globex })).status).toBe(
      204,
    );
    expect(await db.trustedIssuer.count({ where: { id: added.json.id as string } })).toBe(1);

    expect((await call('DELETE', `/tenants/acme/trusted-issuers/${added.json.id}`, { key: keys.byTenant.acme })).status).toBe(
      204,
    );
    expect(await db.trustedIssuer.count({ where: { id: added.json.id as string } })).toBe(0);
    expect((await call('DELETE', `/tenants/acme/trusted-issuers/${added.json.id}`, { key: keys.byTenant.acme })).status).toBe(
      204,
    );
    expect((await call('DELETE', '/tenants/no-such/trusted-issuers/x', { key: keys.all })).status).toBe(404);
  });

  it('refuses bad input with 400 validation_failed naming the field, a duplicate with 409', async () => {
    const bad = await call('POST', '/tenants/acme/trusted-issuers', {
      key: keys.byTenant.acme,
      body: { issuer: 'https://private.example', jwks: { keys: [privateJwk] } },
    });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: 'validation_failed', fields: [{ path: 'jwks' }] });
    const body = { issuer: 'https://twice.example', jwks: { keys: [publicJwk] } };
    expect((await call('POST', '/tenants/acme/trusted-issuers', { key: keys.byTenant.acme, body })).status).toBe(201);
    expect((await call('POST', '/tenants/acme/trusted-issuers', { key: keys.byTenant.acme, body })).status).toBe(409);
    expect(
      (await call('POST', '/tenants/globex/trusted-issuers', { key: keys.byTenant.acme, body: { issuer: 'x' } })).json,
    ).toEqual({ error: 'forbidden' });
  });
});

describe('backchannel login-hint-issuer', () => {
  const runCli = async (args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runCommandLine(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });

    return { code, stdout, stderr };
  };

  it('adds (--json prints the issuer), lists and removes', async () => {
    const added = await runCli([
      'login-hint-issuer',
      'add',
      '--tenant',
      'globex',
      '--issuer',
      'https://cli.example',
      '--jwks',
      JSON.stringify({ keys: [publicJwk] }),
      '--json',
    ]);
    expect(added.code, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ issuer: 'https://cli.example', jwks_uri: null });

    const listed = await runCli(['login-hint-issuer', 'list', '--tenant', 'globex', '--json']);
    expect((JSON.parse(listed.stdout) as { issuer: string }[]).map((item) => item.issuer)).toContain('https://cli.example');
    expect(await listTrustedIssuers(db, CLI_PRINCIPAL, { tenantSlug: 'acme' })).not.toContainEqual(
      expect.objectContaining({ issuer: 'https://cli.example' }),
    );

    const removed = await runCli([
      'login-hint-issuer',
      'remove',
      '--tenant',
      'globex',
      '--issuer',
      'https://cli.example',
      '--json',
    ]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(JSON.parse(removed.stdout)).toMatchObject({ issuer: 'https://cli.example' });
    const again = await runCli(['login-hint-issuer', 'remove', '--tenant', 'globex', '--issuer', 'https://cli.example']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/does not trust issuer https:\/\/cli\.example/);
  });

  it('refuses bad --jwks JSON (usage, exit 2) and a private key (exit 1), naming the flag', async () => {
    const notJson = await runCli([
      'login-hint-issuer',
      'add',
      '--tenant',
      'globex',
      '--issuer',
      'https://x.example',
      '--jwks',
      '{',
    ]);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/--jwks must be a JSON JWKS document/);
    const secret = await runCli([
      'login-hint-issuer',
      'add',
      '--tenant',
      'globex',
      '--issuer',
      'https://x.example',
      '--jwks',
      JSON.stringify({ keys: [privateJwk] }),
    ]);
    expect(secret.code).toBe(1);
    expect(secret.stderr).toMatch(/--jwks.*private member "d"/);
    expect(secret.stdout).toBe('');
  });
});
