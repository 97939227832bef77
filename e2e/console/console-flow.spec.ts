// An owner configures a tenant entirely in the browser — tenant, application, user — and a relying
// party (oauth4webapi) completes a CIBA flow with that configuration; the user approves through the
// emailed link. Rotating the secret in the console makes the old one fail with invalid_client.
import * as oauth from 'oauth4webapi';
import { basicAuthorization, pollUntilDone, rawPost, relyingParty, startRequest, startRequestWithLink } from '../support/ciba';
import { ctx, expect, expectAccessible, expectHeading, screenshot, test } from './console';

const slug = `nw-${Date.now().toString(36)}`;
const userEmail = `dora.${Date.now().toString(36)}@example.com`;

test.describe.configure({ mode: 'serial' });

let clientId = '';
let clientSecret = '';

test('create a tenant', async ({ page }) => {
  await page.goto('/admin');
  await expectHeading(page, 'Tenants');
  await expect(page).toHaveTitle('Tenants · Backchannel');
  // The contract: the tenants the admin may see, by name and slug.
  await expect(page.getByRole('row', { name: /Acme Corp\s+acme/ })).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'tenants');

  await page.getByRole('button', { name: 'Create tenant' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Create tenant' });
  await dialog.getByLabel('Name').fill('Northwind Traders');
  await dialog.getByLabel('Slug').fill('Not A Slug');
  await dialog.getByRole('button', { name: 'Create tenant' }).click();
  await expect(dialog.getByText(/Must be 1–63 lower-case letters/)).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'create-tenant-error');

  await dialog.getByLabel('Slug').fill(slug);
  await dialog.getByRole('button', { name: 'Create tenant' }).click();
  await page.waitForURL(`**/admin/t/${slug}`);
  await expectHeading(page, 'Northwind Traders');
  await expect(page.getByText(`${ctx.appUrl}/t/${slug}/.well-known/openid-configuration`)).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'tenant-overview');
});

test('tenant settings: refused values are shown next to their field, then saved', async ({ page }) => {
  await page.goto(`/admin/t/${slug}`);
  await page.getByLabel('Requests per user').fill('-1');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText(/Must be a whole number of requests per minute from 0 \(no limit\) to 10000/)).toBeVisible();
  await expect(page.getByLabel('Requests per user')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Requests per user').fill('10');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Settings of Northwind Traders saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Requests per user')).toHaveValue('10');
  await expect(page.getByRole('link', { name: 'Channels', exact: true }).last()).toHaveAttribute(
    'href',
    `/admin/t/${slug}/channels`,
  );

  // Defaults for new applications: a default above the maximum is refused next to the field, then saved.
  await page.getByLabel('Maximum expiry (seconds)').fill('100');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Must be at least default_requested_expiry (300), got 100')).toBeVisible();
  await expect(page.getByLabel('Maximum expiry (seconds)')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page);
  await screenshot(page, 'tenant-settings-error');
  await page.getByLabel('Default expiry (seconds)').fill('120');
  await page.getByLabel('Maximum expiry (seconds)').fill('3600');
  await page.getByLabel('Poll interval (seconds)').fill('3');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Settings of Northwind Traders saved.')).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Maximum expiry (seconds)')).toHaveValue('3600');
});

test('create an application: its secret is shown once', async ({ page }) => {
  await page.goto(`/admin/t/${slug}/applications`);
  await expectHeading(page, 'Applications');
  await expect(page).toHaveTitle(`Applications · ${slug} · Backchannel`);
  await expect(page.getByRole('heading', { name: 'No applications yet' })).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'applications-empty');

  await page.getByRole('button', { name: 'Create application' }).first().click();
  const dialog = page.getByRole('dialog', { name: 'Create application' });
  await dialog.getByLabel('Name').fill('Northwind Desk');
  await dialog.getByRole('button', { name: 'Create application' }).click();
  const secret = dialog.getByRole('group', { name: 'Client secret' });
  await expect(secret).toBeVisible();
  clientSecret = (await secret.locator('code').textContent()) ?? '';
  clientId = (await dialog.locator('pre code').first().textContent()) ?? '';
  expect(clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(clientId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  await expectAccessible(page);
  await screenshot(page, 'application-created');

  await dialog.getByRole('link', { name: 'Configure application' }).click();
  await page.waitForURL(`**/admin/t/${slug}/applications/${clientId}`);
  await expectHeading(page, 'Northwind Desk');
  await expect(page.getByText(clientSecret)).toHaveCount(0);
  // It started from the tenant's defaults for new applications.
  await expect(page.getByLabel('Minimum poll interval (seconds)')).toHaveValue('3');
});

test('application settings: every supported setting, unsupported ones disabled, errors next to the field', async ({ page }) => {
  await page.goto(`/admin/t/${slug}/applications/${clientId}`);
  // The Client authentication card has its own Save button: these settings are the Settings card's.
  const settings = page.getByRole('region', { name: 'Settings' });
  await expect(page.getByLabel('Authentication method').locator('option[value="private_key_jwt"]')).toBeEnabled();
  await expect(page.getByRole('checkbox', { name: 'Refresh tokens' })).toBeEnabled();

  // Push needs a notification endpoint on a public address.
  await page.getByLabel('Token delivery mode').selectOption('push');
  await page.getByLabel('Notification endpoint').fill('https://10.0.0.1/cb');
  await settings.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText(/must not resolve to a loopback, private or link-local address/i)).toBeVisible();
  await page.getByLabel('Token delivery mode').selectOption('poll');
  await page.getByLabel('Notification endpoint').fill('');

  await page.getByLabel('Minimum poll interval (seconds)').fill('0');
  await page.getByLabel('Shortest expiry (seconds)').fill('600');
  await settings.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Must be a whole number of seconds from 1 to 300 (got 0)')).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'application-settings-error');

  await page.getByLabel('Minimum poll interval (seconds)').fill('1');
  await page.getByLabel('Shortest expiry (seconds)').fill('1');
  await page.getByLabel('Long polling (seconds)').fill('20');
  // The Try it card has a binding message field too: this is the setting (settings: above).
  await settings.getByLabel('Binding message', { exact: true }).selectOption('required');
  await page.getByRole('checkbox', { name: 'Refresh tokens' }).check();
  await page.getByLabel('Refresh token lifetime (seconds)').fill('86400');
  await page.getByLabel('ID token algorithm').selectOption('EdDSA');
  await settings.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Settings of Northwind Desk saved.')).toBeVisible();
  await page.reload();
  await expect(settings.getByLabel('Binding message', { exact: true })).toHaveValue('required');
  await expect(page.getByLabel('Minimum poll interval (seconds)')).toHaveValue('1');
  await expect(page.getByRole('checkbox', { name: 'Refresh tokens' })).toBeChecked();
  await expect(page.getByLabel('Refresh token lifetime (seconds)')).toHaveValue('86400');
  await expect(page.getByLabel('ID token algorithm')).toHaveValue('EdDSA');
  await expect(page.getByLabel('Long polling (seconds)')).toHaveValue('20');
  await screenshot(page, 'application');
});

test('create a user', async ({ page }) => {
  await page.goto(`/admin/t/${slug}/users`);
  await expectHeading(page, 'Users');
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Create user' }).click();
  const dialog = page.getByRole('dialog', { name: 'Create user' });
  await dialog.getByLabel('Email address').fill(userEmail.toUpperCase());
  await dialog.getByLabel('Name').fill('Dora Example');
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await page.waitForURL(new RegExp(`/admin/t/${slug}/users/[^/]+$`));
  await expectHeading(page, 'Dora Example');
  await expect(page.getByLabel('Email address')).toHaveValue(userEmail);
  await expectAccessible(page);
  await screenshot(page, 'user');
});

test('a relying party completes a CIBA flow with what the console configured; the user approves by email', async ({ page }) => {
  const rp = await relyingParty({
    tenant: slug,
    name: 'Northwind Desk',
    client_id: clientId,
    client_secret: clientSecret,
    token_endpoint_auth_method: 'client_secret_basic',
    binding_message_policy: 'required',
  });
  const started = await startRequestWithLink(rp, { loginHint: userEmail });
  expect(started.interval).toBe(1);
  await page.goto(started.link);
  await expect(page.getByRole('heading', { name: 'Northwind Desk wants you to sign in' })).toBeVisible();
  await page.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByRole('heading', { name: 'Request approved' })).toBeVisible();

  const result = await pollUntilDone(rp, started.auth_req_id, { interval: started.interval ?? 1, waitFirst: true });
  if (!result.ok) throw new Error(`Expected tokens, got ${result.status} ${result.error}`);
  expect(oauth.getValidatedIdTokenClaims(result.tokens)).toMatchObject({ iss: `${ctx.appUrl}/t/${slug}`, aud: clientId });
});

test('rotating the secret: the new one is shown once, the old one is refused with invalid_client', async ({ page }) => {
  await page.goto(`/admin/t/${slug}/applications/${clientId}`);
  await page.getByRole('button', { name: 'Rotate secret' }).click();
  const confirm = page.getByRole('alertdialog', { name: 'Rotate the client secret?' });
  await expectAccessible(page);
  await confirm.getByRole('button', { name: 'Rotate secret' }).click();
  const shown = page.getByRole('dialog', { name: 'New client secret' });
  const newSecret = (await shown.getByRole('group', { name: 'Client secret' }).locator('code').textContent()) ?? '';
  expect(newSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(newSecret).not.toBe(clientSecret);
  await screenshot(page, 'secret-rotated');
  await shown.getByRole('button', { name: 'Done' }).click();

  const config = {
    tenant: slug,
    name: 'Northwind Desk',
    client_id: clientId,
    token_endpoint_auth_method: 'client_secret_basic' as const,
    binding_message_policy: 'required' as const,
  };
  const fresh = await relyingParty({ ...config, client_secret: newSecret });
  expect((await startRequest(fresh, { scope: 'openid', login_hint: userEmail, binding_message: 'NEW' })).auth_req_id).toEqual(
    expect.any(String),
  );
  const form = new URLSearchParams({ scope: 'openid', login_hint: userEmail, binding_message: 'OLD' }).toString();
  for (const endpoint of [fresh.as.backchannel_authentication_endpoint!, fresh.as.token_endpoint!]) {
    const refused = await rawPost(endpoint, form, { authorization: basicAuthorization(clientId, clientSecret) });
    expect({ endpoint, status: refused.status, error: refused.json?.error }).toEqual({
      endpoint,
      status: 401,
      error: 'invalid_client',
    });
  }
});

test('deleting needs a typed confirmation: a user, an application, then the tenant (refused while a request is pending, unless forced)', async ({
  page,
}) => {
  // A user.
  const eve = `eve.${Date.now().toString(36)}@example.com`;
  await page.goto(`/admin/t/${slug}/users`);
  await page.getByRole('button', { name: 'Create user' }).click();
  await page.getByRole('dialog', { name: 'Create user' }).getByLabel('Email address').fill(eve);
  await page.getByRole('dialog', { name: 'Create user' }).getByRole('button', { name: 'Create user' }).click();
  await page.waitForURL(new RegExp(`/admin/t/${slug}/users/[^/]+$`));
  await page.getByRole('button', { name: 'Delete user' }).click();
  const deleteUser = page.getByRole('alertdialog', { name: `Delete ${eve}?` });
  await expect(deleteUser.getByRole('button', { name: 'Delete user' })).toBeDisabled();
  await deleteUser.getByRole('textbox').fill(eve);
  await deleteUser.getByRole('button', { name: 'Delete user' }).click();
  await page.waitForURL(`**/admin/t/${slug}/users`);
  await expect(page.getByRole('link', { name: eve })).toHaveCount(0);

  // An application.
  await page.goto(`/admin/t/${slug}/applications`);
  await page.getByRole('button', { name: 'Create application' }).first().click();
  const create = page.getByRole('dialog', { name: 'Create application' });
  await create.getByLabel('Name').fill('Temporary app');
  await create.getByRole('button', { name: 'Create application' }).click();
  await create.getByRole('link', { name: 'Configure application' }).click();
  await expectHeading(page, 'Temporary app');
  await page.getByRole('button', { name: 'Delete' }).click();
  const deleteApp = page.getByRole('alertdialog', { name: 'Delete Temporary app?' });
  await deleteApp.getByRole('textbox').fill('Temporary app');
  await deleteApp.getByRole('button', { name: 'Delete application' }).click();
  await page.waitForURL(`**/admin/t/${slug}/applications`);
  await expect(page.getByRole('link', { name: 'Temporary app' })).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Northwind Desk' })).toBeVisible();

  // The tenant: dora's request from the rotation test is still pending.
  await page.goto(`/admin/t/${slug}`);
  await page.getByRole('button', { name: 'Delete tenant' }).click();
  const deleteTenant = page.getByRole('alertdialog', { name: `Delete tenant ${slug}?` });
  await deleteTenant.getByRole('textbox').fill(slug);
  await expectAccessible(page);
  await deleteTenant.getByRole('button', { name: 'Delete tenant' }).click();
  await expect(page.getByText(`Tenant "${slug}" has 1 pending request`)).toBeVisible();
  await deleteTenant.getByRole('checkbox', { name: 'Delete even while requests are pending' }).click();
  await deleteTenant.getByRole('button', { name: 'Delete tenant' }).click();
  await page.waitForURL(`${ctx.appUrl}/admin`);
  await expect(page.getByText(`Tenant ${slug} deleted.`)).toBeVisible();
  await expect(page.getByRole('link', { name: 'Northwind Traders' })).toHaveCount(0);
  expect((await fetch(`${ctx.appUrl}/t/${slug}/.well-known/openid-configuration`)).status).toBe(404);
});
