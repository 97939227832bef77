import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { updateTenant } from '@/lib/admin/update-tenant';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { sealPushSubscriptionKeys } from '@/lib/authenticator/push-subscription-keys';
import { getVapidKeys } from '@/lib/authenticator/vapid-keys';
import { completeBackchannelRequest } from '@/lib/ciba/complete-backchannel-request';
import { createOutboxHandlers } from '@/lib/ciba/outbox-handlers';
import { pushTopicFor } from '@/lib/ciba/push-notification';
import type { Db } from '@/lib/db/client';
import { getBaseEnv } from '@/lib/env';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { createOutboxWorker } from '@/lib/outbox/outbox-worker';
import { turnOffAbuseLimits } from '@/lib/testing/abuse-limits';
import { startFakeResend, useResend, type FakeResend } from '@/lib/testing/fake-resend';
import { TEST_ACTOR, testStore } from '@/lib/testing/outbox';
import { call, credentialsOf, expectOAuthError, formRequest, type ClientCredentials } from '@/lib/testing/protocol-client';
import {
  createTestSubscriber,
  startTestPushService,
  type ReceivedPush,
  type TestPushService,
  type TestSubscriber,
} from '@/lib/testing/push-service';
import { useTestDatabase } from '@/lib/testing/test-database';

/**
 * The push channel end to end: bc-authorize writes the channel order's outbox
 * messages; the outbox worker pushes to a real local push service (HTTPS),
 * which verifies the VAPID token (RFC 8292) and whose subscriber decrypts the
 * RFC 8291 payload with keys made here; the approval email goes to a fake
 * Resend after the fallback delay.
 */
let db: Db;
let cleanup: () => Promise<void>;
let push: TestPushService;
let resend: FakeResend;
const clients: Record<string, ClientCredentials> = {};
const FALLBACK_SECONDS = 20;

/** An enrolled device with a push subscription, seeded as enrolment stores it (keys sealed). */
const seedDevice = async (slug: string, email: string, subscriber: TestSubscriber, name: string = randomUUID()) => {
  const user = await db.user.findFirstOrThrow({ where: { email, tenant: { slug } } });
  const id = randomUUID();

  return db.authenticatorDevice.create({
    data: {
      id,
      tenantId: user.tenantId,
      userId: user.id,
      name: 'Test phone',
      credentialId: randomUUID(),
      publicKey: 'AQID',
      pushEndpoint: push.endpoint(name),
      pushKeys: sealPushSubscriptionKeys(id, subscriber.keys),
    },
  });
};

const alicePhone = createTestSubscriber();
const aliceTablet = createTestSubscriber();
const davePhone = createTestSubscriber();

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  push = await startTestPushService();
  resend = await startFakeResend();
  for (const slug of ['acme', 'pushonly', 'mailonly']) {
    await createTenant(db, CLI_PRINCIPAL, { slug, name: `${slug} Inc` });
    await turnOffAbuseLimits(db, slug);
    clients[slug] = credentialsOf(
      await createClient(db, CLI_PRINCIPAL, { tenantSlug: slug, metadata: { client_name: 'Support desk' } }),
    );
  }
  await updateTenant(db, CLI_PRINCIPAL, {
    slug: 'acme',
    settings: { push_channel_enabled: true, email_fallback_seconds: FALLBACK_SECONDS },
  });
  await updateTenant(db, CLI_PRINCIPAL, {
    slug: 'pushonly',
    settings: { push_channel_enabled: true, email_channel_enabled: false },
  });
  for (const [slug, email] of [
    ['acme', 'alice@example.com'],
    ['acme', 'carol@example.com'],
    ['acme', 'frank@example.com'],
    ['pushonly', 'dave@example.com'],
    ['pushonly', 'erin@example.com'],
    ['mailonly', 'alice@example.com'],
  ]) {
    await createUser(db, CLI_PRINCIPAL, { tenantSlug: slug, email, name: email.split('@')[0] });
  }
  await seedDevice('acme', 'alice@example.com', alicePhone, 'alice-phone');
  await seedDevice('acme', 'alice@example.com', aliceTablet, 'alice-tablet');
  await seedDevice('pushonly', 'dave@example.com', davePhone, 'dave-phone');
  // The same person in another tenant, with a device there: never pushed for mailonly's requests.
  await seedDevice('mailonly', 'alice@example.com', createTestSubscriber(), 'mailonly-alice');
  useResend(resend.baseUrl);
});

afterEach(() => useResend(resend.baseUrl));

afterAll(async () => {
  useResend(undefined);
  await push.close();
  await resend.close();
  await cleanup();
});

/** The outbox worker at `at`, pushing through the local push service's trusted certificate. */
const drainAt = (at: Date) => {
  const store = testStore();
  const clock = () => at;

  return createOutboxWorker({
    store,
    handlers: createOutboxHandlers({ db, store }, clock, { webPush: { agent: push.agent } }),
    clock,
  }).drain();
};

const authorize = (slug: string, params: Record<string, string>, receivedAt = new Date()) =>
  call(
    formRequest(
      `/t/${slug}/bc-authorize`,
      { scope: 'openid email', binding_message: 'W4SCT', ...params },
      { auth: clients[slug], receivedAt },
    ),
  );

/** bc-authorize that must succeed: the stored request and its outbox messages, in order of creation. */
const start = async (slug: string, params: Record<string, string>, receivedAt = new Date()) => {
  const result = await authorize(slug, params, receivedAt);
  expect(result.status).toBe(200);
  const request = await db.backchannelRequest.findUniqueOrThrow({
    where: { authReqIdHash: sha256Base64Url(result.json.auth_req_id as string) },
    include: { outbox: { orderBy: { id: 'asc' } } },
  });

  return { request, outbox: request.outbox };
};

const pushesTo = (name: string): ReceivedPush[] => push.received.filter((received) => received.path === `/push/${name}`);

const eventsOf = async (requestId: string) =>
  (await testStore().listRequestEvents(requestId)).map((event) => ({
    type: event.type,
    detail: JSON.parse(event.detail ?? '{}') as Record<string, unknown>,
  }));

describe('Web Push delivery (RFC 8030, RFC 8291, RFC 8292)', () => {
  it('pushes each subscribed device an encrypted, VAPID-signed notification with nothing personal beyond the app and binding message', async () => {
    const now = new Date();
    const before = push.received.length;
    const { request } = await start('acme', { login_hint: 'alice@example.com', requested_expiry: '120' }, now);
    await drainAt(now);
    const phone = pushesTo('alice-phone').slice(-1)[0];
    const tablet = pushesTo('alice-tablet').slice(-1)[0];
    expect(push.received.length - before).toBe(2);

    // RFC 8292: a JWT signed with the installation's VAPID key, verified with `k`, for this push service's origin.
    const vapid = await getVapidKeys(db);
    for (const received of [phone, tablet]) {
      if ('error' in received.vapid) throw new Error(received.vapid.error);
      expect(received.vapid.k).toBe(vapid.publicKey);
      expect(received.vapid.claims.aud).toBe(push.origin);
      expect(received.vapid.claims.sub).toBe(getBaseEnv().webPushSubject);
      expect(received.vapid.claims.sub).toMatch(/^(mailto:|https:)/);
      expect(received.vapid.claims.exp! * 1000).toBeLessThanOrEqual(Date.now() + 24 * 3600 * 1000);
      expect(received.vapid.claims.exp! * 1000).toBeGreaterThan(Date.now());
      // RFC 8030 §5.2–5.4, RFC 8188: TTL = what is left of the request's life, high urgency, one topic per request.
      expect(received.headers).toMatchObject({
        ttl: '120',
        urgency: 'high',
        topic: pushTopicFor(request.id),
        'content-encoding': 'aes128gcm',
      });
      expect(received.headers.topic).toMatch(/^[A-Za-z0-9_-]{1,32}$/);
    }
    // RFC 8291: each subscriber decrypts its own copy with its private key and auth secret.
    const expected = {
      title: 'Support desk asks you to approve a sign-in',
      body: 'Approve only if the other device shows W4SCT.',
      url: `/authenticator/requests/${request.id}`,
      request_id: request.id,
    };
    expect(JSON.parse(alicePhone.decrypt(phone.body).toString('utf8'))).toEqual(expected);
    expect(JSON.parse(aliceTablet.decrypt(tablet.body).toString('utf8'))).toEqual(expected);
    expect(() => aliceTablet.decrypt(phone.body)).toThrow();
    expect(phone.body.toString('latin1')).not.toContain('W4SCT');

    const events = await eventsOf(request.id);
    expect(events.filter((event) => event.type === 'ciba_notification_sent')).toEqual([
      expect.objectContaining({ detail: expect.objectContaining({ channel: 'push', attempt: 1 }) }),
      expect.objectContaining({ detail: expect.objectContaining({ channel: 'push', attempt: 1 }) }),
    ]);
    expect(events[0]).toEqual({
      type: 'ciba_start_succeeded',
      detail: expect.objectContaining({ channel: 'push', push_devices: 2, email_after_seconds: FALLBACK_SECONDS }),
    });
  });

  it('410 Gone and 404 Not Found drop the message for good and remove the subscription in the same unit', async () => {
    const subscriber = createTestSubscriber();
    for (const status of [410, 404]) {
      const device = await seedDevice('acme', 'frank@example.com', subscriber, `frank-${status}`);
      const now = new Date();
      const { request, outbox } = await start('acme', { login_hint: 'frank@example.com' }, now);
      push.respondWith(status);
      await drainAt(now);
      const message = await db.outboxMessage.findUniqueOrThrow({ where: { id: outbox[0].id } });
      expect(message).toMatchObject({ type: 'push_notification', status: 'failed', attempts: 1, finishedAt: now });
      expect(message.lastError).toContain(`HTTP ${status}`);
      expect(await db.authenticatorDevice.findUniqueOrThrow({ where: { id: device.id } })).toMatchObject({
        pushEndpoint: null,
        pushKeys: null,
      });
      const failed = (await eventsOf(request.id)).filter((event) => event.type === 'ciba_notification_failed');
      expect(failed).toEqual([
        {
          type: 'ciba_notification_failed',
          detail: expect.objectContaining({ channel: 'push', final: true, next_attempt_at: null }),
        },
      ]);
      // Nothing more goes to the gone subscription: the next request of frank (no device left) is emailed at once.
      const next = await start('acme', { login_hint: 'frank@example.com' }, now);
      expect(next.outbox.map((row) => row.type)).toEqual(['approval_email']);
      expect(next.outbox[0].availableAt).toEqual(now);
    }
  });

  it('500 is retried on the outbox schedule, then delivered; other 4xx fail at once and keep the subscription', async () => {
    const now = new Date();
    const { request, outbox } = await start('pushonly', { login_hint: 'dave@example.com' }, now);
    push.respondWith(500);
    await drainAt(now);
    const retried = await db.outboxMessage.findUniqueOrThrow({ where: { id: outbox[0].id } });
    expect(retried).toMatchObject({ status: 'pending', attempts: 1 });
    expect(retried.availableAt.getTime()).toBe(now.getTime() + 5_000);
    await drainAt(new Date(now.getTime() + 5_000));
    expect(await db.outboxMessage.findUniqueOrThrow({ where: { id: outbox[0].id } })).toMatchObject({
      status: 'delivered',
      attempts: 2,
    });
    const attempts = pushesTo('dave-phone').slice(-2);
    expect(attempts).toHaveLength(2);
    expect(JSON.parse(davePhone.decrypt(attempts[1].body).toString('utf8'))).toMatchObject({ request_id: request.id });
    expect((await eventsOf(request.id)).filter((event) => event.type.startsWith('ciba_notification_'))).toEqual([
      { type: 'ciba_notification_failed', detail: expect.objectContaining({ channel: 'push', final: false, attempt: 1 }) },
      { type: 'ciba_notification_sent', detail: expect.objectContaining({ channel: 'push', attempt: 2 }) },
    ]);

    // 429 is retried too; 400 (a push the service refuses) is final, the subscription kept.
    const second = await start('pushonly', { login_hint: 'dave@example.com' }, now);
    push.respondWith(429);
    await drainAt(now);
    expect(await db.outboxMessage.findUniqueOrThrow({ where: { id: second.outbox[0].id } })).toMatchObject({
      status: 'pending',
    });
    push.respondWith(400);
    await drainAt(new Date(now.getTime() + 5_000));
    expect(await db.outboxMessage.findUniqueOrThrow({ where: { id: second.outbox[0].id } })).toMatchObject({
      status: 'failed',
      attempts: 2,
    });
    expect(await db.authenticatorDevice.count({ where: { pushEndpoint: push.endpoint('dave-phone') } })).toBe(1);
  });

  it('an unreachable push service (connection refused) is retried', async () => {
    const device = await seedDevice('acme', 'frank@example.com', createTestSubscriber(), 'frank-unreachable');
    await db.authenticatorDevice.update({ where: { id: device.id }, data: { pushEndpoint: 'https://127.0.0.1:1/push/x' } });
    const now = new Date();
    const { outbox } = await start('acme', { login_hint: 'frank@example.com', notification_channel: 'push' }, now);
    await drainAt(now);
    const message = await db.outboxMessage.findUniqueOrThrow({ where: { id: outbox[0].id } });
    expect(message).toMatchObject({ status: 'pending', attempts: 1 });
    expect(message.lastError).toMatch(/push service unreachable/);
    await db.authenticatorDevice.delete({ where: { id: device.id } });
  });
});

describe('channel order at bc-authorize', () => {
  it('push now; the approval email after the fallback delay while the request is still pending', async () => {
    const now = new Date();
    const { request, outbox } = await start('acme', { login_hint: 'alice@example.com' }, now);
    expect(outbox.map((row) => ({ type: row.type, availableAt: row.availableAt }))).toEqual([
      { type: 'push_notification', availableAt: now },
      { type: 'push_notification', availableAt: now },
      { type: 'approval_email', availableAt: new Date(now.getTime() + FALLBACK_SECONDS * 1000) },
    ]);
    const emailed = () => resend.received.filter((received) => received.idempotencyKey === outbox[2].id);
    await drainAt(new Date(now.getTime() + (FALLBACK_SECONDS - 1) * 1000));
    expect(emailed()).toEqual([]);
    expect(await db.outboxMessage.findUniqueOrThrow({ where: { id: outbox[2].id } })).toMatchObject({ status: 'pending' });
    await drainAt(new Date(now.getTime() + FALLBACK_SECONDS * 1000));
    expect(emailed()).toEqual([expect.objectContaining({ body: expect.objectContaining({ to: ['alice@example.com'] }) })]);
    expect(await db.outboxMessage.findUniqueOrThrow({ where: { id: outbox[2].id } })).toMatchObject({ status: 'delivered' });
    expect(
      (await eventsOf(request.id))
        .filter((event) => event.type === 'ciba_notification_sent')
        .map((event) => event.detail.channel),
    ).toEqual(['push', 'push', 'email']);
  });

  it('no email at all when the request was approved before the fallback delay', async () => {
    const now = new Date();
    const { request, outbox } = await start('acme', { login_hint: 'alice@example.com' }, now);
    await drainAt(now);
    await completeBackchannelRequest(testStore(), { requestId: request.id, decision: 'approve', actor: TEST_ACTOR });
    await drainAt(new Date(now.getTime() + FALLBACK_SECONDS * 1000));
    expect(resend.received.filter((received) => received.idempotencyKey === outbox[2].id)).toEqual([]);
    const email = await db.outboxMessage.findUniqueOrThrow({ where: { id: outbox[2].id } });
    expect(email).toMatchObject({ type: 'approval_email', status: 'failed' });
    expect(email.lastError).toMatch(/approved before its email was sent/);
  });

  it('a push for a request decided before it went out is not sent', async () => {
    const now = new Date();
    const before = push.received.length;
    const { request, outbox } = await start('acme', { login_hint: 'alice@example.com' }, now);
    await completeBackchannelRequest(testStore(), { requestId: request.id, decision: 'deny', actor: TEST_ACTOR });
    await drainAt(now);
    expect(push.received.length).toBe(before);
    expect(await db.outboxMessage.findUniqueOrThrow({ where: { id: outbox[0].id } })).toMatchObject({
      status: 'failed',
      lastError: 'The request was denied before its push was sent.',
    });
  });

  it('emails at once a user without a subscribed device, and a fallback of 0 emails with the push', async () => {
    const now = new Date();
    const carol = await start('acme', { login_hint: 'carol@example.com' }, now);
    expect(carol.outbox.map((row) => [row.type, row.availableAt])).toEqual([['approval_email', now]]);
    await updateTenant(db, CLI_PRINCIPAL, { slug: 'acme', settings: { email_fallback_seconds: 0 } });
    try {
      const alice = await start('acme', { login_hint: 'alice@example.com' }, now);
      expect(alice.outbox.map((row) => [row.type, row.availableAt])).toEqual([
        ['push_notification', now],
        ['push_notification', now],
        ['approval_email', now],
      ]);
    } finally {
      await updateTenant(db, CLI_PRINCIPAL, { slug: 'acme', settings: { email_fallback_seconds: FALLBACK_SECONDS } });
    }
  });

  it('push only: pushes and never emails; refuses a user without a device with 403 access_denied', async () => {
    const dave = await start('pushonly', { login_hint: 'dave@example.com' });
    expect(dave.outbox.map((row) => row.type)).toEqual(['push_notification']);
    const refused = await authorize('pushonly', { login_hint: 'erin@example.com' });
    expectOAuthError(refused, 403, 'access_denied');
    expect(await db.backchannelRequest.count({ where: { user: { email: 'erin@example.com' } } })).toBe(0);
  });

  it('a tenant without push reads no device and emails at once, even a user with a device', async () => {
    const now = new Date();
    const { outbox, request } = await start('mailonly', { login_hint: 'alice@example.com' }, now);
    expect(outbox.map((row) => [row.type, row.availableAt])).toEqual([['approval_email', now]]);
    expect((await eventsOf(request.id))[0].detail).toEqual(expect.objectContaining({ channel: 'email' }));
    expect((await eventsOf(request.id))[0].detail).not.toHaveProperty('push_devices');
  });
});

describe('notification_channel (our bc-authorize extension)', () => {
  it('email: only the email, at once, even for a user with devices', async () => {
    const now = new Date();
    const { outbox } = await start('acme', { login_hint: 'alice@example.com', notification_channel: 'email' }, now);
    expect(outbox.map((row) => [row.type, row.availableAt])).toEqual([['approval_email', now]]);
  });

  it('push: only the pushes, no email', async () => {
    const { outbox } = await start('acme', { login_hint: 'alice@example.com', notification_channel: 'push' });
    expect(outbox.map((row) => row.type)).toEqual(['push_notification', 'push_notification']);
  });

  it.each([
    ['push, off for the tenant', 'mailonly', 'alice@example.com', 'push', /push notification channel is off/],
    ['email, off for the tenant', 'pushonly', 'dave@example.com', 'email', /email notification channel is off/],
    ['push, the user has no device', 'acme', 'carol@example.com', 'push', /no authenticator that receives push/],
    ['an unknown channel', 'acme', 'alice@example.com', 'sms', /must be one of push, email/],
  ])('refuses %s with 400 invalid_request', async (_case, slug, email, channel, description) => {
    const before = await db.backchannelRequest.count();
    const refused = await authorize(slug, { login_hint: email, notification_channel: channel });
    expectOAuthError(refused, 400, 'invalid_request');
    expect(refused.json.error_description).toMatch(description);
    expect(await db.backchannelRequest.count()).toBe(before);
  });

  it('is listed in discovery as the tenant channels that are on', async () => {
    const discovery = async (slug: string) =>
      (
        await call({
          method: 'GET',
          path: `/t/${slug}/.well-known/openid-configuration`,
          headers: {},
          body: Buffer.alloc(0),
          receivedAt: new Date(),
        })
      ).json.backchannel_notification_channels_supported;
    expect(await discovery('acme')).toEqual(['push', 'email']);
    expect(await discovery('pushonly')).toEqual(['push']);
    expect(await discovery('mailonly')).toEqual(['email']);
  });
});
