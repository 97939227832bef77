// private_key_jwt client authentication (RFC 7523 §2.2 and §3, RFC 7521 §4.2, OIDC Core §9,
// ciba-spec.md §2.3) through the protocol router, at every client-authenticated endpoint:
// real keys, a real database (SQLite, or PostgreSQL with TEST_POSTGRES_URL), and a real
// local HTTP server for jwks_uri (ALLOW_HTTP_LOOPBACK_CALLBACKS).
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { JWKS_MAX_BYTES } from '@/lib/ciba/trusted-issuer-keys';
import { completeBackchannelRequest } from '@/lib/ciba/complete-backchannel-request';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import { getClientKeyCache } from '@/lib/clients/client-keys';
import type { TClientMetadataCreate } from '@/lib/clients/client-metadata';
import type { Db } from '@/lib/db/client';
import type { ProtocolRequest } from '@/lib/http/protocol-http';
import { handleProtocolRequest } from '@/lib/http/protocol-router';
import { JWT_BEARER_ASSERTION_TYPE } from '@/lib/oauth/client-auth/read-client-assertion';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { turnOffAbuseLimits } from '@/lib/testing/abuse-limits';
import { deliverOutbox, TEST_ACTOR, testStore } from '@/lib/testing/outbox';
import { call, credentialsOf, expectOAuthError, formRequest, type EndpointResult } from '@/lib/testing/protocol-client';
import { useTestDatabase } from '@/lib/testing/test-database';

const ISSUER = 'http://localhost:3999/t/acme';
const PATHS = {
  bcAuthorize: '/t/acme/bc-authorize',
  token: '/t/acme/oauth/token',
  revoke: '/t/acme/revoke',
  introspect: '/t/acme/introspect',
} as const;
const urlOf = (path: string) => `http://localhost:3999${path}`;

type Key = { alg: string; kid: string; privateKey: CryptoKey; publicJwk: JWK };

const keyOf = async (alg: string, kid: string): Promise<Key> => {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });

  return { alg, kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg } };
};

let db: Db;
let cleanup: () => Promise<void>;
let alice: { sub: string; email: string };
let rsa: Key;
let ec: Key;
let ed: Key;
let ps: Key;
let clientId: string;
let es256ClientId: string;
let fapiClientId: string;
let secretWithKeysClientId: string;
let globexClientId: string;

const nowSeconds = (at: Date = new Date()) => Math.floor(at.getTime() / 1000);

type AssertionOptions = {
  key?: Key;
  /** Claims over the defaults; a claim set to undefined is left out. */
  claims?: Partial<Record<keyof JWTPayload, unknown>>;
  /** The kid in the header (default the key's). */
  kid?: string;
  at?: Date;
};

/** A client assertion as a client library builds it: iss = sub = client_id, aud = issuer, exp in a minute, a fresh jti. */
const assertion = async (client: string, options: AssertionOptions = {}): Promise<string> => {
  const key = options.key ?? rsa;
  const now = nowSeconds(options.at);
  const claims: Record<string, unknown> = { iss: client, sub: client, aud: ISSUER, iat: now, exp: now + 60, jti: randomUUID() };
  for (const [name, value] of Object.entries(options.claims ?? {})) {
    if (value === undefined) delete claims[name];
    else claims[name] = value;
  }

  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: options.kid ?? key.kid }).sign(key.privateKey);
};

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Claims a client would send, for tokens built by hand. */
const handClaims = (client: string) => {
  const now = nowSeconds();

  return { iss: client, sub: client, aud: ISSUER, iat: now, exp: now + 60, jti: randomUUID() };
};

/** Sends a form to a protocol path with a client assertion (and extra parameters or headers). */
const send = (
  path: string,
  clientAssertion: string,
  params: Record<string, string> = {},
  options: { type?: string | null; headers?: Record<string, string>; at?: Date } = {},
): Promise<EndpointResult> => {
  const type = options.type === undefined ? JWT_BEARER_ASSERTION_TYPE : options.type;
  const form: Record<string, string> = { ...params, client_assertion: clientAssertion };
  if (type !== null) form.client_assertion_type = type;

  return callAllowingEmpty(formRequest(path, form, { headers: options.headers, receivedAt: options.at }));
};

/** As `call`, but a 200 without a body (revocation, RFC 7009 §2.2) reads as `{}`. */
const callAllowingEmpty = async (request: ProtocolRequest): Promise<EndpointResult> => {
  const response = await handleProtocolRequest(request);

  return { ...response, json: response.body === '' ? {} : (JSON.parse(response.body) as Record<string, unknown>) };
};

/** Introspection of a token nobody has: 200 {"active":false} once the client is authenticated. */
const introspect = (clientAssertion: string, options: Parameters<typeof send>[3] = {}) =>
  send(PATHS.introspect, clientAssertion, { token: 'no-such-token' }, options);

const expectRefused = (result: EndpointResult, description?: RegExp) => {
  expectOAuthError(result, 401, 'invalid_client');
  // No Basic was tried: no challenge (RFC 6749 §5.2).
  expect(result.headers['WWW-Authenticate']).toBeUndefined();
  if (description) expect(result.json.error_description).toMatch(description);
};

const pkjwtClient = async (tenantSlug: string, metadata: Partial<TClientMetadataCreate> = {}) =>
  (
    await createClient(db, CLI_PRINCIPAL, {
      tenantSlug,
      metadata: {
        client_name: 'Key client',
        token_endpoint_auth_method: 'private_key_jwt',
        jwks: { keys: [rsa.publicJwk, ec.publicJwk, ed.publicJwk, ps.publicJwk] },
        ...metadata,
      },
    })
  ).client_id;

beforeAll(async () => {
  process.env.ALLOW_HTTP_LOOPBACK_CALLBACKS = 'true';
  ({ db, cleanup } = await useTestDatabase());
  [rsa, ec, ed, ps] = await Promise.all([
    keyOf('RS256', 'k-rsa'),
    keyOf('ES256', 'k-ec'),
    keyOf('EdDSA', 'k-ed'),
    keyOf('PS256', 'k-ps'),
  ]);
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme Corp' });
  await turnOffAbuseLimits(db, 'acme');
  await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
  clientId = await pkjwtClient('acme');
  es256ClientId = await pkjwtClient('acme', { token_endpoint_auth_signing_alg: 'ES256' });
  fapiClientId = await pkjwtClient('acme', { fapi_ciba: true });
  globexClientId = await pkjwtClient('globex');
  secretWithKeysClientId = credentialsOf(
    await createClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      metadata: {
        client_name: 'Secret client with keys (signed requests)',
        jwks: { keys: [rsa.publicJwk] },
        backchannel_authentication_request_signing_alg: 'RS256',
      },
    }),
  ).clientId;
  alice = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com', name: 'Alice Doe' });
});

afterAll(async () => {
  await deliverOutbox();
  await cleanup();
});

/** Starts a request with private_key_jwt and approves it as the user would. */
const startApproved = async (): Promise<string> => {
  const started = await send(PATHS.bcAuthorize, await assertion(clientId), { scope: 'openid email', login_hint: alice.email });
  expect(started.status).toBe(200);
  const authReqId = started.json.auth_req_id as string;
  const request = await db.backchannelRequest.findUniqueOrThrow({ where: { authReqIdHash: sha256Base64Url(authReqId) } });
  await completeBackchannelRequest(testStore(), { actor: TEST_ACTOR, requestId: request.id, decision: 'approve' });

  return authReqId;
};

describe('private_key_jwt at every client-authenticated endpoint (RFC 7523 §2.2)', () => {
  it('bc-authorize (CIBA §7.1): aud = the issuer', async () => {
    const result = await send(PATHS.bcAuthorize, await assertion(clientId), { scope: 'openid', login_hint: alice.email });
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ auth_req_id: expect.any(String), expires_in: 300, interval: 5 });
  });

  it('token (CIBA §10.1): aud = the token endpoint URL; then introspection and revocation of the tokens', async () => {
    const authReqId = await startApproved();
    const tokens = await send(PATHS.token, await assertion(clientId, { claims: { aud: urlOf(PATHS.token) } }), {
      grant_type: CIBA_GRANT_TYPE,
      auth_req_id: authReqId,
    });
    expect(tokens.status).toBe(200);
    expect(tokens.json).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String), id_token: expect.any(String) });
    const accessToken = tokens.json.access_token as string;

    // aud as an array holding the endpoint's URL among others (RFC 7519 §4.1.3).
    const active = await send(
      PATHS.introspect,
      await assertion(clientId, { claims: { aud: ['https://elsewhere.example', urlOf(PATHS.introspect)] } }),
      { token: accessToken },
    );
    expect(active.status).toBe(200);
    expect(active.json).toMatchObject({ active: true, client_id: clientId, sub: alice.sub });

    const revoked = await send(PATHS.revoke, await assertion(clientId, { claims: { aud: [ISSUER] } }), { token: accessToken });
    expect(revoked.status).toBe(200);
    const after = await send(PATHS.introspect, await assertion(clientId), { token: accessToken });
    expect(after.json).toEqual({ active: false });
  });

  it.each([
    ['RS256', () => rsa],
    ['PS256', () => ps],
    ['ES256', () => ec],
    ['EdDSA', () => ed],
  ])('accepts %s for a client that names no alg (CLIENT_SIGNING_ALGS)', async (_alg, key) => {
    const result = await introspect(await assertion(clientId, { key: key() }));
    expect(result.status).toBe(200);
    expect(result.json).toEqual({ active: false });
  });

  it('accepts a client_id in the form that is the assertion sub, and exp/nbf/iat within the clock skew', async () => {
    const now = nowSeconds();
    const skewed = await assertion(clientId, { claims: { exp: now - 10, nbf: now + 10, iat: now + 10 } });
    expect((await send(PATHS.introspect, skewed, { token: 'x', client_id: clientId })).status).toBe(200);
  });

  it('accepts an assertion without a kid, trying each key that fits its alg', async () => {
    const other = await keyOf('ES256', 'k-ec-2');
    const twoKeys = await pkjwtClient('acme', { jwks: { keys: [ec.publicJwk, other.publicJwk] } });
    for (const key of [ec, other]) {
      const now = nowSeconds();
      const token = await new SignJWT({ iss: twoKeys, sub: twoKeys, aud: ISSUER, exp: now + 60, jti: randomUUID() })
        .setProtectedHeader({ alg: 'ES256' })
        .sign(key.privateKey);
      expect((await introspect(token)).status).toBe(200);
    }
    const stranger = await keyOf('ES256', 'k-stranger');
    const now = nowSeconds();
    const forged = await new SignJWT({ iss: twoKeys, sub: twoKeys, aud: ISSUER, exp: now + 60, jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256' })
      .sign(stranger.privateKey);
    expectRefused(await introspect(forged), /^Client authentication failed\.$/);
  });

  it('accepts PS256 and ES256 from a FAPI-CIBA client, ES256 from a client registered for ES256', async () => {
    expect((await introspect(await assertion(fapiClientId, { key: ps }))).status).toBe(200);
    expect((await introspect(await assertion(fapiClientId, { key: ec }))).status).toBe(200);
    expect((await introspect(await assertion(es256ClientId, { key: ec }))).status).toBe(200);
  });
});

describe('refused assertions: 401 invalid_client (RFC 7523 §3, RFC 7521 §4.2.1)', () => {
  const now = () => nowSeconds();

  it.each<[string, () => Partial<Record<keyof JWTPayload, unknown>>, RegExp]>([
    ['iss missing', () => ({ iss: undefined }), /iss and sub must both be the client_id/],
    ['iss another client', () => ({ iss: es256ClientId }), /iss and sub must both be the client_id/],
    ['sub missing', () => ({ sub: undefined }), /must have a sub claim/],
    ['aud missing', () => ({ aud: undefined }), /aud must include the issuer/],
    ['aud another issuer', () => ({ aud: 'http://localhost:3999/t/globex' }), /aud must include the issuer/],
    ['aud another endpoint', () => ({ aud: urlOf(PATHS.token) }), /aud must include the issuer/],
    ['aud an array without us', () => ({ aud: ['https://op.example', 'https://other.example'] }), /aud must include/],
    ['exp missing', () => ({ exp: undefined }), /must have an exp claim/],
    ['exp not a number', () => ({ exp: String(now() + 60) }), /exp claim must be a number/],
    ['exp past (beyond the skew)', () => ({ exp: now() - 31, iat: now() - 90 }), /has expired/],
    ['exp more than 10 minutes after the request', () => ({ exp: now() + 3600, iat: undefined }), /lives too long/],
    ['exp more than 10 minutes after iat', () => ({ iat: now() - 100, exp: now() + 560 }), /lives too long/],
    ['nbf in the future', () => ({ nbf: now() + 120 }), /not valid yet/],
    ['iat in the future', () => ({ iat: now() + 120 }), /iat is in the future/],
    ['jti missing', () => ({ jti: undefined }), /must have a jti claim/],
    ['jti empty', () => ({ jti: '' }), /must have a jti claim/],
    ['jti longer than 256 characters', () => ({ jti: 'j'.repeat(257) }), /must have a jti claim of 1 to 256/],
  ])('%s', async (_name, claims, description) => {
    expectRefused(await introspect(await assertion(clientId, { claims: claims() })), description);
  });

  it('a client_assertion_type other than jwt-bearer, or none, or an assertion missing', async () => {
    const token = await assertion(clientId);
    expectRefused(await introspect(token, { type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' }), /must be urn/);
    expectRefused(await introspect(token, { type: null }), /client_assertion_type must be/);
    const typeOnly = await call(formRequest(PATHS.introspect, { token: 'x', client_assertion_type: JWT_BEARER_ASSERTION_TYPE }));
    expectRefused(typeOnly, /client_assertion is required/);
  });

  it('not a JWS: garbage, an encrypted (5-part) JWT', async () => {
    expectRefused(await introspect('not-a-jwt'), /compact JWS/);
    expectRefused(await introspect('a.b.c'), /not a well-formed signed JWT/);
    const jwe = `${b64url({ alg: 'RSA-OAEP-256', enc: 'A256GCM' })}.AAAA.AAAA.AAAA.AAAA`;
    expectRefused(await introspect(jwe), /encrypted JWTs are not accepted/);
  });

  it('alg none and HS256 (built by hand): never accepted', async () => {
    const none = `${b64url({ alg: 'none' })}.${b64url(handClaims(clientId))}.`;
    expectRefused(await introspect(none), /none is not accepted/);
    const signingInput = `${b64url({ alg: 'HS256', kid: 'k-rsa' })}.${b64url(handClaims(clientId))}`;
    const mac = createHmac('sha256', JSON.stringify(rsa.publicJwk)).update(signingInput).digest('base64url');
    expectRefused(await introspect(`${signingInput}.${mac}`), /HS256 is not accepted/);
  });

  it('a wrong key (same kid), an unknown kid with inline jwks', async () => {
    const stranger = await keyOf('RS256', 'k-rsa');
    expectRefused(await introspect(await assertion(clientId, { key: stranger })), /^Client authentication failed\.$/);
    expectRefused(await introspect(await assertion(clientId, { kid: 'k-unknown' })), /^Client authentication failed\.$/);
  });

  it('RS256 from a FAPI-CIBA client (PS256/ES256 only), RS256 and PS256 from a client registered for ES256', async () => {
    expectRefused(await introspect(await assertion(fapiClientId, { key: rsa })));
    expectRefused(await introspect(await assertion(fapiClientId, { key: ed })));
    expectRefused(await introspect(await assertion(es256ClientId, { key: rsa })));
    expectRefused(await introspect(await assertion(es256ClientId, { key: ps })));
  });

  it('a client registered for a secret, one of another tenant, an unknown client: the same fixed answer', async () => {
    for (const client of [secretWithKeysClientId, globexClientId, 'no-such-client']) {
      expectRefused(await introspect(await assertion(client)), /^Client authentication failed\.$/);
    }
  });

  it('several methods at once → invalid_request (RFC 6749 §2.3); a form client_id other than sub → invalid_request', async () => {
    const withSecret = await send(PATHS.introspect, await assertion(clientId), {
      token: 'x',
      client_id: clientId,
      client_secret: 's',
    });
    expectOAuthError(withSecret, 400, 'invalid_request');
    const basic = `Basic ${Buffer.from(`${clientId}:s`).toString('base64')}`;
    expectOAuthError(await introspect(await assertion(clientId), { headers: { authorization: basic } }), 400, 'invalid_request');
    const mismatch = await send(PATHS.introspect, await assertion(clientId), { token: 'x', client_id: es256ClientId });
    expectOAuthError(mismatch, 400, 'invalid_request');
  });

  it('is refused the same way at bc-authorize, token and revocation', async () => {
    const stale = { claims: { exp: nowSeconds() - 120, iat: nowSeconds() - 180 } };
    expectRefused(await send(PATHS.bcAuthorize, await assertion(clientId, stale), { scope: 'openid', login_hint: alice.email }));
    expectRefused(await send(PATHS.token, await assertion(clientId, stale), { grant_type: CIBA_GRANT_TYPE, auth_req_id: 'x' }));
    expectRefused(await send(PATHS.revoke, await assertion(clientId, stale), { token: 'x' }));
  });
});

describe('jti: each assertion is accepted once (RFC 7523 §3 item 7)', () => {
  it('a replayed assertion is invalid_client, at the same or another endpoint', async () => {
    const token = await assertion(clientId, { claims: { aud: [ISSUER] } });
    expect((await introspect(token)).status).toBe(200);
    expectRefused(await introspect(token), /already used/);
    expectRefused(await send(PATHS.revoke, token, { token: 'x' }), /already used/);
    const stored = await db.jwtIdUse.findMany({ where: { purpose: 'client_assertion' } });
    expect(stored.length).toBeGreaterThan(0);
  });

  it('two concurrent uses of one jti: exactly one succeeds', async () => {
    const token = await assertion(clientId);
    const results = await Promise.all([introspect(token), introspect(token)]);
    expect(results.map((result) => result.status).sort()).toEqual([200, 401]);
    expectRefused(
      results.find((result) => result.status === 401)!,
      /already used/,
    );
  });

  it('the jti is claimed only once the signature verifies: a forged assertion does not burn it', async () => {
    const jti = randomUUID();
    const stranger = await keyOf('RS256', 'k-rsa');
    expectRefused(await introspect(await assertion(clientId, { key: stranger, claims: { jti } })));
    expect((await introspect(await assertion(clientId, { claims: { jti } }))).status).toBe(200);
  });

  it('one client’s jti does not block another client’s', async () => {
    const jti = randomUUID();
    expect((await introspect(await assertion(clientId, { claims: { jti } }))).status).toBe(200);
    expect((await introspect(await assertion(es256ClientId, { key: ec, claims: { jti } }))).status).toBe(200);
  });
});

describe('keys at a jwks_uri (a real local server; ALLOW_HTTP_LOOPBACK_CALLBACKS)', () => {
  let server: Server;
  let origin: string;
  const hits = new Map<string, number>();
  const served = new Map<string, { keys: JWK[] }>();
  let first: Key;
  let second: Key;

  beforeAll(async () => {
    first = await keyOf('ES256', 'uri-1');
    second = await keyOf('ES256', 'uri-2');
    server = createServer((request, response) => {
      const path = request.url ?? '';
      hits.set(path, (hits.get(path) ?? 0) + 1);
      if (path === '/slow') {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"keys":');

        return;
      }
      if (path === '/huge') {
        response.writeHead(200, { 'content-type': 'application/json' }).end(`{"keys":[],"pad":"${'x'.repeat(JWKS_MAX_BYTES)}"}`);

        return;
      }
      // A little latency, so that concurrent requests overlap the fetch.
      setTimeout(
        () => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(served.get(path))),
        100,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  beforeEach(() => getClientKeyCache().clear());

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const uriClient = (path: string, keys: JWK[]) => {
    served.set(path, { keys });
    hits.set(path, 0);

    return pkjwtClient('acme', { jwks: null, jwks_uri: `${origin}${path}` });
  };

  it('fetches once and caches; a new kid (rotation) refetches exactly once, after the cooldown', async () => {
    const rotating = await uriClient('/rotating', [first.publicJwk]);
    const t0 = new Date();
    expect((await introspect(await assertion(rotating, { key: first, at: t0 }), { at: t0 })).status).toBe(200);
    expect((await introspect(await assertion(rotating, { key: first, at: t0 }), { at: t0 })).status).toBe(200);
    expect(hits.get('/rotating')).toBe(1);

    served.set('/rotating', { keys: [first.publicJwk, second.publicJwk] });
    const later = new Date(t0.getTime() + 31_000);
    expect((await introspect(await assertion(rotating, { key: second, at: later }), { at: later })).status).toBe(200);
    expect(hits.get('/rotating')).toBe(2);
    expect((await introspect(await assertion(rotating, { key: second, at: later }), { at: later })).status).toBe(200);
    expect((await introspect(await assertion(rotating, { key: first, at: later }), { at: later })).status).toBe(200);
    expect(hits.get('/rotating')).toBe(2);
  });

  it('20 concurrent assertions with a new kid: one fetch, not a stampede, and every one verifies', async () => {
    const stampede = await uriClient('/stampede', [first.publicJwk]);
    const t0 = new Date();
    expect((await introspect(await assertion(stampede, { key: first, at: t0 }), { at: t0 })).status).toBe(200);
    expect(hits.get('/stampede')).toBe(1);

    served.set('/stampede', { keys: [second.publicJwk] });
    const later = new Date(t0.getTime() + 31_000);
    const tokens = await Promise.all(Array.from({ length: 20 }, () => assertion(stampede, { key: second, at: later })));
    const results = await Promise.all(tokens.map((token) => introspect(token, { at: later })));
    expect(results.map((result) => result.status)).toEqual(Array(20).fill(200));
    expect(hits.get('/stampede')).toBe(2);
  });

  it('20 concurrent assertions with a kid the client does not have: one fetch, all refused; none more within the cooldown', async () => {
    const bogus = await uriClient('/bogus', [first.publicJwk]);
    const t0 = new Date();
    expect((await introspect(await assertion(bogus, { key: first, at: t0 }), { at: t0 })).status).toBe(200);
    const later = new Date(t0.getTime() + 31_000);
    const stranger = await keyOf('ES256', 'uri-unknown');
    const tokens = await Promise.all(Array.from({ length: 20 }, () => assertion(bogus, { key: stranger, at: later })));
    const results = await Promise.all(tokens.map((token) => introspect(token, { at: later })));
    for (const result of results) expectRefused(result, /^Client authentication failed\.$/);
    expect(hits.get('/bogus')).toBe(2);
    const again = new Date(later.getTime() + 5_000);
    expectRefused(await introspect(await assertion(bogus, { key: stranger, at: again }), { at: again }));
    expect(hits.get('/bogus')).toBe(2);
  });

  it('a jwks_uri that does not answer in time → invalid_client saying why', async () => {
    const slow = await uriClient('/slow', []);
    const result = await introspect(await assertion(slow, { key: first }));
    expectRefused(
      result,
      /^The client's keys could not be obtained: the jwks_uri could not be read: no answer within 3000 ms\.$/,
    );
  });

  it('a jwks_uri whose document is too large → invalid_client saying why', async () => {
    const huge = await uriClient('/huge', []);
    const result = await introspect(await assertion(huge, { key: first }));
    expectRefused(result, /could not be obtained: the jwks_uri could not be read: the document is larger than 65536 bytes/);
  });

  it('a jwks_uri no longer allowed (the switch is off) → invalid_client saying why', async () => {
    const unswitched = await uriClient('/unswitched', [first.publicJwk]);
    process.env.ALLOW_HTTP_LOOPBACK_CALLBACKS = 'false';
    (globalThis as { backchannelEnv?: unknown }).backchannelEnv = undefined;
    try {
      expectRefused(await introspect(await assertion(unswitched, { key: first })), /the jwks_uri is not allowed/);
      expect(hits.get('/unswitched')).toBe(0);
    } finally {
      process.env.ALLOW_HTTP_LOOPBACK_CALLBACKS = 'true';
      (globalThis as { backchannelEnv?: unknown }).backchannelEnv = undefined;
    }
  });
});
