import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@/lib/admin/create-tenant';
import { ZAuthorizationTypeViewSchema } from '@/lib/api/schemas';
import { createTestApiKeys, startTestApiServer, type ApiCaller } from '@/lib/api/test-api-server';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;
let call: ApiCaller;
let close: () => Promise<void>;
let keys: Awaited<ReturnType<typeof createTestApiKeys<'acme' | 'globex'>>>;

const SCHEMA = { type: 'object', required: ['type'], properties: { type: { const: 'payment_initiation' } } };
const TEMPLATE = { fields: [{ field: 'instructedAmount', label: 'Amount', kind: 'money' }] };

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' });
  await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
  keys = await createTestApiKeys(db, ['acme', 'globex']);
  ({ call, close } = await startTestApiServer());
});

afterAll(async () => {
  await close();
  await cleanup();
});

describe('/tenants/{slug}/authorization-types', () => {
  it('creates (201 with Location), gets, lists, changes and deletes a type', async () => {
    const created = await call('POST', '/tenants/acme/authorization-types', {
      key: keys.byTenant.acme,
      body: { type: 'payment_initiation', title: 'Payment', schema: SCHEMA, template: TEMPLATE },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/api/v1/tenants/acme/authorization-types/payment_initiation');
    expect(ZAuthorizationTypeViewSchema.strict().parse(created.json)).toEqual(created.json);
    expect(created.json).toMatchObject({
      type: 'payment_initiation',
      title: 'Payment',
      schema: SCHEMA,
      template: TEMPLATE,
      partial_approval: true,
    });

    expect((await call('GET', '/tenants/acme/authorization-types/payment_initiation', { key: keys.byTenant.acme })).json).toEqual(
      created.json,
    );
    const list = await call('GET', '/tenants/acme/authorization-types', { key: keys.byTenant.acme });
    expect(list.json).toEqual({ data: [created.json], next_cursor: null });

    const changed = await call('PATCH', '/tenants/acme/authorization-types/payment_initiation', {
      key: keys.byTenant.acme,
      body: { partial_approval: false, template: null },
    });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ partial_approval: false, template: null, title: 'Payment' });

    expect(
      (await call('DELETE', '/tenants/acme/authorization-types/payment_initiation', { key: keys.byTenant.acme })).status,
    ).toBe(204);
    expect((await call('GET', '/tenants/acme/authorization-types/payment_initiation', { key: keys.byTenant.acme })).status).toBe(
      404,
    );
  });

  it.each([
    ['no schema', { type: 'a' }, ['schema']],
    ['an invalid schema', { type: 'a', schema: { type: 'nonsense' } }, ['schema']],
    [
      'an invalid template',
      { type: 'a', schema: {}, template: { fields: [{ field: 'x', label: 'X', kind: 'json' }] } },
      ['template.fields.0.kind'],
    ],
    ['an unknown member', { type: 'a', schema: {}, colour: 'red' }, ['colour']],
  ])('400 validation_failed for %s, naming the field', async (_name, body, paths) => {
    const reply = await call('POST', '/tenants/acme/authorization-types', { key: keys.byTenant.acme, body });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toBe('validation_failed');
    expect((reply.json.fields as { path: string }[]).map((field) => field.path)).toEqual(paths);
  });

  it('409 conflict for a name the tenant has; a type of another tenant is not found (tenant isolation)', async () => {
    const body = { type: 'accounts', schema: {} };
    expect((await call('POST', '/tenants/acme/authorization-types', { key: keys.byTenant.acme, body })).status).toBe(201);
    expect((await call('POST', '/tenants/acme/authorization-types', { key: keys.byTenant.acme, body })).status).toBe(409);
    expect((await call('GET', '/tenants/globex/authorization-types/accounts', { key: keys.byTenant.globex })).status).toBe(404);
    expect((await call('GET', '/tenants/acme/authorization-types', { key: keys.byTenant.globex })).status).toBe(403);
    const unknownForClient = await call('POST', '/tenants/globex/clients', {
      key: keys.byTenant.globex,
      body: { client_name: 'G', authorization_details_types: ['accounts'] },
    });
    expect(unknownForClient.status).toBe(400);
    expect(unknownForClient.json.fields).toEqual([
      {
        path: 'authorization_details_types',
        message: '"accounts" is not an authorization type of this tenant (create it first with authorization-type create)',
      },
    ]);
  });
});
