// User codes (CIBA §7.1.2) end to end: a user sets their own code through the self-service pages
// (/t/<tenant>/user-code → emailed one-time link → form), in Chromium, with axe on every page; then
// a client registered with --user-code on is refused without the code (missing_user_code), with a
// wrong one (invalid_user_code) and accepted with the right one, over real HTTP.
import { randomBytes } from 'node:crypto';
import { expect, test } from '@playwright/test';
import { expectAccessible, screenshot } from '../console/console';
import { basicAuthorization, rawPost, waitForEmail } from '../support/ciba';
import { cli } from '../support/cli';
import { issuerOf } from '../support/context';

const TENANT = 'acme';
const email = `code-${randomBytes(4).toString('hex')}@example.com`;
let client: { client_id: string; client_secret: string };

test.beforeAll(async () => {
  await cli(['user', 'create', '--tenant', TENANT, '--email', email, '--name', 'Casey Code']);
  client = await cli(['client', 'create', '--tenant', TENANT, '--name', 'Bank teller', '--user-code', 'on']);
});

const bcAuthorize = (params: Record<string, string>) =>
  rawPost(`${issuerOf(TENANT)}/bc-authorize`, new URLSearchParams({ scope: 'openid', login_hint: email, ...params }).toString(), {
    authorization: basicAuthorization(client.client_id, client.client_secret),
  });

/** The self-service link of the user-code email (its text part). */
const linkIn = (text: string): string => {
  const match = /(https?:\/\/\S+\/user-code\/[A-Za-z0-9_-]{43})/.exec(text);
  if (!match) throw new Error(`No user-code link in the email:\n${text}`);

  return match[1];
};

test('a user sets their own user code by email link; bc-authorize then needs it (CIBA §7.1.2, §13)', async ({ page }) => {
  // Before: the user has no code, so even a guess is invalid_user_code; no code at all is missing_user_code.
  expect((await bcAuthorize({})).json).toMatchObject({ error: 'missing_user_code' });
  expect((await bcAuthorize({ user_code: 'guess' })).json).toMatchObject({ error: 'invalid_user_code' });

  await page.goto(`${issuerOf(TENANT)}/user-code`);
  await expect(page.getByRole('heading', { level: 1, name: 'Set your user code' })).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'user-code-request');
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Email me a link' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your email' })).toBeVisible();
  await expectAccessible(page);

  const message = await waitForEmail({ to: email, containing: '/user-code/' });
  expect(message.subject).toMatch(/^Set your user code for /);
  const link = linkIn(message.text);

  // Opening the link changes nothing (GET); a confirmation that differs sends the user back to the form.
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1, name: 'Set your user code' })).toBeVisible();
  await expect(page.getByText(email)).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel('New user code').fill('4812-otter');
  await page.getByLabel('Repeat the code').fill('4812-ottr');
  await page.getByRole('button', { name: 'Set user code' }).click();
  await expect(page.getByText('The two codes are not the same.')).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'user-code-form-error');

  await page.getByLabel('New user code').fill('4812-otter');
  await page.getByLabel('Repeat the code').fill('4812-otter');
  await page.getByRole('button', { name: 'Set user code' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your user code is set' })).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'user-code-set');

  // The link worked once.
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 1, name: 'This link has already been used' })).toBeVisible();

  // bc-authorize: wrong → invalid_user_code (400); right → 200 with an auth_req_id.
  const wrong = await bcAuthorize({ user_code: '4812-otteR' });
  expect({ status: wrong.status, error: wrong.json?.error }).toEqual({ status: 400, error: 'invalid_user_code' });
  const right = await bcAuthorize({ user_code: '4812-otter' });
  expect(right.status).toBe(200);
  expect(right.json).toMatchObject({ auth_req_id: expect.any(String) });

  // The admin's view shows the code is set and not locked.
  const users = await cli<Array<{ email: string; has_user_code: boolean; user_code_locked_until: string | null }>>([
    'user',
    'list',
    '--tenant',
    TENANT,
  ]);
  expect(users.find((user) => user.email === email)).toMatchObject({ has_user_code: true, user_code_locked_until: null });
});

test('the email form answers the same for an address that is no user', async ({ page }) => {
  await page.goto(`${issuerOf(TENANT)}/user-code`);
  await page.getByLabel('Email address').fill(`nobody-${randomBytes(3).toString('hex')}@example.com`);
  await page.getByRole('button', { name: 'Email me a link' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Check your email' })).toBeVisible();
});
