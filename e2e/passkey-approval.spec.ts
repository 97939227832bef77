// The passkey level on the emailed approval page (issue 13), in Chromium with a virtual WebAuthn
// authenticator (the DevTools protocol: WebAuthn.enable + addVirtualAuthenticator, ctap2, internal,
// resident key, user verification). The test registers a credential on the app's origin in the page
// (navigator.credentials.create), verifies the attestation with @simplewebauthn/server in this process
// and stores the AuthenticatorDevice in the run's database (the enrolment UI is another piece of work).
// Then: a passkey-level request is approved only with an assertion; a mismatched assertion (made for
// another request) is refused and changes nothing; the tokens state acr = passkey and amr.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { expect, test, type CDPSession, type Page } from '@playwright/test';
import { verifyRegistrationResponse } from '@simplewebauthn/server';
import type { RegistrationResponseJSON } from '@simplewebauthn/types';
import { decodeJwt } from 'jose';
import { PrismaClient as PostgresPrismaClient } from '../lib/generated/postgres/client';
import { PrismaClient } from '../lib/generated/sqlite/client';
import { axeViolations } from './support/axe';
import { pollUntilDone, rawPost, readApprovalForm, relyingParty, startRequestWithLink, type RelyingParty } from './support/ciba';
import { e2eContext } from './support/context';

const ACR_PASSKEY = 'urn:backchannel:acr:passkey';
const ctx = e2eContext();
const alice = ctx.users.alice;
const origin = new URL(ctx.appUrl).origin;
const rpId = new URL(ctx.appUrl).hostname;

let rp: RelyingParty;

test.beforeAll(async () => {
  rp = await relyingParty(ctx.clients.acme);
});

/** The run's database, as the server uses it (Prisma, so values are stored as the app stores them). */
const openDatabase = (): PrismaClient => {
  const url = ctx.cliEnv.DATABASE_URL;
  if (/^postgres(ql)?:\/\//i.test(url)) {
    return new PostgresPrismaClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as PrismaClient;
  }

  return new PrismaClient({ adapter: new PrismaBetterSqlite3({ url: url.replace(/^file:/, '') }) });
};

/** The stored status of the request with this auth_req_id (polling twice within the interval would be slow_down). */
const statusOf = async (authReqId: string): Promise<string> => {
  const db = openDatabase();
  try {
    const authReqIdHash = createHash('sha256').update(authReqId).digest('base64url');

    return (await db.backchannelRequest.findUniqueOrThrow({ where: { authReqIdHash } })).status;
  } finally {
    await db.$disconnect();
  }
};

const addVirtualAuthenticator = async (page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });

  return { cdp, authenticatorId };
};

/**
 * Registers a passkey for `email` on the app's origin in the page (WebAuthn §5.1.3), verifies the
 * attestation (user verification required) and stores it as the user's AuthenticatorDevice.
 */
const enrolPasskey = async (page: Page, email: string): Promise<void> => {
  const challenge = randomBytes(32).toString('base64url');
  await page.goto('/t/acme/approve/done?outcome=used');
  const response = await page.evaluate(
    async ({ challenge, rpId, email }) => {
      const fromB64u = (value: string) =>
        Uint8Array.from(atob(value.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
      const toB64u = (buffer: ArrayBuffer) =>
        btoa(String.fromCharCode(...new Uint8Array(buffer)))
          .replace(/\+/g, '-')
          .replace(/\//g, '_')
          .replace(/=+$/, '');
      const credential = (await navigator.credentials.create({
        publicKey: {
          challenge: fromB64u(challenge),
          rp: { id: rpId, name: 'Backchannel' },
          user: { id: crypto.getRandomValues(new Uint8Array(16)), name: email, displayName: email },
          pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
          authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
          attestation: 'none',
        },
      })) as PublicKeyCredential;
      const attestation = credential.response as AuthenticatorAttestationResponse;

      return {
        id: credential.id,
        rawId: toB64u(credential.rawId),
        type: 'public-key',
        response: {
          clientDataJSON: toB64u(attestation.clientDataJSON),
          attestationObject: toB64u(attestation.attestationObject),
          transports: attestation.getTransports(),
        },
        clientExtensionResults: {},
      };
    },
    { challenge, rpId, email },
  );
  const verification = await verifyRegistrationResponse({
    response: response as RegistrationResponseJSON,
    expectedChallenge: challenge,
    expectedOrigin: origin,
    expectedRPID: rpId,
    requireUserVerification: true,
  });
  expect(verification.verified).toBe(true);
  const info = verification.registrationInfo!;
  const db = openDatabase();
  try {
    const tenant = await db.tenant.findUniqueOrThrow({ where: { slug: 'acme' } });
    const user = await db.user.findFirstOrThrow({ where: { tenantId: tenant.id, email } });
    await db.authenticatorDevice.create({
      data: {
        id: randomUUID(),
        tenantId: tenant.id,
        userId: user.id,
        name: 'Chromium virtual authenticator',
        credentialId: Buffer.from(info.credentialID).toString('base64url'),
        publicKey: Buffer.from(info.credentialPublicKey).toString('base64url'),
        signCount: info.counter,
        transports: JSON.stringify(response.response.transports),
      },
    });
  } finally {
    await db.$disconnect();
  }
};

test('a passkey-level request is approved on the emailed page only with a passkey bound to it', async ({ page }) => {
  await addVirtualAuthenticator(page);
  await enrolPasskey(page, alice.email);

  const target = await startRequestWithLink(rp, { loginHint: alice.email, extra: { acr_values: ACR_PASSKEY } });
  const other = await startRequestWithLink(rp, { loginHint: alice.email, extra: { acr_values: ACR_PASSKEY } });

  // Without JavaScript (a plain form POST, no assertion): refused, back to the page saying why.
  const form = await readApprovalForm(target.link);
  const plain = await rawPost(form.action, new URLSearchParams({ decision: 'approve', csrf_token: form.csrfToken }).toString(), {
    headers: { origin },
  });
  expect(plain.status).toBe(303);
  expect(plain.headers.get('location')).toMatch(/\?passkey=missing$/);
  expect(await statusOf(target.auth_req_id)).toBe('pending');

  // An assertion made for the other request: captured from its page, then sent with this one's form.
  await page.goto(other.link);
  let captured: string | null = null;
  await page.route('**/decision', async (route) => {
    captured = new URLSearchParams(route.request().postData() ?? '').get('passkey_assertion');
    await route.abort();
  });
  await page.getByRole('button', { name: 'Approve with passkey' }).click();
  await expect.poll(() => captured).not.toBeNull();
  await page.unroute('**/decision');

  await page.goto(target.link);
  await expect(page.getByRole('heading', { name: /wants you to sign in/ })).toBeVisible();
  const notice = page.getByRole('note', { name: 'Approve with your passkey' });
  await expect(notice).toContainText('asked for sign-in with your passkey');
  mkdirSync('reports/screenshots', { recursive: true });
  await page.screenshot({ path: 'reports/screenshots/approval-passkey-step.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);

  await page.evaluate((assertion) => {
    const formElement = document.querySelector<HTMLFormElement>('#approval-form')!;
    formElement.querySelector<HTMLInputElement>('input[name="passkey_assertion"]')!.value = assertion;
    const decision = formElement.querySelector<HTMLInputElement>('input[type="hidden"][name="decision"]')!;
    decision.disabled = false;
    formElement.submit();
  }, captured!);
  await expect(page.getByTestId('passkey-error')).toContainText('did not match this request');
  expect(page.url()).toMatch(/\?passkey=invalid_assertion$/);
  expect(await statusOf(target.auth_req_id)).toBe('pending');
  expect(await statusOf(other.auth_req_id)).toBe('pending');
  await page.screenshot({ path: 'reports/screenshots/approval-passkey-refused.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);

  // The right passkey for this request: approved, and the tokens say how.
  await page.getByRole('button', { name: 'Approve with passkey' }).click();
  await expect(page.getByRole('heading', { name: 'Request approved' })).toBeVisible();
  const result = await pollUntilDone(rp, target.auth_req_id, { interval: target.interval ?? 5, waitFirst: false });
  if (!result.ok) throw new Error(`token request failed: ${result.error}`);
  const tokens = result.tokens as { id_token: string; access_token: string };
  for (const token of [tokens.id_token, tokens.access_token]) {
    expect(decodeJwt(token)).toMatchObject({ acr: ACR_PASSKEY, amr: ['hwk', 'user', 'mfa'] });
  }
});
