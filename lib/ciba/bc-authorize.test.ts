import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { deliverOutbox, testStore } from '@/lib/testing/outbox';
import { log } from '@/lib/log';
import type { Db } from '@/lib/db/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { OAuthError } from '@/lib/oauth/errors';
import { mintTokens } from '@/lib/oauth/tokens';
import { call, credentialsOf, expectOAuthError, formRequest, type ClientCredentials } from '@/lib/testing/protocol-client';
import { turnOffAbuseLimits } from '@/lib/testing/abuse-limits';
import { useTestDatabase } from '@/lib/testing/test-database';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';

const BC = '/t/acme/bc-authorize';
let db: Db;
let cleanup: () => Promise<void>;
let basicClient: ClientCredentials;
let postClient: ClientCredentials;
let noCibaClient: ClientCredentials;
let requiredBindingClient: ClientCredentials;
let otherTenantClient: ClientCredentials;
let alice: { id: string; sub: string; email: string };
let bob: { sub: string; email: string };

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme Corp' });
  await turnOffAbuseLimits(db, 'acme');
  await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
  await turnOffAbuseLimits(db, 'globex');
  basicClient = credentialsOf(
    await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Support desk' } }),
  );
  postClient = credentialsOf(
    await createClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      metadata: { client_name: 'Kiosk', token_endpoint_auth_method: 'client_secret_post' },
    }),
  );
  noCibaClient = credentialsOf(
    await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'No CIBA', grant_types: [] } }),
  );
  requiredBindingClient = credentialsOf(
    await createClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      metadata: { client_name: 'Strict', binding_message_policy: 'required' },
    }),
  );
  otherTenantClient = credentialsOf(
    await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'globex', metadata: { client_name: 'Globex desk' } }),
  );
  alice = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'Alice@Example.com', name: 'Alice Doe' });
  bob = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'globex', email: 'bob@example.com' });
});

afterAll(async () => {
  await deliverOutbox();
  await cleanup();
});

const authorize = (params: Record<string, string>, auth: Parameters<typeof formRequest>[2] = { auth: basicClient }) =>
  call(formRequest(BC, params, auth));

describe('bc-authorize success (CIBA §7.3)', () => {
  it('answers 200 with auth_req_id, expires_in and interval, and stores only the hash', async () => {
    const result = await authorize({ scope: 'openid email', login_hint: 'alice@example.com', binding_message: 'W4SCT' });
    expect(result.status).toBe(200);
    expect(result.headers['Content-Type']).toMatch(/^application\/json/);
    expect(result.headers['Cache-Control']).toBe('no-store');
    expect(result.json).toEqual({ auth_req_id: expect.any(String), expires_in: 300, interval: 5 });
    const authReqId = result.json.auth_req_id as string;
    expect(authReqId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await db.backchannelRequest.findUnique({ where: { authReqIdHash: sha256Base64Url(authReqId) } });
    expect(stored).toMatchObject({ status: 'pending', userId: alice.id, scope: 'openid email', bindingMessage: 'W4SCT' });
    expect(JSON.stringify(stored)).not.toContain(authReqId);
    expect(await db.approvalLink.count({ where: { requestId: stored!.id } })).toBe(1);
    // Written in the same unit as the request: present before any worker ran, the link token sealed.
    const outbox = await db.outboxMessage.findMany({ where: { requestId: stored!.id } });
    expect(outbox).toEqual([
      expect.objectContaining({
        type: 'approval_email',
        status: 'pending',
        attempts: 0,
        encryptedSecret: expect.stringMatching(/^v1\./),
      }),
    ]);
    expect(JSON.stringify(outbox)).not.toContain(authReqId);
    expect((await testStore().listRequestEvents(stored!.id)).map((event) => event.type)).toEqual(['ciba_start_succeeded']);
  });

  it('accepts client_secret_post for a client registered for it', async () => {
    const result = await authorize({ scope: 'openid', login_hint: alice.sub }, { auth: { ...postClient, method: 'post' } });
    expect(result.status).toBe(200);
  });

  it('accepts login_hint as a sub, an email in any case, and Auth0 iss_sub JSON', async () => {
    for (const login_hint of [
      alice.sub,
      'ALICE@example.COM',
      JSON.stringify({ format: 'iss_sub', iss: 'http://localhost:3999/t/acme', sub: alice.sub }),
    ]) {
      expect((await authorize({ scope: 'openid', login_hint })).status).toBe(200);
    }
  });

  it('accepts an id_token_hint this tenant issued to this client (expiry and grace: hint-tokens.test.ts)', async () => {
    const tenant = await db.tenant.findUniqueOrThrow({ where: { slug: 'acme' } });
    const now = new Date();
    const { idToken } = await mintTokens(db, {
      tenantId: tenant.id,
      issuer: 'http://localhost:3999/t/acme',
      clientId: basicClient.clientId,
      sub: alice.sub,
      scope: 'openid',
      authTime: now,
      acr: null,
      idTokenAlg: 'ES256',
      accessTokenLifetime: 60,
      idTokenLifetime: 60,
      now,
    });
    expect((await authorize({ scope: 'openid', id_token_hint: idToken })).status).toBe(200);
    // …but not one issued to another client.
    expectOAuthError(
      await authorize({ scope: 'openid', id_token_hint: idToken }, { auth: { ...postClient, method: 'post' } }),
      400,
      'invalid_request',
    );
  });

  it('clamps requested_expiry to the client bounds and accepts it as a numeric string', async () => {
    expect((await authorize({ scope: 'openid', login_hint: alice.sub, requested_expiry: '120' })).json.expires_in).toBe(120);
    expect((await authorize({ scope: 'openid', login_hint: alice.sub, requested_expiry: '999999999' })).json.expires_in).toBe(
      259200,
    );
    expect((await authorize({ scope: 'openid', login_hint: alice.sub, requested_expiry: '0120' })).json.expires_in).toBe(120);
  });

  it('stores the first supported acr_values entry as the request acr', async () => {
    const result = await authorize({
      scope: 'openid',
      login_hint: alice.sub,
      acr_values: 'urn:unknown urn:backchannel:acr:email-link',
    });
    const stored = await db.backchannelRequest.findUniqueOrThrow({
      where: { authReqIdHash: sha256Base64Url(result.json.auth_req_id as string) },
    });
    expect(stored.acr).toBe('urn:backchannel:acr:email-link');
  });

  it('accepts scopes in any order and ignores parameters it does not know', async () => {
    expect((await authorize({ scope: 'email profile openid', login_hint: alice.sub, foo: 'bar' })).status).toBe(200);
  });
});

describe('bc-authorize client authentication (CIBA §7.1, §13)', () => {
  it('401 invalid_client without credentials, no Basic challenge', async () => {
    const result = await authorize({ scope: 'openid', login_hint: alice.sub }, {});
    expectOAuthError(result, 401, 'invalid_client');
    expect(result.headers['WWW-Authenticate']).toBeUndefined();
  });

  it('401 invalid_client with WWW-Authenticate for a wrong Basic secret', async () => {
    const result = await authorize(
      { scope: 'openid', login_hint: alice.sub },
      { auth: { ...basicClient, clientSecret: 'wrong' } },
    );
    expectOAuthError(result, 401, 'invalid_client');
    expect(result.headers['WWW-Authenticate']).toMatch(/^Basic /);
  });

  it('401 invalid_client for an unknown client', async () => {
    expectOAuthError(
      await authorize({ scope: 'openid', login_hint: alice.sub }, { auth: { clientId: 'nobody', clientSecret: 'x' } }),
      401,
      'invalid_client',
    );
  });

  it('401 invalid_client when the method is not the registered one', async () => {
    expectOAuthError(
      await authorize({ scope: 'openid', login_hint: alice.sub }, { auth: { ...basicClient, method: 'post' } }),
      401,
      'invalid_client',
    );
    expectOAuthError(await authorize({ scope: 'openid', login_hint: alice.sub }, { auth: postClient }), 401, 'invalid_client');
  });

  it('401 invalid_client for client_id without a secret, and for a malformed Basic header', async () => {
    expectOAuthError(
      await authorize({ scope: 'openid', login_hint: alice.sub, client_id: basicClient.clientId }, {}),
      401,
      'invalid_client',
    );
    const result = await authorize(
      { scope: 'openid', login_hint: alice.sub },
      { headers: { authorization: 'Basic !!!notbase64' } },
    );
    expectOAuthError(result, 401, 'invalid_client');
  });

  it('400 invalid_request when two authentication methods are used at once', async () => {
    expectOAuthError(
      await authorize({ scope: 'openid', login_hint: alice.sub, client_secret: basicClient.clientSecret }),
      400,
      'invalid_request',
    );
  });

  it('401 invalid_client for a client of another tenant (tenant isolation)', async () => {
    expectOAuthError(
      await authorize({ scope: 'openid', login_hint: alice.sub }, { auth: otherTenantClient }),
      401,
      'invalid_client',
    );
  });

  it('400 unauthorized_client for a client without the CIBA grant', async () => {
    expectOAuthError(
      await authorize({ scope: 'openid', login_hint: alice.sub }, { auth: noCibaClient }),
      400,
      'unauthorized_client',
    );
  });
});

describe('bc-authorize parameter validation (CIBA §7.1, §7.2, §13)', () => {
  it.each([
    ['scope missing', { login_hint: 'x' }, 400, 'invalid_request'],
    ['scope without openid', { scope: 'email', login_hint: 'x' }, 400, 'invalid_scope'],
    ['unknown scope', { scope: 'openid payments', login_hint: 'x' }, 400, 'invalid_scope'],
    ['malformed scope', { scope: 'openid "x"', login_hint: 'x' }, 400, 'invalid_scope'],
    ['no hint', { scope: 'openid' }, 400, 'invalid_request'],
    ['two hints', { scope: 'openid', login_hint: 'a@example.com', id_token_hint: 'x.y.z' }, 400, 'invalid_request'],
    ['three hints', { scope: 'openid', login_hint: 'a', id_token_hint: 'b', login_hint_token: 'c' }, 400, 'invalid_request'],
    ['login_hint_token not a JWT', { scope: 'openid', login_hint_token: 'abc' }, 400, 'invalid_request'],
    ['garbage id_token_hint', { scope: 'openid', id_token_hint: 'not-a-jwt' }, 400, 'invalid_request'],
    ['malformed JSON login_hint', { scope: 'openid', login_hint: '{"format":' }, 400, 'invalid_request'],
    [
      'JSON login_hint of another format',
      { scope: 'openid', login_hint: '{"format":"email","email":"a@b.c"}' },
      400,
      'invalid_request',
    ],
    ['requested_expiry 0', { scope: 'openid', login_hint: 'x', requested_expiry: '0' }, 400, 'invalid_request'],
    ['requested_expiry negative', { scope: 'openid', login_hint: 'x', requested_expiry: '-5' }, 400, 'invalid_request'],
    ['requested_expiry decimal', { scope: 'openid', login_hint: 'x', requested_expiry: '1.5' }, 400, 'invalid_request'],
    ['requested_expiry text', { scope: 'openid', login_hint: 'x', requested_expiry: 'soon' }, 400, 'invalid_request'],
    [
      'binding_message too long',
      { scope: 'openid', login_hint: 'x', binding_message: 'A'.repeat(65) },
      400,
      'invalid_binding_message',
    ],
    [
      'binding_message with forbidden characters',
      { scope: 'openid', login_hint: 'x', binding_message: '<script>' },
      400,
      'invalid_binding_message',
    ],
    [
      'binding_message with a newline',
      { scope: 'openid', login_hint: 'x', binding_message: 'a\nb' },
      400,
      'invalid_binding_message',
    ],
    ['signed request (unsupported)', { scope: 'openid', login_hint: 'x', request: 'e.y.j' }, 400, 'invalid_request'],
    [
      'authorization_details empty (RFC 9396)',
      { scope: 'openid', login_hint: 'x', authorization_details: '[]' },
      400,
      'invalid_authorization_details',
    ],
  ] as const)('%s → %i %s', async (_name, params, status, error) => {
    expectOAuthError(await authorize({ ...params }), status, error);
  });

  it('400 unknown_user_id for a hint naming nobody', async () => {
    expectOAuthError(await authorize({ scope: 'openid', login_hint: 'nobody@example.com' }), 400, 'unknown_user_id');
    expectOAuthError(await authorize({ scope: 'openid', login_hint: 'no-such-sub' }), 400, 'unknown_user_id');
  });

  it('400 unknown_user_id for a user of another tenant, by email, sub or iss_sub (tenant isolation)', async () => {
    expectOAuthError(await authorize({ scope: 'openid', login_hint: bob.email }), 400, 'unknown_user_id');
    expectOAuthError(await authorize({ scope: 'openid', login_hint: bob.sub }), 400, 'unknown_user_id');
    const issSub = JSON.stringify({ format: 'iss_sub', iss: 'http://localhost:3999/t/globex', sub: bob.sub });
    expectOAuthError(await authorize({ scope: 'openid', login_hint: issSub }), 400, 'unknown_user_id');
  });

  it('400 invalid_request when a required binding_message is missing', async () => {
    expectOAuthError(
      await authorize({ scope: 'openid', login_hint: alice.sub }, { auth: requiredBindingClient }),
      400,
      'invalid_request',
    );
    const ok = await authorize(
      { scope: 'openid', login_hint: alice.sub, binding_message: 'Order 1234' },
      { auth: requiredBindingClient },
    );
    expect(ok.status).toBe(200);
  });

  it('400 invalid_request for a repeated parameter', async () => {
    expectOAuthError(
      await call(formRequest(BC, 'scope=openid&login_hint=a&scope=openid', { auth: basicClient })),
      400,
      'invalid_request',
    );
  });

  it('400 invalid_request for a body that is not a form', async () => {
    const request = formRequest(
      BC,
      { scope: 'openid', login_hint: alice.sub },
      { auth: basicClient, headers: { 'content-type': 'application/json' } },
    );
    expectOAuthError(await call(request), 400, 'invalid_request');
  });

  it('400 invalid_request for a body that is not UTF-8 or is too large', async () => {
    const bad = formRequest(BC, {}, { auth: basicClient });
    expectOAuthError(await call({ ...bad, body: Buffer.from([0x73, 0x3d, 0xff, 0xfe]) }), 400, 'invalid_request');
    expectOAuthError(await call({ ...bad, body: Buffer.alloc(70_000, 0x61) }), 400, 'invalid_request');
  });

  it('400 invalid_request for a NUL character in any parameter', async () => {
    expectOAuthError(await authorize({ scope: 'openid', login_hint: 'a\u0000b' }), 400, 'invalid_request');
  });

  it('405 invalid_request with Allow for another method', async () => {
    const result = await call(formRequest(BC, {}, { method: 'GET' }));
    expectOAuthError(result, 405, 'invalid_request');
    expect(result.headers.Allow).toBe('POST');
  });

  it('404 for an unknown tenant, and nothing is written for any error', async () => {
    const before = await db.backchannelRequest.count();
    expectOAuthError(
      await call(formRequest('/t/nope/bc-authorize', { scope: 'openid', login_hint: alice.sub }, { auth: basicClient })),
      404,
      'invalid_request',
    );
    expectOAuthError(await authorize({ scope: 'openid', login_hint: 'nobody@example.com' }), 400, 'unknown_user_id');
    expect(await db.backchannelRequest.count()).toBe(before);
  });

  it('never answers 500 to hostile input', async () => {
    const hostile = [
      'scope=%ZZ&login_hint=%',
      `scope=openid&login_hint=${encodeURIComponent('{"format":"iss_sub","iss":1,"sub":[]}')}`,
      `scope=openid&login_hint=${'x'.repeat(10_000)}`,
      `scope=openid&login_hint=${encodeURIComponent('\u0000')}`,
      'scope=openid&login_hint=null',
      `scope=openid&login_hint=${encodeURIComponent('[]')}`,
      `scope=openid&id_token_hint=${encodeURIComponent('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.')}`,
      'scope=openid&login_hint=a&requested_expiry=1e3',
    ];
    for (const body of hostile) {
      const result = await call(formRequest(BC, body, { auth: basicClient }));
      expect(result.status, body).toBeLessThan(500);
      expect(result.json.error ?? result.json.auth_req_id, body).toBeDefined();
    }
  });
});

describe('bc-authorize refusals as ciba_start_failed events', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  /** Runs `act`, then returns the events it wrote (every type), oldest first. */
  const eventsWrittenBy = async (act: () => Promise<void>) => {
    const [last] = await db.event.findMany({ orderBy: { id: 'desc' }, take: 1, select: { id: true } });
    await act();

    return db.event.findMany({ where: last ? { id: { gt: last.id } } : {}, orderBy: { id: 'asc' } });
  };
  const clientRowId = async (credentials: ClientCredentials) =>
    (await db.client.findUniqueOrThrow({ where: { clientId: credentials.clientId } })).id;

  it.each([
    [
      'an unknown user',
      { scope: 'openid', login_hint: 'nobody@example.com' },
      'unknown_user_id',
      'The hint does not identify a known user.',
    ],
    [
      'a bad binding_message',
      { scope: 'openid', login_hint: 'alice@example.com', binding_message: '<script>' },
      'invalid_binding_message',
      expect.any(String),
    ],
    [
      'a bad requested_expiry',
      { scope: 'openid', login_hint: 'alice@example.com', requested_expiry: 'soon' },
      'invalid_request',
      'requested_expiry must be a positive integer number of seconds.',
    ],
    [
      'an unknown scope',
      { scope: 'openid payments', login_hint: 'alice@example.com' },
      'invalid_scope',
      'The scope "payments" is not supported.',
    ],
  ] as const)('records %s with the answer’s code, the answer unchanged', async (_name, params, error, description) => {
    let result: Awaited<ReturnType<typeof authorize>> | undefined;
    const events = await eventsWrittenBy(async () => {
      result = await authorize({ ...params });
    });
    expectOAuthError(result!, 400, error);
    const tenant = await db.tenant.findUniqueOrThrow({ where: { slug: 'acme' } });
    expect(events).toEqual([
      expect.objectContaining({
        type: 'ciba_start_failed',
        tenantId: tenant.id,
        clientId: await clientRowId(basicClient),
        requestId: null,
        userId: null,
        actor: null,
      }),
    ]);
    const detail = JSON.parse(events[0].detail!) as Record<string, unknown>;
    expect(detail).toEqual({ error, error_description: description, reason: null });
    expect(detail.error_description).toBe(result!.json.error_description);
    // Never the hint the client sent.
    expect(JSON.stringify(events)).not.toContain(params.login_hint);
  });

  it('records unauthorized_client for an authenticated client without the CIBA grant', async () => {
    const events = await eventsWrittenBy(async () => {
      expectOAuthError(
        await authorize({ scope: 'openid', login_hint: alice.sub }, { auth: noCibaClient }),
        400,
        'unauthorized_client',
      );
    });
    expect(events).toEqual([
      expect.objectContaining({ type: 'ciba_start_failed', clientId: await clientRowId(noCibaClient), userId: null }),
    ]);
    expect(JSON.parse(events[0].detail!)).toMatchObject({ error: 'unauthorized_client' });
  });

  it('names the user when the refusal comes after the hint resolved, with the private reason', async () => {
    // Stands in for a refusal after the user is known (e.g. a per-user limit): the store refuses the insert.
    vi.spyOn(testStore(), 'createRequest').mockRejectedValueOnce(
      new OAuthError('access_denied', 429, 'Too many requests for this user.', { detail: 'user limit reached' }),
    );
    let result: Awaited<ReturnType<typeof authorize>> | undefined;
    const events = await eventsWrittenBy(async () => {
      result = await authorize({ scope: 'openid', login_hint: 'alice@example.com' });
    });
    expectOAuthError(result!, 429, 'access_denied');
    expect(events).toEqual([expect.objectContaining({ type: 'ciba_start_failed', userId: alice.id, requestId: null })]);
    expect(JSON.parse(events[0].detail!)).toEqual({
      error: 'access_denied',
      error_description: 'Too many requests for this user.',
      reason: 'user limit reached',
    });
  });

  it('writes nothing when client authentication fails or the client is not yet known', async () => {
    const events = await eventsWrittenBy(async () => {
      const params = { scope: 'openid', login_hint: 'nobody@example.com' };
      expectOAuthError(await authorize(params, { auth: { ...basicClient, clientSecret: 'wrong' } }), 401, 'invalid_client');
      expectOAuthError(
        await authorize(params, { auth: { clientId: 'no-such-client', clientSecret: 'x' } }),
        401,
        'invalid_client',
      );
      expectOAuthError(await authorize(params, {}), 401, 'invalid_client');
      // A client of another tenant does not authenticate here.
      expectOAuthError(await authorize(params, { auth: otherTenantClient }), 401, 'invalid_client');
      // Refused while parsing, before the client is authenticated.
      expectOAuthError(
        await call(formRequest(BC, 'scope=openid&login_hint=a&scope=openid', { auth: basicClient })),
        400,
        'invalid_request',
      );
    });
    expect(events).toEqual([]);
  });

  it('answers the same refusal when the event cannot be written', async () => {
    const recordEvent = vi.spyOn(testStore(), 'recordEvent').mockRejectedValueOnce(new Error('disk full'));
    const logged = vi.spyOn(log, 'error');
    const events = await eventsWrittenBy(async () => {
      expectOAuthError(await authorize({ scope: 'openid', login_hint: 'nobody@example.com' }), 400, 'unknown_user_id');
    });
    expect(recordEvent).toHaveBeenCalledOnce();
    expect(logged).toHaveBeenCalledWith(
      expect.objectContaining({ err: expect.objectContaining({ message: 'disk full' }), error: 'unknown_user_id' }),
      'could not record a ciba_start_failed event',
    );
    expect(events).toEqual([]);
  });

  it('writes no ciba_start_failed on success', async () => {
    const events = await eventsWrittenBy(async () => {
      expect((await authorize({ scope: 'openid', login_hint: alice.sub })).status).toBe(200);
    });
    expect(events.map((event) => event.type)).toEqual(['ciba_start_succeeded']);
  });
});
