import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  listAuthenticatorDevices,
  revokeAuthenticatorDevice,
  sendAuthenticatorEnrollment,
} from '@/lib/admin/authenticator-devices';
import { expectAdminError } from '@/lib/admin/test-helpers';
import { decisionChallenge } from '@/lib/authenticator/decision-challenge';
import { ENROLLMENT_TTL_MS, findEnrollment } from '@/lib/authenticator/enrollment';
import {
  acceptEnrollmentOffer,
  ENROLLMENT_OFFER_CSRF_PURPOSE,
  ENROLLMENT_OFFER_TTL_MS,
  enrollmentOfferTicket,
} from '@/lib/authenticator/enrollment-offer';
import { csrfTokenFor } from '@/lib/security/csrf';
import { AuthenticatorError, type AuthenticatorErrorCode } from '@/lib/authenticator/errors';
import { listOwnDevices, revokeOwnDevice, storePushSubscription } from '@/lib/authenticator/own-devices';
import { unsealPushSubscriptionKeys } from '@/lib/authenticator/push-subscription-keys';
import { completeEnrollment, enrollmentChallenge, enrollmentRegistrationOptions } from '@/lib/authenticator/registration';
import { decideInApp, decisionOptions, listPendingRequests } from '@/lib/authenticator/requests';
import {
  findAuthenticatorSession,
  issueSignInChallenge,
  signInWithPasskey,
  SIGN_IN_CHALLENGE_TTL_MS,
  type AuthenticatorSession,
} from '@/lib/authenticator/session';
import { verifyDecisionAssertion } from '@/lib/authenticator/verify-decision-assertion';
import { CLI_PRINCIPAL, type Principal } from '@/lib/auth/principal';
import { PASSKEY_AMR } from '@/lib/ciba/constants';
import type { Db } from '@/lib/db/client';
import type { Client, Tenant, User } from '@/lib/generated/sqlite/client';
import { startFakeResend, useResend, type FakeResend } from '@/lib/testing/fake-resend';
import { deliverOutbox, testStore } from '@/lib/testing/outbox';
import { seedClient, seedPendingRequest, seedTenant, seedUser } from '@/lib/testing/seed';
import { createSoftwareAuthenticator, type SoftwareAuthenticator } from '@/lib/testing/software-authenticator';
import { useTestDatabase } from '@/lib/testing/test-database';

// The authenticator app's domain (issue 13): enrolment links, passkey
// registration, sign-in sessions, decisions bound to one request, devices.

const ORIGIN = 'http://localhost:3999';
const RP_ID = 'localhost';
let db: Db;
let cleanup: () => Promise<void>;
let resend: FakeResend;
let tenant: Tenant;
let otherTenant: Tenant;
let client: Client;
let user: User;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  resend = await startFakeResend();
  useResend(resend.baseUrl);
  tenant = await seedTenant(db);
  otherTenant = await seedTenant(db);
  ({ client } = await seedClient(db, tenant));
});

afterAll(async () => {
  useResend(undefined);
  await resend.close();
  await cleanup();
});

beforeEach(async () => {
  user = await seedUser(db, tenant);
  resend.received.length = 0;
});

const expectAuthenticatorError = async (promise: Promise<unknown>, code: AuthenticatorErrorCode, status: number) => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AuthenticatorError);
  expect((error as AuthenticatorError).code).toBe(code);
  expect((error as AuthenticatorError).status).toBe(status);
};

/** Sends an enrolment link through the admin operation and reads the token from the email the fake Resend got. */
const emailedEnrollmentToken = async (principal: Principal = CLI_PRINCIPAL, now = new Date()): Promise<string> => {
  await sendAuthenticatorEnrollment(db, principal, { tenantSlug: tenant.slug, email: user.email }, now);
  await deliverOutbox(now);
  const email = resend.received.at(-1)!;
  expect(email.body.to).toEqual([user.email]);
  const match = new RegExp(`${ORIGIN}/authenticator/enrol\\?token=([A-Za-z0-9_-]{43})`).exec(email.body.text ?? '');
  expect(match).not.toBeNull();

  return match![1];
};

/** Enrols a software authenticator for `user` and signs it in. */
const enrolAndSignIn = async (): Promise<{
  authenticator: SoftwareAuthenticator;
  session: AuthenticatorSession;
  deviceId: string;
}> => {
  const token = await emailedEnrollmentToken();
  const authenticator = createSoftwareAuthenticator({ origin: ORIGIN, rpId: RP_ID });
  const options = await enrollmentRegistrationOptions(db, token);
  const { deviceId } = await completeEnrollment(db, {
    token,
    response: authenticator.register(options.challenge),
    deviceName: 'Test phone',
  });
  const challenge = issueSignInChallenge();
  const { token: sessionToken } = await signInWithPasskey(db, { challenge, response: authenticator.assert(challenge) });
  const session = (await findAuthenticatorSession(db, sessionToken))!;

  return { authenticator, session, deviceId };
};

describe('enrolment links', () => {
  it('emails a single-use link valid 24 h, stores only its hash, and records authenticator_enrollment_sent for the user', async () => {
    const now = new Date();
    const token = await emailedEnrollmentToken(CLI_PRINCIPAL, now);
    const row = await db.authenticatorEnrollment.findFirstOrThrow({ where: { userId: user.id } });
    expect(row.tokenHash).not.toContain(token);
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(ENROLLMENT_TTL_MS);
    expect((await findEnrollment(db, token, now)).state).toBe('valid');
    const event = await db.event.findFirstOrThrow({ where: { type: 'authenticator_enrollment_sent', userId: user.id } });
    expect(event).toMatchObject({ tenantId: tenant.id, actor: 'cli' });
    // The outbox message holds the token only sealed.
    const message = await db.outboxMessage.findFirstOrThrow({
      where: { type: 'authenticator_enrollment_email', tenantId: tenant.id },
      orderBy: { id: 'desc' },
    });
    expect(message.payload).not.toContain(token);
  });

  it("refuses a second link within a minute (conflict), a blocked user (conflict), and another tenant's admin (forbidden)", async () => {
    await emailedEnrollmentToken();
    await expectAdminError(
      sendAuthenticatorEnrollment(db, CLI_PRINCIPAL, { tenantSlug: tenant.slug, id: user.id }),
      'conflict',
      /less than a minute/,
    );
    const blocked = await seedUser(db, tenant, { blocked: true });
    await expectAdminError(
      sendAuthenticatorEnrollment(db, CLI_PRINCIPAL, { tenantSlug: tenant.slug, id: blocked.id }),
      'conflict',
      /blocked/,
    );
    const outsider: Principal = {
      kind: 'admin',
      id: 'a1',
      email: 'a@x.test',
      role: 'tenant-admin',
      tenantIds: new Set([otherTenant.id]),
    };
    await expectAdminError(sendAuthenticatorEnrollment(db, outsider, { tenantSlug: tenant.slug, id: user.id }), 'forbidden');
    // A user of another tenant is not found through this tenant.
    await expectAdminError(
      sendAuthenticatorEnrollment(db, CLI_PRINCIPAL, { tenantSlug: otherTenant.slug, id: user.id }),
      'not_found',
    );
  });
});

describe('enrolment (passkey registration)', () => {
  it('registers a discoverable, user-verified passkey bound to the link, uses the link, and records authenticator_enrolled', async () => {
    const token = await emailedEnrollmentToken();
    const options = await enrollmentRegistrationOptions(db, token);
    expect(options.challenge).toBe(enrollmentChallenge(token));
    expect(options.authenticatorSelection).toMatchObject({ residentKey: 'required', userVerification: 'required' });
    expect(options.rp.id).toBe(RP_ID);
    const authenticator = createSoftwareAuthenticator({ origin: ORIGIN, rpId: RP_ID });

    const { deviceId } = await completeEnrollment(db, {
      token,
      response: authenticator.register(options.challenge),
      deviceName: 'Pixel',
    });

    const device = await db.authenticatorDevice.findUniqueOrThrow({ where: { id: deviceId } });
    expect(device).toMatchObject({
      userId: user.id,
      tenantId: tenant.id,
      name: 'Pixel',
      credentialId: authenticator.credentialId,
    });
    expect((await findEnrollment(db, token, new Date())).state).toBe('used');
    expect(await db.event.count({ where: { type: 'authenticator_enrolled', userId: user.id } })).toBe(1);
  });

  it('a used, expired or unknown link changes nothing and says so', async () => {
    const token = await emailedEnrollmentToken();
    const authenticator = createSoftwareAuthenticator({ origin: ORIGIN, rpId: RP_ID });
    await completeEnrollment(db, { token, response: authenticator.register(enrollmentChallenge(token)) });
    const again = createSoftwareAuthenticator({ origin: ORIGIN, rpId: RP_ID });
    await expectAuthenticatorError(
      completeEnrollment(db, { token, response: again.register(enrollmentChallenge(token)) }),
      'enrollment_used',
      410,
    );
    await expectAuthenticatorError(enrollmentRegistrationOptions(db, 'x'.repeat(43)), 'not_found', 404);

    user = await seedUser(db, tenant);
    const later = new Date(Date.now() + ENROLLMENT_TTL_MS + 1000);
    const stale = await emailedEnrollmentToken();
    await expectAuthenticatorError(
      completeEnrollment(db, { token: stale, response: again.register(enrollmentChallenge(stale)), now: later }),
      'enrollment_expired',
      410,
    );
    expect(await db.authenticatorDevice.count({ where: { credentialId: again.credentialId } })).toBe(0);
  });

  it('refuses a registration without user verification, for another challenge or another origin, and keeps the link', async () => {
    const token = await emailedEnrollmentToken();
    const authenticator = createSoftwareAuthenticator({ origin: ORIGIN, rpId: RP_ID });
    const challenge = enrollmentChallenge(token);
    for (const response of [
      authenticator.register(challenge, { userVerified: false }),
      authenticator.register(enrollmentChallenge('y'.repeat(43))),
      authenticator.register(challenge, { origin: 'https://evil.example' }),
    ]) {
      await expectAuthenticatorError(completeEnrollment(db, { token, response }), 'invalid_assertion', 401);
    }
    expect((await findEnrollment(db, token, new Date())).state).toBe('valid');
  });
});

describe('verifyDecisionAssertion', () => {
  const challenge = decisionChallenge({
    requestId: 'r1',
    decision: 'approve',
    bindingMessage: 'A1B2',
    authorizationDetails: null,
    grantedItems: null,
  });

  it('accepts a user-verified assertion over the challenge and moves the counter', async () => {
    const { authenticator, deviceId } = await enrolAndSignIn();
    const result = await verifyDecisionAssertion(db, {
      tenantId: tenant.id,
      userId: user.id,
      response: authenticator.assert(challenge),
      expectedChallenge: challenge,
    });
    expect(result).toEqual({ ok: true, deviceId });
    expect((await db.authenticatorDevice.findUniqueOrThrow({ where: { id: deviceId } })).signCount).toBe(authenticator.counter);
  });

  it('refuses another challenge, no user verification, another origin (invalid_assertion); a replay (counter_mismatch); another user (unknown_device)', async () => {
    const { authenticator } = await enrolAndSignIn();
    const verify = (response: ReturnType<SoftwareAuthenticator['assert']>, userId = user.id) =>
      verifyDecisionAssertion(db, { tenantId: tenant.id, userId, response, expectedChallenge: challenge });
    const other = decisionChallenge({
      requestId: 'r1',
      decision: 'deny',
      bindingMessage: 'A1B2',
      authorizationDetails: null,
      grantedItems: null,
    });
    expect(await verify(authenticator.assert(other))).toEqual({ ok: false, reason: 'invalid_assertion' });
    expect(await verify(authenticator.assert(challenge, { userVerified: false }))).toEqual({
      ok: false,
      reason: 'invalid_assertion',
    });
    expect(await verify(authenticator.assert(challenge, { origin: 'https://evil.example' }))).toEqual({
      ok: false,
      reason: 'invalid_assertion',
    });
    const good = authenticator.assert(challenge);
    expect((await verify(good)).ok).toBe(true);
    expect(await verify(good)).toEqual({ ok: false, reason: 'counter_mismatch' });
    const stranger = await seedUser(db, tenant);
    expect(await verify(authenticator.assert(challenge), stranger.id)).toEqual({ ok: false, reason: 'unknown_device' });
    expect(
      await verifyDecisionAssertion(db, {
        tenantId: otherTenant.id,
        userId: user.id,
        response: authenticator.assert(challenge),
        expectedChallenge: challenge,
      }),
    ).toEqual({ ok: false, reason: 'unknown_device' });
  });
});

describe('sign-in sessions', () => {
  it('a sign-in challenge works once and for five minutes; a revoked device ends its sessions', async () => {
    const { authenticator, session, deviceId } = await enrolAndSignIn();
    expect(session).toMatchObject({ userId: user.id, tenantId: tenant.id, deviceId });

    const challenge = issueSignInChallenge();
    const first = await signInWithPasskey(db, { challenge, response: authenticator.assert(challenge) });
    await expectAuthenticatorError(
      signInWithPasskey(db, { challenge, response: authenticator.assert(challenge) }),
      'invalid_request',
      400,
    );
    const old = issueSignInChallenge(new Date(Date.now() - SIGN_IN_CHALLENGE_TTL_MS - 1000));
    await expectAuthenticatorError(
      signInWithPasskey(db, { challenge: old, response: authenticator.assert(old) }),
      'invalid_request',
      400,
    );
    const forged = `${challenge.slice(0, 40)}${'A'.repeat(35)}`;
    await expectAuthenticatorError(
      signInWithPasskey(db, { challenge: forged, response: authenticator.assert(forged) }),
      'invalid_request',
      400,
    );

    await revokeAuthenticatorDevice(db, CLI_PRINCIPAL, { tenantSlug: tenant.slug, id: user.id, deviceId });
    expect(await findAuthenticatorSession(db, first.token)).toBeNull();
    const after = issueSignInChallenge();
    await expectAuthenticatorError(
      signInWithPasskey(db, { challenge: after, response: authenticator.assert(after) }),
      'unknown_device',
      401,
    );
    expect(await db.event.count({ where: { type: 'authenticator_revoked', userId: user.id, actor: 'cli' } })).toBe(1);
  });
});

describe('decisions in the app', () => {
  it('approves with a passkey bound to the decision: amr, the actor, the device; a replay is already_decided (409)', async () => {
    const { authenticator, session, deviceId } = await enrolAndSignIn();
    const { request } = await seedPendingRequest(db, { tenant, client, user });
    expect((await listPendingRequests(db, session)).map((pending) => pending.id)).toContain(request.id);

    const options = await decisionOptions(db, testStore(), session, { requestId: request.id, decision: 'approve' });
    expect(options.allowCredentials).toEqual([expect.objectContaining({ id: authenticator.credentialId })]);
    const response = authenticator.assert(options.challenge);
    expect(await decideInApp(db, testStore(), session, { requestId: request.id, decision: 'approve', response })).toEqual({
      status: 'approved',
    });

    const stored = await db.backchannelRequest.findUniqueOrThrow({ where: { id: request.id } });
    expect(stored).toMatchObject({ status: 'approved', amr: PASSKEY_AMR.join(' ') });
    const event = await db.event.findFirstOrThrow({ where: { requestId: request.id, type: 'ciba_approved' } });
    expect(JSON.parse(event.detail!)).toMatchObject({
      by: { kind: 'user', channel: 'authenticator' },
      passkey_device_id: deviceId,
    });
    await expectAuthenticatorError(
      decideInApp(db, testStore(), session, { requestId: request.id, decision: 'approve', response }),
      'already_decided',
      409,
    );
  });

  it('refuses an assertion made for another request or the other decision (invalid_assertion 401); denies with its own', async () => {
    const { authenticator, session } = await enrolAndSignIn();
    const { request: first } = await seedPendingRequest(db, { tenant, client, user });
    const { request: second } = await seedPendingRequest(db, { tenant, client, user });
    const forFirst = await decisionOptions(db, testStore(), session, { requestId: first.id, decision: 'approve' });
    await expectAuthenticatorError(
      decideInApp(db, testStore(), session, {
        requestId: second.id,
        decision: 'approve',
        response: authenticator.assert(forFirst.challenge),
      }),
      'invalid_assertion',
      401,
    );
    await expectAuthenticatorError(
      decideInApp(db, testStore(), session, {
        requestId: first.id,
        decision: 'deny',
        response: authenticator.assert(forFirst.challenge),
      }),
      'invalid_assertion',
      401,
    );
    expect((await db.backchannelRequest.findUniqueOrThrow({ where: { id: second.id } })).status).toBe('pending');
    const deny = await decisionOptions(db, testStore(), session, { requestId: second.id, decision: 'deny' });
    expect(
      await decideInApp(db, testStore(), session, {
        requestId: second.id,
        decision: 'deny',
        response: authenticator.assert(deny.challenge),
      }),
    ).toEqual({
      status: 'denied',
    });
  });

  it("another user's request is not_found (404) and stays pending", async () => {
    const { authenticator, session } = await enrolAndSignIn();
    const stranger = await seedUser(db, tenant);
    const { request } = await seedPendingRequest(db, { tenant, client, user: stranger });
    const challenge = decisionChallenge({
      requestId: request.id,
      decision: 'approve',
      bindingMessage: 'A1B2',
      authorizationDetails: null,
      grantedItems: null,
    });
    await expectAuthenticatorError(
      decideInApp(db, testStore(), session, {
        requestId: request.id,
        decision: 'approve',
        response: authenticator.assert(challenge),
      }),
      'not_found',
      404,
    );
    expect((await db.backchannelRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe('pending');
  });

  it('a revoked device can no longer approve (unknown_device 401)', async () => {
    const { authenticator, session, deviceId } = await enrolAndSignIn();
    const { request } = await seedPendingRequest(db, { tenant, client, user });
    const options = await decisionOptions(db, testStore(), session, { requestId: request.id, decision: 'approve' });
    await revokeOwnDevice(db, session, deviceId);
    await expectAuthenticatorError(
      decideInApp(db, testStore(), session, {
        requestId: request.id,
        decision: 'approve',
        response: authenticator.assert(options.challenge),
      }),
      'unknown_device',
      401,
    );
    expect((await db.backchannelRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe('pending');
  });
});

describe('devices', () => {
  it('lists devices for admins and the user; push subscriptions are validated and their keys sealed', async () => {
    const { session, deviceId } = await enrolAndSignIn();
    const keys = { p256dh: Buffer.alloc(65, 4).toString('base64url'), auth: Buffer.alloc(16, 1).toString('base64url') };
    await expectAuthenticatorError(
      storePushSubscription(db, session, { endpoint: 'http://push.example/x', keys }),
      'invalid_request',
      400,
    );
    await expectAuthenticatorError(
      storePushSubscription(db, session, { endpoint: `https://push.example/${'a'.repeat(1100)}`, keys }),
      'invalid_request',
      400,
    );
    await expectAuthenticatorError(
      storePushSubscription(db, session, { endpoint: 'https://push.example/x', keys: { ...keys, auth: 'short' } }),
      'invalid_request',
      400,
    );
    await storePushSubscription(db, session, { endpoint: 'https://push.example/x', keys });
    const device = await db.authenticatorDevice.findUniqueOrThrow({ where: { id: deviceId } });
    expect(device.pushKeys).not.toContain(keys.auth);
    expect(unsealPushSubscriptionKeys(deviceId, device.pushKeys!)).toEqual(keys);

    expect(await listAuthenticatorDevices(db, CLI_PRINCIPAL, { tenantSlug: tenant.slug, id: user.id })).toEqual([
      expect.objectContaining({ id: deviceId, name: 'Test phone', push: true, last_used_at: expect.any(String) }),
    ]);
    expect(await listOwnDevices(db, session)).toEqual([expect.objectContaining({ id: deviceId, current: true })]);
    await expectAuthenticatorError(revokeOwnDevice(db, session, 'someone-else'), 'not_found', 404);
    await expectAdminError(
      revokeAuthenticatorDevice(db, CLI_PRINCIPAL, { tenantSlug: otherTenant.slug, email: user.email, deviceId }),
      'not_found',
    );
  });
});

describe('"approve faster next time" (the offer after an emailed decision)', () => {
  const sameOrigin = new Headers({ origin: ORIGIN });

  const decidedLink = async (used = true) => {
    const { link } = await seedPendingRequest(db, { tenant, client, user });
    if (used) await db.approvalLink.update({ where: { id: link.id }, data: { usedAt: new Date() } });

    return enrollmentOfferTicket(link.tokenHash);
  };
  const accept = (ticket: string, options: { csrf?: string; headers?: Headers; tenantSlug?: string; now?: Date } = {}) =>
    acceptEnrollmentOffer(db, {
      tenantSlug: options.tenantSlug ?? tenant.slug,
      ticket,
      csrfToken: options.csrf ?? csrfTokenFor(ENROLLMENT_OFFER_CSRF_PURPOSE, ticket),
      headers: options.headers ?? sameOrigin,
      now: options.now,
    });

  it('emails an enrolment link (the mailbox is still what enrols) for a decided link of a user without a device', async () => {
    const ticket = await decidedLink();
    expect(await accept(ticket)).toEqual({ outcome: 'enrol_sent' });
    await deliverOutbox();
    expect(resend.received.at(-1)!.body.to).toEqual([user.email]);
    expect(await db.event.findFirstOrThrow({ where: { type: 'authenticator_enrollment_sent', userId: user.id } })).toMatchObject({
      actor: `user:${user.id}`,
    });
  });

  it('is refused cross-origin, with a bad CSRF token, a forged or stale ticket, an undecided link, another tenant, or a user with a device', async () => {
    const ticket = await decidedLink();
    expect((await accept(ticket, { headers: new Headers({ origin: 'https://evil.example' }) })).outcome).toBe('invalid');
    expect((await accept(ticket, { csrf: 'nope' })).outcome).toBe('invalid');
    const forged = `${ticket.slice(0, -4)}AAAA`;
    expect((await accept(forged)).outcome).toBe('invalid');
    expect((await accept(ticket, { now: new Date(Date.now() + ENROLLMENT_OFFER_TTL_MS + 1000) })).outcome).toBe('invalid');
    expect((await accept(ticket, { tenantSlug: otherTenant.slug })).outcome).toBe('invalid');
    expect((await accept(await decidedLink(false))).outcome).toBe('invalid');
    expect(await db.authenticatorEnrollment.count({ where: { userId: user.id } })).toBe(0);
    await enrolAndSignIn();
    expect((await accept(await decidedLink())).outcome).toBe('invalid');
  });
});
