// Try it, the application page's built-in test relying party: a real CIBA request started from the
// console, approved (or denied) from the emailed link in a second page, followed live on the first
// page — Approved, then the decoded tokens — without a reload.
import type { Page } from '@playwright/test';
import { approvalLinkIn, bindingCode, waitForEmail } from '../support/ciba';
import { ctx, expect, expectAccessible, screenshot, test } from './console';

const applicationUrl = () => `/admin/t/acme/applications/${encodeURIComponent(ctx.clients.acme.client_id)}`;

const tryIt = (page: Page) => page.getByRole('region', { name: 'Try it' });
const step = (page: Page, name: string) => tryIt(page).locator(`li[data-step="${name}"]`);

/** Marks the window: a reload (or a navigation) would lose the mark. */
const markWindow = (page: Page) => page.evaluate(() => ((window as unknown as { tryItMark?: number }).tryItMark = 1));
const expectSameWindow = async (page: Page) =>
  expect(await page.evaluate(() => (window as unknown as { tryItMark?: number }).tryItMark)).toBe(1);

/** Opens the application page, picks alice through the search, types a fresh binding message and starts. */
const startTryIt = async (page: Page): Promise<string> => {
  await page.goto(applicationUrl());
  await expect(tryIt(page)).toBeVisible();
  await markWindow(page);
  const card = tryIt(page);
  await card.getByRole('searchbox', { name: 'User' }).fill('ali');
  await card
    .getByRole('list', { name: 'Matching users' })
    .getByRole('button', { name: /alice@example\.com/ })
    .click();
  await expect(card.getByRole('searchbox', { name: 'User' })).toHaveValue(ctx.users.alice.email);
  const binding = bindingCode();
  await card.getByLabel('Binding message').fill(binding);
  await card.getByRole('button', { name: 'Start request' }).click();
  await expect(card.getByRole('heading', { name: `Request for ${ctx.users.alice.email}` })).toBeFocused();
  await expect(card.getByRole('complementary', { name: 'Binding message' })).toContainText(binding);
  await expect(step(page, 'started')).toHaveAttribute('data-state', 'done');

  return binding;
};

/** Opens the emailed approval link in a second page of the same browser and presses `button`. */
const decideFromEmail = async (page: Page, binding: string, button: 'Approve' | 'Deny') => {
  const email = await waitForEmail({ to: ctx.users.alice.email, containing: binding });
  const approver = await page.context().newPage();
  await approver.goto(approvalLinkIn(email));
  await expect(approver.getByText(binding)).toBeVisible();
  await approver.getByRole('button', { name: button }).click();
  await expect(approver.getByRole('heading', { name: button === 'Approve' ? /approved/i : /denied/i })).toBeVisible();
  await approver.close();
};

test.describe('Try it', () => {
  test('start, approve from the emailed link in a second page: Approved, then the decoded tokens, without a reload', async ({
    page,
  }) => {
    await page.goto(applicationUrl());
    // Headless UI names its switches once hydrated: axe before that sees unnamed toggles.
    await expect(page.getByRole('switch', { name: 'User code' })).toBeVisible();
    await expectAccessible(page);
    const binding = await startTryIt(page);

    // The email goes out and the stream says so.
    await expect(step(page, 'email')).toHaveAttribute('data-state', 'done', { timeout: 10_000 });
    await expect(step(page, 'decision')).toContainText('Waiting for the user');
    await expectAccessible(page);
    await screenshot(page, 'try-it-waiting');

    await decideFromEmail(page, binding, 'Approve');
    await expect(step(page, 'opened')).toHaveAttribute('data-state', 'done', { timeout: 5_000 });
    await expect(step(page, 'decision')).toHaveAttribute('data-state', 'done', { timeout: 5_000 });
    await expect(step(page, 'decision')).toContainText('Approved by the user');

    // Then the tokens: one poll after the decision, decoded on the page.
    await expect(step(page, 'tokens')).toHaveAttribute('data-state', 'done', { timeout: 10_000 });
    const card = tryIt(page);
    await expect(card.getByRole('heading', { name: 'Token response' })).toBeVisible();
    const idToken = card.getByRole('region', { name: 'ID token', exact: true });
    await expect(idToken.getByText(`"sub": "${ctx.users.alice.sub}"`)).toBeVisible();
    await expect(idToken.getByText(`"aud": "${ctx.clients.acme.client_id}"`)).toBeVisible();
    await expect(idToken.getByText('"alg": "RS256"')).toBeVisible();
    const accessToken = card.getByRole('region', { name: 'Access token', exact: true });
    await expect(accessToken.getByText(`"client_id": "${ctx.clients.acme.client_id}"`)).toBeVisible();
    await expect(card).toContainText('These tokens are real');
    await expect(card.getByRole('status').filter({ hasText: 'Tokens issued' })).toBeAttached();
    await expectSameWindow(page);
    await expectAccessible(page);
    await screenshot(page, 'try-it-tokens');

    // The same page in the dark theme (no reload: the toggle switches it in place).
    await page.getByRole('radio', { name: 'Dark theme' }).click();
    await expect(page.locator('html')).toHaveClass(/dark/);
    await expectAccessible(page);
    await screenshot(page, 'try-it-tokens-dark');
    await page.getByRole('radio', { name: 'System theme' }).click();
    await expectSameWindow(page);
  });

  test('denied from the emailed link: Denied, and access_denied from the token endpoint; the timeline names the console', async ({
    page,
  }) => {
    await page.emulateMedia({ colorScheme: 'dark' });
    const binding = await startTryIt(page);
    await decideFromEmail(page, binding, 'Deny');
    await expect(step(page, 'decision')).toHaveAttribute('data-state', 'failed', { timeout: 5_000 });
    await expect(step(page, 'decision')).toContainText('Denied by the user');
    const card = tryIt(page);
    await expect(card.getByText('access_denied', { exact: true })).toBeVisible({ timeout: 10_000 });
    await expect(step(page, 'tokens')).toContainText('No tokens');
    await expectSameWindow(page);
    await expectAccessible(page);
    await screenshot(page, 'try-it-denied-dark');

    // The request's timeline says it was started from the console.
    await card.getByRole('link', { name: 'Request timeline' }).click();
    await expect(page.getByRole('region', { name: 'Timeline' })).toContainText('Started from Try it by an admin in the console');
  });

  test('a refused start shows the protocol’s error, and the form keeps what was typed', async ({ page }) => {
    await page.goto(applicationUrl());
    const card = tryIt(page);
    await card.getByRole('searchbox', { name: 'User' }).fill('nobody@example.com');
    await card.getByLabel('Binding message').fill('E2E NOBODY');
    await card.getByRole('button', { name: 'Start request' }).click();
    const alert = card.getByRole('alert');
    await expect(alert).toContainText('bc-authorize refused the request');
    await expect(alert).toContainText('unknown_user_id');
    await expect(card.getByRole('searchbox', { name: 'User' })).toHaveValue('nobody@example.com');
    await expectAccessible(page);
    await screenshot(page, 'try-it-refused');
  });
});
