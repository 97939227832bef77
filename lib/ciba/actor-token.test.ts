// actor_token at bc-authorize (RFC 8693 §2.1; lib/ciba/verify-actor-token.ts): the agent acting for the
// user, from an issuer the tenant trusts; stored with the request, named on the approval page and in
// the email, recorded on the events, counted against the per-agent limit, and carried as `act`
// (RFC 8693 §4.1) by the ID token, the access token, introspection and refreshed tokens.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addTrustedIssuer } from '@/lib/admin/add-trusted-issuer';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { updateTenant } from '@/lib/admin/update-tenant';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { buildApprovalEmail } from '@/lib/ciba/approval-email';
import { agentOf, describeAgent } from '@/lib/ciba/approval-page-data';
import { completeBackchannelRequest } from '@/lib/ciba/complete-backchannel-request';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import { getIssuerKeyCache, JWT_TOKEN_TYPE } from '@/lib/ciba/verify-actor-token';
import type { Db } from '@/lib/db/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { turnOffAbuseLimits } from '@/lib/testing/abuse-limits';
import { deliverOutbox, TEST_ACTOR, testStore } from '@/lib/testing/outbox';
import { call, credentialsOf, expectOAuthError, formRequest, type ClientCredentials } from '@/lib/testing/protocol-client';
import { useTestDatabase } from '@/lib/testing/test-database';
import { issuerFor } from '@/lib/tenants/issuer';

const AGENTS = 'https://agents.example';
const ROTATING = 'https://rotating-agents.example';
const FULL_SCOPE = 'openid profile email offline_access';

type KeyPair = { privateKey: CryptoKey; publicJwk: JWK };

const keyPair = async (kid: string, alg = 'ES256'): Promise<KeyPair> => {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });

  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
};

let db: Db;
let cleanup: () => Promise<void>;
let desk: ClientCredentials;
let globexDesk: ClientCredentials;
let limitsDesk: ClientCredentials;
let alice: { id: string; sub: string; email: string };
let agentKey: KeyPair;
let strangerKey: KeyPair;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  for (const slug of ['acme', 'globex']) {
    await createTenant(db, CLI_PRINCIPAL, { slug, name: slug === 'acme' ? 'Acme Corp' : 'Globex' });
    await turnOffAbuseLimits(db, slug);
  }
  await createTenant(db, CLI_PRINCIPAL, { slug: 'limits', name: 'Limits' });
  await updateTenant(db, CLI_PRINCIPAL, {
    slug: 'limits',
    settings: { rate_limit_per_user: 0, rate_limit_per_tenant: 0, max_pending_requests: 0, rate_limit_per_agent: 2 },
  });
  const client = async (tenantSlug: string) =>
    credentialsOf(
      await createClient(db, CLI_PRINCIPAL, {
        tenantSlug,
        metadata: { client_name: 'Support desk', grant_types: [CIBA_GRANT_TYPE, 'refresh_token'] },
      }),
    );
  desk = await client('acme');
  globexDesk = await client('globex');
  limitsDesk = await client('limits');
  alice = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com', name: 'Alice' });
  await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'globex', email: 'alice@example.com' });
  for (const email of ['ann@example.com', 'ben@example.com']) {
    await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'limits', email });
  }
  agentKey = await keyPair('agent-1');
  strangerKey = await keyPair('agent-1');
  await addTrustedIssuer(db, CLI_PRINCIPAL, {
    tenantSlug: 'acme',
    input: { issuer: AGENTS, jwks: { keys: [agentKey.publicJwk] } },
  });
  await addTrustedIssuer(db, CLI_PRINCIPAL, {
    tenantSlug: 'limits',
    input: { issuer: AGENTS, jwks: { keys: [agentKey.publicJwk] } },
  });
});

afterAll(async () => {
  await deliverOutbox();
  await cleanup();
});

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** An actor_token: the agent `copilot-7` of AGENTS for the acme issuer, unless told otherwise. */
const actorToken = (
  claims: JWTPayload = {},
  options: { key?: KeyPair; alg?: string; kid?: string; omit?: string[] } = {},
): Promise<string> => {
  const key = options.key ?? agentKey;
  const payload: JWTPayload = {
    iss: AGENTS,
    sub: 'copilot-7',
    aud: issuerFor('acme'),
    exp: nowSeconds() + 300,
    iat: nowSeconds(),
    name: 'Support Copilot',
    act_for: "Acme's support desk",
    ...claims,
  };
  for (const claim of options.omit ?? []) delete payload[claim];

  return new SignJWT(payload)
    .setProtectedHeader({ alg: options.alg ?? 'ES256', kid: options.kid ?? key.publicJwk.kid })
    .sign(key.privateKey);
};

/** A JWT with `alg: none` or HS256, which must be refused whatever it says. */
const unsignedToken = (): string => {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

  return `${part({ alg: 'none' })}.${part({ iss: AGENTS, sub: 'copilot-7', aud: issuerFor('acme'), exp: nowSeconds() + 300 })}.`;
};

const hs256Token = () =>
  new SignJWT({ iss: AGENTS, sub: 'copilot-7', aud: issuerFor('acme'), exp: nowSeconds() + 300 })
    .setProtectedHeader({ alg: 'HS256' })
    .sign(new TextEncoder().encode('a shared secret that is long enough for HS256'));

const authorize = (params: Record<string, string>, options: { tenant?: string; by?: ClientCredentials; at?: Date } = {}) =>
  call(
    formRequest(
      `/t/${options.tenant ?? 'acme'}/bc-authorize`,
      { scope: FULL_SCOPE, login_hint: 'alice@example.com', ...params },
      { auth: options.by ?? desk, receivedAt: options.at },
    ),
  );

const storedRequest = (authReqId: string) =>
  db.backchannelRequest.findUniqueOrThrow({ where: { authReqIdHash: sha256Base64Url(authReqId) } });

describe('a valid actor_token', () => {
  it('is accepted, and the request stores the agent, the page and the email name it, the event records it', async () => {
    const result = await authorize({ actor_token: await actorToken(), actor_token_type: JWT_TOKEN_TYPE });
    expect(result.status).toBe(200);
    const request = await storedRequest(result.json.auth_req_id as string);
    expect(request).toMatchObject({
      userId: alice.id,
      actorIssuer: AGENTS,
      actorSub: 'copilot-7',
      actorName: 'Support Copilot',
      actorFor: "Acme's support desk",
    });

    const link = await db.approvalLink.findFirstOrThrow({ where: { requestId: request.id } });
    const approval = await testStore().findApprovalByTokenHash(link.tokenHash);
    const agent = agentOf(approval!);
    expect(agent).toEqual({ name: 'Support Copilot', actingFor: "Acme's support desk" });
    expect(describeAgent(agent!)).toBe("Support Copilot, acting for Acme's support desk");
    const email = buildApprovalEmail({
      tenant: { name: 'Acme Corp' },
      client: { name: 'Support desk' },
      user: { email: alice.email, name: null },
      request: { bindingMessage: null, scope: 'openid', expiresAt: request.expiresAt },
      agent,
      url: 'https://example.test/approve',
    });
    expect(email.text).toContain("The request comes from an agent: Support Copilot, acting for Acme's support desk.");
    expect(email.html).toContain('Support Copilot, acting for Acme&#39;s support desk');

    const event = await db.event.findFirstOrThrow({ where: { requestId: request.id, type: 'ciba_start_succeeded' } });
    expect(JSON.parse(event.detail!)).toMatchObject({
      agent: { iss: AGENTS, sub: 'copilot-7', name: 'Support Copilot' },
    });
    expect(event.userId).toBe(alice.id);
  });

  it('may leave out actor_token_type, name and act_for: the agent is then named by its sub', async () => {
    const token = await actorToken({}, { omit: ['name', 'act_for'] });
    const result = await authorize({ actor_token: token });
    expect(result.status).toBe(200);
    const request = await storedRequest(result.json.auth_req_id as string);
    expect(agentOf(request)).toEqual({ name: 'copilot-7', actingFor: null });
  });

  it('is optional: without one the request has no agent and the email is unchanged', async () => {
    const result = await authorize({});
    expect(result.status).toBe(200);
    const request = await storedRequest(result.json.auth_req_id as string);
    expect(request).toMatchObject({ actorIssuer: null, actorSub: null, actorName: null, actorFor: null });
    expect(agentOf(request)).toBeNull();
    const email = buildApprovalEmail({
      tenant: { name: 'Acme Corp' },
      client: { name: 'Support desk' },
      user: { email: alice.email, name: null },
      request: { bindingMessage: null, scope: 'openid', expiresAt: request.expiresAt },
      url: 'https://example.test/approve',
    });
    expect(email.text).not.toContain('agent');
    const event = await db.event.findFirstOrThrow({ where: { requestId: request.id, type: 'ciba_start_succeeded' } });
    expect(JSON.parse(event.detail!)).not.toHaveProperty('agent');
  });
});

describe('refused actor_tokens: 400 invalid_request, nothing stored', () => {
  const cases: [string, () => Promise<Record<string, string>>, RegExp][] = [
    ['expired', async () => ({ actor_token: await actorToken({ exp: nowSeconds() - 120 }) }), /expired/],
    [
      'from an untrusted issuer',
      async () => ({ actor_token: await actorToken({ iss: 'https://evil.example' }) }),
      /issuer https:\/\/evil\.example is not trusted/,
    ],
    ['with a bad signature', async () => ({ actor_token: await actorToken({}, { key: strangerKey }) }), /signature is invalid/],
    [
      'for another audience',
      async () => ({ actor_token: await actorToken({ aud: 'https://elsewhere.example' }) }),
      /aud must include this issuer/,
    ],
    ['without exp', async () => ({ actor_token: await actorToken({}, { omit: ['exp'] }) }), /must have the exp claim/],
    ['without sub', async () => ({ actor_token: await actorToken({}, { omit: ['sub'] }) }), /must have the sub claim/],
    ['with alg none', async () => ({ actor_token: unsignedToken() }), /asymmetric algorithm.*none is not accepted/],
    ['with HS256', async () => ({ actor_token: await hs256Token() }), /asymmetric algorithm.*HS256 is not accepted/],
    ['malformed', async () => ({ actor_token: 'not-a-jwt' }), /not a well-formed signed JWT/],
    [
      'with another actor_token_type',
      async () => ({
        actor_token: await actorToken(),
        actor_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      }),
      /actor_token_type must be urn:ietf:params:oauth:token-type:jwt/,
    ],
    [
      'with actor_token_type but no actor_token',
      async () => ({ actor_token_type: JWT_TOKEN_TYPE }),
      /actor_token_type was sent without an actor_token/,
    ],
    [
      'with a name that is not a short printable string',
      async () => ({ actor_token: await actorToken({ name: 'x'.repeat(101) }) }),
      /name claim must be a string of 1 to 100 printable characters/,
    ],
  ];

  it.each(cases)('%s', async (_name, params, description) => {
    const before = await db.backchannelRequest.count();
    const result = await authorize(await params());
    expectOAuthError(result, 400, 'invalid_request');
    expect(result.json.error_description).toMatch(description);
    expect(await db.backchannelRequest.count()).toBe(before);
  });

  it('accepts an exp a little in the past (clock skew), not more', async () => {
    expect((await authorize({ actor_token: await actorToken({ exp: nowSeconds() - 10 }) })).status).toBe(200);
    expectOAuthError(await authorize({ actor_token: await actorToken({ exp: nowSeconds() - 60 }) }), 400, 'invalid_request');
  });

  it('records the refusal (ciba_start_failed) for the authenticated client', async () => {
    await authorize({ actor_token: await actorToken({ aud: 'https://elsewhere.example' }) });
    const event = await db.event.findFirstOrThrow({ where: { type: 'ciba_start_failed' }, orderBy: { id: 'desc' } });
    expect(JSON.parse(event.detail!)).toMatchObject({ error: 'invalid_request' });
  });

  it('is checked before the hint (CIBA §7.2): an untrusted token for an unknown user is invalid_request', async () => {
    const result = await authorize({
      login_hint: 'nobody@example.com',
      actor_token: await actorToken({ iss: 'https://evil.example' }),
    });
    expectOAuthError(result, 400, 'invalid_request');
  });
});

describe('tenant isolation', () => {
  it("an issuer trusted by acme is untrusted in globex, even with globex's audience", async () => {
    const token = await actorToken({ aud: issuerFor('globex') });
    const result = await authorize({ actor_token: token }, { tenant: 'globex', by: globexDesk });
    expectOAuthError(result, 400, 'invalid_request');
    expect(result.json.error_description).toMatch(/is not trusted by this tenant/);
  });
});

type Tokens = { access_token: string; id_token: string; refresh_token: string };

const TOKEN = '/t/acme/oauth/token';

/** bc-authorize (with or without an actor_token), approval, then the CIBA grant. */
const issue = async (params: Record<string, string>): Promise<Tokens> => {
  const started = await authorize(params);
  expect(started.status).toBe(200);
  const authReqId = started.json.auth_req_id as string;
  const { id: requestId } = await storedRequest(authReqId);
  await completeBackchannelRequest(testStore(), { actor: TEST_ACTOR, requestId, decision: 'approve' });
  const redeemed = await call(formRequest(TOKEN, { grant_type: CIBA_GRANT_TYPE, auth_req_id: authReqId }, { auth: desk }));
  expect(redeemed.status).toBe(200);

  return redeemed.json as Tokens;
};

const introspect = (token: string) => call(formRequest('/t/acme/introspect', { token }, { auth: desk }));

describe('the act claim (RFC 8693 §4.1)', () => {
  const ACT = { sub: 'copilot-7', iss: AGENTS };

  it('is in the ID token, the access token and introspection, and survives a refresh', async () => {
    const tokens = await issue({ actor_token: await actorToken() });
    expect(decodeJwt(tokens.id_token).act).toEqual(ACT);
    expect(decodeJwt(tokens.access_token).act).toEqual(ACT);
    expect(decodeJwt(tokens.id_token).sub).toBeDefined();
    expect((await introspect(tokens.access_token)).json).toMatchObject({ active: true, act: ACT });
    expect((await introspect(tokens.refresh_token)).json).toMatchObject({ active: true, act: ACT });

    const refreshed = await call(
      formRequest(TOKEN, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, { auth: desk }),
    );
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.json.access_token as string).act).toEqual(ACT);
    expect(decodeJwt(refreshed.json.id_token as string).act).toEqual(ACT);
    expect((await introspect(refreshed.json.access_token as string)).json).toMatchObject({ active: true, act: ACT });

    const exchange = await db.event.findFirstOrThrow({ where: { type: 'ciba_exchange_succeeded' }, orderBy: { id: 'desc' } });
    expect(JSON.parse(exchange.detail!)).toMatchObject({ agent: { iss: AGENTS, sub: 'copilot-7' } });
    const approved = await db.event.findFirstOrThrow({ where: { type: 'ciba_approved', requestId: exchange.requestId } });
    expect(JSON.parse(approved.detail!)).toMatchObject({
      by: { kind: 'test_hook' },
      agent: { iss: AGENTS, sub: 'copilot-7', name: 'Support Copilot' },
    });
    expect(approved.userId).toBe(alice.id);
  });

  it('is absent without an actor_token, and the token response is unchanged', async () => {
    const tokens = await issue({});
    expect(Object.keys(tokens).sort()).toEqual([
      'access_token',
      'expires_in',
      'id_token',
      'refresh_token',
      'scope',
      'token_type',
    ]);
    expect(decodeJwt(tokens.id_token)).not.toHaveProperty('act');
    expect(decodeJwt(tokens.access_token)).not.toHaveProperty('act');
    expect((await introspect(tokens.access_token)).json).not.toHaveProperty('act');
    expect((await introspect(tokens.refresh_token)).json).not.toHaveProperty('act');
    const approved = await db.event.findFirstOrThrow({ where: { type: 'ciba_approved' }, orderBy: { id: 'desc' } });
    expect(JSON.parse(approved.detail!)).not.toHaveProperty('agent');
  });
});

describe('the per-agent limit (rate_limit_per_agent)', () => {
  const limited = async (sub: string, email: string) =>
    authorize(
      { login_hint: email, actor_token: await actorToken({ sub, aud: issuerFor('limits') }) },
      { tenant: 'limits', by: limitsDesk },
    );

  it('refuses the agent past its limit with 429 access_denied and Retry-After; other agents and users are unaffected', async () => {
    expect((await limited('agent-a', 'ann@example.com')).status).toBe(200);
    expect((await limited('agent-a', 'ben@example.com')).status).toBe(200);
    const refused = await limited('agent-a', 'ann@example.com');
    expectOAuthError(refused, 429, 'access_denied');
    expect(refused.json.error_description).toMatch(/this agent/);
    expect(Number(refused.headers['Retry-After'])).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers['Retry-After'])).toBeLessThanOrEqual(60);

    // Another agent, and the same users without an agent, still pass.
    expect((await limited('agent-b', 'ann@example.com')).status).toBe(200);
    const plain = await authorize({ login_hint: 'ann@example.com' }, { tenant: 'limits', by: limitsDesk });
    expect(plain.status).toBe(200);
  });

  it('opens a new window after a minute; 0 turns it off', async () => {
    const later = new Date(Date.now() + 61_000);
    const next = await authorize(
      {
        login_hint: 'ben@example.com',
        actor_token: await actorToken({ sub: 'agent-a', aud: issuerFor('limits'), exp: nowSeconds() + 600 }),
      },
      { tenant: 'limits', by: limitsDesk, at: later },
    );
    expect(next.status).toBe(200);
    await updateTenant(db, CLI_PRINCIPAL, { slug: 'limits', settings: { rate_limit_per_agent: 0 } });
    for (let index = 0; index < 3; index += 1) expect((await limited('agent-c', 'ben@example.com')).status).toBe(200);
  });
});

describe('an issuer with a jwks_uri (a real local server; ALLOW_HTTP_LOOPBACK_CALLBACKS)', () => {
  let server: Server;
  let served: { keys: JWK[] };
  let hits = 0;
  let first: KeyPair;
  let second: KeyPair;

  const setSwitch = (on: boolean) => {
    if (on) process.env.ALLOW_HTTP_LOOPBACK_CALLBACKS = 'true';
    else delete process.env.ALLOW_HTTP_LOOPBACK_CALLBACKS;
    (globalThis as { backchannelEnv?: unknown }).backchannelEnv = undefined;
  };

  beforeAll(async () => {
    first = await keyPair('k1');
    second = await keyPair('k2');
    served = { keys: [first.publicJwk] };
    server = createServer((_request, response) => {
      hits += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(served));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    setSwitch(true);
    const { port } = server.address() as AddressInfo;
    await addTrustedIssuer(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      input: { issuer: ROTATING, jwks_uri: `http://127.0.0.1:${port}/jwks.json` },
    });
  });

  beforeEach(() => getIssuerKeyCache().clear());

  afterAll(async () => {
    setSwitch(false);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const rotatingToken = (key: KeyPair) => actorToken({ iss: ROTATING, exp: nowSeconds() + 3600 }, { key });

  it('fetches the keys once, caches them, and refetches on an unknown kid at most once per cooldown', async () => {
    const start = new Date();
    expect((await authorize({ actor_token: await rotatingToken(first) }, { at: start })).status).toBe(200);
    expect((await authorize({ actor_token: await rotatingToken(first) }, { at: start })).status).toBe(200);
    expect(hits).toBe(1);

    // The issuer rotates to k2. Within the cooldown the cached set is kept: unknown kid, no refetch.
    served = { keys: [second.publicJwk] };
    const soon = await authorize({ actor_token: await rotatingToken(second) }, { at: new Date(start.getTime() + 5_000) });
    expectOAuthError(soon, 400, 'invalid_request');
    expect(soon.json.error_description).toMatch(/unknown kid/);
    expect(hits).toBe(1);

    // After it, the unknown kid refetches the set and the new key verifies.
    const later = await authorize({ actor_token: await rotatingToken(second) }, { at: new Date(start.getTime() + 31_000) });
    expect(later.status).toBe(200);
    expect(hits).toBe(2);
  });

  it('refuses a token when the jwks_uri is no longer allowed (the switch is off)', async () => {
    setSwitch(false);
    try {
      const result = await authorize({ actor_token: await rotatingToken(first) });
      expectOAuthError(result, 400, 'invalid_request');
      expect(result.json.error_description).toMatch(/jwks_uri is not allowed/);
    } finally {
      setSwitch(true);
    }
  });
});
