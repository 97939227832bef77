import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { deliverOutbox, TEST_ACTOR, testStore } from '@/lib/testing/outbox';
import { completeBackchannelRequest } from '@/lib/ciba/complete-backchannel-request';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import { CLIENT_AUTHENTICATORS } from '@/lib/oauth/client-auth';
import { expireDueRequests } from '@/lib/ciba/expire-due-requests';
import type { Db } from '@/lib/db/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { followSettingsChanges, getProtocolData, unfollowSettingsChanges } from '@/lib/store/get-protocol-store';
import { bumpSettingsEpoch } from '@/lib/store/settings-epoch';
import { accessTokenHash } from '@/lib/oauth/tokens';
import { call, credentialsOf, expectOAuthError, formRequest, type ClientCredentials } from '@/lib/testing/protocol-client';
import { turnOffAbuseLimits } from '@/lib/testing/abuse-limits';
import { useTestDatabase } from '@/lib/testing/test-database';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';

const ISSUER = 'http://localhost:3999/t/acme';
const TOKEN = '/t/acme/oauth/token';
let db: Db;
let cleanup: () => Promise<void>;
let client: ClientCredentials;
let secondClient: ClientCredentials;
let noCibaClient: ClientCredentials;
let globexClient: ClientCredentials;
let alice: { sub: string; email: string };

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme Corp' });
  await turnOffAbuseLimits(db, 'acme');
  await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
  await turnOffAbuseLimits(db, 'globex');
  client = credentialsOf(
    await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Support desk' } }),
  );
  secondClient = credentialsOf(await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Kiosk' } }));
  noCibaClient = credentialsOf(
    await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'No CIBA', grant_types: [] } }),
  );
  globexClient = credentialsOf(
    await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'globex', metadata: { client_name: 'Globex desk' } }),
  );
  alice = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com', name: 'Alice Doe' });
});

afterAll(async () => {
  await deliverOutbox();
  await cleanup();
});

const start = async (
  options: { by?: ClientCredentials; params?: Record<string, string>; at?: Date } = {},
): Promise<{ authReqId: string; requestId: string }> => {
  const result = await call(
    formRequest(
      '/t/acme/bc-authorize',
      { scope: 'openid profile email', login_hint: alice.email, ...options.params },
      {
        auth: options.by ?? client,
        receivedAt: options.at,
      },
    ),
  );
  expect(result.status).toBe(200);
  const authReqId = result.json.auth_req_id as string;
  const stored = await db.backchannelRequest.findUniqueOrThrow({ where: { authReqIdHash: sha256Base64Url(authReqId) } });

  return { authReqId, requestId: stored.id };
};

const poll = (authReqId: string, options: { by?: ClientCredentials; at?: Date; path?: string } = {}) =>
  call(
    formRequest(
      options.path ?? TOKEN,
      { grant_type: CIBA_GRANT_TYPE, auth_req_id: authReqId },
      {
        auth: options.by ?? client,
        receivedAt: options.at,
      },
    ),
  );

const seconds = (base: Date, offset: number) => new Date(base.getTime() + offset * 1000);

const onSqlite = !process.env.TEST_POSTGRES_URL;

// Twice on PostgreSQL: with the settings epoch read at every request (the poll's request read with
// it, then counted by a second statement), and with the settings cache following notifications
// (as a server does: no epoch read, the poll read and counted in one statement).
for (const following of [false, true])
  describe.skipIf(following && onSqlite)(
    `token endpoint: polling a pending request (CIBA §11)${following ? ', settings followed by NOTIFY' : ''}`,
    () => {
      beforeAll(async () => {
        if (!following) return;
        followSettingsChanges();
        await vi.waitFor(() => expect(getProtocolData().settings.followsNotifications()).toBe(true), { timeout: 15_000 });
      });

      afterAll(() => {
        if (following) unfollowSettingsChanges();
      });

      it('reads the settings epoch per request only when not following notifications', async () => {
        const { store } = getProtocolData();
        const reads = vi.spyOn(store, 'readSettingsEpochAndPoll');
        const counted = vi.spyOn(store, 'pollRequest');
        try {
          const { authReqId } = await start();
          expectOAuthError(await poll(authReqId, { at: seconds(new Date(), 1) }), 400, 'authorization_pending');
          expect(reads).toHaveBeenCalledTimes(following ? 0 : 1);
          expect(counted).toHaveBeenCalledTimes(following ? 1 : 0);
        } finally {
          reads.mockRestore();
          counted.mockRestore();
        }
      });

      it.skipIf(!following)(
        'a decision committed under a well-spaced poll (read pending, not counted) is answered as it stands: tokens, not slow_down',
        async () => {
          const t0 = new Date();
          const { authReqId, requestId } = await start({ at: t0 });
          const { store } = getProtocolData();
          const racing = vi.spyOn(store, 'pollRequest').mockImplementationOnce(async (options) => {
            // The statement's snapshot saw the request pending; the approval commits before its update runs.
            const seen = await store.findRequestForPoll(options.authReqIdHash);
            await completeBackchannelRequest(testStore(), { actor: TEST_ACTOR, requestId, decision: 'approve' });

            return { request: seen, counted: false };
          });
          try {
            const answer = await poll(authReqId, { at: seconds(t0, 6) });
            expect(answer.status).toBe(200);
            expect(answer.json).toMatchObject({ token_type: 'Bearer', id_token: expect.any(String) });
            expect(
              await db.backchannelRequest.findUniqueOrThrow({
                where: { id: requestId },
                select: { status: true, slowDownCount: true },
              }),
            ).toEqual({ status: 'redeemed', slowDownCount: 0 });
          } finally {
            racing.mockRestore();
          }
        },
      );

      it('two polls at once: exactly one authorization_pending and one slow_down, counted once each', async () => {
        const t0 = new Date();
        const { authReqId, requestId } = await start({ at: t0 });
        const answers = await Promise.all([poll(authReqId, { at: seconds(t0, 6) }), poll(authReqId, { at: seconds(t0, 6) })]);
        expect(answers.map((answer) => answer.json.error).sort()).toEqual(['authorization_pending', 'slow_down']);
        expect(
          await db.backchannelRequest.findUniqueOrThrow({
            where: { id: requestId },
            select: { pollCount: true, slowDownCount: true, interval: true },
          }),
        ).toEqual({ pollCount: 2, slowDownCount: 1, interval: 10 });
      });

      it("another client's poll is invalid_grant and is not counted: the owner's next poll is on time", async () => {
        const t0 = new Date();
        const { authReqId } = await start({ at: t0 });
        expectOAuthError(await poll(authReqId, { at: seconds(t0, 5), by: secondClient }), 400, 'invalid_grant');
        expectOAuthError(await poll(authReqId, { at: seconds(t0, 5) }), 400, 'authorization_pending');
      });

      it('the interval boundary: 250 ms of grace, not more', async () => {
        const t0 = new Date();
        const { authReqId } = await start({ at: t0 });
        expectOAuthError(await poll(authReqId, { at: t0 }), 400, 'authorization_pending');
        expectOAuthError(await poll(authReqId, { at: new Date(t0.getTime() + 4_750) }), 400, 'authorization_pending');
        const early = await poll(authReqId, { at: new Date(t0.getTime() + 4_750 + 4_749) });
        expectOAuthError(early, 400, 'slow_down');
        expect(early.json.interval).toBe(10);
      });

      it('authorization_pending while pending, when polls respect the interval', async () => {
        const t0 = new Date();
        const { authReqId } = await start({ at: t0 });
        expectOAuthError(await poll(authReqId, { at: seconds(t0, 1) }), 400, 'authorization_pending');
        expectOAuthError(await poll(authReqId, { at: seconds(t0, 6) }), 400, 'authorization_pending');
        expectOAuthError(await poll(authReqId, { at: seconds(t0, 11) }), 400, 'authorization_pending');
      });

      it('slow_down when polled faster than the interval, raising it by 5 s each time, persisted', async () => {
        const t0 = new Date();
        const { authReqId, requestId } = await start({ at: t0 });
        expectOAuthError(await poll(authReqId, { at: seconds(t0, 1) }), 400, 'authorization_pending');
        const first = await poll(authReqId, { at: seconds(t0, 2) });
        expectOAuthError(first, 400, 'slow_down');
        expect(first.json.interval).toBe(10);
        expect(first.headers['Retry-After']).toBe('10');
        // 6 s later is enough for the old 5 s interval but not the new 10 s one.
        const second = await poll(authReqId, { at: seconds(t0, 8) });
        expectOAuthError(second, 400, 'slow_down');
        expect(second.json.interval).toBe(15);
        expect((await db.backchannelRequest.findUniqueOrThrow({ where: { id: requestId } })).interval).toBe(15);
        expectOAuthError(await poll(authReqId, { at: seconds(t0, 24) }), 400, 'authorization_pending');
      });

      it('expired_token after expiry (not access_denied), also once approved', async () => {
        const t0 = new Date();
        const { authReqId } = await start({ at: t0, params: { requested_expiry: '30' } });
        expectOAuthError(await poll(authReqId, { at: seconds(t0, 31) }), 400, 'expired_token');
        const approved = await start({ params: { requested_expiry: '1' } });
        expect(
          await completeBackchannelRequest(testStore(), {
            actor: TEST_ACTOR,
            requestId: approved.requestId,
            decision: 'approve',
          }),
        ).toEqual({ ok: true, status: 'approved' });
        expectOAuthError(await poll(approved.authReqId, { at: seconds(new Date(), 5) }), 400, 'expired_token');
      });

      it('access_denied after the user denies', async () => {
        const { authReqId, requestId } = await start();
        await completeBackchannelRequest(testStore(), { actor: TEST_ACTOR, requestId, decision: 'deny' });
        expectOAuthError(await poll(authReqId), 400, 'access_denied');
      });

      it('expired_token once the sweeper has marked the request expired, pending or approved', async () => {
        const t0 = new Date();
        const pending = await start({ at: t0, params: { requested_expiry: '30' } });
        const approved = await start({ at: t0, params: { requested_expiry: '30' } });
        await completeBackchannelRequest(testStore(), {
          actor: TEST_ACTOR,
          requestId: approved.requestId,
          decision: 'approve',
          now: t0,
        });
        expect(await expireDueRequests(testStore(), seconds(t0, 31))).toBeGreaterThanOrEqual(2);
        for (const { authReqId, requestId } of [pending, approved]) {
          expect((await testStore().findRequestState(requestId))?.status).toBe('expired');
          expectOAuthError(await poll(authReqId, { at: seconds(t0, 32) }), 400, 'expired_token');
        }
      });

      it('access_denied after an administrator cancels, pending or approved, and no tokens are issued', async () => {
        const pending = await start();
        const approved = await start();
        await completeBackchannelRequest(testStore(), { actor: TEST_ACTOR, requestId: approved.requestId, decision: 'approve' });
        for (const { authReqId, requestId } of [pending, approved]) {
          expect(
            await completeBackchannelRequest(testStore(), { actor: { kind: 'admin', id: 'ops' }, requestId, decision: 'cancel' }),
          ).toEqual({ ok: true, status: 'cancelled' });
          expectOAuthError(await poll(authReqId, { at: seconds(new Date(), 6) }), 400, 'access_denied');
          expect(
            await db.backchannelRequest.findUniqueOrThrow({ where: { id: requestId }, select: { accessTokenJti: true } }),
          ).toEqual({
            accessTokenJti: null,
          });
        }
      });

      it('invalid_grant for an unknown auth_req_id', async () => {
        expectOAuthError(await poll('no-such-request-id-at-all-0000000000000000'), 400, 'invalid_grant');
      });

      it('invalid_grant for an auth_req_id issued to another client of the same tenant', async () => {
        const { authReqId } = await start();
        expectOAuthError(await poll(authReqId, { by: secondClient }), 400, 'invalid_grant');
      });

      it("tenant isolation: another tenant's client cannot redeem, at either tenant's endpoint", async () => {
        const { authReqId, requestId } = await start();
        await completeBackchannelRequest(testStore(), { actor: TEST_ACTOR, requestId, decision: 'approve' });
        expectOAuthError(await poll(authReqId, { by: globexClient }), 401, 'invalid_client');
        expectOAuthError(await poll(authReqId, { by: globexClient, path: '/t/globex/oauth/token' }), 400, 'invalid_grant');
        expectOAuthError(await poll(authReqId, { path: '/t/globex/oauth/token' }), 401, 'invalid_client');
        expect((await poll(authReqId)).status).toBe(200);
      });
    },
  );

describe('token endpoint: redemption (CIBA §10.1.1)', () => {
  it('issues a verifiable ID token and RFC 9068 access token once', async () => {
    const { authReqId, requestId } = await start({ params: { acr_values: 'urn:backchannel:acr:email-link' } });
    const decidedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    await completeBackchannelRequest(testStore(), { actor: TEST_ACTOR, requestId, decision: 'approve', now: decidedAt });
    const result = await poll(authReqId);
    expect(result.status).toBe(200);
    expect(result.headers['Cache-Control']).toBe('no-store');
    expect(result.headers.Pragma).toBe('no-cache');
    expect(result.json).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      id_token: expect.any(String),
      scope: 'openid profile email',
    });
    const jwks = await call({
      method: 'GET',
      path: '/t/acme/.well-known/jwks.json',
      headers: {},
      body: Buffer.alloc(0),
      receivedAt: new Date(),
    });
    const keySet = createLocalJWKSet(jwks.json as never);
    const idToken = await jwtVerify(result.json.id_token as string, keySet, { issuer: ISSUER, audience: client.clientId });
    expect(decodeProtectedHeader(result.json.id_token as string)).toMatchObject({ alg: 'RS256', kid: expect.any(String) });
    expect(idToken.payload).toMatchObject({
      sub: alice.sub,
      auth_time: decidedAt.getTime() / 1000,
      acr: 'urn:backchannel:acr:email-link',
      at_hash: accessTokenHash(result.json.access_token as string),
    });
    const accessToken = await jwtVerify(result.json.access_token as string, keySet, { issuer: ISSUER, typ: 'at+jwt' });
    expect(accessToken.payload).toMatchObject({
      sub: alice.sub,
      client_id: client.clientId,
      scope: 'openid profile email',
      jti: expect.any(String),
    });

    const info = await call({
      method: 'GET',
      path: '/t/acme/userinfo',
      headers: { authorization: `Bearer ${result.json.access_token as string}` },
      body: Buffer.alloc(0),
      receivedAt: new Date(),
    });
    expect(info.status).toBe(200);
    expect(info.json).toEqual({ sub: alice.sub, name: 'Alice Doe', email: 'alice@example.com', email_verified: true });
  });

  it('a replayed auth_req_id is invalid_grant and revokes the tokens it produced', async () => {
    const { authReqId, requestId } = await start();
    await completeBackchannelRequest(testStore(), { actor: TEST_ACTOR, requestId, decision: 'approve' });
    const first = await poll(authReqId);
    expect(first.status).toBe(200);
    expectOAuthError(await poll(authReqId), 400, 'invalid_grant');
    const info = await call({
      method: 'POST',
      path: '/t/acme/userinfo',
      headers: { authorization: `Bearer ${first.json.access_token as string}` },
      body: Buffer.alloc(0),
      receivedAt: new Date(),
    });
    expectOAuthError(info, 401, 'invalid_token');
    expect(info.headers['WWW-Authenticate']).toContain('error="invalid_token"');
  });

  it('20 concurrent redemptions: exactly one gets tokens, the rest invalid_grant', async () => {
    const { authReqId, requestId } = await start();
    await completeBackchannelRequest(testStore(), { actor: TEST_ACTOR, requestId, decision: 'approve' });
    const results = await Promise.all(Array.from({ length: 20 }, () => poll(authReqId)));
    expect(results.filter((result) => result.status === 200)).toHaveLength(1);
    expect(results.filter((result) => result.json.error === 'invalid_grant')).toHaveLength(19);
  });

  it("ID tokens are signed with the client's registered algorithm", async () => {
    await db.$transaction(async (tx) => {
      await tx.client.update({ where: { clientId: secondClient.clientId }, data: { idTokenSignedResponseAlg: 'ES256' } });
      await bumpSettingsEpoch(tx);
    });
    const { authReqId, requestId } = await start({ by: secondClient });
    await completeBackchannelRequest(testStore(), { actor: TEST_ACTOR, requestId, decision: 'approve' });
    const result = await poll(authReqId, { by: secondClient });
    expect(decodeProtectedHeader(result.json.id_token as string).alg).toBe('ES256');
  });
});

describe('token endpoint: request validation (RFC 6749 §5.2, CIBA §11)', () => {
  it('400 invalid_request without grant_type or without auth_req_id', async () => {
    expectOAuthError(await call(formRequest(TOKEN, { auth_req_id: 'x' }, { auth: client })), 400, 'invalid_request');
    expectOAuthError(await call(formRequest(TOKEN, { grant_type: CIBA_GRANT_TYPE }, { auth: client })), 400, 'invalid_request');
  });

  it('400 unsupported_grant_type for any other grant', async () => {
    expectOAuthError(
      await call(formRequest(TOKEN, { grant_type: 'authorization_code', code: 'x' }, { auth: client })),
      400,
      'unsupported_grant_type',
    );
  });

  it('400 unauthorized_client for a client without the CIBA grant', async () => {
    expectOAuthError(await poll('whatever', { by: noCibaClient }), 400, 'unauthorized_client');
  });

  it('401 invalid_client for failed client authentication', async () => {
    expectOAuthError(await poll('whatever', { by: { ...client, clientSecret: 'nope' } }), 401, 'invalid_client');
    expectOAuthError(await call(formRequest(TOKEN, { grant_type: CIBA_GRANT_TYPE, auth_req_id: 'x' })), 401, 'invalid_client');
  });

  it('400 invalid_request for repeated parameters, 405 for GET', async () => {
    expectOAuthError(
      await call(formRequest(TOKEN, `grant_type=${CIBA_GRANT_TYPE}&auth_req_id=a&auth_req_id=b`, { auth: client })),
      400,
      'invalid_request',
    );
    const get = await call(formRequest(TOKEN, {}, { method: 'GET' }));
    expectOAuthError(get, 405, 'invalid_request');
    expect(get.headers.Allow).toBe('POST');
  });
});

describe('userinfo (OIDC Core §5.3, RFC 6750 §3)', () => {
  const userinfo = (headers: Record<string, string>) =>
    call({ method: 'GET', path: '/t/acme/userinfo', headers, body: Buffer.alloc(0), receivedAt: new Date() });

  it('401 without a token, with a bare Bearer challenge', async () => {
    const result = await userinfo({});
    expect(result.status).toBe(401);
    expect(result.headers['WWW-Authenticate']).toBe('Bearer realm="backchannel"');
  });

  it('accepts the token in a POST form body (RFC 6750 §2.2); 400 invalid_request when sent twice; 401 for a malformed header', async () => {
    const { authReqId, requestId } = await start();
    await completeBackchannelRequest(testStore(), { actor: TEST_ACTOR, requestId, decision: 'approve' });
    const accessToken = (await poll(authReqId)).json.access_token as string;
    const inBody = await call(formRequest('/t/acme/userinfo', { access_token: accessToken }));
    expect({ status: inBody.status, sub: inBody.json.sub }).toEqual({ status: 200, sub: alice.sub });
    const twice = await call(
      formRequest('/t/acme/userinfo', { access_token: accessToken }, { headers: { authorization: `Bearer ${accessToken}` } }),
    );
    expectOAuthError(twice, 400, 'invalid_request');
    expectOAuthError(await userinfo({ authorization: 'Bearer not a token' }), 401, 'invalid_token');
  });

  it('401 invalid_token for a forged or foreign-tenant token', async () => {
    expectOAuthError(await userinfo({ authorization: 'Bearer abc.def.ghi' }), 401, 'invalid_token');
    const { authReqId, requestId } = await start();
    await completeBackchannelRequest(testStore(), { actor: TEST_ACTOR, requestId, decision: 'approve' });
    const tokens = await poll(authReqId);
    const foreign = await call({
      method: 'GET',
      path: '/t/globex/userinfo',
      headers: { authorization: `Bearer ${tokens.json.access_token as string}` },
      body: Buffer.alloc(0),
      receivedAt: new Date(),
    });
    expectOAuthError(foreign, 401, 'invalid_token');
  });
});

describe('discovery and JWKS (CIBA §4)', () => {
  it('publishes the CIBA metadata', async () => {
    const result = await call({
      method: 'GET',
      path: '/t/acme/.well-known/openid-configuration',
      headers: {},
      body: Buffer.alloc(0),
      receivedAt: new Date(),
    });
    expect(result.status).toBe(200);
    expect(result.json).toMatchObject({
      issuer: ISSUER,
      backchannel_authentication_endpoint: `${ISSUER}/bc-authorize`,
      token_endpoint: `${ISSUER}/oauth/token`,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      userinfo_endpoint: `${ISSUER}/userinfo`,
      revocation_endpoint: `${ISSUER}/revoke`,
      introspection_endpoint: `${ISSUER}/introspect`,
      backchannel_token_delivery_modes_supported: ['poll', 'ping', 'push'],
      grant_types_supported: [CIBA_GRANT_TYPE, 'refresh_token'],
      token_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
        'private_key_jwt',
        'tls_client_auth',
        'self_signed_tls_client_auth',
      ],
      tls_client_certificate_bound_access_tokens: true,
      id_token_signing_alg_values_supported: ['RS256', 'ES256', 'PS256', 'EdDSA'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    });
  });

  it('lists exactly the client authentication methods and assertion algorithms that work, per endpoint (RFC 8414 §2)', async () => {
    const { json } = await call({
      method: 'GET',
      path: '/t/acme/.well-known/openid-configuration',
      headers: {},
      body: Buffer.alloc(0),
      receivedAt: new Date(),
    });
    const implemented = Object.keys(CLIENT_AUTHENTICATORS);
    expect(implemented).toEqual(expect.arrayContaining(['client_secret_basic', 'client_secret_post', 'private_key_jwt']));
    for (const endpoint of ['token_endpoint', 'revocation_endpoint', 'introspection_endpoint']) {
      expect(json[`${endpoint}_auth_methods_supported`]).toEqual(implemented);
      expect(json[`${endpoint}_auth_signing_alg_values_supported`]).toEqual(['PS256', 'ES256', 'RS256', 'EdDSA']);
    }
  });

  it('publishes only public key material, one key per algorithm, distinct per tenant', async () => {
    const get = (slug: string) =>
      call({
        method: 'GET',
        path: `/t/${slug}/.well-known/jwks.json`,
        headers: {},
        body: Buffer.alloc(0),
        receivedAt: new Date(),
      });
    const acme = (await get('acme')).json.keys as Array<Record<string, string>>;
    const globex = (await get('globex')).json.keys as Array<Record<string, string>>;
    expect(acme.map((key) => key.alg).sort()).toEqual(['ES256', 'EdDSA', 'PS256', 'RS256']);
    for (const key of acme) expect(key).not.toHaveProperty('d');
    expect(acme.map((key) => key.kid)).not.toContain(globex[0].kid);
  });

  it('404 for an unknown tenant or endpoint', async () => {
    const unknownTenant = await call({
      method: 'GET',
      path: '/t/nope/.well-known/openid-configuration',
      headers: {},
      body: Buffer.alloc(0),
      receivedAt: new Date(),
    });
    expect(unknownTenant.status).toBe(404);
    const unknownEndpoint = await call({
      method: 'GET',
      path: '/t/acme/authorize',
      headers: {},
      body: Buffer.alloc(0),
      receivedAt: new Date(),
    });
    expect(unknownEndpoint.status).toBe(404);
  });
});
