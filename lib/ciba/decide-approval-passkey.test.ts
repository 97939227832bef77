import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST } from '@/app/t/[tenant]/approve/[token]/decision/route';
import { decisionChallenge } from '@/lib/authenticator/decision-challenge';
import { ACR_EMAIL_LINK, ACR_PASSKEY } from '@/lib/ciba/constants';
import { APPROVAL_CSRF_PURPOSE, decideApproval, type DecideApprovalInput } from '@/lib/ciba/decide-approval';
import type { Db } from '@/lib/db/client';
import type { Client, Tenant, User } from '@/lib/generated/sqlite/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { csrfTokenFor } from '@/lib/security/csrf';
import { testStore } from '@/lib/testing/outbox';
import { seedClient, seedPendingRequest, seedTenant, seedUser } from '@/lib/testing/seed';
import { createSoftwarePasskey, enrollSoftwarePasskey, type SoftwarePasskey } from '@/lib/testing/software-passkey';
import { useTestDatabase } from '@/lib/testing/test-database';

// The passkey step of the emailed approval page (issue 13): decideApproval
// verifies a WebAuthn assertion bound to the decision when the request is at
// the passkey level or a passkey policy applies, with a software authenticator
// (node:crypto) whose credential is stored as an AuthenticatorDevice.

const APP_URL = 'https://op.example.test';
const RP = { origin: APP_URL, rpId: 'op.example.test' };
const SAME_ORIGIN = new Headers({ origin: APP_URL });

let db: Db;
let cleanup: () => Promise<void>;
let tenant: Tenant;
let client: Client;
let policyClient: Client;
let user: User;
let deviceless: User;
let other: User;
let passkey: SoftwarePasskey;
let othersPasskey: SoftwarePasskey;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase({ appUrl: APP_URL }));
  tenant = await seedTenant(db, { slug: 'acme' });
  ({ client } = await seedClient(db, tenant));
  ({ client: policyClient } = await seedClient(db, tenant, { requirePasskeyApproval: true }));
  user = await seedUser(db, tenant, { email: 'ada@example.com', sub: 'ada' });
  deviceless = await seedUser(db, tenant, { email: 'bob@example.com', sub: 'bob' });
  other = await seedUser(db, tenant, { email: 'eve@example.com', sub: 'eve' });
  passkey = createSoftwarePasskey();
  othersPasskey = createSoftwarePasskey();
  await enrollSoftwarePasskey(db, { id: 'device-ada', tenantId: tenant.id, userId: user.id, passkey });
  await enrollSoftwarePasskey(db, { id: 'device-eve', tenantId: tenant.id, userId: other.id, passkey: othersPasskey });
});

afterAll(async () => {
  await cleanup();
});

const csrfFor = (token: string) => csrfTokenFor(APPROVAL_CSRF_PURPOSE, sha256Base64Url(token));

const seed = (options: { acr?: string | null; forUser?: User; forClient?: Client; authorizationDetails?: string } = {}) =>
  seedPendingRequest(db, {
    tenant,
    client: options.forClient ?? client,
    user: options.forUser ?? user,
    overrides: {
      acr: options.acr === undefined ? ACR_PASSKEY : options.acr,
      ...(options.authorizationDetails ? { authorizationDetails: options.authorizationDetails } : {}),
    },
  });

/** The challenge the page computes for approving `request` (no items). */
const approvalChallenge = (
  request: { id: string; bindingMessage: string | null; authorizationDetails: string | null },
  grantedItems: number[] | null = null,
) =>
  decisionChallenge({
    requestId: request.id,
    decision: 'approve',
    bindingMessage: request.bindingMessage,
    authorizationDetails: request.authorizationDetails,
    grantedItems,
  });

const decide = (approvalToken: string, overrides: Partial<DecideApprovalInput> = {}) =>
  decideApproval(testStore(), {
    tenantSlug: 'acme',
    token: approvalToken,
    decision: 'approve',
    csrfToken: csrfFor(approvalToken),
    headers: SAME_ORIGIN,
    ...overrides,
  });

const stateOf = async (requestId: string, linkId: string) => ({
  request: await db.backchannelRequest.findUniqueOrThrow({ where: { id: requestId }, select: { status: true, amr: true } }),
  linkUsed: (await db.approvalLink.findUniqueOrThrow({ where: { id: linkId } })).usedAt !== null,
});

const UNCHANGED = { request: { status: 'pending', amr: null }, linkUsed: false };

describe('decideApproval at the passkey level (acr ACR_PASSKEY)', () => {
  it('approves with an assertion over this decision: amr stored, the device named on the event, the counter moved', async () => {
    const { request, link, approvalToken } = await seed();
    const assertion = passkey.assert({ challenge: approvalChallenge(request), ...RP });

    const result = await decide(approvalToken, { passkeyAssertion: JSON.stringify(assertion) });

    expect(result).toEqual({ outcome: 'approved' });
    expect(await stateOf(request.id, link.id)).toEqual({ request: { status: 'approved', amr: 'hwk user mfa' }, linkUsed: true });
    const event = await db.event.findFirstOrThrow({ where: { requestId: request.id, type: 'ciba_approved' } });
    expect(JSON.parse(event.detail!)).toMatchObject({ by: { kind: 'user', channel: 'email' }, passkey_device_id: 'device-ada' });
    expect((await db.authenticatorDevice.findUniqueOrThrow({ where: { id: 'device-ada' } })).signCount).toBeGreaterThan(0);
  });

  it('without an assertion (or an unreadable one): passkey_failed "missing", nothing changes, the link stays usable', async () => {
    const { request, link, approvalToken } = await seed();

    expect(await decide(approvalToken)).toEqual({ outcome: 'passkey_failed', passkeyFailure: 'missing' });
    expect(await decide(approvalToken, { passkeyAssertion: '{not json' })).toEqual({
      outcome: 'passkey_failed',
      passkeyFailure: 'missing',
    });
    expect(await decide(approvalToken, { passkeyAssertion: '{"id":"x"}' })).toEqual({
      outcome: 'passkey_failed',
      passkeyFailure: 'missing',
    });
    expect(await stateOf(request.id, link.id)).toEqual(UNCHANGED);

    // The same link then still approves, with the passkey.
    const assertion = passkey.assert({ challenge: approvalChallenge(request), ...RP });
    expect(await decide(approvalToken, { passkeyAssertion: JSON.stringify(assertion) })).toEqual({ outcome: 'approved' });
  });

  it('refuses an assertion made for another request (invalid_assertion), and changes nothing', async () => {
    const target = await seed();
    const elsewhere = await seed();
    const assertion = passkey.assert({ challenge: approvalChallenge(elsewhere.request), ...RP });

    const result = await decide(target.approvalToken, { passkeyAssertion: JSON.stringify(assertion) });

    expect(result).toEqual({ outcome: 'passkey_failed', passkeyFailure: 'invalid_assertion' });
    expect(await stateOf(target.request.id, target.link.id)).toEqual(UNCHANGED);
    expect(await stateOf(elsewhere.request.id, elsewhere.link.id)).toEqual(UNCHANGED);
  });

  it('refuses an assertion made to deny (the decision is bound), one without user verification, one for another origin', async () => {
    const { request, link, approvalToken } = await seed();
    const denyChallenge = decisionChallenge({
      requestId: request.id,
      decision: 'deny',
      bindingMessage: request.bindingMessage,
      authorizationDetails: null,
      grantedItems: null,
    });
    const attempts = [
      passkey.assert({ challenge: denyChallenge, ...RP }),
      passkey.assert({ challenge: approvalChallenge(request), ...RP, userVerified: false }),
      passkey.assert({ challenge: approvalChallenge(request), origin: 'https://phish.example', rpId: RP.rpId }),
    ];

    for (const assertion of attempts) {
      expect(await decide(approvalToken, { passkeyAssertion: JSON.stringify(assertion) })).toEqual({
        outcome: 'passkey_failed',
        passkeyFailure: 'invalid_assertion',
      });
    }
    expect(await stateOf(request.id, link.id)).toEqual(UNCHANGED);
  });

  it("refuses another user's passkey (unknown_device)", async () => {
    const { request, link, approvalToken } = await seed();
    const assertion = othersPasskey.assert({ challenge: approvalChallenge(request), ...RP });

    expect(await decide(approvalToken, { passkeyAssertion: JSON.stringify(assertion) })).toEqual({
      outcome: 'passkey_failed',
      passkeyFailure: 'unknown_device',
    });
    expect(await stateOf(request.id, link.id)).toEqual(UNCHANGED);
  });

  it('refuses a passkey enrolled in another tenant, even for the same email address (unknown_device)', async () => {
    const globex = await seedTenant(db, { slug: 'globex' });
    const twin = await seedUser(db, globex, { email: 'ada@example.com', sub: 'ada' });
    const globexPasskey = createSoftwarePasskey();
    await enrollSoftwarePasskey(db, { id: 'device-globex-ada', tenantId: globex.id, userId: twin.id, passkey: globexPasskey });
    const { request, link, approvalToken } = await seed();
    const assertion = globexPasskey.assert({ challenge: approvalChallenge(request), ...RP });

    expect(await decide(approvalToken, { passkeyAssertion: JSON.stringify(assertion) })).toEqual({
      outcome: 'passkey_failed',
      passkeyFailure: 'unknown_device',
    });
    expect(await stateOf(request.id, link.id)).toEqual(UNCHANGED);
  });

  it('a replayed assertion finds the request decided (the first decision wins)', async () => {
    const { request, approvalToken } = await seed();
    const assertion = JSON.stringify(passkey.assert({ challenge: approvalChallenge(request), ...RP }));

    expect(await decide(approvalToken, { passkeyAssertion: assertion })).toEqual({ outcome: 'approved' });
    expect(await decide(approvalToken, { passkeyAssertion: assertion })).toEqual({ outcome: 'used' });
  });

  it('a user with no device left cannot approve (no_device), but can deny without a passkey', async () => {
    const { request, link, approvalToken } = await seed({ forUser: deviceless });

    expect(await decide(approvalToken)).toEqual({ outcome: 'passkey_failed', passkeyFailure: 'no_device' });
    expect(await stateOf(request.id, link.id)).toEqual(UNCHANGED);
    expect(await decide(approvalToken, { decision: 'deny' })).toEqual({ outcome: 'denied' });
    expect(await stateOf(request.id, link.id)).toEqual({ request: { status: 'denied', amr: null }, linkUsed: true });
  });

  it('binds the items granted: an assertion over one choice of authorization_details cannot approve another', async () => {
    await db.authorizationType.create({
      data: { id: randomUUID(), tenantId: tenant.id, type: 'account_information', schema: '{}', partialApproval: true },
    });
    const details = JSON.stringify([
      { type: 'account_information', n: 1 },
      { type: 'account_information', n: 2 },
    ]);
    const { request, link, approvalToken } = await seed({ authorizationDetails: details });
    const forFirstOnly = passkey.assert({ challenge: approvalChallenge(request, [0]), ...RP });

    expect(await decide(approvalToken, { items: ['0', '1'], passkeyAssertion: JSON.stringify(forFirstOnly) })).toEqual({
      outcome: 'passkey_failed',
      passkeyFailure: 'invalid_assertion',
    });
    expect(await stateOf(request.id, link.id)).toEqual(UNCHANGED);
    const forBoth = passkey.assert({ challenge: approvalChallenge(request, [0, 1]), ...RP });
    expect(await decide(approvalToken, { items: ['1', '0'], passkeyAssertion: JSON.stringify(forBoth) })).toEqual({
      outcome: 'approved',
    });
  });
});

describe('decideApproval under a passkey policy (require_passkey_approval)', () => {
  it("the client's policy: a user with a device needs the passkey; one without approves with the link", async () => {
    const withDevice = await seed({ acr: ACR_EMAIL_LINK, forClient: policyClient });
    const withoutDevice = await seed({ acr: ACR_EMAIL_LINK, forClient: policyClient, forUser: deviceless });

    expect(await decide(withDevice.approvalToken)).toEqual({ outcome: 'passkey_failed', passkeyFailure: 'missing' });
    expect(await stateOf(withDevice.request.id, withDevice.link.id)).toEqual(UNCHANGED);
    const assertion = passkey.assert({ challenge: approvalChallenge(withDevice.request), ...RP });
    expect(await decide(withDevice.approvalToken, { passkeyAssertion: JSON.stringify(assertion) })).toEqual({
      outcome: 'approved',
    });
    expect((await stateOf(withDevice.request.id, withDevice.link.id)).request.amr).toBe('hwk user mfa');

    expect(await decide(withoutDevice.approvalToken)).toEqual({ outcome: 'approved' });
    expect((await stateOf(withoutDevice.request.id, withoutDevice.link.id)).request).toEqual({ status: 'approved', amr: null });
  });

  it("the tenant's policy applies to every client; without any policy the link alone approves", async () => {
    const before = await seed({ acr: null });
    expect(await decide(before.approvalToken)).toEqual({ outcome: 'approved' });

    await db.tenant.update({ where: { id: tenant.id }, data: { requirePasskeyApproval: true } });
    try {
      const { request, link, approvalToken } = await seed({ acr: null });
      expect(await decide(approvalToken)).toEqual({ outcome: 'passkey_failed', passkeyFailure: 'missing' });
      expect(await stateOf(request.id, link.id)).toEqual(UNCHANGED);
      // A denial never needs the passkey.
      expect(await decide(approvalToken, { decision: 'deny' })).toEqual({ outcome: 'denied' });
    } finally {
      await db.tenant.update({ where: { id: tenant.id }, data: { requirePasskeyApproval: false } });
    }
  });
});

describe('POST …/decision with the passkey step', () => {
  const post = (token: string, fields: Record<string, string>) =>
    POST(
      new Request(`${APP_URL}/t/acme/approve/${token}/decision`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: APP_URL },
        body: new URLSearchParams(fields).toString(),
      }),
      { params: Promise.resolve({ tenant: 'acme', token }) },
    );

  it('a failed passkey step → 303 back to the approval page saying why (?passkey=…); a verified one → done', async () => {
    const { request, link, approvalToken } = await seed();

    const refused = await post(approvalToken, { decision: 'approve', csrf_token: csrfFor(approvalToken) });
    expect(refused.status).toBe(303);
    expect(refused.headers.get('location')).toBe(`/t/acme/approve/${approvalToken}?passkey=missing`);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(await stateOf(request.id, link.id)).toEqual(UNCHANGED);

    const assertion = passkey.assert({ challenge: approvalChallenge(request), ...RP });
    const approved = await post(approvalToken, {
      decision: 'approve',
      csrf_token: csrfFor(approvalToken),
      passkey_assertion: JSON.stringify(assertion),
    });
    expect(approved.status).toBe(303);
    expect(approved.headers.get('location')).toMatch(/^\/t\/acme\/approve\/done\?outcome=approved&offer=[\w.-]+$/);
  });

  it('keeps the CSRF check before the passkey: a bad CSRF token is invalid even with a valid assertion', async () => {
    const { request, link, approvalToken } = await seed();
    const assertion = passkey.assert({ challenge: approvalChallenge(request), ...RP });

    const response = await post(approvalToken, {
      decision: 'approve',
      csrf_token: csrfFor('A'.repeat(43)),
      passkey_assertion: JSON.stringify(assertion),
    });

    expect(response.headers.get('location')).toBe('/t/acme/approve/done?outcome=invalid');
    expect(await stateOf(request.id, link.id)).toEqual(UNCHANGED);
  });
});
