// RFC 9396 rich authorization requests through CIBA: types per tenant, validation at bc-authorize,
// the approval page's items and partial approval, the granted details in every token answer.
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthorizationType } from '@/lib/admin/create-authorization-type';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { deleteAuthorizationType } from '@/lib/admin/delete-authorization-type';
import { describeRequestItems } from '@/lib/admin/describe-request-items';
import { getRequest } from '@/lib/admin/get-request';
import { getAuthorizationType } from '@/lib/admin/get-authorization-type';
import { listAuthorizationTypes } from '@/lib/admin/list-authorization-types';
import { updateAuthorizationType } from '@/lib/admin/update-authorization-type';
import { updateClient } from '@/lib/admin/update-client';
import { expectAdminError } from '@/lib/admin/test-helpers';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { findApprovalByToken } from '@/lib/ciba/approval-page-data';
import { buildApprovalEmail } from '@/lib/ciba/approval-email';
import { loadApprovalItems, summarizeApprovalItems } from '@/lib/ciba/approval-items';
import { completeBackchannelRequest } from '@/lib/ciba/complete-backchannel-request';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import { APPROVAL_CSRF_PURPOSE, decideApproval } from '@/lib/ciba/decide-approval';
import type { Db } from '@/lib/db/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { csrfTokenFor } from '@/lib/security/csrf';
import { turnOffAbuseLimits } from '@/lib/testing/abuse-limits';
import { deliverOutbox, testStore } from '@/lib/testing/outbox';
import { call, credentialsOf, expectOAuthError, formRequest, type ClientCredentials } from '@/lib/testing/protocol-client';
import { seedPendingRequest } from '@/lib/testing/seed';
import { useTestDatabase } from '@/lib/testing/test-database';

const APP_URL = 'https://op.example.test';
const SAME_ORIGIN = new Headers({ origin: APP_URL });

const PAYMENT_SCHEMA = {
  type: 'object',
  required: ['type', 'instructedAmount', 'creditorAccount'],
  properties: {
    type: { const: 'payment_initiation' },
    instructedAmount: {
      type: 'object',
      required: ['currency', 'amount'],
      properties: { currency: { type: 'string', pattern: '^[A-Z]{3}$' }, amount: { type: 'string' } },
      additionalProperties: false,
    },
    creditorName: { type: 'string' },
    creditorAccount: { type: 'object', required: ['iban'], properties: { iban: { type: 'string' } } },
  },
  additionalProperties: false,
};
const PAYMENT_TEMPLATE = {
  summary: 'Payment of {instructedAmount} to {creditorAccount.iban}',
  fields: [
    { field: 'instructedAmount', label: 'Amount', kind: 'money' },
    { field: 'creditorName', label: 'To', kind: 'text' },
    { field: 'creditorAccount.iban', label: 'Account', kind: 'masked' },
  ],
};
const ACCOUNTS_SCHEMA = {
  type: 'object',
  required: ['type', 'actions'],
  properties: { type: { const: 'account_information' }, actions: { type: 'array', items: { type: 'string' } } },
};
const TERMS_SCHEMA = { type: 'object', properties: { type: { const: 'terms' }, version: { type: 'string' } } };

const SECRET_IBAN = 'DE02100100109307118603';
const payment = (amount: unknown = '250.00') => ({
  type: 'payment_initiation',
  instructedAmount: { currency: 'EUR', amount },
  creditorName: 'Merchant A',
  creditorAccount: { iban: SECRET_IBAN },
});
const accounts = { type: 'account_information', actions: ['read_balances', 'read_transactions'] };
const terms = { type: 'terms', version: '3' };

let db: Db;
let cleanup: () => Promise<void>;
let rarClient: ClientCredentials;
let plainClient: ClientCredentials;
let globexClient: ClientCredentials;
let acme: { id: string };
let rarClientRow: { id: string; pollInterval: number };
let alice: { id: string };

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase({ appUrl: APP_URL }));
  acme = await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme Bank' });
  await turnOffAbuseLimits(db, 'acme');
  await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
  await turnOffAbuseLimits(db, 'globex');
  const define = (type: string, schema: unknown, extra: Record<string, unknown> = {}) =>
    createAuthorizationType(db, CLI_PRINCIPAL, { tenantSlug: 'acme', input: { type, schema, ...extra } });
  await define('payment_initiation', PAYMENT_SCHEMA, { title: 'Payment', template: PAYMENT_TEMPLATE });
  await define('account_information', ACCOUNTS_SCHEMA, { title: 'Account information' });
  await define('terms', TERMS_SCHEMA, { title: 'Terms of service', partial_approval: false });
  await define('loan_application', { type: 'object' });
  const created = await createClient(db, CLI_PRINCIPAL, {
    tenantSlug: 'acme',
    metadata: {
      client_name: 'Banking app',
      grant_types: [CIBA_GRANT_TYPE, 'refresh_token'],
      authorization_details_types: ['payment_initiation', 'account_information', 'terms'],
    },
  });
  rarClient = credentialsOf(created);
  rarClientRow = await db.client.findUniqueOrThrow({ where: { clientId: created.client_id } });
  plainClient = credentialsOf(await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Plain' } }));
  globexClient = credentialsOf(
    await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'globex', metadata: { client_name: 'Globex desk' } }),
  );
  alice = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com', name: 'Alice' });
  await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'globex', email: 'bob@example.com' });
});

afterAll(async () => {
  await deliverOutbox();
  await cleanup();
});

const authorize = (details: string, by: ClientCredentials = rarClient, tenant = 'acme', loginHint = 'alice@example.com') =>
  call(
    formRequest(
      `/t/${tenant}/bc-authorize`,
      { scope: 'openid', login_hint: loginHint, authorization_details: details },
      { auth: by },
    ),
  );

const poll = (authReqId: string) =>
  call(formRequest('/t/acme/oauth/token', { grant_type: CIBA_GRANT_TYPE, auth_req_id: authReqId }, { auth: rarClient }));

const seedWithDetails = (details: unknown[]) =>
  seedPendingRequest(db, {
    tenant: acme,
    client: rarClientRow,
    user: alice,
    overrides: { scope: 'openid offline_access', authorizationDetails: JSON.stringify(details) },
  });

const decide = (approvalToken: string, decision: 'approve' | 'deny', items?: string[]) =>
  decideApproval(testStore(), {
    tenantSlug: 'acme',
    token: approvalToken,
    decision,
    csrfToken: csrfTokenFor(APPROVAL_CSRF_PURPOSE, sha256Base64Url(approvalToken)),
    headers: SAME_ORIGIN,
    items,
  });

const requestRow = (id: string) => db.backchannelRequest.findUniqueOrThrow({ where: { id } });

describe('bc-authorize: invalid_authorization_details (RFC 9396 §5)', () => {
  it.each([
    ['not JSON', '[{"type":', 'authorization_details is not valid JSON.'],
    ['not an array', JSON.stringify(accounts), 'authorization_details must be a JSON array of objects.'],
    ['an empty array', '[]', 'authorization_details must list at least one item.'],
    ['an item that is not an object', JSON.stringify([accounts, 'x']), 'authorization_details[1]: must be an object.'],
    ['an item without type', JSON.stringify([{ actions: [] }]), 'authorization_details[0].type: is required.'],
    [
      'an unknown type',
      JSON.stringify([accounts, { type: 'crypto_transfer' }]),
      'authorization_details[1].type: unknown authorization details type.',
    ],
    [
      'a type of the tenant the client may not use',
      JSON.stringify([{ type: 'loan_application' }]),
      'authorization_details[0].type: this client may not request this type.',
    ],
    [
      'a schema violation (wrong type)',
      JSON.stringify([accounts, payment(250)]),
      'authorization_details[1].instructedAmount.amount: must be string.',
    ],
    [
      'a schema violation (missing field)',
      JSON.stringify([{ type: 'payment_initiation', instructedAmount: { currency: 'EUR', amount: '1' } }]),
      'authorization_details[0].creditorAccount: is required.',
    ],
    [
      'a schema violation (extra field)',
      JSON.stringify([{ ...payment(), note: SECRET_IBAN }]),
      'authorization_details[0].note: is not allowed.',
    ],
    [
      'a schema violation (pattern)',
      JSON.stringify([{ ...payment(), instructedAmount: { currency: 'euro', amount: SECRET_IBAN } }]),
      'authorization_details[0].instructedAmount.currency: must match pattern "^[A-Z]{3}$".',
    ],
    [
      'too large',
      JSON.stringify([{ ...accounts, actions: ['x'.repeat(16 * 1024)] }]),
      'authorization_details is too large (at most 16384 bytes).',
    ],
    ['too many items', JSON.stringify(Array(51).fill(accounts)), 'authorization_details lists too many items (at most 50).'],
  ])('refuses %s: 400, naming the item and field, never a value', async (_name, details, description) => {
    const before = await db.backchannelRequest.count();
    const result = await authorize(details);
    expectOAuthError(result, 400, 'invalid_authorization_details');
    expect(result.json.error_description).toBe(description);
    expect(JSON.stringify(result.json)).not.toContain(SECRET_IBAN);
    expect(await db.backchannelRequest.count()).toBe(before);
  });

  it('refuses any item from a client registered for no type', async () => {
    expectOAuthError(await authorize(JSON.stringify([accounts]), plainClient), 400, 'invalid_authorization_details');
  });

  it('still requires openid alongside authorization_details', async () => {
    const result = await call(
      formRequest(
        '/t/acme/bc-authorize',
        { scope: 'email', login_hint: 'alice@example.com', authorization_details: JSON.stringify([accounts]) },
        { auth: rarClient },
      ),
    );
    expectOAuthError(result, 400, 'invalid_scope');
  });
});

describe('tenant isolation', () => {
  it('a type of tenant acme is unknown in tenant globex: at bc-authorize, in discovery, for clients', async () => {
    const result = await authorize(JSON.stringify([accounts]), globexClient, 'globex', 'bob@example.com');
    expectOAuthError(result, 400, 'invalid_authorization_details');
    expect(result.json.error_description).toBe('authorization_details[0].type: unknown authorization details type.');

    const globex = await call(formRequest('/t/globex/.well-known/openid-configuration', {}, { method: 'GET' }));
    expect(globex.json.authorization_details_types_supported).toEqual([]);
    const own = await call(formRequest('/t/acme/.well-known/openid-configuration', {}, { method: 'GET' }));
    expect(own.json.authorization_details_types_supported).toEqual([
      'account_information',
      'loan_application',
      'payment_initiation',
      'terms',
    ]);

    await expectAdminError(
      createClient(db, CLI_PRINCIPAL, {
        tenantSlug: 'globex',
        metadata: { client_name: 'X', authorization_details_types: ['payment_initiation'] },
      }),
      'invalid_input',
      /authorization_details_types: "payment_initiation" is not an authorization type of this tenant/,
    );
    await expectAdminError(getAuthorizationType(db, CLI_PRINCIPAL, { tenantSlug: 'globex', type: 'terms' }), 'not_found');
    expect(await listAuthorizationTypes(db, CLI_PRINCIPAL, { tenantSlug: 'globex' })).toEqual([]);
  });
});

describe('accepted requests', () => {
  it('stores the requested details with the request, beside the scope', async () => {
    const details = [payment(), accounts];
    const result = await authorize(JSON.stringify(details));
    expect(result.status).toBe(200);
    const stored = await db.backchannelRequest.findUniqueOrThrow({
      where: { authReqIdHash: sha256Base64Url(result.json.auth_req_id as string) },
    });
    expect(JSON.parse(stored.authorizationDetails!)).toEqual(details);
    expect(stored.grantedAuthorizationDetails).toBeNull();
  });

  it('50 items: accepted, rendered one per item, all granted on approval', async () => {
    const details = Array.from({ length: 50 }, (_, index) => ({ ...accounts, actions: [`read_${index}`] }));
    expect((await authorize(JSON.stringify(details))).status).toBe(200);

    const { request, approvalToken, authReqId } = await seedWithDetails(details);
    const approval = await findApprovalByToken(testStore(), 'acme', approvalToken, new Date());
    if (approval.state !== 'valid') throw new Error(approval.state);
    expect(approval.items).toHaveLength(50);
    expect(approval.items[49]).toEqual({
      index: 49,
      type: 'account_information',
      optional: true,
      display: { title: 'Account information', summary: 'Account information', rows: [{ label: 'Actions', items: ['read_49'] }] },
    });

    const all = details.map((_, index) => String(index));
    expect(await decide(approvalToken, 'approve', all)).toEqual({ outcome: 'approved' });
    expect(JSON.parse((await requestRow(request.id)).grantedAuthorizationDetails!)).toEqual(details);
    const token = await poll(authReqId);
    expect(token.status).toBe(200);
    expect(token.json.authorization_details).toEqual(details);
  });
});

describe('approval (partial) and the tokens', () => {
  it('the user unticks one item: exactly the rest is granted, in the token response, access token, introspection and refresh', async () => {
    const { request, approvalToken, authReqId } = await seedWithDetails([payment(), accounts]);
    expect(await decide(approvalToken, 'approve', ['1'])).toEqual({ outcome: 'approved' });
    const row = await requestRow(request.id);
    expect(row.status).toBe('approved');
    expect(JSON.parse(row.grantedAuthorizationDetails!)).toEqual([accounts]);

    const token = await poll(authReqId);
    expect(token.status).toBe(200);
    // Fewer items than requested: the client sees it was partly granted.
    expect(token.json.authorization_details).toEqual([accounts]);
    expect(decodeJwt(token.json.access_token as string).authorization_details).toEqual([accounts]);

    const introspect = (value: string) => call(formRequest('/t/acme/introspect', { token: value }, { auth: rarClient }));
    expect((await introspect(token.json.access_token as string)).json).toMatchObject({
      active: true,
      authorization_details: [accounts],
    });
    expect((await introspect(token.json.refresh_token as string)).json).toMatchObject({
      active: true,
      authorization_details: [accounts],
    });

    const refreshed = await call(
      formRequest(
        '/t/acme/oauth/token',
        { grant_type: 'refresh_token', refresh_token: token.json.refresh_token as string },
        { auth: rarClient },
      ),
    );
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.authorization_details).toEqual([accounts]);
    expect(decodeJwt(refreshed.json.access_token as string).authorization_details).toEqual([accounts]);
  });

  it('the console and API show what was asked and what was granted, item by item, as the user saw it', async () => {
    // Two equal items, one left unticked: exactly one of them counts as granted.
    const { request, approvalToken } = await seedWithDetails([payment(), accounts, payment()]);
    const before = await getRequest(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: request.id });
    expect(before.authorization_details).toEqual([payment(), accounts, payment()]);
    expect(before.granted_authorization_details).toBeNull();
    expect((await describeRequestItems(db, acme.id, before)).map((item) => item.granted)).toEqual([null, null, null]);

    expect(await decide(approvalToken, 'approve', ['0', '1'])).toEqual({ outcome: 'approved' });
    const after = await getRequest(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: request.id });
    expect(after.granted_authorization_details).toEqual([payment(), accounts]);
    const items = await describeRequestItems(db, acme.id, after);
    expect(items.map(({ type, granted }) => ({ type, granted }))).toEqual([
      { type: 'payment_initiation', granted: true },
      { type: 'account_information', granted: true },
      { type: 'payment_initiation', granted: false },
    ]);
    // Through the payment type's template: the amount formatted, the account masked.
    expect(items[0].display.rows).toContainEqual({ label: 'Amount', value: 'EUR 250.00' });
    expect(JSON.stringify(items[0].display)).not.toContain(SECRET_IBAN);
  });

  it('items of a type without partial approval are always granted with the approval', async () => {
    const { request, approvalToken } = await seedWithDetails([terms, accounts]);
    const approval = await findApprovalByToken(testStore(), 'acme', approvalToken, new Date());
    if (approval.state !== 'valid') throw new Error(approval.state);
    expect(approval.items.map((item) => item.optional)).toEqual([false, true]);
    expect(await decide(approvalToken, 'approve', [])).toEqual({ outcome: 'approved' });
    expect(JSON.parse((await requestRow(request.id)).grantedAuthorizationDetails!)).toEqual([terms]);
  });

  it.each([
    ['zero items', [], { outcome: 'nothing_selected' }],
    ['an index that does not exist', ['2'], { outcome: 'invalid', detail: 'unknown authorization_details item' }],
    ['a negative index', ['-1'], { outcome: 'invalid', detail: 'unknown authorization_details item' }],
    ['an index given twice', ['0', '0'], { outcome: 'invalid', detail: 'unknown authorization_details item' }],
    ['a non-number', ['all'], { outcome: 'invalid', detail: 'unknown authorization_details item' }],
  ])('a tampered form approving %s is refused and changes nothing', async (_name, items, expected) => {
    const { request, link, approvalToken } = await seedWithDetails([payment(), accounts]);
    expect(await decide(approvalToken, 'approve', items)).toEqual(expected);
    const row = await requestRow(request.id);
    expect(row).toMatchObject({ status: 'pending', grantedAuthorizationDetails: null, decidedAt: null });
    expect((await db.approvalLink.findUniqueOrThrow({ where: { id: link.id } })).usedAt).toBeNull();
  });

  it('denial grants nothing: access_denied at the token endpoint', async () => {
    const { request, approvalToken, authReqId } = await seedWithDetails([payment(), accounts]);
    expect(await decide(approvalToken, 'deny', ['0'])).toEqual({ outcome: 'denied' });
    expect(await requestRow(request.id)).toMatchObject({ status: 'denied', grantedAuthorizationDetails: null });
    expectOAuthError(await poll(authReqId), 400, 'access_denied');
  });

  it('the conformance hook (no selection) grants everything requested', async () => {
    const { request, authReqId } = await seedWithDetails([payment(), accounts]);
    const result = await completeBackchannelRequest(testStore(), {
      requestId: request.id,
      decision: 'approve',
      actor: { kind: 'test_hook' },
    });
    expect(result).toEqual({ ok: true, status: 'approved' });
    expect((await poll(authReqId)).json.authorization_details).toEqual([payment(), accounts]);
  });

  it('a request without authorization_details has none in its tokens', async () => {
    const { authReqId, request } = await seedPendingRequest(db, { tenant: acme, client: rarClientRow, user: alice });
    await completeBackchannelRequest(testStore(), { requestId: request.id, decision: 'approve', actor: { kind: 'test_hook' } });
    const token = await poll(authReqId);
    expect(token.status).toBe(200);
    expect(token.json).not.toHaveProperty('authorization_details');
    expect(decodeJwt(token.json.access_token as string)).not.toHaveProperty('authorization_details');
  });

  it('the email carries a short summary of the items', async () => {
    const items = await loadApprovalItems(testStore(), acme.id, JSON.stringify([payment(), accounts]));
    const summary = summarizeApprovalItems(items);
    expect(summary).toBe('2 items: Payment of EUR 250.00 to …8603; Account information');
    const email = buildApprovalEmail({
      tenant: { name: 'Acme Bank' },
      client: { name: 'Banking app' },
      user: { email: 'alice@example.com', name: null },
      request: { bindingMessage: null, scope: 'openid', expiresAt: new Date() },
      url: `${APP_URL}/t/acme/approve/x`,
      authorizationSummary: summary,
    });
    expect(email.text).toContain(`It asks you to authorize: ${summary}`);
    expect(email.html).toContain('Payment of EUR 250.00 to …8603');
    expect(email.text).not.toContain(SECRET_IBAN);
  });
});

describe('authorization types (admin)', () => {
  it.each([
    ['a schema that is not a JSON Schema', { type: 'a1', schema: { type: 'nonsense' } }, 'schema'],
    ['a schema with an unknown keyword', { type: 'a2', schema: { type: 'object', propertys: {} } }, 'schema'],
    ['a schema that is not an object', { type: 'a3', schema: 'object' }, 'schema'],
    [
      'a bad template',
      { type: 'a4', schema: {}, template: { fields: [{ field: 'a', label: 'A', kind: 'json' }] } },
      'template.fields.0.kind',
    ],
    ['a bad type name', { type: 'has space', schema: {} }, 'type'],
  ])('refuses %s with a field error, writing nothing', async (_name, input, path) => {
    const promise = createAuthorizationType(db, CLI_PRINCIPAL, { tenantSlug: 'acme', input });
    await expectAdminError(promise, 'invalid_input');
    await promise.catch((error: { fields: { path: string }[] }) => expect(error.fields[0].path).toBe(path));
    expect(await db.authorizationType.count({ where: { type: input.type } })).toBe(0);
  });

  it('refuses a second type of the same name in a tenant (conflict), allows it in another tenant', async () => {
    await expectAdminError(
      createAuthorizationType(db, CLI_PRINCIPAL, { tenantSlug: 'acme', input: { type: 'terms', schema: {} } }),
      'conflict',
    );
    const other = await createAuthorizationType(db, CLI_PRINCIPAL, {
      tenantSlug: 'globex',
      input: { type: 'terms', schema: {} },
    });
    expect(other).toMatchObject({ type: 'terms', partial_approval: true, template: null, title: null });
  });

  it('updates and deletes; a deleted type is refused at bc-authorize from the next request on', async () => {
    await createAuthorizationType(db, CLI_PRINCIPAL, { tenantSlug: 'acme', input: { type: 'temporary', schema: {} } });
    await updateClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      clientId: rarClient.clientId,
      metadata: { authorization_details_types: ['payment_initiation', 'account_information', 'terms', 'temporary'] },
    });
    const updated = await updateAuthorizationType(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      type: 'temporary',
      input: { title: 'Temporary', partial_approval: false },
    });
    expect(updated).toMatchObject({ title: 'Temporary', partial_approval: false });
    expect((await authorize(JSON.stringify([{ type: 'temporary' }]))).status).toBe(200);

    expect(await deleteAuthorizationType(db, CLI_PRINCIPAL, { tenantSlug: 'acme', type: 'temporary' })).toEqual({
      deleted: true,
    });
    expect(await deleteAuthorizationType(db, CLI_PRINCIPAL, { tenantSlug: 'acme', type: 'temporary' })).toEqual({
      deleted: false,
    });
    const refused = await authorize(JSON.stringify([{ type: 'temporary' }]));
    expectOAuthError(refused, 400, 'invalid_authorization_details');
    expect(refused.json.error_description).toBe('authorization_details[0].type: unknown authorization details type.');
  });

  it('refuses an unknown type at client update, with a clear message', async () => {
    await expectAdminError(
      updateClient(db, CLI_PRINCIPAL, {
        tenantSlug: 'acme',
        clientId: plainClient.clientId,
        metadata: { authorization_details_types: ['payment_initiation', 'nope'] },
      }),
      'invalid_input',
      /"nope" is not an authorization type of this tenant/,
    );
  });
});
