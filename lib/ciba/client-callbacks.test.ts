// Ping and push delivery (CIBA §10.2, §10.3, §12) end to end: bc-authorize,
// a decision, the outbox worker, and a real notification endpoint (an HTTP
// server on 127.0.0.1) — on SQLite, and on PostgreSQL in its pass.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthorizationType } from '@/lib/admin/create-authorization-type';
import { createClient } from '@/lib/admin/create-client';
import { cancelRequest } from '@/lib/admin/cancel-request';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { setUserBlocked } from '@/lib/admin/set-user-blocked';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { CLIENT_NOTIFICATION_TOKEN_MAX_LENGTH } from '@/lib/ciba/client-callback';
import { completeBackchannelRequest, type RequestDecision } from '@/lib/ciba/complete-backchannel-request';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import { expireDueRequests } from '@/lib/ciba/expire-due-requests';
import type { Db } from '@/lib/db/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { accessTokenHash, AUTH_REQ_ID_CLAIM, refreshTokenHash, RT_HASH_CLAIM } from '@/lib/oauth/tokens';
import { turnOffAbuseLimits } from '@/lib/testing/abuse-limits';
import { startCallbackReceiver, type CallbackReceiver } from '@/lib/testing/callback-receiver';
import { deliverOutbox, TEST_ACTOR, testStore } from '@/lib/testing/outbox';
import { call, credentialsOf, expectOAuthError, formRequest, type ClientCredentials } from '@/lib/testing/protocol-client';
import { useTestDatabase } from '@/lib/testing/test-database';

const ISSUER = 'http://localhost:3999/t/acme';
const NOTIFICATION_TOKEN = 'ping-me.8f2c~A+/b=';
let db: Db;
let cleanup: () => Promise<void>;
let receiver: CallbackReceiver;
let alice: { sub: string; email: string };

beforeAll(async () => {
  process.env.ALLOW_HTTP_LOOPBACK_CALLBACKS = 'true';
  ({ db, cleanup } = await useTestDatabase());
  receiver = await startCallbackReceiver();
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme Corp' });
  await turnOffAbuseLimits(db, 'acme');
  alice = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com' });
});

afterAll(async () => {
  await receiver.close();
  await cleanup();
});

type TestClient = ClientCredentials & { path: string };

let clients = 0;

/** A new client of `mode` whose notification endpoint is `path` on the receiver (or `endpoint`). */
const registerClient = async (
  mode: 'poll' | 'ping' | 'push',
  endpoint?: string,
  metadata: Record<string, unknown> = {},
): Promise<TestClient> => {
  clients += 1;
  const path = `/${mode}/${clients}`;
  const created = await createClient(db, CLI_PRINCIPAL, {
    tenantSlug: 'acme',
    metadata: {
      client_name: `${mode} ${clients}`,
      backchannel_token_delivery_mode: mode,
      ...(mode === 'poll' ? {} : { backchannel_client_notification_endpoint: endpoint ?? `${receiver.origin}${path}` }),
      ...metadata,
    },
  });

  return { ...credentialsOf(created), path };
};

const bcAuthorize = (client: ClientCredentials, params: Record<string, string> = {}, at?: Date) =>
  call(
    formRequest(
      '/t/acme/bc-authorize',
      { scope: 'openid email', login_hint: alice.email, client_notification_token: NOTIFICATION_TOKEN, ...params },
      { auth: client, receivedAt: at },
    ),
  );

const start = async (client: ClientCredentials, params: Record<string, string> = {}, at?: Date) => {
  const result = await bcAuthorize(client, params, at);
  expect(result.status).toBe(200);
  const authReqId = result.json.auth_req_id as string;
  const request = await db.backchannelRequest.findUniqueOrThrow({ where: { authReqIdHash: sha256Base64Url(authReqId) } });

  return { authReqId, requestId: request.id, response: result.json };
};

const decide = async (requestId: string, decision: RequestDecision, now?: Date) =>
  expect(await completeBackchannelRequest(testStore(), { requestId, decision, actor: TEST_ACTOR, now })).toMatchObject({
    ok: true,
  });

const poll = (client: ClientCredentials, authReqId: string, at?: Date) =>
  call(
    formRequest('/t/acme/oauth/token', { grant_type: CIBA_GRANT_TYPE, auth_req_id: authReqId }, { auth: client, receivedAt: at }),
  );

const callbackMessage = async (requestId: string) =>
  db.outboxMessage.findFirstOrThrow({ where: { requestId, type: { in: ['ping_callback', 'push_callback'] } } });

const attemptsOf = async (messageId: string) =>
  db.outboxAttempt.findMany({
    where: { messageId },
    orderBy: { attempt: 'asc' },
    select: { attempt: true, outcome: true, error: true },
  });

/** The request's events but the approval email's (decided here before the email went out, it is never sent). */
const eventTypes = async (requestId: string) =>
  (await db.event.findMany({ where: { requestId }, orderBy: { id: 'asc' } }))
    .map((event) => event.type)
    .filter((type) => !type.startsWith('ciba_notification_'));

const minutesLater = (minutes: number) => new Date(Date.now() + minutes * 60_000);

/** A port nothing listens on. */
const closedPort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));

  return port;
};

describe('bc-authorize for ping and push clients (CIBA §7.1, §7.3)', () => {
  it('requires a client_notification_token in bearer-token syntax of at most 1,024 characters: 400 invalid_request', async () => {
    for (const mode of ['ping', 'push'] as const) {
      const client = await registerClient(mode);
      const missing = await call(
        formRequest('/t/acme/bc-authorize', { scope: 'openid', login_hint: alice.email }, { auth: client }),
      );
      expectOAuthError(missing, 400, 'invalid_request');
      expectOAuthError(await bcAuthorize(client, { client_notification_token: '' }), 400, 'invalid_request');
      expectOAuthError(
        await bcAuthorize(client, { client_notification_token: 'a'.repeat(CLIENT_NOTIFICATION_TOKEN_MAX_LENGTH + 1) }),
        400,
        'invalid_request',
      );
      expectOAuthError(await bcAuthorize(client, { client_notification_token: 'has space' }), 400, 'invalid_request');
      expectOAuthError(await bcAuthorize(client, { client_notification_token: 'a=b' }), 400, 'invalid_request');
      const longest = await bcAuthorize(client, { client_notification_token: 'a'.repeat(CLIENT_NOTIFICATION_TOKEN_MAX_LENGTH) });
      expect(longest.status).toBe(200);
    }
  });

  it("ignores a poll client's client_notification_token; push answers carry no interval, ping and poll answers do", async () => {
    const poller = await registerClient('poll');
    const pollStart = await start(poller, { client_notification_token: 'not a bearer token at all' });
    expect(Object.keys(pollStart.response).sort()).toEqual(['auth_req_id', 'expires_in', 'interval']);
    const pollRow = await db.backchannelRequest.findUniqueOrThrow({ where: { id: pollStart.requestId } });
    expect(pollRow.callbackSecret).toBeNull();

    const pinger = await registerClient('ping');
    expect(Object.keys((await start(pinger)).response).sort()).toEqual(['auth_req_id', 'expires_in', 'interval']);
    const pusher = await registerClient('push');
    const pushStart = await start(pusher);
    expect(Object.keys(pushStart.response).sort()).toEqual(['auth_req_id', 'expires_in']);
  });

  it('keeps the client_notification_token and auth_req_id sealed, never in the clear in the database', async () => {
    const pinger = await registerClient('ping');
    const { authReqId, requestId } = await start(pinger);
    const row = await db.backchannelRequest.findUniqueOrThrow({ where: { id: requestId } });
    expect(row.callbackSecret).toMatch(/^v1\./);
    expect(row.callbackSecret).not.toContain(NOTIFICATION_TOKEN);
    expect(row.callbackSecret).not.toContain(authReqId);
    await decide(requestId, 'approve');
    const message = await callbackMessage(requestId);
    expect(message.encryptedSecret).toMatch(/^v1\./);
    expect(`${message.payload} ${message.encryptedSecret}`).not.toContain(NOTIFICATION_TOKEN);
    expect(`${message.payload} ${message.encryptedSecret}`).not.toContain(authReqId);
    await deliverOutbox();
    // Erased once final.
    expect((await db.outboxMessage.findUniqueOrThrow({ where: { id: message.id } })).encryptedSecret).toBeNull();
  });
});

describe('ping (CIBA §10.2)', () => {
  it('after approval: POST, Bearer client_notification_token, JSON body exactly {"auth_req_id"}; a 200 with a body is success; the client then redeems', async () => {
    const client = await registerClient('ping');
    receiver.answer(client.path, { status: 200, headers: { 'content-type': 'text/plain' }, body: 'thanks!' });
    const { authReqId, requestId } = await start(client);
    await decide(requestId, 'approve');
    await deliverOutbox();

    const [callback] = receiver.to(client.path);
    expect(callback.method).toBe('POST');
    expect(callback.headers.authorization).toBe(`Bearer ${NOTIFICATION_TOKEN}`);
    expect(callback.headers['content-type']).toBe('application/json');
    expect(callback.body).toBe(JSON.stringify({ auth_req_id: authReqId }));
    const message = await callbackMessage(requestId);
    expect(message).toMatchObject({ type: 'ping_callback', status: 'delivered', attempts: 1, providerMessageId: 'HTTP 200' });
    expect(await eventTypes(requestId)).toEqual(['ciba_start_succeeded', 'ciba_approved', 'ciba_callback_delivered']);

    const tokens = await poll(client, authReqId);
    expect(tokens.status).toBe(200);
    expect(tokens.json.access_token).toEqual(expect.any(String));
  });

  it('after denial, and after a cancel from the console or API (as a denial); the client then gets access_denied', async () => {
    const client = await registerClient('ping');
    const denied = await start(client);
    await decide(denied.requestId, 'deny');
    const cancelled = await start(client);
    await cancelRequest(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: cancelled.requestId });
    await deliverOutbox();

    // One claim delivers both at once: in either order.
    const bodies = receiver.to(client.path).map((callback) => JSON.parse(callback.body) as { auth_req_id: string });
    expect(bodies).toHaveLength(2);
    expect(bodies).toEqual(expect.arrayContaining([{ auth_req_id: denied.authReqId }, { auth_req_id: cancelled.authReqId }]));
    expectOAuthError(await poll(client, denied.authReqId), 400, 'access_denied');
    expectOAuthError(await poll(client, cancelled.authReqId), 400, 'access_denied');
  });

  it('no callback on expiry for ping (the client learns it by polling)', async () => {
    const client = await registerClient('ping');
    const { requestId } = await start(client, { requested_expiry: '30' });
    await expireDueRequests(testStore(), minutesLater(1));
    await deliverOutbox(minutesLater(1));
    expect(receiver.to(client.path)).toEqual([]);
    expect(await db.outboxMessage.count({ where: { requestId, type: 'ping_callback' } })).toBe(0);
  });

  it('a 401 is final: no retry, recorded as failed', async () => {
    const client = await registerClient('ping');
    receiver.answer(client.path, { status: 401, body: '{"error":"invalid_token"}' });
    const { requestId } = await start(client);
    await decide(requestId, 'approve');
    await deliverOutbox();
    await deliverOutbox(minutesLater(2));

    expect(receiver.to(client.path)).toHaveLength(1);
    const message = await callbackMessage(requestId);
    expect(message).toMatchObject({ status: 'failed', attempts: 1, lastError: 'HTTP 401: {"error":"invalid_token"}' });
    expect(await attemptsOf(message.id)).toEqual([
      { attempt: 1, outcome: 'failed', error: 'HTTP 401: {"error":"invalid_token"}' },
    ]);
    const failed = await db.event.findFirstOrThrow({ where: { requestId, type: 'ciba_callback_failed' } });
    expect(JSON.parse(failed.detail!)).toMatchObject({ mode: 'ping', final: true, attempt: 1, next_attempt_at: null });
  });

  it('a 301 is never followed: its Location is never requested, and the failure is final', async () => {
    const client = await registerClient('ping');
    receiver.answer(client.path, { status: 301, headers: { location: `${receiver.origin}${client.path}/moved` } });
    const { requestId } = await start(client);
    await decide(requestId, 'approve');
    await deliverOutbox();
    await deliverOutbox(minutesLater(2));

    expect(receiver.to(client.path)).toHaveLength(1);
    expect(receiver.to(`${client.path}/moved`)).toEqual([]);
    expect(await callbackMessage(requestId)).toMatchObject({
      status: 'failed',
      lastError: 'HTTP 301 (redirects are never followed)',
    });
  });

  it('a 500 then a 200: retried after a back-off, delivered once', async () => {
    const client = await registerClient('ping');
    receiver.answer(client.path, { status: 500, body: 'oops' }, { status: 200 });
    const { authReqId, requestId } = await start(client);
    await decide(requestId, 'approve');
    const first = new Date();
    await deliverOutbox(first);
    const message = await callbackMessage(requestId);
    expect(message).toMatchObject({ status: 'pending', attempts: 1, lastError: 'HTTP 500: oops' });
    // The back-off (about 1 s, with jitter) has not passed: nothing is sent again yet.
    await deliverOutbox(first);
    expect(receiver.to(client.path)).toHaveLength(1);

    await deliverOutbox(minutesLater(1));
    await deliverOutbox(minutesLater(2));
    expect(receiver.to(client.path).map((callback) => callback.body)).toEqual([
      JSON.stringify({ auth_req_id: authReqId }),
      JSON.stringify({ auth_req_id: authReqId }),
    ]);
    expect(await callbackMessage(requestId)).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(await attemptsOf(message.id)).toEqual([
      { attempt: 1, outcome: 'failed', error: 'HTTP 500: oops' },
      { attempt: 2, outcome: 'delivered', error: null },
    ]);
    expect(await eventTypes(requestId)).toEqual([
      'ciba_start_succeeded',
      'ciba_approved',
      'ciba_callback_failed',
      'ciba_callback_delivered',
    ]);
  });

  it('an unreachable endpoint: retried until the request expires, each attempt recorded; the client can still redeem by polling', async () => {
    const client = await registerClient('ping', `http://127.0.0.1:${await closedPort()}/cb`);
    const { authReqId, requestId } = await start(client, { requested_expiry: '120' });
    await decide(requestId, 'approve');
    await deliverOutbox();
    const message = await callbackMessage(requestId);
    expect(message).toMatchObject({ status: 'pending', attempts: 1, lastError: expect.stringContaining('ECONNREFUSED') });
    await deliverOutbox(new Date(Date.now() + 30_000));
    expect(await attemptsOf(message.id)).toEqual([
      { attempt: 1, outcome: 'failed', error: expect.stringContaining('ECONNREFUSED') },
      { attempt: 2, outcome: 'failed', error: expect.stringContaining('ECONNREFUSED') },
    ]);

    const tokens = await poll(client, authReqId);
    expect(tokens.status).toBe(200);

    // Past the request's expiry the next failure is final.
    await deliverOutbox(minutesLater(3));
    expect(await callbackMessage(requestId)).toMatchObject({ status: 'failed', attempts: 3 });
  });
});

describe('push (CIBA §10.3, §12)', () => {
  it('after approval: the token response plus auth_req_id, the ID token with auth_req_id, at_hash and rt_hash (verified with the tenant JWKS); the request is redeemed', async () => {
    const client = await registerClient('push', undefined, { grant_types: [CIBA_GRANT_TYPE, 'refresh_token'] });
    const { authReqId, requestId } = await start(client, { scope: 'openid email offline_access' });
    await decide(requestId, 'approve');
    await deliverOutbox();

    const [callback] = receiver.to(client.path);
    expect(callback.method).toBe('POST');
    expect(callback.headers.authorization).toBe(`Bearer ${NOTIFICATION_TOKEN}`);
    expect(callback.headers['content-type']).toBe('application/json');
    const body = JSON.parse(callback.body) as Record<string, unknown>;
    expect(body).toEqual({
      auth_req_id: authReqId,
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 3600,
      id_token: expect.any(String),
      scope: 'openid email offline_access',
      refresh_token: expect.any(String),
    });
    const jwks = await call({
      method: 'GET',
      path: '/t/acme/.well-known/jwks.json',
      headers: {},
      body: Buffer.alloc(0),
      receivedAt: new Date(),
    });
    const keySet = createLocalJWKSet(jwks.json as never);
    const { payload } = await jwtVerify(body.id_token as string, keySet, { issuer: ISSUER, audience: client.clientId });
    expect(payload).toMatchObject({
      sub: alice.sub,
      [AUTH_REQ_ID_CLAIM]: authReqId,
      at_hash: accessTokenHash(body.access_token as string),
    });
    expect(payload[RT_HASH_CLAIM]).toBe(refreshTokenHash(body.refresh_token as string));
    const access = await jwtVerify(body.access_token as string, keySet, { issuer: ISSUER, typ: 'at+jwt' });
    expect(access.payload).toMatchObject({ sub: alice.sub, client_id: client.clientId });

    const row = await db.backchannelRequest.findUniqueOrThrow({ where: { id: requestId } });
    expect(row).toMatchObject({ status: 'redeemed', accessTokenJti: access.payload.jti, tokensRevokedAt: null });
    expect(await eventTypes(requestId)).toEqual([
      'ciba_start_succeeded',
      'ciba_approved',
      'ciba_exchange_succeeded',
      'ciba_callback_delivered',
    ]);
    // The tokens work.
    const userinfo = await call({
      method: 'GET',
      path: '/t/acme/userinfo',
      headers: { authorization: `Bearer ${body.access_token as string}` },
      body: Buffer.alloc(0),
      receivedAt: new Date(),
    });
    expect(userinfo.status).toBe(200);
  });

  it('carries the authorization_details granted (RFC 9396), in the body and the access token: a partial approval pushes the subset', async () => {
    await createAuthorizationType(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      input: { type: 'push_accounts', schema: { type: 'object', required: ['type'] } },
    });
    const client = await registerClient('push', undefined, { authorization_details_types: ['push_accounts'] });
    const requested = [
      { type: 'push_accounts', actions: ['read_balances'] },
      { type: 'push_accounts', actions: ['read_transactions'] },
    ];
    const { requestId } = await start(client, { authorization_details: JSON.stringify(requested) });
    expect(
      await completeBackchannelRequest(testStore(), {
        requestId,
        decision: 'approve',
        actor: TEST_ACTOR,
        grantedAuthorizationDetails: JSON.stringify([requested[1]]),
      }),
    ).toMatchObject({ ok: true });
    await deliverOutbox();

    const body = JSON.parse(receiver.to(client.path)[0].body) as Record<string, unknown>;
    expect(body.authorization_details).toEqual([requested[1]]);
    expect(decodeJwt(body.access_token as string).authorization_details).toEqual([requested[1]]);
  });

  it('a push client at the token endpoint: 400 unauthorized_client, before and after the push', async () => {
    const client = await registerClient('push');
    const { authReqId, requestId } = await start(client);
    expectOAuthError(await poll(client, authReqId), 400, 'unauthorized_client');
    await decide(requestId, 'approve');
    expectOAuthError(await poll(client, authReqId), 400, 'unauthorized_client');
    await deliverOutbox();
    expectOAuthError(await poll(client, authReqId), 400, 'unauthorized_client');
    expect(receiver.to(client.path)).toHaveLength(1);
  });

  it('a 500 then a 200: the retry sends the same tokens, minted once', async () => {
    const client = await registerClient('push');
    receiver.answer(client.path, { status: 503 }, { status: 200 });
    const { requestId } = await start(client);
    await decide(requestId, 'approve');
    await deliverOutbox();
    await deliverOutbox(minutesLater(1));
    const [first, second] = receiver.to(client.path);
    expect(second.body).toBe(first.body);
    expect(await eventTypes(requestId)).toEqual([
      'ciba_start_succeeded',
      'ciba_approved',
      'ciba_exchange_succeeded',
      'ciba_callback_failed',
      'ciba_callback_delivered',
    ]);
  });

  it('after denial (and cancel): {"auth_req_id","error":"access_denied","error_description"}', async () => {
    const client = await registerClient('push');
    const denied = await start(client);
    await decide(denied.requestId, 'deny');
    const cancelled = await start(client);
    await decide(cancelled.requestId, 'cancel');
    await deliverOutbox();
    const bodies = receiver.to(client.path).map((callback) => JSON.parse(callback.body) as Record<string, unknown>);
    expect(bodies).toHaveLength(2);
    expect(bodies).toEqual(
      expect.arrayContaining([
        { auth_req_id: denied.authReqId, error: 'access_denied', error_description: expect.any(String) },
        { auth_req_id: cancelled.authReqId, error: 'access_denied', error_description: expect.any(String) },
      ]),
    );
  });

  it('after expiry: {"auth_req_id","error":"expired_token","error_description"}', async () => {
    const client = await registerClient('push');
    const { authReqId, requestId } = await start(client, { requested_expiry: '30' });
    const later = minutesLater(1);
    expect(await expireDueRequests(testStore(), later)).toBeGreaterThanOrEqual(1);
    await deliverOutbox(later);
    expect(receiver.to(client.path).map((callback) => JSON.parse(callback.body))).toEqual([
      { auth_req_id: authReqId, error: 'expired_token', error_description: expect.any(String) },
    ]);
    expect(await callbackMessage(requestId)).toMatchObject({ status: 'delivered' });
  });

  it('a user blocked after approval (which cancels the request): no tokens are minted, one push says access_denied', async () => {
    const client = await registerClient('push');
    const bob = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'bob@example.com' });
    const { authReqId, requestId } = await start(client, { login_hint: bob.email });
    await decide(requestId, 'approve');
    await setUserBlocked(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: bob.email, blocked: true });
    await deliverOutbox();

    expect(receiver.to(client.path).map((callback) => JSON.parse(callback.body))).toEqual([
      { auth_req_id: authReqId, error: 'access_denied', error_description: expect.any(String) },
    ]);
    expect(await db.backchannelRequest.findUniqueOrThrow({ where: { id: requestId } })).toMatchObject({
      status: 'cancelled',
      accessTokenJti: null,
    });
    // The approval's message is dropped unsent; the cancel's carries the denial.
    const messages = await db.outboxMessage.findMany({ where: { requestId, type: 'push_callback' }, orderBy: { id: 'asc' } });
    expect(messages.map((message) => message.status)).toEqual(['failed', 'delivered']);
  });

  it('tokens lost before delivery (the request redeemed, the message without them): transaction_failed, final, tokens revoked', async () => {
    const client = await registerClient('push');
    const { authReqId, requestId } = await start(client);
    await decide(requestId, 'approve');
    const row = await db.backchannelRequest.findUniqueOrThrow({ where: { id: requestId } });
    // What a redemption whose sealed token response never reached the message would leave.
    expect(await testStore().redeemRequest({ request: row, now: new Date(), accessTokenJti: randomUUID() })).toBe(true);
    await deliverOutbox();

    expect(receiver.to(client.path).map((callback) => JSON.parse(callback.body))).toEqual([
      { auth_req_id: authReqId, error: 'transaction_failed', error_description: expect.any(String) },
    ]);
    expect(await callbackMessage(requestId)).toMatchObject({ status: 'failed' });
    expect((await db.backchannelRequest.findUniqueOrThrow({ where: { id: requestId } })).tokensRevokedAt).not.toBeNull();
  });

  it('a push that finally fails is a delivery failure and revokes the tokens it carried', async () => {
    const client = await registerClient('push');
    receiver.answer(client.path, { status: 400 });
    const { requestId } = await start(client);
    await decide(requestId, 'approve');
    await deliverOutbox();
    const [callback] = receiver.to(client.path);
    const accessToken = (JSON.parse(callback.body) as { access_token: string }).access_token;

    expect(await callbackMessage(requestId)).toMatchObject({ status: 'failed', lastError: 'HTTP 400' });
    expect((await db.backchannelRequest.findUniqueOrThrow({ where: { id: requestId } })).tokensRevokedAt).not.toBeNull();
    const failed = await db.event.findFirstOrThrow({ where: { requestId, type: 'ciba_callback_failed' } });
    expect(JSON.parse(failed.detail!)).toMatchObject({ mode: 'push', final: true, tokens_revoked: true });
    const userinfo = await call({
      method: 'GET',
      path: '/t/acme/userinfo',
      headers: { authorization: `Bearer ${accessToken}` },
      body: Buffer.alloc(0),
      receivedAt: new Date(),
    });
    expect(userinfo.status).toBe(401);
  });
});
