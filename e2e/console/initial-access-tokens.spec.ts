// Dynamic client registration from the console: an owner turns the tenant's switch on, creates an
// initial access token (shown once, like a client secret), a client registers with it at
// <issuer>/register (RFC 7591), the token is used up, and another token is revoked.
import { cli } from '../support/cli';
import { ctx, expect, expectAccessible, expectHeading, screenshot, test } from './console';

const slug = `dcr-${Date.now().toString(36)}`;

test.describe.configure({ mode: 'serial' });

let token = '';

const discovery = async () =>
  (await (await fetch(`${ctx.appUrl}/t/${slug}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;

const register = (bearer: string) =>
  fetch(`${ctx.appUrl}/t/${slug}/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ client_name: 'Registered in e2e', token_endpoint_auth_method: 'client_secret_basic' }),
  });

test('turn dynamic registration on in the tenant settings', async ({ page }) => {
  await cli(['tenant', 'create', '--slug', slug, '--name', 'Registration Co']);
  expect(await discovery()).not.toHaveProperty('registration_endpoint');
  await page.goto(`/admin/t/${slug}`);
  const toggle = page.getByRole('switch', { name: 'Dynamic client registration' });
  await expect(toggle).not.toBeChecked();
  await toggle.click();
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Settings of Registration Co saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByRole('switch', { name: 'Dynamic client registration' })).toBeChecked();
  expect((await discovery()).registration_endpoint).toBe(`${ctx.appUrl}/t/${slug}/register`);
});

test('create an initial access token: shown once, then a client registers with it and it is used up', async ({ page }) => {
  await page.goto(`/admin/t/${slug}/registration`);
  await expectHeading(page, 'Dynamic registration');
  await expect(page.getByText('No initial access tokens')).toBeVisible();
  await page.getByRole('button', { name: 'Create token' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Create an initial access token' });
  await dialog.getByLabel('Name').fill('Bank partners');
  await dialog.getByLabel('Registrations').fill('0');
  await dialog.getByRole('button', { name: 'Create token' }).click();
  await expect(dialog.getByText(/Must be a whole number of registrations from 1/)).toBeVisible();
  await dialog.getByLabel('Registrations').fill('1');
  await dialog.getByLabel('Expires in (seconds)').fill('86400');
  await dialog.getByRole('button', { name: 'Create token' }).click();
  const shown = dialog.getByRole('group', { name: 'Initial access token' });
  await expect(shown).toBeVisible();
  token = (await shown.locator('code').textContent()) ?? '';
  expect(token).toMatch(/^bcit_[A-Za-z0-9_-]{43}$/);
  await expectAccessible(page);
  await screenshot(page, 'initial-access-token-created');
  await dialog.getByRole('button', { name: 'Done' }).click();

  const row = page.getByRole('row', { name: /Bank partners/ });
  await expect(row.getByText('Active')).toBeVisible();
  await expect(page.getByText(token)).toHaveCount(0);

  const registered = await register(token);
  expect(registered.status).toBe(201);
  const body = (await registered.json()) as Record<string, unknown>;
  expect(body).toMatchObject({ client_name: 'Registered in e2e', client_secret_expires_at: 0 });
  expect((await register(token)).status).toBe(401);

  await page.reload();
  await expect(page.getByRole('row', { name: /Bank partners/ }).getByText('Used up')).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'initial-access-tokens');

  // The client it registered is an application like any other, and the audit log names the token.
  await page.goto(`/admin/t/${slug}/applications`);
  await expect(page.getByRole('row', { name: /Registered in e2e/ })).toBeVisible();
});

test('revoke a token: it registers nothing any more', async ({ page }) => {
  const created = await cli<{ id: string; token: string }>([
    'initial-access-token',
    'create',
    '--tenant',
    slug,
    '--name',
    'Short-lived partner',
  ]);
  await page.goto(`/admin/t/${slug}/registration`);
  const row = page.getByRole('row', { name: /Short-lived partner/ });
  await row.getByRole('button', { name: 'Revoke' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Revoke Short-lived partner?' });
  await expectAccessible(page);
  await confirm.getByRole('button', { name: 'Revoke token' }).click();
  await expect(page.getByRole('row', { name: /Short-lived partner/ }).getByText('Revoked')).toBeVisible();
  const refused = await register(created.token);
  expect(refused.status).toBe(401);
  expect(((await refused.json()) as { error: string }).error).toBe('invalid_token');
});
