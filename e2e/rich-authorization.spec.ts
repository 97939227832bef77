// Rich authorization requests (RFC 9396) over real HTTP: types defined with the CLI beside the
// running server, a client registered for them, bc-authorize with authorization_details, the
// approval page in Chromium (one card per item, untick one, approve), and the token with exactly
// the items granted.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { expectAccessible, screenshot, signedInState } from './console/console';
import { axeViolations } from './support/axe';
import { pollUntilDone, relyingParty, startRequestWithLink, type RelyingParty } from './support/ciba';
import { cli } from './support/cli';
import { e2eContext, issuerOf } from './support/context';

const ctx = e2eContext();
const alice = ctx.users.alice;

const PAYMENT_TYPE = `payment_initiation_${Date.now()}`;
const ACCOUNTS_TYPE = `account_information_${Date.now()}`;

const PAYMENT = {
  type: PAYMENT_TYPE,
  instructedAmount: { currency: 'EUR', amount: '250.00' },
  creditorName: 'Merchant A',
  creditorAccount: { iban: 'DE02100100109307118603' },
  remittanceInformation: 'Invoice 2026-118',
};
const ACCOUNTS = {
  type: ACCOUNTS_TYPE,
  actions: ['read_balances', 'read_transactions'],
  accounts: ['DE40100100103307118608'],
};

let rp: RelyingParty;
/** An agent acting for the user (actor_token, RFC 8693), from an issuer acme trusts: the page names it beside the items. */
let agent: { issuer: string; token: () => Promise<string> };

test.beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'rar-e2e-'));
  const file = (name: string, value: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(value));

    return path;
  };
  const paymentSchema = file('payment.json', {
    type: 'object',
    required: ['type', 'instructedAmount', 'creditorAccount'],
    properties: {
      type: { const: PAYMENT_TYPE },
      instructedAmount: {
        type: 'object',
        required: ['currency', 'amount'],
        properties: { currency: { type: 'string' }, amount: { type: 'string' } },
      },
      creditorName: { type: 'string' },
      creditorAccount: { type: 'object', properties: { iban: { type: 'string' } } },
      remittanceInformation: { type: 'string' },
    },
  });
  const paymentTemplate = file('payment-template.json', {
    summary: 'Payment of {instructedAmount} to {creditorAccount.iban}',
    fields: [
      { field: 'instructedAmount', label: 'Amount', kind: 'money' },
      { field: 'creditorName', label: 'To', kind: 'text' },
      { field: 'creditorAccount.iban', label: 'Account', kind: 'masked' },
      { field: 'remittanceInformation', label: 'Reference', kind: 'text' },
    ],
  });
  const accountsSchema = file('accounts.json', {
    type: 'object',
    required: ['type', 'actions'],
    properties: { type: { const: ACCOUNTS_TYPE }, actions: { type: 'array' }, accounts: { type: 'array' } },
  });
  const accountsTemplate = file('accounts-template.json', {
    fields: [
      { field: 'actions', label: 'Access', kind: 'list' },
      { field: 'accounts.0', label: 'Account', kind: 'masked' },
    ],
  });
  const created = await cli<{ type: string }>([
    'authorization-type',
    'create',
    '--tenant',
    'acme',
    '--type',
    PAYMENT_TYPE,
    '--schema-file',
    paymentSchema,
    '--title',
    'Payment',
    '--template-file',
    paymentTemplate,
  ]);
  expect(created.type).toBe(PAYMENT_TYPE);
  await cli([
    'authorization-type',
    'create',
    '--tenant',
    'acme',
    '--type',
    ACCOUNTS_TYPE,
    '--schema-file',
    accountsSchema,
    '--title',
    'Account information',
    '--template-file',
    accountsTemplate,
  ]);
  const client = await cli<{ client_id: string; client_secret: string; authorization_details_types: string[] }>([
    'client',
    'create',
    '--tenant',
    'acme',
    '--name',
    'Acme Banking',
    '--authorization-details-types',
    `${PAYMENT_TYPE},${ACCOUNTS_TYPE}`,
  ]);
  expect(client.authorization_details_types).toEqual([PAYMENT_TYPE, ACCOUNTS_TYPE]);
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const agentIssuer = `https://rar-agents-${Date.now()}.example`;
  await cli([
    'login-hint-issuer',
    'add',
    '--tenant',
    'acme',
    '--issuer',
    agentIssuer,
    '--jwks',
    JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'rar-agent' }] }),
  ]);
  agent = {
    issuer: agentIssuer,
    token: () =>
      new SignJWT({ name: 'Payments Assistant', act_for: "Alice's household budget" })
        .setProtectedHeader({ alg: 'ES256', kid: 'rar-agent' })
        .setIssuer(agentIssuer)
        .setSubject('payments-assistant-1')
        .setAudience(issuerOf('acme'))
        .setExpirationTime('5m')
        .sign(privateKey),
  };
  rp = await relyingParty({
    ...client,
    tenant: 'acme',
    name: 'Acme Banking',
    token_endpoint_auth_method: 'client_secret_basic',
    binding_message_policy: 'optional',
  });
});

test('discovery lists the tenant’s authorization-details types', async () => {
  // Fetched now: `rp.as` is the worker's cached discovery (e2e/support/ciba.ts), possibly read by an earlier spec.
  const document = (await (await fetch(`${issuerOf('acme')}/.well-known/openid-configuration`)).json()) as Record<
    string,
    unknown
  >;
  expect(document.authorization_details_types_supported).toEqual(expect.arrayContaining([PAYMENT_TYPE, ACCOUNTS_TYPE]));
});

test('an agent asks for two items; the user unticks one, approves, and the client gets a token with exactly the rest', async ({
  page,
  browser,
}) => {
  const started = await startRequestWithLink(rp, {
    loginHint: alice.email,
    extra: { authorization_details: JSON.stringify([PAYMENT, ACCOUNTS]), actor_token: await agent.token() },
  });
  expect(started.email.text).toContain('It asks you to authorize: 2 items: Payment of EUR 250.00 to …8603; Account information');

  await page.goto(started.link);
  await expect(page.getByRole('heading', { name: 'Acme Banking wants you to sign in' })).toBeVisible();
  const payment = page.getByRole('checkbox', { name: 'Payment' });
  const accounts = page.getByRole('checkbox', { name: 'Account information' });
  await expect(payment).toBeChecked();
  await expect(accounts).toBeChecked();
  await expect(page.getByText('EUR 250.00', { exact: true })).toBeVisible();
  await expect(page.getByText('…8603', { exact: true })).toBeVisible();
  await expect(page.getByText('read_transactions', { exact: true })).toBeVisible();
  await expect(page.getByText('DE02100100109307118603')).toHaveCount(0);
  await expect(page.getByRole('note', { name: 'Agent' }).getByTestId('approval-agent')).toHaveText(
    "Payments Assistant, acting for Alice's household budget",
  );
  await page.screenshot({ path: 'reports/screenshots/approval-rich-authorization.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);

  await payment.uncheck();
  await page.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByRole('heading', { name: 'Request approved' })).toBeVisible();

  const result = await pollUntilDone(rp, started.auth_req_id, { interval: started.interval ?? 5, waitFirst: true });
  if (!result.ok) throw new Error(`token request failed: ${result.error}`);
  const body = result.tokens as { access_token: string; authorization_details?: unknown[] };
  expect(body.authorization_details).toEqual([ACCOUNTS]);
  expect(decodeJwt(body.access_token).authorization_details).toEqual([ACCOUNTS]);
  expect(decodeJwt(body.access_token).act).toEqual({ sub: 'payments-assistant-1', iss: agent.issuer });

  // The console's request page shows what was asked, what was granted, and the agent.
  const admin = await browser.newContext({ storageState: await signedInState(browser, ctx.consoleOwnerEmail) });
  try {
    const console_ = await admin.newPage();
    await console_.goto('/admin/t/acme/requests?view=history&status=redeemed');
    await console_
      .getByRole('row', { name: /Acme Banking/ })
      .first()
      .getByRole('link')
      .first()
      .click();
    await expect(console_.getByRole('heading', { name: 'Request from Acme Banking' })).toBeVisible();
    const details = console_.getByRole('region', { name: 'Authorization details' });
    await expect(details).toContainText('1 of 2 items granted.');
    await expect(details.getByRole('listitem', { name: 'Payment, not granted' })).toContainText('EUR 250.00');
    await expect(details.getByRole('listitem', { name: 'Account information, granted' })).toContainText('read_balances');
    await expect(console_.getByText("Payments Assistant, acting for Alice's household budget")).toBeVisible();
    await expectAccessible(console_);
    await screenshot(console_, 'request-authorization-details');
  } finally {
    await admin.close();
  }
});

test('deny in the browser: nothing is granted, the client gets access_denied', async ({ page }) => {
  const started = await startRequestWithLink(rp, {
    loginHint: alice.email,
    extra: { authorization_details: JSON.stringify([PAYMENT]) },
  });
  await page.goto(started.link);
  await expect(page.getByRole('checkbox', { name: 'Payment' })).toBeChecked();
  await page.getByRole('button', { name: 'Deny' }).click();
  await expect(page.getByRole('heading', { name: 'Request denied' })).toBeVisible();
  const result = await pollUntilDone(rp, started.auth_req_id, { interval: started.interval ?? 5, waitFirst: true });
  expect(result.ok ? 'tokens' : result.error).toBe('access_denied');
});

test('unticking every item refuses the approval and leaves the request pending', async ({ page }) => {
  const started = await startRequestWithLink(rp, {
    loginHint: alice.email,
    extra: { authorization_details: JSON.stringify([PAYMENT]) },
  });
  await page.goto(started.link);
  await page.getByRole('checkbox', { name: 'Payment' }).uncheck();
  await page.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByRole('heading', { name: 'Nothing was approved' })).toBeVisible();
  await page.goto(started.link);
  await expect(page.getByRole('button', { name: 'Approve' })).toBeVisible();
});
