import { decodeJwt } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { decisionChallenge } from '@/lib/authenticator/decision-challenge';
import { ACR_EMAIL_LINK, ACR_PASSKEY, CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import { APPROVAL_CSRF_PURPOSE, decideApproval } from '@/lib/ciba/decide-approval';
import { selectAcr } from '@/lib/ciba/select-acr';
import type { Db } from '@/lib/db/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { OAuthError } from '@/lib/oauth/errors';
import { handleProtocolRequest } from '@/lib/http/protocol-router';
import { csrfTokenFor } from '@/lib/security/csrf';
import { turnOffAbuseLimits } from '@/lib/testing/abuse-limits';
import { deliverOutbox, testStore } from '@/lib/testing/outbox';
import { call, credentialsOf, expectOAuthError, formRequest, type ClientCredentials } from '@/lib/testing/protocol-client';
import { createSoftwarePasskey, enrollSoftwarePasskey, type SoftwarePasskey } from '@/lib/testing/software-passkey';
import { useTestDatabase } from '@/lib/testing/test-database';
import { randomToken } from '@/lib/oauth/crypto';
import { issueApprovalLinkToken } from '@/lib/ciba/approval-link';

// The passkey level (issue 13) end to end through the protocol router: acr_values
// selected per user at bc-authorize (CIBA §7.1), the refusal when only the
// passkey level was asked for and the user has no device, the test hook's
// refusal to approve at that level, and the tokens of a passkey approval.

const APP_URL = 'https://op.example.test';
const SLUG = 'acme';
const BC = `/t/${SLUG}/bc-authorize`;
let db: Db;
let cleanup: () => Promise<void>;
let client: ClientCredentials;
let tenantId: string;
let ada: { id: string };
let passkey: SoftwarePasskey;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase({ appUrl: APP_URL }));
  await createTenant(db, CLI_PRINCIPAL, { slug: SLUG, name: 'Acme' });
  await turnOffAbuseLimits(db, SLUG);
  tenantId = (await db.tenant.findUniqueOrThrow({ where: { slug: SLUG } })).id;
  client = credentialsOf(await createClient(db, CLI_PRINCIPAL, { tenantSlug: SLUG, metadata: { client_name: 'Desk' } }));
  ada = await createUser(db, CLI_PRINCIPAL, { tenantSlug: SLUG, email: 'ada@example.com' });
  await createUser(db, CLI_PRINCIPAL, { tenantSlug: SLUG, email: 'bob@example.com' });
  passkey = createSoftwarePasskey();
  await enrollSoftwarePasskey(db, { id: 'device-ada', tenantId, userId: ada.id, passkey });
});

afterAll(async () => {
  await deliverOutbox();
  await cleanup();
});

const authorize = (params: Record<string, string>) => call(formRequest(BC, { scope: 'openid', ...params }, { auth: client }));

const storedAcrOf = async (authReqId: string) =>
  (await db.backchannelRequest.findUniqueOrThrow({ where: { authReqIdHash: sha256Base64Url(authReqId) } })).acr;

describe('selectAcr (CIBA §7.1 acr_values, in order of preference, per user)', () => {
  const facts = (hasDevice: boolean) => ({ hasAuthenticatorDevice: vi.fn(async () => hasDevice) });

  it.each([
    [`${ACR_PASSKEY} ${ACR_EMAIL_LINK}`, true, ACR_PASSKEY],
    [`${ACR_PASSKEY} ${ACR_EMAIL_LINK}`, false, ACR_EMAIL_LINK],
    [`${ACR_EMAIL_LINK} ${ACR_PASSKEY}`, true, ACR_EMAIL_LINK],
    [`urn:unknown ${ACR_PASSKEY}`, true, ACR_PASSKEY],
    [ACR_EMAIL_LINK, false, ACR_EMAIL_LINK],
    ['urn:unknown urn:other', false, null],
    ['', false, null],
  ])('%j for a user %s a device → %s', async (acrValues, hasDevice, expected) => {
    expect(await selectAcr(acrValues, facts(hasDevice))).toBe(expected);
  });

  it('no acr_values → null, and the devices are not read', async () => {
    const user = facts(true);
    expect(await selectAcr(null, user)).toBeNull();
    expect(user.hasAuthenticatorDevice).not.toHaveBeenCalled();
  });

  it('reads the devices only when the passkey level comes before a satisfiable value', async () => {
    const emailFirst = facts(true);
    expect(await selectAcr(`${ACR_EMAIL_LINK} ${ACR_PASSKEY}`, emailFirst)).toBe(ACR_EMAIL_LINK);
    expect(emailFirst.hasAuthenticatorDevice).not.toHaveBeenCalled();
    const passkeyFirst = facts(false);
    await selectAcr(`${ACR_PASSKEY} ${ACR_EMAIL_LINK}`, passkeyFirst);
    expect(passkeyFirst.hasAuthenticatorDevice).toHaveBeenCalledTimes(1);
  });

  it('only the passkey level, no device → access_denied (403), never the email link in its place', async () => {
    const refusal = await selectAcr(ACR_PASSKEY, facts(false)).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(OAuthError);
    expect({ error: (refusal as OAuthError).error, status: (refusal as OAuthError).status }).toEqual({
      error: 'access_denied',
      status: 403,
    });
  });
});

describe('bc-authorize with acr_values', () => {
  it('selects the passkey level for a user with a device, the email link for one without (same acr_values)', async () => {
    const both = `${ACR_PASSKEY} ${ACR_EMAIL_LINK}`;
    const forAda = await authorize({ login_hint: 'ada@example.com', acr_values: both });
    const forBob = await authorize({ login_hint: 'bob@example.com', acr_values: both });

    expect([forAda.status, forBob.status]).toEqual([200, 200]);
    expect(await storedAcrOf(forAda.json.auth_req_id as string)).toBe(ACR_PASSKEY);
    expect(await storedAcrOf(forBob.json.auth_req_id as string)).toBe(ACR_EMAIL_LINK);
  });

  it('honours the order: the email link first is chosen even for a user with a device', async () => {
    const result = await authorize({ login_hint: 'ada@example.com', acr_values: `${ACR_EMAIL_LINK} ${ACR_PASSKEY}` });

    expect(await storedAcrOf(result.json.auth_req_id as string)).toBe(ACR_EMAIL_LINK);
  });

  it('only the passkey level for a user without a device → 403 access_denied, recorded, nothing stored or sent', async () => {
    const requestsBefore = await db.backchannelRequest.count();
    const outboxBefore = await db.outboxMessage.count();

    const result = await authorize({ login_hint: 'bob@example.com', acr_values: ACR_PASSKEY });

    expectOAuthError(result, 403, 'access_denied');
    expect(result.json.error_description).toBe(
      'The requested acr_values cannot be satisfied for this user: the passkey level needs an enrolled authenticator.',
    );
    expect(await db.backchannelRequest.count()).toBe(requestsBefore);
    expect(await db.outboxMessage.count()).toBe(outboxBefore);
    const failure = await db.event.findFirstOrThrow({ where: { type: 'ciba_start_failed' }, orderBy: { id: 'desc' } });
    expect(JSON.parse(failure.detail!)).toMatchObject({ error: 'access_denied' });
  });

  it('an unknown user is still unknown_user_id first (the passkey check comes after the hint)', async () => {
    expectOAuthError(await authorize({ login_hint: 'nobody@example.com', acr_values: ACR_PASSKEY }), 400, 'unknown_user_id');
  });

  it('discovery lists both levels, strongest first, and amr among the claims', async () => {
    const result = await call({
      method: 'GET',
      path: `/t/${SLUG}/.well-known/openid-configuration`,
      headers: {},
      body: Buffer.alloc(0),
      receivedAt: new Date(),
    });
    expect(result.json.acr_values_supported).toEqual([ACR_PASSKEY, ACR_EMAIL_LINK]);
    expect(result.json.claims_supported).toContain('amr');
  });
});

describe('the conformance hook at the passkey level', () => {
  const setHooks = (value: string | undefined) => {
    if (value === undefined) delete process.env.CIBA_TEST_HOOKS;
    else process.env.CIBA_TEST_HOOKS = value;
    (globalThis as { backchannelEnv?: unknown }).backchannelEnv = undefined;
  };
  afterEach(() => setHooks(undefined));

  const hook = (decision: 'approve' | 'deny', authReqId: string): Promise<{ status: number; body: string }> =>
    handleProtocolRequest(formRequest(`/t/${SLUG}/test/ciba/${decision}`, { auth_req_id: authReqId }));

  it('refuses to approve a passkey-level request (400 invalid_grant, nothing changes), but denies it (204)', async () => {
    setHooks('true');
    const started = await authorize({ login_hint: 'ada@example.com', acr_values: ACR_PASSKEY });
    const authReqId = started.json.auth_req_id as string;

    const approve = await hook('approve', authReqId);
    expect(approve.status).toBe(400);
    expect(JSON.parse(approve.body)).toEqual({
      error: 'invalid_grant',
      error_description: 'The request asks for the passkey level (acr_values); only a passkey approval satisfies it.',
    });
    const stored = await db.backchannelRequest.findUniqueOrThrow({ where: { authReqIdHash: sha256Base64Url(authReqId) } });
    expect(stored.status).toBe('pending');

    expect((await hook('deny', authReqId)).status).toBe(204);
    expect((await db.backchannelRequest.findUniqueOrThrow({ where: { id: stored.id } })).status).toBe('denied');
  });
});

describe('the tokens of a passkey approval on the emailed page', () => {
  it('carry acr = the passkey level and amr, in the ID token and the access token', async () => {
    const started = await authorize({ login_hint: 'ada@example.com', acr_values: `${ACR_PASSKEY} ${ACR_EMAIL_LINK}` });
    const authReqId = started.json.auth_req_id as string;
    const request = await db.backchannelRequest.findUniqueOrThrow({ where: { authReqIdHash: sha256Base64Url(authReqId) } });
    // The emailed link's token is sealed in the outbox; a second link on the request stands in for it.
    const link = issueApprovalLinkToken();
    await db.approvalLink.create({
      data: { id: randomToken(8), requestId: request.id, tokenHash: link.tokenHash, channel: 'email' },
    });
    const assertion = passkey.assert({
      challenge: decisionChallenge({
        requestId: request.id,
        decision: 'approve',
        bindingMessage: request.bindingMessage,
        authorizationDetails: request.authorizationDetails,
        grantedItems: null,
      }),
      origin: APP_URL,
      rpId: 'op.example.test',
    });

    const decided = await decideApproval(testStore(), {
      tenantSlug: SLUG,
      token: link.token,
      decision: 'approve',
      csrfToken: csrfTokenFor(APPROVAL_CSRF_PURPOSE, link.tokenHash),
      passkeyAssertion: JSON.stringify(assertion),
      headers: new Headers({ origin: APP_URL }),
    });
    expect(decided).toEqual({ outcome: 'approved' });

    const tokens = await call(
      formRequest(`/t/${SLUG}/oauth/token`, { grant_type: CIBA_GRANT_TYPE, auth_req_id: authReqId }, { auth: client }),
    );
    expect(tokens.status).toBe(200);
    for (const token of [tokens.json.id_token, tokens.json.access_token]) {
      expect(decodeJwt(token as string)).toMatchObject({ acr: ACR_PASSKEY, amr: ['hwk', 'user', 'mfa'] });
    }
  });
});
