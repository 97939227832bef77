// Security headers on every kind of response, and the pages working under the nonce CSP in
// Chromium with no CSP violation, console error or page error (lib/http/security-headers.ts, proxy.ts).
import type { Page, Response } from '@playwright/test';
import { NON_PAGE_CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY, pageContentSecurityPolicy } from '../../lib/http/security-headers';
import { relyingParty, rawGet, rawPost, startRequestWithLink } from '../support/ciba';
import { ctx, expect, test } from '../console/console';

const alice = ctx.users.alice;

/** Headers every response has, whatever it is. */
const BASE = { 'x-content-type-options': 'nosniff', 'x-frame-options': 'DENY', 'referrer-policy': 'same-origin' };

type HeaderMap = Record<string, string>;

/** The nonce of a page's CSP, after checking the whole policy and every other security header exactly. */
const expectPageHeaders = (headers: HeaderMap, cacheControl: 'no-store' | 'any'): string => {
  const nonce = /'nonce-([A-Za-z0-9+/]{22}==)'/.exec(headers['content-security-policy'] ?? '')?.[1];
  expect(nonce, headers['content-security-policy']).toBeDefined();
  expect(headers).toMatchObject({
    ...BASE,
    'content-security-policy': pageContentSecurityPolicy({ nonce: nonce!, https: false }),
    'permissions-policy': PERMISSIONS_POLICY,
  });
  expect(headers['strict-transport-security']).toBeUndefined();
  if (cacheControl === 'no-store') expect(headers['cache-control']).toBe('no-store');

  return nonce!;
};

const headersOf = (headers: Headers): HeaderMap => Object.fromEntries(headers.entries());

/**
 * Collects CSP violations (from the document, before any script), console errors, page errors and
 * failed responses other than `expectedStatus` (the deliberate 404 page; the favicon nobody ships).
 */
const watchForProblems = async (page: Page, expectedStatus: Record<string, number> = {}): Promise<string[]> => {
  const problems: string[] = [];
  await page.exposeFunction('reportCspViolation', (line: string) => problems.push(`CSP: ${line}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { reportCspViolation: (line: string) => void }).reportCspViolation;
      report(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`);
    });
  });
  page.on('console', (message) => {
    // A failed load is reported by the response listener below, with its URL.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(`console: ${message.text()}`);
    }
  });
  page.on('response', (response) => {
    const { pathname } = new URL(response.url());
    const expected = expectedStatus[pathname] ?? (pathname === '/favicon.ico' ? 404 : undefined);
    if (response.status() >= 400 && response.status() !== expected) problems.push(`${response.status()} ${response.url()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));

  return problems;
};

/** The page's nonce as its scripts carry it (the DOM hides the attribute; the property keeps it). */
const scriptNonces = (page: Page): Promise<string[]> =>
  page.evaluate(() => [...document.querySelectorAll('script')].map((script) => script.nonce ?? ''));

const navigate = async (page: Page, url: string): Promise<Response> => {
  const response = await page.goto(url);
  if (!response) throw new Error(`No response for ${url}`);

  return response;
};

test.describe('signed out', () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test('the sign-in page and the 404 page: exact headers, the theme script runs, no violation', async ({ page }) => {
    const problems = await watchForProblems(page, { '/no-such-page': 404 });

    const signIn = await navigate(page, `${ctx.appUrl}/admin/sign-in`);
    expect(signIn.status()).toBe(200);
    const nonce = expectPageHeaders(await signIn.allHeaders(), 'no-store');
    expect(new Set(await scriptNonces(page))).toEqual(new Set([nonce]));
    // The inline theme script ran (it sets the colour scheme on <html>).
    expect(await page.evaluate(() => document.documentElement.style.colorScheme)).toMatch(/^(light|dark)$/);
    await page.getByRole('radio', { name: 'Dark theme' }).click();
    await expect(page.locator('html')).toHaveClass(/\bdark\b/);
    await page.getByRole('radio', { name: 'System theme' }).click();

    const missing = await navigate(page, `${ctx.appUrl}/no-such-page`);
    expect(missing.status()).toBe(404);
    expect(expectPageHeaders(await missing.allHeaders(), 'any')).not.toBe(nonce);
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();

    expect(problems).toEqual([]);
  });

  test('the approval page: exact headers, framing refused, and the decision POST still passes the Origin check', async ({
    page,
  }) => {
    const problems = await watchForProblems(page);
    const { link } = await startRequestWithLink(await relyingParty(ctx.clients.acme), { loginHint: alice.email });

    const approval = await navigate(page, link);
    expect(approval.status()).toBe(200);
    const nonce = expectPageHeaders(await approval.allHeaders(), 'no-store');
    expect(new Set(await scriptNonces(page))).toEqual(new Set([nonce]));
    await page.getByRole('button', { name: 'Approve' }).click();
    await expect(page.getByRole('heading', { name: 'Request approved' })).toBeVisible();
    expect(page.url()).toMatch(new RegExp(`^${ctx.appUrl}/t/acme/approve/done\\?outcome=approved&offer=[\\w.-]+$`));
    expect(problems).toEqual([]);

    // Another page (a blank one: no CSP of its own that could block the frame first) cannot frame it.
    const framer = await page.context().newPage();
    await framer.setContent(`<iframe title="framed" src="${link}"></iframe>`);
    await expect.poll(() => framer.frames()[1]?.url()).toBe('chrome-error://chromewebdata/');
  });

  test('the screen’s refusals and the JSON endpoints: exact status and headers', async () => {
    const nonPage = { ...BASE, 'content-security-policy': NON_PAGE_CONTENT_SECURITY_POLICY };
    const pageLike = (headers: HeaderMap) => {
      if (ctx.server === 'fast') expect(headers).toMatchObject(nonPage);
      else expectPageHeaders(headers, 'any');
    };

    const refused = await rawGet(`${ctx.appUrl}/t/acme/approve/%ff`);
    expect(refused.status).toBe(400);
    expect(headersOf(refused.headers)).toMatchObject({
      ...nonPage,
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
    });
    expect(refused.text).toBe('400 Bad Request: The path has an invalid percent-escape.\n');

    const discovery = await rawGet(`${ctx.appUrl}/t/acme/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    pageLike(headersOf(discovery.headers));
    expect(discovery.headers.get('cache-control')).toBe('public, max-age=300');

    const token = await rawPost(`${ctx.appUrl}/t/acme/oauth/token`, 'grant_type=urn%3Aopenid%3Aparams%3Agrant-type%3Aciba');
    expect(token.status).toBe(401);
    pageLike(headersOf(token.headers));
    expect(token.headers.get('cache-control')).toBe('no-store');

    const api = await rawGet(`${ctx.appUrl}/api/v1/tenants`);
    expect(api.status).toBe(401);
    pageLike(headersOf(api.headers));
    for (const response of [refused, discovery, token, api]) expect(response.headers.get('strict-transport-security')).toBeNull();
  });
});

test('the console: exact headers, Headless UI dialogs and recharts under the CSP with no violation', async ({ page }) => {
  const problems = await watchForProblems(page);
  // Some activity for the charts.
  const { link } = await startRequestWithLink(await relyingParty(ctx.clients.acme), { loginHint: alice.email });
  expect((await rawGet(link)).status).toBe(200);

  const tenants = await navigate(page, `${ctx.appUrl}/admin`);
  expect(tenants.status()).toBe(200);
  expectPageHeaders(await tenants.allHeaders(), 'no-store');
  await page.getByRole('button', { name: 'Create tenant' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Create tenant' });
  await expect(dialog.getByLabel('Name')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  const overview = await navigate(page, `${ctx.appUrl}/admin/t/acme?range=hour`);
  expect(overview.status()).toBe(200);
  expectPageHeaders(await overview.allHeaders(), 'no-store');
  await expect(
    page
      .getByRole('figure', { name: 'Requests per minute by outcome, the last hour' })
      .locator('.recharts-wrapper > svg.recharts-surface'),
  ).toBeVisible();

  expect(problems).toEqual([]);
});
