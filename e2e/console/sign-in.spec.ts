// Console sign-in by magic link, in Chromium against the production server: the link is captured at
// the mock Resend endpoint. An unknown address sees the same page and gets no email.
import { test as base } from '@playwright/test';
import { askForSignInLink, ctx, emailsTo, expect, expectAccessible, expectHeading, screenshot, signInLinkIn } from './console';
import { sleep } from '../support/ciba';

const test = base;

test('the owner signs in with the emailed link, and signs out', async ({ page }) => {
  await page.goto('/admin');
  await page.waitForURL('**/admin/sign-in');
  await expect(page).toHaveTitle('Sign in to the console · Backchannel');
  await expectAccessible(page);
  await screenshot(page, 'sign-in');

  const before = await askForSignInLink(page, ctx.consoleOwnerEmail.toUpperCase());
  await expect(page).toHaveTitle('Check your email · Backchannel');
  await expectAccessible(page);
  await screenshot(page, 'check-email');

  await expect.poll(async () => (await emailsTo(ctx.consoleOwnerEmail)).length, { timeout: 10_000 }).toBe(before + 1);
  const email = (await emailsTo(ctx.consoleOwnerEmail)).at(-1)!;
  expect(email.subject).toBe('Your sign-in link for the Backchannel console');
  expect(email.from).toBe(ctx.emailFrom);
  const link = signInLinkIn(email);
  expect(link.startsWith(`${ctx.appUrl}/admin/sign-in/confirm?`)).toBe(true);

  await page.goto(link);
  await expectHeading(page, 'Sign in to the console');
  await expect(page.getByText(ctx.consoleOwnerEmail)).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'confirm-sign-in');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(`${ctx.appUrl}/admin`);
  await expectHeading(page, 'Tenants');
  const cookies = await page.context().cookies();
  expect(cookies.find((cookie) => cookie.name === 'authjs.session-token')).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/admin/sign-in');
  await page.goto('/admin');
  await page.waitForURL('**/admin/sign-in');

  // The link worked once.
  await page.goto(link);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL('**/admin/sign-in?error=Verification');
  await expect(page.getByText('That sign-in link has expired or was already used.')).toBeVisible();
});

test('an unknown address sees the same page and gets no email', async ({ page }) => {
  const stranger = `stranger.${Date.now()}@example.com`;
  const started = Date.now();
  await askForSignInLink(page, stranger);
  expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  await expect(page).toHaveTitle('Check your email · Backchannel');
  await sleep(500);
  expect(await emailsTo(stranger)).toEqual([]);
});

test('a bad address is refused next to the field', async ({ page }) => {
  await page.goto('/admin/sign-in');
  await page.getByLabel('Email address').fill('not-an-address');
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await expect(page.getByText('Enter an email address, like ada@example.com.')).toBeVisible();
  await expect(page.getByLabel('Email address')).toHaveAttribute('aria-invalid', 'true');
});
