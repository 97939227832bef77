/**
 * A request's timeline matches what happened, for each path: every path is
 * driven through the real protocol code in-process (bc-authorize and the
 * token endpoint through the protocol router, the approval email through the
 * outbox worker to a local Resend stand-in, the approval page and its
 * decision route, the expiry sweeper), then read back the way the console
 * (getRequest) and the Management API (listEvents by request_id) read it.
 *
 * Time is moved, never waited for: each step runs at an explicit moment
 * (`receivedAt`, the worker's clock, the sweeper's `now`), and the approval
 * page and decision route, which read the wall clock, run under
 * vi.setSystemTime. So every event's time is known exactly.
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import ApprovePage from '@/app/t/[tenant]/approve/[token]/page';
import { POST as postDecision } from '@/app/t/[tenant]/approve/[token]/decision/route';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import type { EventView } from '@/lib/admin/event-view';
import { getRequest } from '@/lib/admin/get-request';
import { listEvents } from '@/lib/admin/list-events';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import { APPROVAL_CSRF_PURPOSE } from '@/lib/ciba/decide-approval';
import { expireDueRequests } from '@/lib/ciba/expire-due-requests';
import type { Db } from '@/lib/db/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { MAX_OUTBOX_ATTEMPTS, outboxRetryDelayMs } from '@/lib/outbox/outbox-worker';
import { csrfTokenFor } from '@/lib/security/csrf';
import { startFakeResend, useResend, type FakeResend } from '@/lib/testing/fake-resend';
import { deliverOutbox, testStore } from '@/lib/testing/outbox';
import { call, credentialsOf, expectOAuthError, formRequest, type ClientCredentials } from '@/lib/testing/protocol-client';
import { turnOffAbuseLimits } from '@/lib/testing/abuse-limits';
import { useTestDatabase } from '@/lib/testing/test-database';

const APP_URL = 'http://localhost:3999';
const SCOPE = 'openid profile email';
const BINDING_MESSAGE = 'W4SCT';
const USER_BY_EMAIL = { kind: 'user', channel: 'email' } as const;

let db: Db;
let cleanup: () => Promise<void>;
let resend: FakeResend;
let client: ClientCredentials;
let aliceId: string;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase({ appUrl: APP_URL }));
  resend = await startFakeResend();
  useResend(resend.baseUrl);
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' });
  await turnOffAbuseLimits(db, 'acme');
  client = credentialsOf(await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Desk' } }));
  ({ id: aliceId } = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com', name: 'Alice' }));
});

afterAll(async () => {
  vi.useRealTimers();
  useResend(undefined);
  await resend.close();
  await cleanup();
});

/** A clock for one path: `at(s)` is `s` seconds after the path's start. */
const clockFrom = (t0: Date) => (seconds: number) => new Date(t0.getTime() + seconds * 1000);

/** Runs `action` with the wall clock (`new Date()`) at `time`: the approval page and its decision route read it. */
const onWallClock = async <T>(time: Date, action: () => Promise<T>): Promise<T> => {
  vi.setSystemTime(time);
  try {
    return await action();
  } finally {
    vi.useRealTimers();
  }
};

/** bc-authorize through the router, as the client sends it. */
const authorize = (params: Record<string, string>, time: Date, auth: ClientCredentials = client) =>
  call(formRequest('/t/acme/bc-authorize', params, { auth, receivedAt: time }));

/** A successful bc-authorize for alice; the request's id and its approval email's outbox message id. */
const start = async (time: Date, params: Record<string, string> = {}) => {
  const result = await authorize(
    { scope: SCOPE, login_hint: 'alice@example.com', binding_message: BINDING_MESSAGE, ...params },
    time,
  );
  expect(result.status).toBe(200);
  const authReqId = result.json.auth_req_id as string;
  const request = await db.backchannelRequest.findUniqueOrThrow({
    where: { authReqIdHash: sha256Base64Url(authReqId) },
    select: { id: true, outbox: { select: { id: true } } },
  });
  expect(request.outbox).toHaveLength(1);

  return { authReqId, requestId: request.id, messageId: request.outbox[0].id, expiresIn: result.json.expires_in };
};

const poll = (authReqId: string, time: Date) =>
  call(
    formRequest(
      '/t/acme/oauth/token',
      { grant_type: CIBA_GRANT_TYPE, auth_req_id: authReqId },
      { auth: client, receivedAt: time },
    ),
  );

const userinfo = (accessToken: string, time: Date) =>
  call({
    method: 'GET',
    path: '/t/acme/userinfo',
    headers: { authorization: `Bearer ${accessToken}` },
    body: Buffer.alloc(0),
    receivedAt: time,
  });

/** The approval link token in the email the fake Resend accepted for this outbox message. */
const linkTokenSentFor = (messageId: string): string => {
  const sent = resend.accepted().filter((email) => email.idempotencyKey === messageId);
  expect(sent).toHaveLength(1);
  const token = /\/t\/acme\/approve\/([A-Za-z0-9_-]+)/.exec(sent[0].body.text ?? '')?.[1];
  expect(token).toBeDefined();

  return token!;
};

/** The provider's id for a delivered message (what Resend answered), as the worker recorded it. */
const providerMessageIdOf = async (messageId: string) =>
  (await db.outboxMessage.findUniqueOrThrow({ where: { id: messageId }, select: { providerMessageId: true } })).providerMessageId;

/** The user opens the link: the approval page itself runs (its data loader records ciba_link_opened). */
const openApprovalPage = (token: string, time: Date) =>
  onWallClock(time, () => ApprovePage({ params: Promise.resolve({ tenant: 'acme', token }) }));

/** The user answers on the approval page: the form's same-origin, CSRF-protected POST to its decision route. */
const decide = async (token: string, decision: 'approve' | 'deny', time: Date) => {
  const response = await onWallClock(time, () =>
    postDecision(
      new Request(`${APP_URL}/t/acme/approve/${token}/decision`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: APP_URL },
        body: new URLSearchParams({
          decision,
          csrf_token: csrfTokenFor(APPROVAL_CSRF_PURPOSE, sha256Base64Url(token)),
        }).toString(),
      }),
      { params: Promise.resolve({ tenant: 'acme', token }) },
    ),
  );
  expect(response.status).toBe(303);
  // The done page, with the signed ticket of its "approve faster next time" offer (lib/authenticator/enrollment-offer.ts).
  const location = new URL(response.headers.get('location') ?? '', APP_URL);
  expect(location.pathname).toBe('/t/acme/approve/done');
  expect(location.searchParams.get('outcome')).toBe(decision === 'approve' ? 'approved' : 'denied');
  expect(location.searchParams.get('offer')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
};

type TimelineEntry = { type: string; time: string; detail: Record<string, unknown> | null };

/**
 * The request as the console shows it (getRequest: status, poll count and
 * its events oldest first), checked against the Management API's event list
 * for the request (newest first: the same events reversed). Every event names
 * this request, the client by its OAuth client_id, and alice.
 */
const timelineOf = async (requestId: string) => {
  const request = await getRequest(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: requestId });
  const listed = await listEvents(db, CLI_PRINCIPAL, { tenantSlug: 'acme', request_id: requestId, limit: 200 });
  expect(listed.next_cursor).toBeNull();
  expect([...listed.data].reverse()).toEqual(request.events);
  for (const event of request.events) {
    expect({ request_id: event.request_id, client_id: event.client_id, user_id: event.user_id }).toEqual({
      request_id: requestId,
      client_id: client.clientId,
      user_id: aliceId,
    });
  }
  const times = request.events.map((event) => event.time);
  expect(times).toEqual([...times].sort());

  return {
    status: request.status,
    pollCount: request.poll_count,
    types: request.events.map((event) => event.type),
    entries: request.events.map(({ type, time, detail }): TimelineEntry => ({ type, time, detail })),
  };
};

const startSucceeded = (time: Date, expiresIn = 300): TimelineEntry => ({
  type: 'ciba_start_succeeded',
  time: time.toISOString(),
  detail: { scope: SCOPE, binding_message: BINDING_MESSAGE, expires_in: expiresIn, channel: 'email' },
});

const notificationSent = (time: Date, messageId: string, providerMessageId: string | null): TimelineEntry => ({
  type: 'ciba_notification_sent',
  time: time.toISOString(),
  detail: { channel: 'email', outbox_message_id: messageId, attempt: 1, provider_message_id: providerMessageId },
});

const entry = (type: string, time: Date, detail: Record<string, unknown>): TimelineEntry => ({
  type,
  time: time.toISOString(),
  detail,
});

describe('a request timeline matches what happened', () => {
  it('approve: started, emailed, opened, approved by the user by email, redeemed; polls are counted, a too-fast one slows down', async () => {
    const at = clockFrom(new Date());
    const { authReqId, requestId, messageId, expiresIn } = await start(at(0));
    expect(expiresIn).toBe(300);

    expect(await deliverOutbox(at(1))).toBe(1);
    const providerMessageId = await providerMessageIdOf(messageId);
    expect(providerMessageId).toEqual(expect.any(String));

    // A pending poll writes no event; it is counted.
    expectOAuthError(await poll(authReqId, at(2)), 400, 'authorization_pending');
    let timeline = await timelineOf(requestId);
    expect(timeline.types).toEqual(['ciba_start_succeeded', 'ciba_notification_sent']);
    expect(timeline).toMatchObject({ status: 'pending', pollCount: 1 });

    // One second later is faster than the 5 s interval: exactly one slow_down, with the new interval.
    const tooFast = await poll(authReqId, at(3));
    expectOAuthError(tooFast, 400, 'slow_down');
    expect(tooFast.json.interval).toBe(10);
    expectOAuthError(await poll(authReqId, at(13)), 400, 'authorization_pending');
    timeline = await timelineOf(requestId);
    expect(timeline.types).toEqual(['ciba_start_succeeded', 'ciba_notification_sent', 'ciba_slow_down']);
    expect(timeline).toMatchObject({ status: 'pending', pollCount: 3 });

    const token = linkTokenSentFor(messageId);
    await openApprovalPage(token, at(20));
    await decide(token, 'approve', at(25));
    const tokens = await poll(authReqId, at(30));
    expect(tokens.status).toBe(200);
    const accessTokenJti = decodeJwt(tokens.json.access_token as string).jti;
    expect(accessTokenJti).toEqual(expect.any(String));

    timeline = await timelineOf(requestId);
    expect(timeline.types).toEqual([
      'ciba_start_succeeded',
      'ciba_notification_sent',
      'ciba_slow_down',
      'ciba_link_opened',
      'ciba_approved',
      'ciba_exchange_succeeded',
    ]);
    expect(timeline.entries).toEqual([
      startSucceeded(at(0)),
      notificationSent(at(1), messageId, providerMessageId),
      entry('ciba_slow_down', at(3), { interval: 10 }),
      entry('ciba_link_opened', at(20), { channel: 'email' }),
      entry('ciba_approved', at(25), { by: USER_BY_EMAIL }),
      entry('ciba_exchange_succeeded', at(30), { access_token_jti: accessTokenJti }),
    ]);
    expect(timeline).toMatchObject({ status: 'redeemed', pollCount: 3 });
  });

  it('overlapping polls: the poll that loses the race is slow_down too, and every slow_down answered is on the timeline', async () => {
    const at = clockFrom(new Date());
    const { authReqId, requestId, messageId } = await start(at(0));
    await deliverOutbox(at(1));
    const providerMessageId = await providerMessageIdOf(messageId);

    const answers = await Promise.all([1, 2, 3].map(() => poll(authReqId, at(2))));
    answers.forEach((answer) => expectOAuthError(answer, 400, answer.json.error as string));
    expect(answers.map((answer) => [answer.json.error, answer.json.interval ?? null]).sort()).toEqual([
      ['authorization_pending', null],
      ['slow_down', 10],
      ['slow_down', 15],
    ]);
    // The interval the clients were last told is the one in force.
    expectOAuthError(await poll(authReqId, at(17)), 400, 'authorization_pending');

    const timeline = await timelineOf(requestId);
    expect(timeline.types).toEqual(['ciba_start_succeeded', 'ciba_notification_sent', 'ciba_slow_down', 'ciba_slow_down']);
    expect(timeline.entries).toEqual([
      startSucceeded(at(0)),
      notificationSent(at(1), messageId, providerMessageId),
      entry('ciba_slow_down', at(2), { interval: 10 }),
      entry('ciba_slow_down', at(2), { interval: 15 }),
    ]);
    expect(timeline).toMatchObject({ status: 'pending', pollCount: 4 });
  });

  it('deny: the user denies by email; the poll that follows is access_denied and writes nothing', async () => {
    const at = clockFrom(new Date());
    const { authReqId, requestId, messageId } = await start(at(0));
    await deliverOutbox(at(1));
    const providerMessageId = await providerMessageIdOf(messageId);
    const token = linkTokenSentFor(messageId);
    await openApprovalPage(token, at(10));
    await decide(token, 'deny', at(12));

    expectOAuthError(await poll(authReqId, at(15)), 400, 'access_denied');

    const timeline = await timelineOf(requestId);
    expect(timeline.types).toEqual(['ciba_start_succeeded', 'ciba_notification_sent', 'ciba_link_opened', 'ciba_denied']);
    expect(timeline.entries).toEqual([
      startSucceeded(at(0)),
      notificationSent(at(1), messageId, providerMessageId),
      entry('ciba_link_opened', at(10), { channel: 'email' }),
      entry('ciba_denied', at(12), { by: USER_BY_EMAIL }),
    ]);
    expect(timeline.status).toBe('denied');
  });

  it('expire: the sweeper expires it at its requested_expiry, by the system; later polls are expired_token and a late link open records nothing', async () => {
    const at = clockFrom(new Date());
    const { authReqId, requestId, messageId, expiresIn } = await start(at(0), { requested_expiry: '30' });
    expect(expiresIn).toBe(30);
    await deliverOutbox(at(1));
    const providerMessageId = await providerMessageIdOf(messageId);
    expectOAuthError(await poll(authReqId, at(6)), 400, 'authorization_pending');

    // Not due yet a moment before its expiry: the sweep leaves it alone.
    await expireDueRequests(testStore(), at(29.999));
    expect((await timelineOf(requestId)).types).toEqual(['ciba_start_succeeded', 'ciba_notification_sent']);

    await expireDueRequests(testStore(), at(30));
    expectOAuthError(await poll(authReqId, at(36)), 400, 'expired_token');
    await openApprovalPage(linkTokenSentFor(messageId), at(40));

    const timeline = await timelineOf(requestId);
    expect(timeline.types).toEqual(['ciba_start_succeeded', 'ciba_notification_sent', 'ciba_expired']);
    expect(timeline.entries).toEqual([
      startSucceeded(at(0), 30),
      notificationSent(at(1), messageId, providerMessageId),
      entry('ciba_expired', at(30), { by: { kind: 'system' } }),
    ]);
    expect(timeline).toMatchObject({ status: 'expired', pollCount: 1 });
  });

  it('replay: a redeemed auth_req_id presented again is invalid_grant, revokes the tokens (userinfo refuses them), and is recorded each time', async () => {
    const at = clockFrom(new Date());
    const { authReqId, requestId, messageId } = await start(at(0));
    await deliverOutbox(at(1));
    const providerMessageId = await providerMessageIdOf(messageId);
    const token = linkTokenSentFor(messageId);
    await openApprovalPage(token, at(10));
    await decide(token, 'approve', at(12));
    const tokens = await poll(authReqId, at(20));
    expect(tokens.status).toBe(200);
    const accessToken = tokens.json.access_token as string;
    expect((await userinfo(accessToken, at(21))).status).toBe(200);

    expectOAuthError(await poll(authReqId, at(25)), 400, 'invalid_grant');
    expectOAuthError(await userinfo(accessToken, at(26)), 401, 'invalid_token');
    // A second replay is refused and recorded too; the tokens were already revoked.
    expectOAuthError(await poll(authReqId, at(30)), 400, 'invalid_grant');

    const timeline = await timelineOf(requestId);
    expect(timeline.types).toEqual([
      'ciba_start_succeeded',
      'ciba_notification_sent',
      'ciba_link_opened',
      'ciba_approved',
      'ciba_exchange_succeeded',
      'ciba_exchange_failed',
      'ciba_exchange_failed',
    ]);
    expect(timeline.entries).toEqual([
      startSucceeded(at(0)),
      notificationSent(at(1), messageId, providerMessageId),
      entry('ciba_link_opened', at(10), { channel: 'email' }),
      entry('ciba_approved', at(12), { by: USER_BY_EMAIL }),
      entry('ciba_exchange_succeeded', at(20), { access_token_jti: decodeJwt(accessToken).jti }),
      entry('ciba_exchange_failed', at(25), { reason: 'replay', tokens_revoked: true }),
      entry('ciba_exchange_failed', at(30), { reason: 'replay', tokens_revoked: false }),
    ]);
    expect(timeline.status).toBe('redeemed');
  });

  it(`email failure: a provider fault is retried with back-off, the worker gives up after ${MAX_OUTBOX_ATTEMPTS} attempts, and the request stays pending until it expires`, async () => {
    const at = clockFrom(new Date());
    const { authReqId, requestId, messageId } = await start(at(0), { requested_expiry: '900' });
    resend.respondWith(...Array.from({ length: MAX_OUTBOX_ATTEMPTS }, () => ({ status: 503 })));

    const failures: TimelineEntry[] = [];
    let attemptAt = at(1);
    for (let attempt = 1; attempt <= MAX_OUTBOX_ATTEMPTS; attempt += 1) {
      expect(await deliverOutbox(attemptAt)).toBe(1);
      const final = attempt === MAX_OUTBOX_ATTEMPTS;
      const nextAttemptAt = final ? null : new Date(attemptAt.getTime() + outboxRetryDelayMs(attempt));
      failures.push(
        entry('ciba_notification_failed', attemptAt, {
          channel: 'email',
          outbox_message_id: messageId,
          attempt,
          error: 'HTTP 503: error: HTTP 503',
          final,
          next_attempt_at: nextAttemptAt?.toISOString() ?? null,
        }),
      );
      if (nextAttemptAt) attemptAt = nextAttemptAt;
    }
    // 635 s of back-off in all; nothing is attempted after the last one.
    expect(attemptAt).toEqual(at(636));
    expect(await deliverOutbox(at(800))).toBe(0);
    expect(resend.received.filter((email) => email.idempotencyKey === messageId)).toHaveLength(MAX_OUTBOX_ATTEMPTS);
    expect(resend.accepted().filter((email) => email.idempotencyKey === messageId)).toEqual([]);

    // The user cannot be reached, but the request is not ended by it: the client keeps polling until expiry.
    expectOAuthError(await poll(authReqId, at(850)), 400, 'authorization_pending');
    let timeline = await timelineOf(requestId);
    expect(timeline.types).toEqual(['ciba_start_succeeded', ...failures.map(() => 'ciba_notification_failed')]);
    expect(timeline).toMatchObject({ status: 'pending', pollCount: 1 });

    await expireDueRequests(testStore(), at(900));
    expectOAuthError(await poll(authReqId, at(901)), 400, 'expired_token');
    timeline = await timelineOf(requestId);
    expect(timeline.types).toEqual([
      'ciba_start_succeeded',
      ...Array.from({ length: MAX_OUTBOX_ATTEMPTS }, () => 'ciba_notification_failed'),
      'ciba_expired',
    ]);
    expect(timeline.entries).toEqual([
      startSucceeded(at(0), 900),
      ...failures,
      entry('ciba_expired', at(900), { by: { kind: 'system' } }),
    ]);
  });

  it('email failure: a refusal by the provider after a fault is final at once; the request stays pending', async () => {
    const at = clockFrom(new Date());
    const { authReqId, requestId, messageId } = await start(at(0));
    resend.respondWith(
      { status: 503 },
      { status: 422, body: { statusCode: 422, name: 'validation_error', message: 'Invalid `to` field.' } },
    );
    expect(await deliverOutbox(at(1))).toBe(1);
    expect(await deliverOutbox(at(6))).toBe(1);
    expectOAuthError(await poll(authReqId, at(10)), 400, 'authorization_pending');
    expect(await deliverOutbox(at(60))).toBe(0);

    const timeline = await timelineOf(requestId);
    expect(timeline.types).toEqual(['ciba_start_succeeded', 'ciba_notification_failed', 'ciba_notification_failed']);
    expect(timeline.entries).toEqual([
      startSucceeded(at(0)),
      entry('ciba_notification_failed', at(1), {
        channel: 'email',
        outbox_message_id: messageId,
        attempt: 1,
        error: 'HTTP 503: error: HTTP 503',
        final: false,
        next_attempt_at: at(6).toISOString(),
      }),
      entry('ciba_notification_failed', at(6), {
        channel: 'email',
        outbox_message_id: messageId,
        attempt: 2,
        error: 'HTTP 422: validation_error: Invalid `to` field.',
        final: true,
        next_attempt_at: null,
      }),
    ]);
    expect(timeline).toMatchObject({ status: 'pending', pollCount: 1 });
  });

  it("refused: bc-authorize's refusal of a known client is ciba_start_failed with its error and no request; an unauthenticated caller writes nothing", async () => {
    const at = clockFrom(new Date());
    const clientRow = await db.client.findUniqueOrThrow({ where: { clientId: client.clientId }, select: { id: true } });
    const requestCount = () => db.backchannelRequest.count({ where: { clientId: clientRow.id } });
    const startFailures = async () =>
      (await listEvents(db, CLI_PRINCIPAL, { tenantSlug: 'acme', type: 'ciba_start_failed', limit: 200 })).data;
    const requestsBefore = await requestCount();
    expect(await startFailures()).toEqual([]);

    const unknownUser = await authorize({ scope: SCOPE, login_hint: 'nobody@example.com' }, at(0));
    expectOAuthError(unknownUser, 400, 'unknown_user_id');
    const noOpenid = await authorize({ scope: 'email', login_hint: 'alice@example.com' }, at(1));
    expectOAuthError(noOpenid, 400, 'invalid_scope');
    expectOAuthError(
      await authorize({ scope: SCOPE, login_hint: 'nobody@example.com' }, at(2), { ...client, clientSecret: 'wrong' }),
      401,
      'invalid_client',
    );

    const failures: EventView[] = await startFailures();
    expect(failures.map((event) => ({ ...event, id: undefined }))).toEqual([
      {
        id: undefined,
        type: 'ciba_start_failed',
        time: at(1).toISOString(),
        request_id: null,
        client_id: client.clientId,
        user_id: null,
        detail: { error: 'invalid_scope', error_description: noOpenid.json.error_description, reason: null },
      },
      {
        id: undefined,
        type: 'ciba_start_failed',
        time: at(0).toISOString(),
        request_id: null,
        client_id: client.clientId,
        user_id: null,
        detail: { error: 'unknown_user_id', error_description: unknownUser.json.error_description, reason: null },
      },
    ]);
    expect(await requestCount()).toBe(requestsBefore);
  });
});
