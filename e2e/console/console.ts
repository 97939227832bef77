// What the console specs share: signing in by magic link (captured at the mock Resend endpoint),
// a worker-wide signed-in owner, axe and screenshots.
import { mkdirSync } from 'node:fs';
import { test as base, expect, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { axeViolations } from '../support/axe';
import { sleep, waitForEmail } from '../support/ciba';
import { e2eContext } from '../support/context';
import type { StoredEmail } from '../support/mock-resend';

export { expect };

export const ctx = e2eContext();

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

/** The sign-in link of the newest console email to `to` (its text part). */
export const signInLinkIn = (email: StoredEmail): string => {
  const match = /(https?:\/\/\S+\/admin\/sign-in\/confirm\?\S+)/.exec(email.text);
  if (!match) throw new Error(`No sign-in link in the email:\n${email.text}`);

  return match[1];
};

/** The mock's emails to `to`, oldest first. */
export const emailsTo = async (to: string): Promise<StoredEmail[]> => {
  const response = await fetch(`${ctx.mailUrl}/__messages?to=${encodeURIComponent(to)}`);

  return ((await response.json()) as { messages: StoredEmail[] }).messages;
};

/** Asks for a link on the sign-in page and waits for the neutral page; returns how many emails `email` had before. */
export const askForSignInLink = async (page: Page, email: string): Promise<number> => {
  const before = (await emailsTo(email)).length;
  await page.goto(`${ctx.appUrl}/admin/sign-in`);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible({ timeout: 10_000 });

  return before;
};

/** Signs `page` in as `email` the way an admin does: the form, the emailed link, the confirmation button. */
export const signInThroughBrowser = async (page: Page, email: string): Promise<void> => {
  const before = await askForSignInLink(page, email);
  let link: string | undefined;
  const deadline = Date.now() + 10_000;
  while (!link) {
    const emails = await emailsTo(email);
    if (emails.length > before) link = signInLinkIn(emails[emails.length - 1]);
    else if (Date.now() > deadline) throw new Error(`No sign-in email to ${email}.`);
    else await sleep(100);
  }
  await page.goto(link);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL(`${ctx.appUrl}/admin`);
};

/** A storage state signed in as `email` (a fresh context, closed afterwards). */
export const signedInState = async (browser: Browser, email: string): Promise<StorageState> => {
  // Signed out explicitly: inside a test, new contexts inherit the test's storage state.
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  await signInThroughBrowser(page, email);
  const state = await context.storageState();
  await context.close();

  return state;
};

/** Every test runs signed in as the run's owner (ADMIN_EMAILS), signed in once per worker. */
export const test = base.extend<object, { ownerState: StorageState }>({
  ownerState: [async ({ browser }, use) => use(await signedInState(browser, ctx.consoleOwnerEmail)), { scope: 'worker' }],
  storageState: async ({ ownerState }, use) => use(ownerState),
});

/** No serious or critical axe violations on the page as it is now. */
export const expectAccessible = async (page: Page): Promise<void> => {
  const violations = await axeViolations(page);
  const serious = violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  expect(
    serious.map(({ id, impact, nodes }) => ({ id, impact, targets: nodes.map((node) => node.target.join(' ')) })),
    `axe on ${page.url()}`,
  ).toEqual([]);
};

/**
 * A screenshot of the whole page at reports/screenshots/console-<name>.png (kept on every run). The
 * viewport is made as tall as the page first, so the fixed sidebar and sticky top bar are drawn as a
 * reader sees them rather than where a scrolled full-page capture leaves them.
 */
export const screenshot = async (page: Page, name: string): Promise<void> => {
  mkdirSync('reports/screenshots', { recursive: true });
  const viewport = page.viewportSize() ?? { width: 1280, height: 720 };
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, Math.min(height, 6000)) });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `reports/screenshots/console-${name}.png`, animations: 'disabled' });
  await page.setViewportSize(viewport);
};

/** Waits for the console page's <h1>. */
export const expectHeading = async (page: Page, name: string | RegExp): Promise<void> => {
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
};

export { waitForEmail };
