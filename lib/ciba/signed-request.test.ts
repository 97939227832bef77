// Signed authentication requests at bc-authorize (CIBA §7.1.1; lib/ciba/verify-request-object.ts):
// the `request` JWT, verified with the client's jwks or jwks_uri (a real local server), its claims
// the parameters; FAPI-CIBA §5.2.2 at runtime; discovery (CIBA §4).
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CompactEncrypt, exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthorizationType } from '@/lib/admin/create-authorization-type';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { getClientKeyCache } from '@/lib/clients/client-keys';
import { CLIENT_SIGNING_ALGS } from '@/lib/clients/client-metadata';
import type { Db } from '@/lib/db/client';
import { handleInProcessProtocolRequest } from '@/lib/http/protocol-router';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { turnOffAbuseLimits } from '@/lib/testing/abuse-limits';
import { deliverOutbox } from '@/lib/testing/outbox';
import { call, credentialsOf, expectOAuthError, formRequest, type ClientCredentials } from '@/lib/testing/protocol-client';
import { useTestDatabase } from '@/lib/testing/test-database';
import { issuerFor } from '@/lib/tenants/issuer';

const BC = '/t/acme/bc-authorize';
let ISSUER: string;
const ALGS = ['PS256', 'ES256', 'RS256', 'EdDSA'] as const;
type Alg = (typeof ALGS)[number];
type KeyPair = { kid: string; alg: Alg; privateKey: CryptoKey; publicJwk: JWK };

const keyPair = async (alg: Alg, kid = `${alg.toLowerCase()}-1`): Promise<KeyPair> => {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });

  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
};

let db: Db;
let cleanup: () => Promise<void>;
let keys: Record<Alg, KeyPair>;
let stranger: KeyPair;
/** Optional signed requests, inline jwks with a key of each alg. */
let open: ClientCredentials;
/** The same keys at a jwks_uri. */
let remote: ClientCredentials;
/** Signed requests required, ES256. */
let required: ClientCredentials;
/** No keys at all. */
let keyless: ClientCredentials;
/** FAPI-CIBA: private_key_jwt, PS256 requests, binding message required (authenticated in-process). */
let fapiClientId: string;
let jwksServer: Server;
let alice: { id: string; sub: string; email: string };

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const nowSeconds = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  ISSUER = issuerFor('acme');
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme Corp' });
  await turnOffAbuseLimits(db, 'acme');
  keys = {} as Record<Alg, KeyPair>;
  for (const alg of ALGS) keys[alg] = await keyPair(alg);
  stranger = await keyPair('ES256', 'es256-1');
  const jwks = { keys: ALGS.map((alg) => keys[alg].publicJwk) };
  await createAuthorizationType(db, CLI_PRINCIPAL, {
    tenantSlug: 'acme',
    input: {
      type: 'payment_initiation',
      schema: { type: 'object', required: ['amount'], properties: { amount: { type: 'string' } } },
    },
  });
  open = credentialsOf(
    await createClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      metadata: { client_name: 'Signer', jwks, authorization_details_types: ['payment_initiation'] },
    }),
  );
  jwksServer = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  process.env.ALLOW_HTTP_LOOPBACK_CALLBACKS = 'true';
  (globalThis as { backchannelEnv?: unknown }).backchannelEnv = undefined;
  remote = credentialsOf(
    await createClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      metadata: {
        client_name: 'Remote signer',
        jwks_uri: `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks.json`,
      },
    }),
  );
  required = credentialsOf(
    await createClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      metadata: { client_name: 'Strict signer', jwks, backchannel_authentication_request_signing_alg: 'ES256' },
    }),
  );
  keyless = credentialsOf(await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Plain' } }));
  fapiClientId = (
    await createClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      metadata: { client_name: 'Bank', fapi_ciba: true, token_endpoint_auth_method: 'private_key_jwt', jwks },
    })
  ).client_id;
  alice = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com', name: 'Alice' });
});

afterAll(async () => {
  await deliverOutbox();
  await new Promise<void>((resolve) => jwksServer.close(() => resolve()));
  await cleanup();
});

type SignOptions = { key?: KeyPair; alg?: string; omit?: readonly string[] };

/** A request object: the default claims (valid for 5 minutes), `claims` over them, `omit` removed. */
const requestObject = async (
  client: { clientId: string },
  claims: Record<string, unknown> = {},
  { key = keys.ES256, alg = key.alg, omit = [] }: SignOptions = {},
): Promise<string> => {
  const now = nowSeconds();
  const payload: JWTPayload = {
    iss: client.clientId,
    aud: ISSUER,
    iat: now,
    nbf: now,
    exp: now + 300,
    jti: randomUUID(),
    scope: 'openid',
    login_hint: alice.email,
    ...claims,
  };
  for (const name of omit) delete payload[name];

  return new SignJWT(payload).setProtectedHeader({ alg, kid: key.kid }).sign(key.privateKey);
};

const authorize = (params: Record<string, string>, auth: ClientCredentials = open) => call(formRequest(BC, params, { auth }));
const signed = async (claims: Record<string, unknown> = {}, options: SignOptions = {}, client: ClientCredentials = open) =>
  authorize({ request: await requestObject(client, claims, options) }, client);

const expectRefused = async (result: ReturnType<typeof authorize>, error: string, description?: RegExp) => {
  const answer = await result;
  expectOAuthError(answer, 400, error);
  if (description) expect(answer.json.error_description).toMatch(description);
};

describe('signed authentication requests: success (CIBA §7.1.1)', () => {
  it.each(ALGS)('accepts a request object signed with %s, verified with the inline jwks', async (alg) => {
    const result = await signed({ binding_message: 'W4SCT' }, { key: keys[alg] });
    expect(result.status).toBe(200);
    const stored = await db.backchannelRequest.findUniqueOrThrow({
      where: { authReqIdHash: sha256Base64Url(result.json.auth_req_id as string) },
    });
    expect(stored).toMatchObject({ userId: alice.id, scope: 'openid', bindingMessage: 'W4SCT' });
  });

  it.each(ALGS)('accepts a request object signed with %s, verified with a jwks_uri (a real local server)', async (alg) => {
    getClientKeyCache().clear();
    expect((await signed({}, { key: keys[alg] }, remote)).status).toBe(200);
  });

  it('accepts aud as an array containing the issuer, and a client_id claim equal to the client', async () => {
    expect((await signed({ aud: ['https://elsewhere.example', ISSUER], client_id: open.clientId })).status).toBe(200);
  });

  it('accepts requested_expiry as a JSON number and as a string (§7.1.1)', async () => {
    expect((await signed({ requested_expiry: 120 })).json.expires_in).toBe(120);
    expect((await signed({ requested_expiry: '180' })).json.expires_in).toBe(180);
    await expectRefused(signed({ requested_expiry: 0 }), 'invalid_request', /requested_expiry/);
    await expectRefused(signed({ requested_expiry: 1.5 }), 'invalid_request', /requested_expiry/);
    await expectRefused(signed({ requested_expiry: '-5' }), 'invalid_request', /requested_expiry/);
    await expectRefused(signed({ requested_expiry: true }), 'invalid_request', /requested_expiry/);
  });

  it('accepts authorization_details as a JSON array inside the JWT (RFC 9396), refuses a bad one', async () => {
    const result = await signed({ authorization_details: [{ type: 'payment_initiation', amount: '10.00' }] });
    expect(result.status).toBe(200);
    const stored = await db.backchannelRequest.findUniqueOrThrow({
      where: { authReqIdHash: sha256Base64Url(result.json.auth_req_id as string) },
    });
    expect(JSON.parse(stored.authorizationDetails!)).toEqual([{ type: 'payment_initiation', amount: '10.00' }]);
    await expectRefused(
      signed({ authorization_details: [{ type: 'payment_initiation', amount: 10 }] }),
      'invalid_authorization_details',
      /authorization_details\[0\]\.amount/,
    );
    // A string holding JSON is the form's encoding, not the JWT's.
    await expectRefused(
      signed({ authorization_details: JSON.stringify([{ type: 'payment_initiation', amount: '1' }]) }),
      'invalid_authorization_details',
    );
  });

  it('takes every parameter from the JWT: scope, acr_values, binding_message and hints go through the usual rules', async () => {
    await expectRefused(signed({ scope: 'profile' }), 'invalid_scope');
    await expectRefused(signed({ login_hint: 'nobody@example.com' }), 'unknown_user_id');
    await expectRefused(signed({ login_hint: undefined }), 'invalid_request', /One of login_hint/);
    await expectRefused(signed({ binding_message: 'bad\tmessage' }), 'invalid_binding_message');
    await expectRefused(signed({ scope: 42 }), 'invalid_request', /scope claim must be a string/);
    await expectRefused(signed({ request_context: 'text' }), 'invalid_request', /request_context/);
    expect((await signed({ request_context: { geolocation: 'x' } })).status).toBe(200);
  });

  it('takes notification_channel from the JWT like the other parameters, never beside it in the form', async () => {
    expect((await signed({ notification_channel: 'email' })).status).toBe(200);
    // acme has no push channel: refused as for a form parameter.
    await expectRefused(signed({ notification_channel: 'push' }), 'invalid_request', /push notification channel is off/);
    await expectRefused(signed({ notification_channel: 7 }), 'invalid_request', /notification_channel claim must be a string/);
    await expectRefused(
      authorize({ request: await requestObject(open), notification_channel: 'email' }),
      'invalid_request',
      /notification_channel/,
    );
  });

  it('records a refused signed request as ciba_start_failed', async () => {
    const before = await db.event.count({ where: { type: 'ciba_start_failed' } });
    await expectRefused(signed({ aud: 'https://elsewhere.example' }), 'invalid_request');
    expect(await db.event.count({ where: { type: 'ciba_start_failed' } })).toBe(before + 1);
  });
});

describe('signed authentication requests: claims (CIBA §7.1.1, FAPI-CIBA §5.2.2-9)', () => {
  it.each(['aud', 'iss', 'exp', 'iat', 'nbf', 'jti'])('400 invalid_request without %s, naming the claim', async (claim) => {
    await expectRefused(signed({}, { omit: [claim] }), 'invalid_request', new RegExp(`\\b${claim}\\b`));
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ['aud another URL', { aud: 'https://elsewhere.example' }, /aud/],
    ['aud the bc-authorize URL (only the issuer)', { aud: `${ISSUER}/bc-authorize` }, /aud/],
    ['iss another client', { iss: 'someone-else' }, /iss/],
    ['exp past', { exp: nowSeconds() - 60, nbf: nowSeconds() - 120, iat: nowSeconds() - 120 }, /exp/],
    ['exp not a number', { exp: 'soon' }, /exp/],
    ['nbf 10 minutes in the future', { nbf: nowSeconds() + 600, exp: nowSeconds() + 900 }, /nbf/],
    ['iat 10 minutes in the future', { iat: nowSeconds() + 600 }, /iat/],
    ['lifetime 61 minutes', { exp: nowSeconds() + 61 * 60 }, /60 minutes/],
    [
      'nbf 70 minutes past, exp in the future (lifetime > 60)',
      { nbf: nowSeconds() - 70 * 60, iat: nowSeconds() - 70 * 60 },
      /60 minutes/,
    ],
    ['jti empty', { jti: '' }, /jti/],
    ['jti not a string', { jti: 7 }, /jti/],
    ['client_id another client', { client_id: 'someone-else' }, /client_id/],
  ])('400 invalid_request for %s', async (_name, claims, description) => {
    await expectRefused(signed(claims), 'invalid_request', description);
  });

  it('accepts exp and nbf within 30 s of clock skew, and exactly 60 minutes of lifetime', async () => {
    const now = nowSeconds();
    expect((await signed({ nbf: now + 20, iat: now + 20, exp: now + 20 + 3600 })).status).toBe(200);
  });

  it('never puts a claim value in the description', async () => {
    const answer = await signed({ iss: 'secret-looking-issuer' });
    expectOAuthError(answer, 400, 'invalid_request');
    expect(answer.json.error_description).not.toContain('secret-looking-issuer');
  });
});

describe('signed authentication requests: signatures and algorithms (CIBA §7.1.1, RFC 7518)', () => {
  const handBuilt = (header: Record<string, unknown>, payload: JWTPayload, signature = '') =>
    `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}.${signature}`;
  const claims = (): JWTPayload => {
    const now = nowSeconds();

    return {
      iss: open.clientId,
      aud: ISSUER,
      iat: now,
      nbf: now,
      exp: now + 300,
      jti: randomUUID(),
      scope: 'openid',
      login_hint: alice.email,
    };
  };

  it('400 invalid_request for alg none (hand-built)', async () => {
    await expectRefused(authorize({ request: handBuilt({ alg: 'none' }, claims()) }), 'invalid_request', /asymmetric/);
  });

  it('400 invalid_request for HS256 (hand-built, keyed with the client secret)', async () => {
    const unsigned = handBuilt({ alg: 'HS256' }, claims()).slice(0, -1);
    const signature = createHmac('sha256', open.clientSecret).update(unsigned).digest('base64url');
    await expectRefused(authorize({ request: `${unsigned}.${signature}` }), 'invalid_request', /asymmetric/);
  });

  it('400 invalid_request for a wrong key (same kid, another key pair)', async () => {
    await expectRefused(signed({}, { key: stranger }), 'invalid_request', /signature is invalid/);
  });

  it('400 invalid_request for an unknown kid', async () => {
    await expectRefused(signed({}, { key: await keyPair('ES256', 'nobody') }), 'invalid_request', /unknown kid/);
  });

  it('400 invalid_request for an encrypted request object (JWE)', async () => {
    const { publicKey } = await generateKeyPair('RSA-OAEP-256');
    const jwe = await new CompactEncrypt(new TextEncoder().encode(await requestObject(open)))
      .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM' })
      .encrypt(publicKey);
    await expectRefused(authorize({ request: jwe }), 'invalid_request', /Encrypted/);
  });

  it('400 invalid_request for a request that is no JWT, and for request_uri', async () => {
    await expectRefused(authorize({ request: 'not-a-jwt' }), 'invalid_request', /well-formed/);
    await expectRefused(
      authorize({ scope: 'openid', login_hint: alice.email, request_uri: 'urn:example:1' }),
      'invalid_request',
      /request_uri/,
    );
  });

  it('400 invalid_request for a client without keys sending request', async () => {
    await expectRefused(signed({}, {}, keyless), 'invalid_request', /no registered keys/);
  });

  it('enforces the registered alg: ES256 accepted, PS256 refused for the client registered for ES256', async () => {
    expect((await signed({}, { key: keys.ES256 }, required)).status).toBe(200);
    await expectRefused(signed({}, { key: keys.PS256 }, required), 'invalid_request', /ES256/);
  });

  it('400 invalid_request when a client that must sign sends an unsigned request', async () => {
    await expectRefused(authorize({ scope: 'openid', login_hint: alice.email }, required), 'invalid_request', /signed/);
  });
});

describe('signed authentication requests: parameters outside the JWT (CIBA §7.1.1)', () => {
  it.each([
    'scope',
    'client_notification_token',
    'acr_values',
    'login_hint_token',
    'id_token_hint',
    'login_hint',
    'binding_message',
    'user_code',
    'requested_expiry',
    'request_context',
    'authorization_details',
    'actor_token',
    'actor_token_type',
  ])('400 invalid_request for %s both inside and outside', async (name) => {
    await expectRefused(
      authorize({ request: await requestObject(open), [name]: name === 'requested_expiry' ? '60' : 'x' }),
      'invalid_request',
      new RegExp(`^${name} must be inside`),
    );
  });
});

describe('signed authentication requests: jti replay (atomic, ProtocolStore.claimJwtId)', () => {
  it('400 invalid_request for a replayed jti', async () => {
    const request = await requestObject(open);
    expect((await authorize({ request })).status).toBe(200);
    await expectRefused(authorize({ request }), 'invalid_request', /jti has been used/);
  });

  it('two concurrent requests with one jti: exactly one 200', async () => {
    const request = await requestObject(open);
    const answers = await Promise.all([authorize({ request }), authorize({ request })]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400]);
    expectOAuthError(
      answers.find((answer) => answer.status === 400)!,
      400,
      'invalid_request',
    );
  });

  it('remembers a jti through the clock-skew window after exp (a replay there is still refused)', async () => {
    const now = nowSeconds();
    const request = await requestObject(open, { iat: now, nbf: now, exp: now + 10 });
    const at = (seconds: number) => formRequest(BC, { request }, { auth: open, receivedAt: new Date((now + seconds) * 1000) });
    expect((await call(at(15))).status).toBe(200);
    expectOAuthError(await call(at(25)), 400, 'invalid_request');
  });

  it('does not burn the jti of a refused request object', async () => {
    const jti = randomUUID();
    await expectRefused(signed({ jti, client_id: 'someone-else' }), 'invalid_request');
    expect((await signed({ jti })).status).toBe(200);
  });

  it('a jti is per client: another client may use the same one', async () => {
    const jti = randomUUID();
    expect((await signed({ jti })).status).toBe(200);
    expect((await signed({ jti }, { key: keys.ES256 }, required)).status).toBe(200);
  });
});

describe('FAPI-CIBA at bc-authorize (FAPI-CIBA §5.2.2)', () => {
  // private_key_jwt is another branch's work: the client is vouched for in-process (the console's path), every later rule is the same.
  const fapi = (params: Record<string, string>) =>
    handleInProcessProtocolRequest(formRequest(BC, params), { clientId: fapiClientId, vouchedBy: { kind: 'cli' } }).then(
      (response) => ({
        status: response.status,
        headers: response.headers,
        json: JSON.parse(response.body) as Record<string, unknown>,
      }),
    );
  const fapiRequest = (claims: JWTPayload, options: SignOptions = {}) =>
    requestObject({ clientId: fapiClientId }, claims, { key: keys.PS256, ...options });

  it('accepts a PS256 request object with a binding message', async () => {
    expect((await fapi({ request: await fapiRequest({ binding_message: 'PAY 10 EUR' }) })).status).toBe(200);
  });

  it('400 invalid_request for an unsigned request (§5.2.2-6)', async () => {
    await expectRefused(fapi({ scope: 'openid', login_hint: alice.email, binding_message: 'X1' }), 'invalid_request', /signed/);
  });

  it.each(['RS256', 'EdDSA', 'ES256'] as const)(
    '400 invalid_request for a request object signed with %s (only its registered PS256: FAPI 1.0 Part 2 §8.6)',
    async (alg) => {
      await expectRefused(
        fapi({ request: await fapiRequest({ binding_message: 'X1' }, { key: keys[alg] }) }),
        'invalid_request',
        /PS256/,
      );
    },
  );

  it('400 invalid_request without a binding message (§5.2.2-2)', async () => {
    await expectRefused(fapi({ request: await fapiRequest({}) }), 'invalid_request', /binding_message/);
  });

  it('400 invalid_request for a request object valid longer than 60 minutes (§5.2.2-9: exp +70 min)', async () => {
    await expectRefused(
      fapi({ request: await fapiRequest({ binding_message: 'X1', exp: nowSeconds() + 70 * 60 }) }),
      'invalid_request',
      /60 minutes/,
    );
  });
});

describe('discovery (CIBA §4)', () => {
  it('advertises the request signing algs and the request parameter, never request_uri', async () => {
    const discovery = await call({
      method: 'GET',
      path: '/t/acme/.well-known/openid-configuration',
      headers: {},
      body: Buffer.alloc(0),
      receivedAt: new Date(),
    });
    expect(discovery.json).toMatchObject({
      backchannel_authentication_request_signing_alg_values_supported: [...CLIENT_SIGNING_ALGS],
      request_parameter_supported: true,
      request_object_signing_alg_values_supported: [...CLIENT_SIGNING_ALGS],
      request_uri_parameter_supported: false,
    });
    const algs = discovery.json.backchannel_authentication_request_signing_alg_values_supported as string[];
    expect(algs.some((alg) => alg === 'none' || alg.startsWith('HS'))).toBe(false);
  });
});
