import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { deleteUser } from '@/lib/admin/delete-user';
import { setUserBlocked } from '@/lib/admin/set-user-blocked';
import { updateClient } from '@/lib/admin/update-client';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { completeBackchannelRequest } from '@/lib/ciba/complete-backchannel-request';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import type { Db } from '@/lib/db/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { bootstrapSigningKeyId, SIGNING_ALGS, type SigningAlg } from '@/lib/oauth/signing-keys';
import { accessTokenHash, mintTokenResponse, refreshTokenHash, RT_HASH_CLAIM } from '@/lib/oauth/tokens';
import { toClientRecord } from '@/lib/clients/client-record';
import { bumpSettingsEpoch } from '@/lib/store/settings-epoch';
import { turnOffAbuseLimits } from '@/lib/testing/abuse-limits';
import { deliverOutbox, TEST_ACTOR, testStore } from '@/lib/testing/outbox';
import { call, credentialsOf, expectOAuthError, formRequest, type ClientCredentials } from '@/lib/testing/protocol-client';
import { useTestDatabase } from '@/lib/testing/test-database';

const ISSUER = 'http://localhost:3999/t/acme';
const TOKEN = '/t/acme/oauth/token';
const REVOKE = '/t/acme/revoke';
const INTROSPECT = '/t/acme/introspect';
const WITH_REFRESH = [CIBA_GRANT_TYPE, 'refresh_token'];
const FULL_SCOPE = 'openid profile email offline_access';

let db: Db;
let cleanup: () => Promise<void>;
let desk: ClientCredentials;
let kiosk: ClientCredentials;
let cibaOnly: ClientCredentials;
let alice: { id: string; sub: string; email: string };

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme Corp' });
  await turnOffAbuseLimits(db, 'acme');
  const create = async (client_name: string, metadata: Record<string, unknown> = {}) =>
    credentialsOf(await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name, ...metadata } }));
  desk = await create('Desk', { grant_types: WITH_REFRESH });
  kiosk = await create('Kiosk', { grant_types: WITH_REFRESH });
  cibaOnly = await create('CIBA only');
  alice = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com', name: 'Alice Doe' });
});

afterAll(async () => {
  await deliverOutbox();
  await cleanup();
});

type Tokens = { access_token: string; id_token: string; refresh_token?: string; scope: string; expires_in: number };

/** bc-authorize, approval, then the CIBA grant: the token response. */
const issue = async (
  options: { by?: ClientCredentials; scope?: string; email?: string } = {},
): Promise<Tokens & { requestId: string }> => {
  const by = options.by ?? desk;
  const started = await call(
    formRequest(
      '/t/acme/bc-authorize',
      { scope: options.scope ?? FULL_SCOPE, login_hint: options.email ?? alice.email },
      { auth: by },
    ),
  );
  expect(started.status).toBe(200);
  const authReqId = started.json.auth_req_id as string;
  const { id: requestId } = await db.backchannelRequest.findUniqueOrThrow({
    where: { authReqIdHash: sha256Base64Url(authReqId) },
  });
  await completeBackchannelRequest(testStore(), { actor: TEST_ACTOR, requestId, decision: 'approve' });
  const redeemed = await call(formRequest(TOKEN, { grant_type: CIBA_GRANT_TYPE, auth_req_id: authReqId }, { auth: by }));
  expect(redeemed.status).toBe(200);

  return { ...(redeemed.json as Tokens), requestId };
};

const refresh = (refreshToken: string, options: { by?: ClientCredentials; scope?: string; at?: Date } = {}) =>
  call(
    formRequest(
      TOKEN,
      {
        grant_type: 'refresh_token',
        refresh_token: refreshToken,
        ...(options.scope === undefined ? {} : { scope: options.scope }),
      },
      { auth: options.by ?? desk, receivedAt: options.at },
    ),
  );

const userinfo = (accessToken: string) =>
  call({
    method: 'GET',
    path: '/t/acme/userinfo',
    headers: { authorization: `Bearer ${accessToken}` },
    body: Buffer.alloc(0),
    receivedAt: new Date(),
  });

const introspect = (token: string, options: { by?: ClientCredentials | null; hint?: string; at?: Date } = {}) =>
  call(
    formRequest(
      INTROSPECT,
      { token, ...(options.hint ? { token_type_hint: options.hint } : {}) },
      { auth: options.by === null ? undefined : (options.by ?? desk), receivedAt: options.at },
    ),
  );

const revoke = async (token: string, options: { by?: ClientCredentials | null; hint?: string } = {}) => {
  const response = await (
    await import('@/lib/http/protocol-router')
  ).handleProtocolRequest(
    formRequest(
      REVOKE,
      { token, ...(options.hint ? { token_type_hint: options.hint } : {}) },
      { auth: options.by === null ? undefined : (options.by ?? desk) },
    ),
  );

  return response;
};

const jwks = async () => {
  const result = await call({
    method: 'GET',
    path: '/t/acme/.well-known/jwks.json',
    headers: {},
    body: Buffer.alloc(0),
    receivedAt: new Date(),
  });

  return result.json as { keys: JWK[] };
};

describe('refresh tokens: issued with offline_access to clients with the refresh_token grant', () => {
  it('the CIBA token response carries an opaque refresh token, stored only as its hash', async () => {
    const tokens = await issue();
    expect(Object.keys(tokens).sort()).toEqual(
      ['access_token', 'expires_in', 'id_token', 'refresh_token', 'requestId', 'scope', 'token_type'].sort(),
    );
    expect(tokens.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokens.scope).toBe(FULL_SCOPE);
    const stored = await db.refreshToken.findMany({ where: { requestId: tokens.requestId } });
    expect(stored).toHaveLength(1);
    expect(stored[0].tokenHash).toBe(sha256Base64Url(tokens.refresh_token!));
    expect(JSON.stringify(stored)).not.toContain(tokens.refresh_token!);
    // 30 days by default (refresh_token_lifetime).
    expect(stored[0].expiresAt.getTime() - stored[0].createdAt.getTime()).toBe(30 * 24 * 3600 * 1000);
  });

  it('no refresh token without offline_access, nor for a client without the grant', async () => {
    expect((await issue({ scope: 'openid email' })).refresh_token).toBeUndefined();
    const tokens = await issue({ by: cibaOnly });
    expect(tokens.refresh_token).toBeUndefined();
    expect(tokens.scope).toBe(FULL_SCOPE);
    expect(await db.refreshToken.count({ where: { requestId: tokens.requestId } })).toBe(0);
  });

  it('rotates on every use: a new refresh token, access token and ID token (OIDC Core §12.2)', async () => {
    const first = await issue();
    const refreshed = await refresh(first.refresh_token!);
    expect(refreshed.status).toBe(200);
    expect(refreshed.headers['Cache-Control']).toBe('no-store');
    const next = refreshed.json as Tokens;
    expect(Object.keys(next).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'refresh_token', 'scope', 'token_type']);
    expect(next.refresh_token).not.toBe(first.refresh_token);
    expect(next.access_token).not.toBe(first.access_token);
    expect(next.scope).toBe(FULL_SCOPE);
    const { payload } = await jwtVerify(next.id_token, createLocalJWKSet(await jwks()), {
      issuer: ISSUER,
      audience: desk.clientId,
    });
    const { payload: original } = await jwtVerify(first.id_token, createLocalJWKSet(await jwks()), { issuer: ISSUER });
    expect(payload.sub).toBe(original.sub);
    expect(payload.auth_time).toBe(original.auth_time);
    expect(payload.at_hash).toBe(accessTokenHash(next.access_token));
    expect((await userinfo(next.access_token)).json).toMatchObject({ sub: alice.sub, email: alice.email });
    // Both access tokens stand until something revokes the grant.
    expect((await userinfo(first.access_token)).status).toBe(200);
    const third = await refresh(next.refresh_token!);
    expect(third.status).toBe(200);
  });

  it('reuse of a rotated refresh token: invalid_grant, and every token of the grant is revoked', async () => {
    const first = await issue();
    const second = (await refresh(first.refresh_token!)).json as Tokens;
    const third = (await refresh(second.refresh_token!)).json as Tokens;
    expectOAuthError(await refresh(first.refresh_token!), 400, 'invalid_grant');
    // The family: the current successor, and every access token of the grant.
    expectOAuthError(await refresh(third.refresh_token!), 400, 'invalid_grant');
    for (const accessToken of [first.access_token, second.access_token, third.access_token]) {
      expectOAuthError(await userinfo(accessToken), 401, 'invalid_token');
      expect((await introspect(accessToken)).json).toEqual({ active: false });
    }
    expect((await introspect(third.refresh_token!)).json).toEqual({ active: false });
    const events = await testStore().listRequestEvents(first.requestId);
    expect(events.filter((event) => event.type === 'ciba_tokens_refreshed')).toHaveLength(2);
    const revoked = events.filter((event) => event.type === 'ciba_tokens_revoked');
    expect(revoked.map((event) => JSON.parse(event.detail ?? '{}'))).toEqual([{ reason: 'refresh_token_reuse' }]);
  });

  it('two concurrent uses of one refresh token: exactly one wins, the other is a reuse that revokes the family', async () => {
    for (let round = 0; round < 3; round += 1) {
      const first = await issue();
      const results = await Promise.all([refresh(first.refresh_token!), refresh(first.refresh_token!)]);
      const statuses = results.map((result) => result.status).sort();
      expect(statuses).toEqual([200, 400]);
      const loser = results.find((result) => result.status === 400)!;
      expectOAuthError(loser, 400, 'invalid_grant');
      const winner = results.find((result) => result.status === 200)!.json as Tokens;
      expectOAuthError(await refresh(winner.refresh_token!), 400, 'invalid_grant');
      expectOAuthError(await userinfo(winner.access_token), 401, 'invalid_token');
      expect(await db.refreshToken.count({ where: { requestId: first.requestId } })).toBe(2);
    }
  });

  it('the rotation itself is one conditional update: of concurrent rotations of one token, exactly one commits', async () => {
    const first = await issue();
    const token = (await testStore().findRefreshToken(sha256Base64Url(first.refresh_token!)))!;
    const subject = { id: token.requestId, tenantId: token.tenantId, clientId: token.clientId, userId: token.userId };
    const now = new Date();
    const successor = (index: number) => ({
      id: `successor-${first.requestId}-${index}`,
      tenantId: token.tenantId,
      requestId: token.requestId,
      clientId: token.clientId,
      tokenHash: `hash-${first.requestId}-${index}`,
      scope: token.scope,
      accessTokenJti: `jti-${first.requestId}-${index}`,
      createdAt: now,
      expiresAt: new Date(now.getTime() + 60_000),
    });
    const outcomes = await Promise.all(
      [0, 1, 2, 3].map((index) => testStore().rotateRefreshToken({ token, subject, successor: successor(index), now })),
    );
    expect(outcomes.filter(Boolean)).toHaveLength(1);
    // The losers wrote nothing: one successor besides the original.
    expect(await db.refreshToken.count({ where: { requestId: first.requestId } })).toBe(2);
  });

  it('bound to its client: another client gets invalid_grant and the family is left alone', async () => {
    const first = await issue();
    expectOAuthError(await refresh(first.refresh_token!, { by: kiosk }), 400, 'invalid_grant');
    expectOAuthError(await refresh(first.refresh_token!, { by: cibaOnly }), 400, 'unauthorized_client');
    expect((await refresh(first.refresh_token!)).status).toBe(200);
  });

  it('scope may narrow (for this access token only) but never widen', async () => {
    const first = await issue({ scope: 'openid email offline_access' });
    const narrowed = await refresh(first.refresh_token!, { scope: 'email openid' });
    expect(narrowed.status).toBe(200);
    expect(narrowed.json.scope).toBe('openid email');
    expect((await userinfo(narrowed.json.access_token as string)).json).toEqual({
      sub: alice.sub,
      email: alice.email,
      email_verified: true,
    });
    // RFC 6749 §6: the new refresh token keeps the scope originally granted.
    const again = await refresh(narrowed.json.refresh_token as string);
    expect(again.json.scope).toBe('openid email offline_access');
    const withoutOpenid = await refresh(again.json.refresh_token as string, { scope: 'email' });
    expect(withoutOpenid.status).toBe(200);
    expect(withoutOpenid.json.id_token).toBeUndefined();
    const latest = withoutOpenid.json.refresh_token as string;
    expectOAuthError(await refresh(latest, { scope: 'openid profile' }), 400, 'invalid_scope');
    expectOAuthError(await refresh(latest, { scope: 'openid "quoted"' }), 400, 'invalid_scope');
    expectOAuthError(await refresh(latest, { scope: ' ' }), 400, 'invalid_scope');
    // A refused scope changed nothing: the token still works.
    expect((await refresh(latest)).status).toBe(200);
  });

  it('invalid_grant once expired, for a blocked or deleted user, or an unknown token', async () => {
    const first = await issue();
    const later = new Date(Date.now() + 30 * 24 * 3600 * 1000 + 1000);
    expectOAuthError(await refresh(first.refresh_token!, { at: later }), 400, 'invalid_grant');
    expect((await introspect(first.refresh_token!, { at: later })).json).toEqual({ active: false });
    expectOAuthError(await refresh('x'.repeat(43)), 400, 'invalid_grant');
    expectOAuthError(await refresh('a.b.c'), 400, 'invalid_grant');

    const bob = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'bob@example.com' });
    const bobs = await issue({ email: bob.email });
    await setUserBlocked(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: bob.email, blocked: true });
    expectOAuthError(await refresh(bobs.refresh_token!), 400, 'invalid_grant');
    expect((await introspect(bobs.refresh_token!)).json).toEqual({ active: false });
    await setUserBlocked(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: bob.email, blocked: false });
    const unblocked = await refresh(bobs.refresh_token!);
    expect(unblocked.status).toBe(200);
    await deleteUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: bob.id });
    expectOAuthError(await refresh(unblocked.json.refresh_token as string), 400, 'invalid_grant');
  });

  it('unauthorized_client once the client loses the refresh_token grant; invalid_request without a token', async () => {
    const temp = credentialsOf(
      await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Temp', grant_types: WITH_REFRESH } }),
    );
    const first = await issue({ by: temp });
    expectOAuthError(await call(formRequest(TOKEN, { grant_type: 'refresh_token' }, { auth: temp })), 400, 'invalid_request');
    await updateClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      clientId: temp.clientId,
      metadata: { grant_types: [CIBA_GRANT_TYPE] },
    });
    await bumpSettingsEpoch(db);
    expectOAuthError(await refresh(first.refresh_token!, { by: temp }), 400, 'unauthorized_client');
    expectOAuthError(await refresh(first.refresh_token!, { by: { ...temp, clientSecret: 'wrong' } }), 401, 'invalid_client');
  });
});

describe('revocation (RFC 7009)', () => {
  it('revoking an access token: userinfo and introspection refuse it at once; the rest of the grant stands', async () => {
    const tokens = await issue();
    expect((await userinfo(tokens.access_token)).status).toBe(200);
    const response = await revoke(tokens.access_token);
    expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: '' });
    expectOAuthError(await userinfo(tokens.access_token), 401, 'invalid_token');
    expect((await introspect(tokens.access_token)).json).toEqual({ active: false });
    // Revoking it again changes nothing.
    expect((await revoke(tokens.access_token, { hint: 'refresh_token' })).status).toBe(200);
    const refreshed = await refresh(tokens.refresh_token!);
    expect(refreshed.status).toBe(200);
    expect((await userinfo(refreshed.json.access_token as string)).status).toBe(200);
  });

  it('revoking a refresh token revokes its grant: its family and every access token', async () => {
    const first = await issue();
    const second = (await refresh(first.refresh_token!)).json as Tokens;
    expect((await revoke(second.refresh_token!, { hint: 'access_token' })).status).toBe(200);
    expectOAuthError(await refresh(second.refresh_token!), 400, 'invalid_grant');
    expectOAuthError(await userinfo(first.access_token), 401, 'invalid_token');
    expectOAuthError(await userinfo(second.access_token), 401, 'invalid_token');
    expect((await introspect(second.refresh_token!)).json).toEqual({ active: false });
    const events = await testStore().listRequestEvents(first.requestId);
    expect(events.filter((event) => event.type === 'ciba_tokens_revoked').map((event) => JSON.parse(event.detail!))).toEqual([
      { reason: 'revocation' },
    ]);
  });

  it('unknown tokens and another client’s tokens: 200 without effect (RFC 7009 §2.2)', async () => {
    const tokens = await issue();
    for (const token of ['unknown', 'a.b.c', tokens.access_token.slice(0, -2), 'x'.repeat(500)]) {
      expect((await revoke(token)).status).toBe(200);
    }
    expect((await revoke(tokens.access_token, { by: kiosk })).status).toBe(200);
    expect((await revoke(tokens.refresh_token!, { by: kiosk })).status).toBe(200);
    expect((await userinfo(tokens.access_token)).status).toBe(200);
    expect((await refresh(tokens.refresh_token!)).status).toBe(200);
  });

  it('client authentication is required; the token parameter too; POST only', async () => {
    const tokens = await issue();
    const unauthenticated = await call(formRequest(REVOKE, { token: tokens.access_token }));
    expectOAuthError(unauthenticated, 401, 'invalid_client');
    expectOAuthError(
      await call(formRequest(REVOKE, { token: tokens.access_token }, { auth: { ...desk, clientSecret: 'no' } })),
      401,
      'invalid_client',
    );
    expectOAuthError(await call(formRequest(REVOKE, {}, { auth: desk })), 400, 'invalid_request');
    const get = await call({ method: 'GET', path: REVOKE, headers: {}, body: Buffer.alloc(0), receivedAt: new Date() });
    expect(get.status).toBe(405);
    expect((await userinfo(tokens.access_token)).status).toBe(200);
  });
});

describe('introspection (RFC 7662)', () => {
  it('the token’s own client gets the full answer, for access and refresh tokens', async () => {
    const tokens = await issue();
    const access = await introspect(tokens.access_token);
    expect(access.status).toBe(200);
    expect(access.headers['Cache-Control']).toBe('no-store');
    const { payload } = await jwtVerify(tokens.access_token, createLocalJWKSet(await jwks()));
    expect(access.json).toEqual({
      active: true,
      scope: FULL_SCOPE,
      client_id: desk.clientId,
      sub: alice.sub,
      exp: payload.exp,
      iat: payload.iat,
      token_type: 'Bearer',
      iss: ISSUER,
      aud: `${ISSUER}/userinfo`,
      jti: payload.jti,
    });
    const refreshToken = await introspect(tokens.refresh_token!, { hint: 'refresh_token' });
    expect(refreshToken.json).toMatchObject({
      active: true,
      scope: FULL_SCOPE,
      client_id: desk.clientId,
      sub: alice.sub,
      token_type: 'refresh_token',
      iss: ISSUER,
    });
    expect((refreshToken.json.exp as number) - (refreshToken.json.iat as number)).toBe(30 * 24 * 3600);
    // A wrong hint is only a hint.
    expect((await introspect(tokens.access_token, { hint: 'refresh_token' })).json.active).toBe(true);
    expect((await introspect(tokens.refresh_token!, { hint: 'access_token' })).json.active).toBe(true);
    expect((await introspect(tokens.refresh_token!, { hint: 'something_else' })).json.active).toBe(true);
  });

  it('any other client gets {"active":false}; so do unknown, rotated and malformed tokens', async () => {
    const tokens = await issue();
    expect((await introspect(tokens.access_token, { by: kiosk })).json).toEqual({ active: false });
    expect((await introspect(tokens.refresh_token!, { by: kiosk })).json).toEqual({ active: false });
    for (const token of ['unknown', 'a.b.c', tokens.access_token.slice(0, -2), tokens.id_token]) {
      const result = await introspect(token);
      expect({ status: result.status, json: result.json }).toEqual({ status: 200, json: { active: false } });
    }
    const rotated = tokens.refresh_token!;
    expect((await refresh(rotated)).status).toBe(200);
    expect((await introspect(rotated)).json).toEqual({ active: false });
  });

  it('no or bad client authentication: 401 invalid_client; no token: invalid_request', async () => {
    const tokens = await issue();
    expectOAuthError(await introspect(tokens.access_token, { by: null }), 401, 'invalid_client');
    expectOAuthError(await introspect(tokens.access_token, { by: { ...desk, clientSecret: 'wrong' } }), 401, 'invalid_client');
    expectOAuthError(await call(formRequest(INTROSPECT, {}, { auth: desk })), 400, 'invalid_request');
    expectOAuthError(await call(formRequest(INTROSPECT, 'token=a&token=b', { auth: desk })), 400, 'invalid_request');
  });
});

describe('ID token signing algorithms per client', () => {
  it.each(SIGNING_ALGS)('%s: the ID token verifies against the published JWKS', async (alg: SigningAlg) => {
    const client = credentialsOf(
      await createClient(db, CLI_PRINCIPAL, {
        tenantSlug: 'acme',
        metadata: { client_name: `Signed ${alg}`, id_token_signed_response_alg: alg, grant_types: WITH_REFRESH },
      }),
    );
    const tokens = await issue({ by: client });
    const keys = await jwks();
    const header = decodeProtectedHeader(tokens.id_token);
    expect(header.alg).toBe(alg);
    const published = keys.keys.find((key) => key.kid === header.kid);
    expect(published).toMatchObject({ alg, use: 'sig' });
    expect(published).not.toHaveProperty('d');
    if (alg === 'EdDSA') expect(published).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    const { payload } = await jwtVerify(tokens.id_token, createLocalJWKSet(keys), {
      issuer: ISSUER,
      audience: client.clientId,
      algorithms: [alg],
    });
    expect(payload.sub).toBe(alice.sub);
    // A refreshed ID token is signed the same way.
    const refreshed = (await refresh(tokens.refresh_token!, { by: client })).json as Tokens;
    expect(decodeProtectedHeader(refreshed.id_token).alg).toBe(alg);
    await jwtVerify(refreshed.id_token, createLocalJWKSet(keys), { issuer: ISSUER, audience: client.clientId });
  });

  it('a tenant without an EdDSA key (created before EdDSA) gets exactly one on first need, even when asked concurrently', async () => {
    await createTenant(db, CLI_PRINCIPAL, { slug: 'legacy', name: 'Legacy' });
    const legacy = await db.tenant.findUniqueOrThrow({ where: { slug: 'legacy' } });
    await db.signingKey.deleteMany({ where: { tenantId: legacy.id, alg: 'EdDSA' } });
    await bumpSettingsEpoch(db);
    const get = () =>
      call({
        method: 'GET',
        path: '/t/legacy/.well-known/jwks.json',
        headers: {},
        body: Buffer.alloc(0),
        receivedAt: new Date(),
      });
    const answers = await Promise.all([get(), get(), get()]);
    for (const answer of answers) {
      expect((answer.json.keys as JWK[]).map((key) => key.alg).sort()).toEqual([...SIGNING_ALGS].sort());
    }
    const rows = await db.signingKey.findMany({ where: { tenantId: legacy.id, alg: 'EdDSA' } });
    expect(rows.map((row) => row.id)).toEqual([bootstrapSigningKeyId(legacy.id, 'EdDSA')]);
  });

  it('discovery lists the endpoints, the refresh_token grant, offline_access and every alg', async () => {
    const discovery = await call({
      method: 'GET',
      path: '/t/acme/.well-known/openid-configuration',
      headers: {},
      body: Buffer.alloc(0),
      receivedAt: new Date(),
    });
    expect(discovery.json).toMatchObject({
      revocation_endpoint: `${ISSUER}/revoke`,
      revocation_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
        'tls_client_auth',
        'self_signed_tls_client_auth',
      ],
      introspection_endpoint: `${ISSUER}/introspect`,
      introspection_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
        'tls_client_auth',
        'self_signed_tls_client_auth',
      ],
      grant_types_supported: [CIBA_GRANT_TYPE, 'refresh_token'],
      id_token_signing_alg_values_supported: ['RS256', 'ES256', 'PS256', 'EdDSA'],
    });
    expect(discovery.json.scopes_supported).toContain('offline_access');
  });
});

describe('pruning expired tokens', () => {
  it('deletes expired refresh tokens and the revocation records of expired access tokens, nothing else', async () => {
    const tokens = await issue();
    await revoke(tokens.access_token);
    const { payload } = await jwtVerify(tokens.access_token, createLocalJWKSet(await jwks()));
    expect(await db.revokedAccessToken.count({ where: { jti: payload.jti } })).toBe(1);
    expect(await testStore().pruneExpiredTokens({ now: new Date(), limit: 1000 })).toBe(0);
    const afterAccessExpiry = new Date((payload.exp! + 1) * 1000);
    expect(await testStore().pruneExpiredTokens({ now: afterAccessExpiry, limit: 1000 })).toBeGreaterThanOrEqual(1);
    expect(await db.revokedAccessToken.count({ where: { jti: payload.jti } })).toBe(0);
    expect(await db.refreshToken.count({ where: { requestId: tokens.requestId } })).toBe(1);
    await testStore().pruneExpiredTokens({ now: new Date(Date.now() + 31 * 24 * 3600 * 1000), limit: 1000 });
    expect(await db.refreshToken.count({ where: { requestId: tokens.requestId } })).toBe(0);
  });
});

describe('mintTokenResponse: the one minting function (CIBA grant, refresh grant, pushed tokens)', () => {
  it('adds rt_hash and extra ID token claims when asked (pushed tokens, CIBA §10.3.1), and stores nothing', async () => {
    const row = await db.client.findUniqueOrThrow({ where: { clientId: desk.clientId } });
    const tenant = await db.tenant.findUniqueOrThrow({ where: { slug: 'acme' } });
    const before = await db.refreshToken.count();
    const minted = await mintTokenResponse(db, {
      tenantId: tenant.id,
      issuer: ISSUER,
      client: toClientRecord(row),
      grant: { requestId: 'request-1', sub: alice.sub, authTime: new Date(), acr: null },
      scope: FULL_SCOPE,
      refreshTokenScope: FULL_SCOPE,
      recordAccessTokenJti: false,
      withRefreshTokenHash: true,
      extraIdTokenClaims: { 'urn:openid:params:jwt:claim:auth_req_id': 'the-auth-req-id' },
      now: new Date(),
    });
    expect(await db.refreshToken.count()).toBe(before);
    const { payload } = await jwtVerify(minted.response.id_token!, createLocalJWKSet(await jwks()), { audience: desk.clientId });
    expect(payload[RT_HASH_CLAIM]).toBe(refreshTokenHash(minted.response.refresh_token!));
    expect(payload['urn:openid:params:jwt:claim:auth_req_id']).toBe('the-auth-req-id');
    expect(payload.at_hash).toBe(accessTokenHash(minted.response.access_token));
    expect(minted.refreshToken).toMatchObject({
      requestId: 'request-1',
      clientId: row.id,
      tokenHash: sha256Base64Url(minted.response.refresh_token!),
      scope: FULL_SCOPE,
      accessTokenJti: null,
    });
    // Without the option (the token endpoint), no rt_hash.
    const plain = await mintTokenResponse(db, {
      tenantId: tenant.id,
      issuer: ISSUER,
      client: toClientRecord(row),
      grant: { requestId: 'request-1', sub: alice.sub, authTime: new Date(), acr: null },
      scope: 'openid',
      refreshTokenScope: null,
      recordAccessTokenJti: false,
      now: new Date(),
    });
    expect(plain.refreshToken).toBeNull();
    expect(plain.response.refresh_token).toBeUndefined();
    expect(decodeJwt(plain.response.id_token!)[RT_HASH_CLAIM]).toBeUndefined();
  });
});
