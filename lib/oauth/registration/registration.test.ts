// Dynamic Client Registration (RFC 7591) and its management (RFC 7592), through the protocol router.
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createInitialAccessToken } from '@/lib/admin/create-initial-access-token';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { listAuditEvents } from '@/lib/admin/list-audit-events';
import { listInitialAccessTokens } from '@/lib/admin/list-initial-access-tokens';
import { revokeInitialAccessToken } from '@/lib/admin/revoke-initial-access-token';
import { updateTenant } from '@/lib/admin/update-tenant';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import type { Db } from '@/lib/db/client';
import type { ProtocolRequest } from '@/lib/http/protocol-http';
import { handleProtocolRequest } from '@/lib/http/protocol-router';
import { turnOffAbuseLimits } from '@/lib/testing/abuse-limits';
import { call, expectOAuthError, formRequest } from '@/lib/testing/protocol-client';
import { useTestDatabase } from '@/lib/testing/test-database';

const ISSUER = 'http://localhost:3999/t/acme';
const REGISTER = '/t/acme/register';

/** A public key set (what a key-based or signed-request client registers). */
const publicJwks = () => ({
  keys: [{ ...(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as object), kid: 'k1' }],
});

let db: Db;
let cleanup: () => Promise<void>;

const setLoopbackCallbacks = (on: boolean) => {
  if (on) process.env.ALLOW_HTTP_LOOPBACK_CALLBACKS = 'true';
  else delete process.env.ALLOW_HTTP_LOOPBACK_CALLBACKS;
  (globalThis as { backchannelEnv?: unknown }).backchannelEnv = undefined;
};

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme Corp' });
  await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
  await turnOffAbuseLimits(db, 'acme');
  await updateTenant(db, CLI_PRINCIPAL, { slug: 'acme', settings: { dynamic_registration: true } });
  await updateTenant(db, CLI_PRINCIPAL, { slug: 'globex', settings: { dynamic_registration: true } });
  await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com', name: 'Alice' });
});

afterAll(async () => {
  setLoopbackCallbacks(false);
  await cleanup();
});

/** A new initial access token of `tenant`. */
const newToken = async (input: { name?: string; uses?: number; expires_in?: number } = {}, tenant = 'acme', now?: Date) =>
  (
    await createInitialAccessToken(db, CLI_PRINCIPAL, {
      tenantSlug: tenant,
      input: { name: 'Partner onboarding', ...input },
      now,
    })
  ).token;

/** A JSON request with an optional bearer token. */
const jsonRequest = (
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string; contentType?: string; authorization?: string; at?: Date } = {},
): ProtocolRequest => ({
  method,
  path,
  headers: {
    ...(options.body !== undefined || options.rawBody !== undefined
      ? { 'content-type': options.contentType ?? 'application/json' }
      : {}),
    ...(options.token !== undefined ? { authorization: `Bearer ${options.token}` } : {}),
    ...(options.authorization !== undefined ? { authorization: options.authorization } : {}),
  },
  body: Buffer.from(options.rawBody ?? (options.body === undefined ? '' : JSON.stringify(options.body))),
  receivedAt: options.at ?? new Date(),
});

const register = (token: string | undefined, body: unknown, options: { at?: Date; path?: string } = {}) =>
  call(jsonRequest('POST', options.path ?? REGISTER, { token, body, at: options.at }));

const POLL_KEY_CLIENT = () => ({
  client_name: 'Poll with keys',
  token_endpoint_auth_method: 'private_key_jwt',
  jwks: publicJwks(),
  grant_types: [CIBA_GRANT_TYPE],
  backchannel_token_delivery_mode: 'poll',
});

describe('the tenant switch (dynamic_registration)', () => {
  it('answers 404 at register and leaves registration_endpoint out of discovery while off; both follow the switch at once', async () => {
    const token = await newToken();
    await updateTenant(db, CLI_PRINCIPAL, { slug: 'acme', settings: { dynamic_registration: false } });
    const discovery = () => call(jsonRequest('GET', '/t/acme/.well-known/openid-configuration'));
    try {
      expectOAuthError(await register(token, POLL_KEY_CLIENT()), 404, 'invalid_request');
      expect((await discovery()).json).not.toHaveProperty('registration_endpoint');
    } finally {
      await updateTenant(db, CLI_PRINCIPAL, { slug: 'acme', settings: { dynamic_registration: true } });
    }
    expect((await discovery()).json.registration_endpoint).toBe(`${ISSUER}/register`);
    expect((await register(token, POLL_KEY_CLIENT())).status).toBe(201);
  });
});

describe('POST /register: the initial access token (RFC 7591 §3, RFC 6750 §3)', () => {
  it('refuses a request without a token: 401 invalid_token, a challenge without an error code', async () => {
    const result = await register(undefined, POLL_KEY_CLIENT());
    expectOAuthError(result, 401, 'invalid_token');
    expect(result.headers['WWW-Authenticate']).toBe('Bearer realm="backchannel"');
  });

  it.each([
    ['a Basic header', 'Basic YTpi'],
    ['an unknown token', 'Bearer bcit_unknown'],
    ['a malformed bearer', 'Bearer a b'],
  ])('refuses %s: 401 invalid_token with error="invalid_token"', async (_label, authorization) => {
    const result = await call(jsonRequest('POST', REGISTER, { authorization, body: POLL_KEY_CLIENT() }));
    expectOAuthError(result, 401, 'invalid_token');
    expect(result.headers['WWW-Authenticate']).toBe('Bearer realm="backchannel", error="invalid_token"');
  });

  it('refuses another tenant’s token (401), which still works in its own tenant', async () => {
    const globexToken = await newToken({}, 'globex');
    expectOAuthError(await register(globexToken, POLL_KEY_CLIENT()), 401, 'invalid_token');
    expect((await register(globexToken, POLL_KEY_CLIENT(), { path: '/t/globex/register' })).status).toBe(201);
  });

  it('refuses an expired token (401)', async () => {
    const created = new Date(Date.now() - 120_000);
    const token = await newToken({ expires_in: 60 }, 'acme', created);
    expectOAuthError(await register(token, POLL_KEY_CLIENT()), 401, 'invalid_token');
    expect((await register(token, POLL_KEY_CLIENT(), { at: new Date(created.getTime() + 30_000) })).status).toBe(201);
  });

  it('refuses a revoked token (401)', async () => {
    const created = await createInitialAccessToken(db, CLI_PRINCIPAL, { tenantSlug: 'acme', input: { name: 'Soon revoked' } });
    expect((await register(created.token, POLL_KEY_CLIENT())).status).toBe(201);
    await revokeInitialAccessToken(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: created.id });
    expectOAuthError(await register(created.token, POLL_KEY_CLIENT()), 401, 'invalid_token');
  });

  it('refuses a used-up token (401); a refused registration uses nothing', async () => {
    const token = await newToken({ uses: 1 });
    expectOAuthError(await register(token, { ...POLL_KEY_CLIENT(), jwks: null }), 400, 'invalid_client_metadata');
    expect((await register(token, POLL_KEY_CLIENT())).status).toBe(201);
    expectOAuthError(await register(token, POLL_KEY_CLIENT()), 401, 'invalid_token');
    const [listed] = (await listInitialAccessTokens(db, CLI_PRINCIPAL, { tenantSlug: 'acme' })).filter((t) => t.uses_left === 0);
    expect(listed.status).toBe('used_up');
  });

  it('gives the last use of a 1-use token to exactly one of 6 concurrent registrations (the others 401)', async () => {
    const token = await newToken({ uses: 1, name: 'Race' });
    const results = await Promise.all(Array.from({ length: 6 }, () => register(token, POLL_KEY_CLIENT())));
    expect(results.map((result) => result.status).sort()).toEqual([201, 401, 401, 401, 401, 401]);
    for (const result of results.filter((r) => r.status === 401)) expectOAuthError(result, 401, 'invalid_token');
  });
});

describe('POST /register: registrations (RFC 7591 §3.2.1, CIBA §4)', () => {
  it('registers a poll client with private_key_jwt and jwks: no secret, a registration access token, its configuration URI', async () => {
    const token = await newToken({ name: 'Key partner' });
    const result = await register(token, POLL_KEY_CLIENT());
    expect(result.status).toBe(201);
    expect(result.headers['Cache-Control']).toBe('no-store');
    const clientId = result.json.client_id as string;
    expect(result.json).toMatchObject({
      client_name: 'Poll with keys',
      token_endpoint_auth_method: 'private_key_jwt',
      backchannel_token_delivery_mode: 'poll',
      grant_types: [CIBA_GRANT_TYPE],
      tls_client_certificate_bound_access_tokens: false,
      registration_client_uri: `${ISSUER}/register/${clientId}`,
      client_id_issued_at: expect.any(Number),
      registration_access_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(result.headers.Location).toBe(`${ISSUER}/register/${clientId}`);
    expect(result.json).not.toHaveProperty('client_secret');
    expect(result.json).not.toHaveProperty('client_secret_expires_at');

    const stored = await db.client.findUniqueOrThrow({ where: { clientId } });
    expect(stored.secretHash).toBeNull();
    expect(stored.registrationAccessTokenHash).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const audit = await listAuditEvents(db, CLI_PRINCIPAL, { tenantSlug: 'acme', q: 'Key partner' });
    expect(audit.data[0]).toMatchObject({
      type: 'client_created',
      target: clientId,
      actor_name: 'Dynamic registration (Key partner)',
    });
    expect(audit.data[0].actor).toMatch(/^registration:/);
  });

  it('registers a secret client: client_secret with client_secret_expires_at 0, which authenticates at bc-authorize', async () => {
    const result = await register(await newToken(), {
      client_name: 'Secret desk',
      token_endpoint_auth_method: 'client_secret_post',
    });
    expect(result.status).toBe(201);
    expect(result.json).toMatchObject({ client_secret: expect.any(String), client_secret_expires_at: 0 });
    const started = await call(
      formRequest(
        '/t/acme/bc-authorize',
        { scope: 'openid', login_hint: 'alice@example.com' },
        {
          auth: { clientId: result.json.client_id as string, clientSecret: result.json.client_secret as string, method: 'post' },
        },
      ),
    );
    expect(started.status).toBe(200);
    expect(started.json.auth_req_id).toEqual(expect.any(String));
  });

  it('registers a ping client with its notification endpoint (CIBA §4)', async () => {
    setLoopbackCallbacks(true);
    try {
      const result = await register(await newToken(), {
        client_name: 'Ping',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: publicJwks(),
        backchannel_token_delivery_mode: 'ping',
        backchannel_client_notification_endpoint: 'http://127.0.0.1:9/cb',
      });
      expect(result.status).toBe(201);
      expect(result.json).toMatchObject({
        backchannel_token_delivery_mode: 'ping',
        backchannel_client_notification_endpoint: 'http://127.0.0.1:9/cb',
      });
    } finally {
      setLoopbackCallbacks(false);
    }
  });

  it('accepts exactly what the conformance suite sends (FAPI-CIBA, tls_client_auth)', async () => {
    const result = await register(await newToken(), {
      grant_types: [CIBA_GRANT_TYPE],
      backchannel_token_delivery_mode: 'poll',
      backchannel_user_code_parameter: false,
      backchannel_authentication_request_signing_alg: 'PS256',
      id_token_signed_response_alg: 'PS256',
      response_types: [],
      tls_client_certificate_bound_access_tokens: true,
      jwks: publicJwks(),
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_subject_dn: 'CN=conformance.example,O=OIDF',
      client_name: 'conformance suite',
      redirect_uris: [],
    });
    expect(result.status).toBe(201);
    expect(result.json).toMatchObject({
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_subject_dn: 'CN=conformance.example,O=OIDF',
      backchannel_authentication_request_signing_alg: 'PS256',
      id_token_signed_response_alg: 'PS256',
      tls_client_certificate_bound_access_tokens: true,
    });
    expect(result.json).not.toHaveProperty('client_secret');
    expect(result.json).not.toHaveProperty('response_types');
  });

  it('names a client that sent no client_name after the token, and ignores client_uri, logo_uri, contacts, software_id/version', async () => {
    const result = await register(await newToken({ name: 'Bank partners' }), {
      ...POLL_KEY_CLIENT(),
      client_name: undefined,
      client_uri: 'https://rp.example',
      logo_uri: 'https://rp.example/logo.png',
      contacts: ['ops@rp.example'],
      software_id: 'rp',
      software_version: '1.0',
    });
    expect(result.status).toBe(201);
    expect(result.json.client_name).toBe('Registered with Bank partners');
    for (const field of ['client_uri', 'logo_uri', 'contacts', 'software_id', 'software_version']) {
      expect(result.json).not.toHaveProperty(field);
    }
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'a FAPI client with client_secret_basic',
      { fapi_ciba: true, token_endpoint_auth_method: 'client_secret_basic', jwks: publicJwks() },
      'token_endpoint_auth_method: must be private_key_jwt, tls_client_auth, self_signed_tls_client_auth',
    ],
    ['private_key_jwt without keys', { token_endpoint_auth_method: 'private_key_jwt' }, 'jwks: is required'],
    [
      'ping without a notification endpoint',
      { backchannel_token_delivery_mode: 'ping' },
      'backchannel_client_notification_endpoint: is required',
    ],
    [
      'an unknown delivery mode',
      { backchannel_token_delivery_mode: 'carrier-pigeon' },
      'backchannel_token_delivery_mode: must be',
    ],
    ['redirect URIs', { redirect_uris: ['https://rp.example/cb'] }, 'redirect_uris: must be empty or absent'],
    ['response types', { response_types: ['code'] }, 'response_types: must be empty or absent'],
    [
      'bound tokens without mutual TLS',
      { tls_client_certificate_bound_access_tokens: true },
      'tls_client_certificate_bound_access_tokens: must be false when token_endpoint_auth_method is client_secret_basic',
    ],
    ['a field the server does not know', { scope: 'openid' }, 'scope: is not a setting this server knows'],
    ['a client_id of its own', { client_id: 'mine' }, 'client_id: is not a setting this server knows'],
    ['an unknown grant type', { grant_types: ['authorization_code'] }, 'grant_types.0: must be'],
  ])('refuses %s: 400 invalid_client_metadata naming the field', async (_label, body, description) => {
    const result = await register(await newToken(), { client_name: 'Refused', ...body });
    expectOAuthError(result, 400, 'invalid_client_metadata');
    expect(result.json.error_description).toContain(description);
  });

  it('lists every refused field in one description, separated by "; "', async () => {
    const result = await register(await newToken(), { backchannel_token_delivery_mode: 'x', scope: 'openid' });
    expectOAuthError(result, 400, 'invalid_client_metadata');
    expect(
      String(result.json.error_description)
        .split('; ')
        .map((part) => part.split(':')[0]),
    ).toEqual(expect.arrayContaining(['backchannel_token_delivery_mode', 'scope']));
  });

  it.each([
    ['not JSON', '{"client_name":', 'application/json'],
    ['a JSON array', '[]', 'application/json'],
    ['JSON null', 'null', 'application/json'],
    ['a form', 'client_name=x', 'application/x-www-form-urlencoded'],
  ])('refuses a body that is %s: 400 invalid_client_metadata', async (_label, rawBody, contentType) => {
    const result = await call(jsonRequest('POST', REGISTER, { token: await newToken(), rawBody, contentType }));
    expectOAuthError(result, 400, 'invalid_client_metadata');
  });

  it('answers 405 to GET at the registration endpoint', async () => {
    expectOAuthError(await call(jsonRequest('GET', REGISTER, { token: await newToken() })), 405, 'invalid_request');
  });
});

describe('register/<client_id>: the client configuration endpoint (RFC 7592)', () => {
  const registered = async (tenant = 'acme', body: Record<string, unknown> = POLL_KEY_CLIENT()) => {
    const result = await register(await newToken({}, tenant), body, { path: `/t/${tenant}/register` });
    expect(result.status).toBe(201);

    return {
      clientId: result.json.client_id as string,
      token: result.json.registration_access_token as string,
      path: `/t/${tenant}/register/${result.json.client_id as string}`,
      json: result.json,
    };
  };

  it('reads the current metadata with the registration access token (200, never a secret)', async () => {
    const client = await registered('acme', { client_name: 'Readable', token_endpoint_auth_method: 'client_secret_basic' });
    const result = await call(jsonRequest('GET', client.path, { token: client.token }));
    expect(result.status).toBe(200);
    expect(result.headers['Cache-Control']).toBe('no-store');
    expect(result.json).toMatchObject({
      client_id: client.clientId,
      client_name: 'Readable',
      registration_client_uri: `${ISSUER}/register/${client.clientId}`,
    });
    expect(result.json).not.toHaveProperty('client_secret');
    expect(result.json).not.toHaveProperty('registration_access_token');
  });

  it('refuses a missing, wrong or other client’s token, another tenant’s client, and an admin-made client: 401 invalid_token', async () => {
    const mine = await registered();
    const other = await registered();
    const foreign = await registered('globex');
    const adminMade = await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Admin made' } });
    const cases: [string, string | undefined][] = [
      [mine.path, undefined],
      [mine.path, 'not-the-token'],
      [mine.path, other.token],
      [`/t/acme/register/${foreign.clientId}`, foreign.token],
      [`/t/acme/register/${adminMade.client_id}`, mine.token],
    ];
    for (const [path, token] of cases) {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const response = await handleProtocolRequest(
          jsonRequest(method, path, { token, body: method === 'PUT' ? { client_id: mine.clientId } : undefined }),
        );
        expect({ path, method, status: response.status, error: JSON.parse(response.body).error }).toEqual({
          path,
          method,
          status: 401,
          error: 'invalid_token',
        });
      }
    }
    expect(await db.client.count({ where: { clientId: { in: [mine.clientId, other.clientId, foreign.clientId] } } })).toBe(3);
  });

  it('replaces the metadata with PUT through updateClient: omitted fields reset to their defaults (RFC 7592 §2.2)', async () => {
    const client = await registered('acme', {
      ...POLL_KEY_CLIENT(),
      binding_message_policy: 'required',
      backchannel_poll_interval: 30,
    });
    const epochBefore = (await db.settingsEpoch.findUniqueOrThrow({ where: { id: 1 } })).epoch;
    const { registration_access_token: _token, ...current } = client.json;
    const result = await call(
      jsonRequest('PUT', client.path, {
        token: client.token,
        body: { ...current, client_name: 'Renamed', binding_message_policy: undefined, backchannel_poll_interval: undefined },
      }),
    );
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({
      client_id: client.clientId,
      client_name: 'Renamed',
      binding_message_policy: 'optional',
      backchannel_poll_interval: 5,
      token_endpoint_auth_method: 'private_key_jwt',
    });
    expect((await db.settingsEpoch.findUniqueOrThrow({ where: { id: 1 } })).epoch).toBeGreaterThan(epochBefore);
    const reread = await call(jsonRequest('GET', client.path, { token: client.token }));
    expect(reread.json.client_name).toBe('Renamed');
  });

  it('refuses a PUT without its client_id, with another one, or with a wrong client_secret (400 invalid_client_metadata)', async () => {
    const client = await registered('acme', { client_name: 'Secretive', token_endpoint_auth_method: 'client_secret_basic' });
    const put = (body: Record<string, unknown>) => call(jsonRequest('PUT', client.path, { token: client.token, body }));
    for (const [body, field] of [
      [{ client_name: 'X' }, 'client_id:'],
      [{ client_id: 'someone-else' }, 'client_id:'],
      [{ client_id: client.clientId, client_secret: 'guess' }, 'client_secret:'],
      [{ client_id: client.clientId, token_endpoint_auth_method: 'private_key_jwt' }, 'jwks:'],
    ] as const) {
      const result = await put(body);
      expectOAuthError(result, 400, 'invalid_client_metadata');
      expect(result.json.error_description).toContain(field);
    }
    const ok = await put({ client_id: client.clientId, client_secret: client.json.client_secret, client_name: 'Still secret' });
    expect(ok.status).toBe(200);
    expect(ok.json).not.toHaveProperty('client_secret');
  });

  it('deletes the client with DELETE (204) through deleteClient; its token no longer works', async () => {
    const client = await registered();
    const response = await handleProtocolRequest(jsonRequest('DELETE', client.path, { token: client.token }));
    expect(response.status).toBe(204);
    expect(response.body).toBe('');
    expect(await db.client.findUnique({ where: { clientId: client.clientId } })).toBeNull();
    expectOAuthError(await call(jsonRequest('GET', client.path, { token: client.token })), 401, 'invalid_token');
    const audit = await listAuditEvents(db, CLI_PRINCIPAL, { tenantSlug: 'acme', q: client.clientId });
    expect(audit.data[0]).toMatchObject({ type: 'client_deleted', actor: `registration_client:${client.clientId}` });
  });

  it('is 404 while the tenant’s switch is off', async () => {
    const client = await registered('globex');
    await updateTenant(db, CLI_PRINCIPAL, { slug: 'globex', settings: { dynamic_registration: false } });
    try {
      expectOAuthError(await call(jsonRequest('GET', client.path, { token: client.token })), 404, 'invalid_request');
    } finally {
      await updateTenant(db, CLI_PRINCIPAL, { slug: 'globex', settings: { dynamic_registration: true } });
    }
  });

  it('answers 405 with Allow to POST', async () => {
    const client = await registered();
    const result = await call(jsonRequest('POST', client.path, { token: client.token, body: {} }));
    expectOAuthError(result, 405, 'invalid_request');
    expect(result.headers.Allow).toBe('GET, PUT, DELETE');
  });
});
