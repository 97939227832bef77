// The authenticator app (issue 13) in Chromium with a virtual WebAuthn authenticator (CDP: ctap2, internal,
// resident keys, user verification): enrol from the emailed link, approve and deny requests in the app (the
// client's poll gets tokens with amr/acr, or access_denied), a replayed assertion and an assertion made for
// another request are refused, and a revoked device can no longer approve. Phone-sized, with axe on each screen.
import { expect, test, type Page } from '@playwright/test';
import { decodeJwt } from 'jose';
import { expectAccessible } from './console/console';
import { pollUntilDone, relyingParty, startRequest, waitForEmail, type RelyingParty } from './support/ciba';
import { cli } from './support/cli';
import { e2eContext } from './support/context';

const ctx = e2eContext();
const EMAIL = `authenticator-${Date.now()}@example.com`;

test.describe.configure({ mode: 'serial', timeout: 180_000 });
test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });

let rp: RelyingParty;

test.beforeAll(async () => {
  await cli(['user', 'create', '--tenant', 'acme', '--email', EMAIL, '--name', 'Ada Authenticator']);
  rp = await relyingParty(ctx.clients.acme);
});

/** A virtual platform authenticator with resident keys and user verification (Chrome DevTools Protocol). */
const addVirtualAuthenticator = async (page: Page) => {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
};

const start = (binding: string) => startRequest(rp, { scope: 'openid email', login_hint: EMAIL, binding_message: binding });

/** The id of the pending request shown with this binding message on the app's home. */
const openPending = async (page: Page, binding: string): Promise<string> => {
  await page.goto('/authenticator');
  const entry = page.getByTestId('pending-request').filter({ hasText: binding });
  await expect(entry).toBeVisible();
  const href = (await entry.getAttribute('href'))!;
  await entry.click();
  await expect(page.getByTestId('binding-message')).toHaveText(binding);

  return decodeURIComponent(href.split('/').pop()!);
};

test('enrol from the emailed link, approve and deny in the app, refuse replays, and stop a revoked device', async ({ page }) => {
  await addVirtualAuthenticator(page);
  const decisions: { url: string; body: string }[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().endsWith('/decision'))
      decisions.push({ url: request.url(), body: request.postData() ?? '' });
  });
  page.on('dialog', (dialog) => void dialog.accept());

  // Enrolment: the admin sends a link (CLI), the outbox emails it, the user opens it on the phone.
  const sent = await cli<{ email: string; expires_at: string }>([
    'user',
    'enrol-authenticator',
    '--tenant',
    'acme',
    '--email',
    EMAIL,
  ]);
  expect(sent.email).toBe(EMAIL);
  const email = await waitForEmail({ to: EMAIL, containing: '/authenticator/enrol?token=', timeoutMs: 30_000 });
  const link = /(https?:\/\/\S+\/authenticator\/enrol\?token=[A-Za-z0-9_-]+)/.exec(email.text)![1];
  await page.goto(link);
  await expect(page.getByRole('heading', { name: /Set up the .* authenticator/ })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Create a passkey on this device' }).click();
  await expect(page.getByTestId('enrolled')).toBeVisible();
  await expectAccessible(page);
  // The link worked once.
  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'This enrolment link was used already' })).toBeVisible();

  // Approve: the request shows up in the app (signed in by the enrolment), the passkey decides.
  const first = await start('AUTH 1111');
  const firstId = await openPending(page, 'AUTH 1111');
  await page.screenshot({ path: 'reports/screenshots/authenticator-request-390.png', fullPage: true });
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByTestId('decision-done')).toContainText('Approved');
  const approved = await pollUntilDone(rp, first.auth_req_id, { interval: first.interval ?? 5 });
  if (!approved.ok) throw new Error(`token request failed: ${approved.error}`);
  const idToken = decodeJwt(approved.tokens.id_token as string);
  expect(idToken.amr).toEqual(['hwk', 'user', 'mfa']);
  expect(idToken.acr).toBe('urn:backchannel:acr:passkey');

  // The same assertion again: the request is decided (409 already_decided).
  const approval = decisions.at(-1)!;
  expect(approval.url).toContain(encodeURIComponent(firstId));
  const post = (url: string, body: string) =>
    page.request.post(url, { data: body, headers: { 'Content-Type': 'application/json', Origin: ctx.appUrl } });
  const replay = await post(approval.url, approval.body);
  expect({ status: replay.status(), error: (await replay.json()).error }).toEqual({ status: 409, error: 'already_decided' });

  // That assertion sent for another request: its challenge is another request's (401 invalid_assertion).
  const second = await start('AUTH 2222');
  const secondId = await openPending(page, 'AUTH 2222');
  const crossed = await post(approval.url.replace(encodeURIComponent(firstId), encodeURIComponent(secondId)), approval.body);
  expect({ status: crossed.status(), error: (await crossed.json()).error }).toEqual({ status: 401, error: 'invalid_assertion' });

  // Deny in the app: the client is told access_denied.
  await page.reload();
  await page.getByRole('button', { name: 'Deny' }).click();
  await expect(page.getByTestId('decision-done')).toContainText('Denied');
  const denied = await pollUntilDone(rp, second.auth_req_id, { interval: second.interval ?? 5 });
  expect(denied.ok ? 'tokens' : denied.error).toBe('access_denied');

  // The user's devices; then the admin revokes this one (CLI).
  await page.goto('/authenticator/devices');
  await expect(page.getByTestId('own-device')).toHaveCount(1);
  await expectAccessible(page);
  const devices = await cli<{ id: string; name: string }[]>(['user', 'authenticators', '--tenant', 'acme', '--email', EMAIL]);
  expect(devices).toHaveLength(1);
  const third = await start('AUTH 3333');
  await cli(['user', 'revoke-authenticator', '--tenant', 'acme', '--email', EMAIL, '--device', devices[0].id]);

  // A revoked device: its session is gone, its passkey signs in to nothing, and the request stays pending.
  await page.goto('/authenticator');
  await expect(page.getByRole('heading', { name: 'Sign in to your authenticator' })).toBeVisible();
  await expectAccessible(page);
  const afterRevoke = await post(approval.url, approval.body);
  expect({ status: afterRevoke.status(), error: (await afterRevoke.json()).error }).toEqual({
    status: 401,
    error: 'unauthenticated',
  });
  await page.getByRole('button', { name: 'Sign in with your passkey' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'This passkey is not enrolled.' })).toBeVisible();
  const pending = await pollUntilDone(rp, third.auth_req_id, { interval: third.interval ?? 5, timeoutMs: 1 });
  expect(pending.ok ? 'tokens' : pending.error).toBe('authorization_pending');
});

test('the app is installable: manifest and a service worker scoped to /authenticator', async ({ page }) => {
  const manifest = await (await page.request.get('/authenticator/manifest.webmanifest')).json();
  expect(manifest).toMatchObject({ scope: '/authenticator', start_url: '/authenticator', display: 'standalone' });
  await page.goto('/authenticator');
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  expect(scope).toBe(`${ctx.appUrl}/authenticator`);
  await page.goto('/authenticator/offline');
  await expect(page.getByRole('heading', { name: 'You are offline' })).toBeVisible();
  await expectAccessible(page);
});
