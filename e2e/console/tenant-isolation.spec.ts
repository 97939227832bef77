// A tenant admin of acme cannot see or change globex: not through pages (a 404 page, globex absent
// from every list), and not through server actions called directly — a captured action POST
// replayed with globex's slug is refused and changes nothing. Cross-site action calls are refused
// by Next.js's Origin check.
import { signedInState, ctx, expect, expectAccessible, expectHeading, screenshot, test } from './console';
import type { Page, Request } from '@playwright/test';

const tenantAdmin = `acme-ops.${Date.now().toString(36)}@example.com`;

test.describe.configure({ mode: 'serial' });

let tenantAdminState: Awaited<ReturnType<typeof signedInState>>;

test('the owner invites a tenant admin of acme, who signs in by magic link', async ({ page, browser }) => {
  await page.goto('/admin/admins');
  await page.getByRole('button', { name: 'Invite admin' }).click();
  const invite = page.getByRole('dialog', { name: 'Invite an administrator' });
  await invite.getByLabel('Email address').fill(tenantAdmin);
  await invite.getByRole('checkbox', { name: 'Acme Corp' }).click();
  await invite.getByRole('button', { name: 'Invite' }).click();
  await expect(page.getByText(`${tenantAdmin} invited`)).toBeVisible();

  tenantAdminState = await signedInState(browser, tenantAdmin);
});

/** A page signed in as the tenant admin. */
const asTenantAdmin = async (browser: import('@playwright/test').Browser): Promise<Page> => {
  const context = await browser.newContext({ storageState: tenantAdminState, baseURL: ctx.appUrl });

  return context.newPage();
};

test('the tenant admin sees acme only; every globex page is a 404', async ({ browser }) => {
  const page = await asTenantAdmin(browser);
  await page.goto('/admin');
  await expectHeading(page, 'Tenants');
  await expect(page.getByRole('link', { name: 'Acme Corp' })).toBeVisible();
  await expect(page.getByText('Globex Inc')).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Create tenant' })).toHaveCount(0);
  await expectAccessible(page);
  await screenshot(page, 'tenants-tenant-admin');

  const globexClient = ctx.clients.globex.client_id;
  for (const path of [
    '/admin/t/globex',
    '/admin/t/globex/applications',
    `/admin/t/globex/applications/${globexClient}`,
    '/admin/t/globex/users',
    '/admin/t/globex/signing-keys',
    '/admin/t/globex/requests',
    '/admin/t/globex/channels',
    '/admin/t/globex/events',
    '/admin/t/globex/audit',
  ]) {
    const response = await page.goto(path);
    expect({ path, status: response?.status() }).toEqual({ path, status: 404 });
    await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
    // Nothing of globex's own (the URL's slug and client_id are echoed in the breadcrumbs, nothing more).
    for (const secret of ['Globex Inc', ctx.clients.globex.name, ctx.users.carol.email]) {
      await expect(page.getByText(secret)).toHaveCount(0);
    }
  }
  await screenshot(page, 'not-found');

  // acme works; the global audit log and admin management are for owners.
  await page.goto(`/admin/t/acme/applications`);
  await expect(page.getByRole('link', { name: 'Acme Support Desk' })).toBeVisible();
  await page.goto('/admin/audit-log');
  await expect(page.getByText('The log across every tenant is for owners.')).toBeVisible();
  await page.goto('/admin/admins');
  await expect(page.getByText('Only owners invite and manage administrators.')).toBeVisible();
  await page.context().close();
});

/** Submits a form and captures its server action POST (it carries a `Next-Action` header). */
const captureActionPost = async (page: Page, submit: () => Promise<void>): Promise<Request> => {
  const posted = page.waitForRequest((request) => request.method() === 'POST' && request.headers()['next-action'] !== undefined);
  await submit();

  return posted;
};

/** Replays a captured action POST with its body changed; returns the response's status and text. */
const replay = async (page: Page, captured: Request, body: string, origin = ctx.appUrl) => {
  const headers = { ...captured.headers(), origin };
  const response = await page.request.post(captured.url(), { headers, data: Buffer.from(body, 'latin1') });

  return { status: response.status(), text: await response.text() };
};

test('server actions called directly with globex are refused and change nothing', async ({ browser }) => {
  const page = await asTenantAdmin(browser);

  // The tenant settings form of acme, submitted for real: its action POST is captured.
  await page.goto('/admin/t/acme');
  const captured = await captureActionPost(page, () => page.getByRole('button', { name: 'Save changes' }).click());
  await expect(page.getByText('Settings of Acme Corp saved.')).toBeVisible();
  const body = captured.postDataBuffer()!.toString('latin1');
  expect(body).toMatch(/name="[^"]*tenantSlug"\r\n\r\nacme\r\n/);
  const asGlobex = body
    .replace(/(name="[^"]*tenantSlug"\r\n\r\n)acme/, '$1globex')
    .replace(/(name="[^"]*name"\r\n\r\n)[^\r]*/, '$1Hijacked');
  expect(asGlobex).toContain('globex');

  const refused = await replay(page, captured, asGlobex);
  expect(refused.status).toBe(200);
  expect(refused.text).toContain('You may not access tenant \\"globex\\"');
  expect(refused.text).not.toContain('"ok":true');

  // The application form: creating a client in globex is refused too.
  await page.goto('/admin/t/acme/applications');
  await page.getByRole('button', { name: 'Create application' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Create application' });
  await dialog.getByLabel('Name').fill('Replay probe');
  const create = await captureActionPost(page, () => dialog.getByRole('button', { name: 'Create application' }).click());
  await expect(dialog.getByRole('group', { name: 'Client secret' })).toBeVisible();
  const createBody = create
    .postDataBuffer()!
    .toString('latin1')
    .replace(/(name="[^"]*tenantSlug"\r\n\r\n)acme/, '$1globex');
  const createRefused = await replay(page, create, createBody);
  expect(createRefused.text).toContain('You may not access tenant \\"globex\\"');
  expect(createRefused.text).not.toContain('client_secret');

  // Next.js's CSRF protection: the same action from another origin does not run.
  const crossSite = await replay(
    page,
    captured,
    body.replace(/(name="[^"]*name"\r\n\r\n)[^\r]*/, '$1Cross-site'),
    'http://evil.example',
  );
  expect(crossSite.status).not.toBe(200);
  await page.context().close();
});

test('as the owner sees it, globex is unchanged and the cross-site call did nothing', async ({ page }) => {
  await page.goto('/admin/t/globex');
  await expectHeading(page, 'Globex Inc');
  await expect(page.getByLabel('Name')).toHaveValue('Globex Inc');
  await page.goto('/admin/t/globex/applications');
  await expect(page.getByRole('link', { name: 'Replay probe' })).toHaveCount(0);
  await page.goto('/admin/t/acme');
  await expect(page.getByLabel('Name')).toHaveValue('Acme Corp');
});
