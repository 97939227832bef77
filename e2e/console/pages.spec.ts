// Every console page, signed in as the owner: it renders with its own <title>, passes axe (no
// serious or critical violations), and is saved as a screenshot. Along the way, the actions these
// pages hold: send a test email, invite an admin, create and revoke an API key, rotate and retire a
// signing key, cancel a request, search the audit log.
import { pollOnce, relyingParty, startRequestWithLink } from '../support/ciba';
import { ctx, emailsTo, expect, expectAccessible, expectHeading, screenshot, test } from './console';

const acme = '/admin/t/acme';

test('the tenants list and a tenant overview', async ({ page }) => {
  await page.goto('/admin');
  await expect(page).toHaveTitle('Tenants · Backchannel');
  await page.getByRole('link', { name: 'Acme Corp' }).click();
  await page.waitForURL(`**${acme}`);
  await expectHeading(page, 'Acme Corp');
  await expect(page).toHaveTitle('Overview · acme · Backchannel');
  await expectAccessible(page);
  await screenshot(page, 'tenant-acme');

  // Dark mode (the system preference): still no contrast violations.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.reload();
  await expect(page.locator('html')).toHaveClass(/dark/);
  await expectAccessible(page);
  await screenshot(page, 'tenant-acme-dark');
});

test('applications and an application, from the sidebar', async ({ page }) => {
  await page.goto(acme);
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Applications' }).click();
  await page.waitForURL(`**${acme}/applications`);
  await expect(page.getByRole('link', { name: 'Acme Support Desk' })).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'applications');
  await page.getByRole('link', { name: 'Acme Kiosk' }).click();
  await expectHeading(page, 'Acme Kiosk');
  await expect(page.getByLabel('Authentication method')).toHaveValue('client_secret_post');
  await expect(page.getByRole('navigation', { name: 'Breadcrumb' }).first()).toContainText('Acme Kiosk');
  await expectAccessible(page);
});

test('authorization types: create (with per-field errors), edit, delete', async ({ page }) => {
  const type = `console_payment_${Date.now()}`;
  await page.goto(acme);
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Authorization types' }).click();
  await page.waitForURL(`**${acme}/authorization-types`);
  await expect(page).toHaveTitle('Authorization types · acme · Backchannel');

  await page.getByRole('button', { name: 'Create authorization type' }).first().click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Type').fill(type);
  await dialog.getByLabel('Title').fill('Payment');
  await dialog.getByLabel('JSON Schema').fill('{ "type": "object", ');
  await dialog.getByLabel('Display template').fill('{ "fields": [{ "field": "amount", "label": "Amount", "kind": "json" }] }');
  await dialog.getByRole('button', { name: 'Create type' }).click();
  await expect(dialog.getByText(/Is not valid JSON/)).toBeVisible();
  await dialog.getByLabel('JSON Schema').fill('{ "type": "object", "required": ["type"] }');
  await dialog.getByRole('button', { name: 'Create type' }).click();
  await expect(dialog.getByText('Field 1, kind: must be one of money, masked, date, list, text')).toBeVisible();
  await dialog
    .getByLabel('Display template')
    .fill('{ "fields": [{ "field": "amount", "label": "Amount", "kind": "money", "currency": "EUR" }] }');
  await dialog.getByRole('button', { name: 'Create type' }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByRole('row').filter({ hasText: type });
  await expect(row).toContainText('Item by item');
  await expectAccessible(page);
  await screenshot(page, 'authorization-types');

  await row.getByRole('button', { name: 'Edit' }).click();
  await page.getByRole('dialog').getByRole('switch', { name: 'Users may approve items one by one' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
  await expect(row).toContainText('Whole request');

  await row.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Delete type' }).click();
  await expect(page.getByRole('row').filter({ hasText: type })).toHaveCount(0);
});

test('users: search, a user, user code', async ({ page }) => {
  await page.goto(`${acme}/users`);
  await expect(page).toHaveTitle('Users · acme · Backchannel');
  await page.getByRole('searchbox', { name: 'Search users' }).fill('ALICE');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/q=ALICE/);
  await expect(page.getByRole('link', { name: 'alice@example.com' })).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'users');

  await page.getByRole('link', { name: 'alice@example.com' }).click();
  await expectHeading(page, 'Alice Example');
  // The card is named "User code" too: the field is the password input inside it.
  const code = page.getByRole('region', { name: 'User code' }).locator('input[type="password"]');
  await expect(code).toHaveAccessibleName('User code');
  await code.fill('12');
  await page.getByRole('button', { name: 'Set code' }).click();
  await expect(page.getByText('Must be 4–64 characters (got 2)')).toBeVisible();
  await code.fill('4711-e2e');
  await page.getByRole('button', { name: 'Set code' }).click();
  await expect(page.getByText('User code set.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Clear code' })).toBeVisible();
  await page.getByRole('button', { name: 'Clear code' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Clear code' }).click();
  await expect(page.getByText('User code cleared.')).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'user-alice');
});

test('requests: a request, its timeline, cancel; the client is told access_denied', async ({ page }) => {
  const rp = await relyingParty(ctx.clients.acme);
  const started = await startRequestWithLink(rp, { loginHint: ctx.users.alice.email });
  await page.goto(started.link);
  await expect(page.getByRole('button', { name: 'Approve' })).toBeVisible();

  await page.goto(`${acme}/requests`);
  await expect(page).toHaveTitle('Requests · acme · Backchannel');
  await expect(page.getByRole('link', { name: 'Live' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('table', { name: 'Waiting requests, live' })).toContainText(started.binding);
  await expectAccessible(page);
  await screenshot(page, 'requests-live');

  await page.getByRole('link', { name: 'History' }).click();
  await page.getByRole('link', { name: 'Pending' }).click();
  await expect(page).toHaveURL(`${acme}/requests?view=history&status=pending`);
  await expect(page.getByRole('link', { name: 'History' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('link', { name: 'Pending' })).toHaveAttribute('aria-current', 'page');
  await expectAccessible(page);
  await screenshot(page, 'requests');
  await page
    .getByRole('row', { name: new RegExp(started.binding) })
    .getByRole('link')
    .click();
  await expectHeading(page, 'Request from Acme Support Desk');
  await expect(page.getByText('Request started')).toBeVisible();
  await expect(page.getByText('Approval link opened')).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'request');

  await page.getByRole('button', { name: 'Cancel request' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Cancel request' }).click();
  await expect(page.getByText('Request cancelled', { exact: false }).first()).toBeVisible();
  await expect(page.getByText('Cancelled').first()).toBeVisible();
  const poll = await pollOnce(rp, started.auth_req_id);
  expect(poll.ok ? 'tokens' : poll.error).toBe('access_denied');
});

test('signing keys: rotate, and the old key cannot be retired before its successor signs', async ({ page }) => {
  await page.goto(`${acme}/signing-keys`);
  await expect(page).toHaveTitle('Signing keys · acme · Backchannel');
  await expect(page.getByRole('region', { name: 'RS256' }).getByText('Signing', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Rotate ES256' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Rotate key' }).click();
  await expect(page.getByText(/New ES256 key .* published/)).toBeVisible();
  const es256 = page.getByRole('region', { name: 'ES256' });
  await expect(es256.getByRole('row')).toHaveCount(3);
  await es256.getByRole('row').filter({ hasText: 'Signing' }).getByRole('button', { name: 'Retire' }).click();
  const retire = page.getByRole('alertdialog').getByRole('button', { name: 'Retire key' });
  await retire.click();
  await expect(page.getByText(/still signs: its successor is published but signs only from/)).toBeVisible();
  // Refused: the dialog stays open, the key still signs.
  await expect(retire).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(es256.getByRole('row').filter({ hasText: 'Signing' })).toHaveCount(1);
  await expectAccessible(page);
  await screenshot(page, 'signing-keys');
  // The navigation's old address leads here too.
  await page.goto(`${acme}/keys`);
  await page.waitForURL(`**${acme}/signing-keys`);
});

test('trusted issuers: add one with pasted keys (a private key refused), then remove it', async ({ page }) => {
  await page.goto(acme);
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Trusted issuers' }).click();
  await page.waitForURL(`**${acme}/trusted-issuers`);
  await expect(page).toHaveTitle('Trusted issuers · acme · Backchannel');
  const issuer = `https://console-agents-${Date.now()}.example`;
  const key = {
    kty: 'EC',
    crv: 'P-256',
    x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
    y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
  };
  await page.getByRole('button', { name: 'Add issuer' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add trusted issuer' });
  await dialog.getByLabel('Issuer').fill(issuer);
  await dialog.getByLabel('Keys').selectOption('jwks');
  await dialog.getByLabel('JWKS').fill(JSON.stringify({ keys: [{ ...key, d: 'jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI' }] }));
  await dialog.getByRole('button', { name: 'Add issuer' }).click();
  await expect(dialog.getByText(/private member "d"/)).toBeVisible();
  await dialog.getByLabel('JWKS').fill(JSON.stringify({ keys: [key] }));
  await dialog.getByRole('button', { name: 'Add issuer' }).click();
  const row = page.getByRole('row').filter({ hasText: issuer });
  await expect(row).toContainText('1 inline key');
  await expectAccessible(page);
  await screenshot(page, 'trusted-issuers');
  await row.getByRole('button', { name: 'Remove' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Remove issuer' }).click();
  await expect(page.getByText(`Issuer ${issuer} is no longer trusted.`)).toBeVisible();
  await expect(page.getByRole('row').filter({ hasText: issuer })).toHaveCount(0);
});

test('channels: provider status, sender, and a test email to the signed-in admin', async ({ page }) => {
  await page.goto(`${acme}/channels`);
  await expect(page).toHaveTitle('Channels · acme · Backchannel');
  await expect(page.getByText('Resend', { exact: true })).toBeVisible();
  // Emails go to Resend in this run: no development outbox viewer (it is covered by lib/admin/list-development-emails.test.ts).
  await expect(page.getByRole('heading', { name: 'Development outbox' })).toHaveCount(0);
  await expect(page.getByText(ctx.emailFrom)).toBeVisible();
  const before = (await emailsTo(ctx.consoleOwnerEmail)).length;
  await page.getByRole('button', { name: 'Send test email' }).click();
  await expect(page.getByText(`Test email sent to ${ctx.consoleOwnerEmail} through Resend.`)).toBeVisible();
  await expect.poll(async () => (await emailsTo(ctx.consoleOwnerEmail)).length).toBe(before + 1);
  expect((await emailsTo(ctx.consoleOwnerEmail)).at(-1)!.subject).toBe('Backchannel test email for Acme Corp');
  await expectAccessible(page);
  await screenshot(page, 'channels');
});

test('channels: the notification channels card saves push, email and the fallback delay, refusing each bad value by its field', async ({
  page,
}) => {
  await page.goto(`${acme}/channels`);
  const card = page.locator('form').filter({ has: page.getByRole('heading', { name: 'Notification channels' }) });
  const email = card.getByRole('switch', { name: 'Email', exact: true });
  const push = card.getByRole('switch', { name: 'Push', exact: true });
  const delay = card.getByLabel('Email after a push (seconds)');
  await expect(email).toBeChecked();
  await expect(push).not.toBeChecked();
  // Both off: refused next to the email switch (the one that moved), nothing saved.
  await email.click();
  await card.getByRole('button', { name: 'Save changes' }).click();
  await expect(card.getByText(/Cannot be off while the other notification channel is off too/i)).toBeVisible();
  await email.click();
  await push.click();
  await delay.fill('4000');
  await card.getByRole('button', { name: 'Save changes' }).click();
  await expect(card.getByText(/from 0 \(email at once\) to 3600 \(got 4000\)/i)).toBeVisible();
  await expect(delay).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page);
  await screenshot(page, 'channels-error');
  await delay.fill('15');
  await card.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Notification channels saved: push then email.')).toBeVisible();
  await page.reload();
  await expect(card.getByRole('switch', { name: 'Push', exact: true })).toBeChecked();
  await expect(card.getByLabel('Email after a push (seconds)')).toHaveValue('15');
  await screenshot(page, 'channels-push');
  // Discovery now offers both channels for notification_channel.
  const discovery = (await (await page.request.get('/t/acme/.well-known/openid-configuration')).json()) as Record<
    string,
    unknown
  >;
  expect(discovery.backchannel_notification_channels_supported).toEqual(['push', 'email']);
  // Back to email only, for the other tests of this tenant.
  await card.getByRole('switch', { name: 'Push', exact: true }).click();
  await card.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Notification channels saved: email.')).toBeVisible();
});

test('events and audit logs: per tenant and global, searchable', async ({ page }) => {
  await page.goto(`${acme}/events`);
  await expect(page).toHaveTitle('Events · acme · Backchannel');
  await expect(page.getByRole('rowheader', { name: /Test email sent/ }).first()).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'events');

  await page.goto(`${acme}/audit`);
  await expect(page).toHaveTitle('Audit log · acme · Backchannel');
  await page.getByRole('searchbox', { name: 'Search the audit log' }).fill('signing_key_rotated');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByRole('rowheader', { name: /Signing key rotated/ })).toBeVisible();
  await expect(page.getByRole('rowheader', { name: /Test email sent/ })).toHaveCount(0);
  await expectAccessible(page);
  await screenshot(page, 'audit-tenant');

  await page.goto('/admin/audit-log');
  await expect(page).toHaveTitle('Audit log · Backchannel');
  await expect(page.getByRole('row', { name: /Admin invited|Test email sent/ }).first()).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'audit');
});

test('admins and API keys: invite, edit, remove an admin; create (shown once) and revoke a key', async ({ page }) => {
  const invited = `ops.${Date.now().toString(36)}@example.com`;
  await page.goto('/admin/admins');
  await expect(page).toHaveTitle('Admins & API keys · Backchannel');
  await page.getByRole('button', { name: 'Invite admin' }).click();
  const invite = page.getByRole('dialog', { name: 'Invite an administrator' });
  await invite.getByLabel('Email address').fill(invited);
  await invite.getByRole('checkbox', { name: 'Globex Inc' }).click();
  await invite.getByRole('button', { name: 'Invite' }).click();
  await expect(page.getByText(`${invited} invited`)).toBeVisible();
  const row = page.getByRole('row', { name: new RegExp(invited.replace('.', '\\.')) });
  await expect(row).toContainText('globex');

  await row.getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('dialog', { name: `Role and tenants of ${invited}` });
  await edit.getByRole('checkbox', { name: 'Acme Corp' }).click();
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(row).toContainText('acme, globex');

  await page.getByRole('button', { name: 'Create API key' }).click();
  const create = page.getByRole('dialog', { name: 'Create a Management API key' });
  await create.getByLabel('Name').fill('e2e pipeline');
  await create.getByLabel('Reaches').selectOption('acme');
  await create.getByRole('button', { name: 'Create key' }).click();
  const key = (await create.getByRole('group', { name: 'API key' }).locator('code').textContent()) ?? '';
  expect(key).toMatch(/^bck_/);
  const api = await fetch(`${ctx.appUrl}/api/v1/tenants/acme`, { headers: { authorization: `Bearer ${key}` } });
  expect(api.status).toBe(200);
  await create.getByRole('button', { name: 'Done' }).click();
  await expectAccessible(page);
  await screenshot(page, 'admins');

  const keyRow = page.getByRole('row', { name: /e2e pipeline/ });
  await keyRow.getByRole('button', { name: 'Revoke' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke key' }).click();
  await expect(keyRow).toContainText('Revoked');
  expect((await fetch(`${ctx.appUrl}/api/v1/tenants/acme`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(401);

  await row.getByRole('button', { name: 'Remove' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Remove admin' }).click();
  await expect(row).toHaveCount(0);
});

test('the API reference lists the Management API routes', async ({ page }) => {
  await page.goto('/admin/api-reference');
  await expect(page).toHaveTitle('API reference · Backchannel');
  await expect(page.getByText('/api/v1/tenants/{slug}/clients/{client_id}/rotate-secret')).toBeVisible();
  await expect(page.getByText(`${ctx.appUrl}/api/v1/openapi.json`)).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'api-reference');
});

test('an unknown tenant is a 404 page', async ({ page }) => {
  const response = await page.goto('/admin/t/no-such-tenant/users');
  expect(response?.status()).toBe(404);
  await expect(page).toHaveTitle('Not found · Backchannel');
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Back to your tenants' })).toBeVisible();
  await expectAccessible(page);
});
