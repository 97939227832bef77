// Strong clients in the console: an owner creates applications that authenticate with their keys
// (private_key_jwt, RFC 7523 §2.2) or certificate (tls_client_auth, RFC 8705 §2.1) and a FAPI-CIBA
// application; refusals (a JWKS with a private key, settings that contradict the profile) appear
// under their field and change nothing; switching a key client to client_secret_basic shows its
// new secret once. axe and screenshots (light and dark) on each page.
import { generateKeyPairSync } from 'node:crypto';
import type { Page } from '@playwright/test';
import { cli } from '../support/cli';
import { expect, expectAccessible, expectHeading, screenshot, test } from './console';

const slug = `sc-${Date.now().toString(36)}`;

test.describe.configure({ mode: 'serial' });

/** A public JWKS with one P-256 key (the private half stays in the test). */
const publicJwks = (kid: string) => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  return { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' }] };
};

type ListedClient = {
  client_id: string;
  client_name: string;
  token_endpoint_auth_method: string;
  jwks: { keys: { kid?: string }[] } | null;
  tls_client_auth_subject_dn: string | null;
  backchannel_authentication_request_signing_alg: string | null;
  fapi_ciba: boolean;
};

const listedClient = async (clientId: string): Promise<ListedClient> => {
  const clients = await cli<ListedClient[]>(['client', 'list', '--tenant', slug]);
  const client = clients.find((entry) => entry.client_id === clientId);
  if (!client) throw new Error(`No client ${clientId}`);

  return client;
};

const openCreateDialog = async (page: Page) => {
  await page.goto(`/admin/t/${slug}/applications`);
  await expectHeading(page, 'Applications');
  await page.getByRole('button', { name: 'Create application' }).first().click();

  return page.getByRole('dialog', { name: 'Create application' });
};

/** The client ID shown after creation (the first code block). */
const createdClientId = async (page: Page): Promise<string> => {
  const dialog = page.getByRole('dialog', { name: 'Create application' });
  await expect(dialog.getByText(/is ready/)).toBeVisible();

  return (await dialog.locator('pre code').first().textContent()) ?? '';
};

const authCard = (page: Page) => page.getByRole('region', { name: 'Client authentication' });

let keyClientId = '';
let fapiClientId = '';

test('setup: a tenant', async () => {
  await cli(['tenant', 'create', '--slug', slug, '--name', 'Strong Clients Bank']);
});

test('create a private_key_jwt application with a public JWKS: keys listed, no secret shown (RFC 7523 §2.2)', async ({
  page,
}) => {
  const dialog = await openCreateDialog(page);
  await dialog.getByLabel('Name').fill('Ledger Desk');
  await expect(dialog.getByLabel('JWKS', { exact: true })).toHaveCount(0);
  await dialog.getByLabel('Authentication method').selectOption('private_key_jwt');
  await expect(dialog.getByText('Required: private_key_jwt authenticates with these keys.')).toBeVisible();
  await dialog.getByLabel('JWKS', { exact: true }).fill(JSON.stringify(publicJwks('ledger-2026')));
  const keys = dialog.getByRole('list', { name: 'Keys in this JWKS' });
  await expect(keys).toContainText('ledger-2026');
  await expect(keys).toContainText('EC · P-256');
  await expectAccessible(page);
  await screenshot(page, 'strong-create-private-key-jwt');

  await dialog.getByRole('button', { name: 'Create application' }).click();
  keyClientId = await createdClientId(page);
  expect(keyClientId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  await expect(dialog.getByRole('group', { name: 'Client secret' })).toHaveCount(0);
  await expect(dialog.getByRole('note', { name: 'How it authenticates' })).toContainText('client_assertion');
  await expectAccessible(page);
  await screenshot(page, 'strong-created-private-key-jwt');

  const stored = await listedClient(keyClientId);
  expect(stored).toMatchObject({ token_endpoint_auth_method: 'private_key_jwt', fapi_ciba: false });
  expect(stored.jwks?.keys.map((key) => key.kid)).toEqual(['ledger-2026']);

  await dialog.getByRole('link', { name: 'Configure application' }).click();
  await page.waitForURL(`**/admin/t/${slug}/applications/${keyClientId}`);
  await expectHeading(page, 'Ledger Desk');
  await expect(page.getByText('This application has no secret')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Rotate secret' })).toHaveCount(0);
  await expect(authCard(page).getByRole('list', { name: 'Keys in this JWKS' })).toContainText('ledger-2026');
  await expect(authCard(page).getByLabel('Assertion algorithm')).toBeVisible();
  await expect(authCard(page).getByLabel('Certificate subject DN')).toHaveCount(0);
  await expectAccessible(page);
  await screenshot(page, 'strong-application-private-key-jwt');
});

test('an invalid JWKS is refused under the field and changes nothing', async ({ page }) => {
  await page.goto(`/admin/t/${slug}/applications/${keyClientId}`);
  const card = authCard(page);
  const jwks = card.getByLabel('JWKS', { exact: true });

  // Not JSON: a hint while typing, a refusal on saving.
  await jwks.fill('{"keys": [');
  await expect(card.getByText('Not valid JSON yet.')).toBeVisible();
  await card.getByRole('button', { name: 'Save changes' }).click();
  await expect(card.getByText(/^Must be a JWKS object/)).toBeVisible();
  await expect(jwks).toHaveAttribute('aria-invalid', 'true');

  // A private key: refused, never stored, and the private member is named.
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await jwks.fill(JSON.stringify({ keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'leaked' }] }));
  await expect(card.getByRole('list', { name: 'Keys in this JWKS' })).toContainText('private key: will be refused');
  await card.getByRole('button', { name: 'Save changes' }).click();
  await expect(
    card.getByText('Keys[0] must be a public key: it has the private member "d" (publish public keys only)'),
  ).toBeVisible();
  await expect(jwks).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Nothing was saved: check the highlighted fields.').first()).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'strong-invalid-jwks');

  const stored = await listedClient(keyClientId);
  expect(stored.jwks?.keys.map((key) => key.kid)).toEqual(['ledger-2026']);
  expect(stored.token_endpoint_auth_method).toBe('private_key_jwt');
});

test('create a tls_client_auth application: the subject DN is required, then no secret (RFC 8705 §2.1)', async ({ page }) => {
  const dialog = await openCreateDialog(page);
  await dialog.getByLabel('Name').fill('Branch Terminal');
  await dialog.getByLabel('Authentication method').selectOption('tls_client_auth');
  await expect(dialog.getByLabel('JWKS', { exact: true })).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Create application' }).click();
  await expect(dialog.getByText('Is required when token_endpoint_auth_method is tls_client_auth')).toBeVisible();
  await expect(dialog.getByLabel('Certificate subject DN')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page);
  await screenshot(page, 'strong-create-tls-error');

  await dialog.getByLabel('Certificate subject DN').fill('CN=terminal.bank.example,O=Strong Clients Bank');
  await dialog.getByRole('button', { name: 'Create application' }).click();
  const clientId = await createdClientId(page);
  await expect(dialog.getByRole('group', { name: 'Client secret' })).toHaveCount(0);
  await expect(dialog.getByRole('note', { name: 'How it authenticates' })).toContainText('subject DN');
  expect(await listedClient(clientId)).toMatchObject({
    token_endpoint_auth_method: 'tls_client_auth',
    tls_client_auth_subject_dn: 'CN=terminal.bank.example,O=Strong Clients Bank',
  });

  await page.goto(`/admin/t/${slug}/applications/${clientId}`);
  await expect(authCard(page).getByLabel('Certificate subject DN')).toHaveValue('CN=terminal.bank.example,O=Strong Clients Bank');
  await expect(page.getByRole('button', { name: 'Rotate secret' })).toHaveCount(0);
  await screenshot(page, 'strong-application-tls');
});

test('create a FAPI-CIBA application: a secret method is refused under the field, then created with the profile', async ({
  page,
}) => {
  const dialog = await openCreateDialog(page);
  await dialog.getByLabel('Name').fill('Payments Hub');
  await dialog.getByRole('checkbox', { name: 'FAPI-CIBA profile' }).check();
  // The profile sets the binding message: the dialog stops offering it.
  await expect(dialog.getByLabel('Binding message')).toHaveCount(0);
  await dialog.getByLabel('JWKS', { exact: true }).fill(JSON.stringify(publicJwks('hub-1')));
  await dialog.getByRole('button', { name: 'Create application' }).click();
  await expect(
    dialog.getByText(
      'Must be private_key_jwt, tls_client_auth, self_signed_tls_client_auth (got client_secret_basic) for a FAPI-CIBA client (fapi_ciba)',
    ),
  ).toBeVisible();
  await expect(dialog.getByLabel('Authentication method')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page);
  await screenshot(page, 'strong-create-fapi-error');
  const before = await cli<ListedClient[]>(['client', 'list', '--tenant', slug]);
  expect(before.map((client) => client.client_name)).not.toContain('Payments Hub');

  await dialog.getByLabel('Authentication method').selectOption('private_key_jwt');
  await dialog.getByRole('button', { name: 'Create application' }).click();
  fapiClientId = await createdClientId(page);
  await expect(dialog.getByText('FAPI-CIBA')).toBeVisible();
  await expect(dialog.getByRole('group', { name: 'Client secret' })).toHaveCount(0);
  expect(await listedClient(fapiClientId)).toMatchObject({
    fapi_ciba: true,
    token_endpoint_auth_method: 'private_key_jwt',
    backchannel_authentication_request_signing_alg: 'PS256',
  });
  await dialog.getByRole('button', { name: 'Done' }).click();

  // The list names each application's method, and badges the FAPI one.
  await expect(page.getByRole('row', { name: /Payments Hub.*Private key JWT.*FAPI-CIBA/ })).toBeVisible();
  await expect(page.getByRole('row', { name: /Branch Terminal.*Mutual TLS · CA/ })).toBeVisible();
  await expect(page.getByRole('row', { name: /Ledger Desk.*Private key JWT/ })).not.toContainText('FAPI-CIBA');
  await expectAccessible(page);
  await screenshot(page, 'strong-applications');
});

test('a FAPI contradiction on the settings page is refused under its fields and changes nothing (FAPI-CIBA §5.2.2)', async ({
  page,
}) => {
  await page.goto(`/admin/t/${slug}/applications/${fapiClientId}`);
  await expectHeading(page, 'Payments Hub');
  await expect(page.getByRole('main').getByText('FAPI-CIBA').first()).toBeVisible();
  const card = authCard(page);
  await expect(card.getByLabel('Signed requests')).toHaveValue('PS256');
  await card.getByLabel('Signed requests').selectOption('');
  await card.getByLabel('Authentication method').selectOption('client_secret_post');
  await card.getByRole('button', { name: 'Save changes' }).click();
  await expect(
    card.getByText('Must be PS256 or ES256: signed requests are required for a FAPI-CIBA client (fapi_ciba)'),
  ).toBeVisible();
  await expect(card.getByLabel('Signed requests')).toHaveAttribute('aria-invalid', 'true');
  await expect(
    card.getByText(/^Must be private_key_jwt, tls_client_auth, self_signed_tls_client_auth \(got client_secret_post\)/),
  ).toBeVisible();
  await expect(card.getByLabel('Authentication method')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page);
  await screenshot(page, 'strong-fapi-error');

  expect(await listedClient(fapiClientId)).toMatchObject({
    token_endpoint_auth_method: 'private_key_jwt',
    backchannel_authentication_request_signing_alg: 'PS256',
    fapi_ciba: true,
  });

  // Dark mode: the same page, no contrast violations.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.reload();
  await expect(page.locator('html')).toHaveClass(/dark/);
  await expect(page.getByRole('switch', { name: 'User code' })).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'strong-application-fapi-dark');
});

test('switching a key client to client_secret_basic shows its new secret once', async ({ page }) => {
  await page.goto(`/admin/t/${slug}/applications/${keyClientId}`);
  const card = authCard(page);
  await card.getByLabel('Authentication method').selectOption('client_secret_basic');
  await expect(card.getByText('Saving issues a new client secret, shown once.')).toBeVisible();
  await expect(card.getByLabel('Assertion algorithm')).toHaveCount(0);
  await card.getByRole('button', { name: 'Save changes' }).click();
  const dialog = page.getByRole('dialog', { name: 'New client secret' });
  const secret = dialog.getByRole('group', { name: 'Client secret' });
  await expect(secret).toBeVisible();
  const value = (await secret.locator('code').textContent()) ?? '';
  expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  await expectAccessible(page);
  await screenshot(page, 'strong-switch-secret');
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toHaveCount(0);

  expect((await listedClient(keyClientId)).token_endpoint_auth_method).toBe('client_secret_basic');
  await page.reload();
  await expect(page.getByText(value)).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Rotate secret' })).toBeVisible();
  await expect(page.getByText('The secret is shown only when it is created or rotated.')).toBeVisible();
  // Saving again issues no new secret.
  await authCard(page).getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('Client authentication of Ledger Desk saved.')).toBeVisible();
  await expect(page.getByRole('dialog', { name: 'New client secret' })).toHaveCount(0);
});
