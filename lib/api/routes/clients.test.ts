import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { ZClientSecretSchema, ZClientViewSchema, ZCreatedClientSchema } from '@/lib/api/schemas';
import { createTestApiKeys, startTestApiServer, type ApiCaller } from '@/lib/api/test-api-server';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { completeBackchannelRequest } from '@/lib/ciba/complete-backchannel-request';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import type { Db } from '@/lib/db/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { deliverOutbox, TEST_ACTOR, testStore } from '@/lib/testing/outbox';
import { call as callProtocol, expectOAuthError, formRequest, type ClientCredentials } from '@/lib/testing/protocol-client';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;
let call: ApiCaller;
let close: () => Promise<void>;
let keys: Awaited<ReturnType<typeof createTestApiKeys<'acme' | 'globex'>>>;
let globexClientId: string;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' });
  await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
  keys = await createTestApiKeys(db, ['acme', 'globex']);
  globexClientId = (await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'globex', metadata: { client_name: 'Globex desk' } }))
    .client_id;
  ({ call, close } = await startTestApiServer());
});

afterAll(async () => {
  await close();
  await deliverOutbox();
  await cleanup();
});

const fieldPaths = (json: { fields?: { path: string }[] }) => json.fields?.map((field) => field.path);

const createThroughApi = async (tenant: string, body: Record<string, unknown>) => {
  const reply = await call('POST', `/tenants/${tenant}/clients`, { key: keys.byTenant[tenant as 'acme'], body });
  expect(reply.status).toBe(201);

  return reply.json as { client_id: string; client_secret: string } & Record<string, unknown>;
};

describe('POST /tenants/{slug}/clients', () => {
  it('registers a client with metadata names (201), its secret shown once and stored hashed', async () => {
    const reply = await call('POST', '/tenants/acme/clients', {
      key: keys.byTenant.acme,
      body: { client_name: 'Support desk', token_endpoint_auth_method: 'client_secret_post', backchannel_poll_interval: 2 },
    });
    expect(reply.status).toBe(201);
    expect(ZCreatedClientSchema.strict().parse(reply.json)).toEqual(reply.json);
    expect(reply.json).toMatchObject({
      client_name: 'Support desk',
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: [CIBA_GRANT_TYPE],
      backchannel_token_delivery_mode: 'poll',
      backchannel_poll_interval: 2,
    });
    expect(reply.headers.get('location')).toBe(`/api/v1/tenants/acme/clients/${reply.json.client_id}`);
    const row = await db.client.findUniqueOrThrow({ where: { clientId: reply.json.client_id } });
    expect(row.secretHash).toBe(sha256Base64Url(reply.json.client_secret));
    const fetched = await call('GET', `/tenants/acme/clients/${reply.json.client_id}`, { key: keys.byTenant.acme });
    expect(fetched.text).not.toContain(reply.json.client_secret);
  });

  it.each<[unknown, string[]]>([
    [{}, ['client_name']],
    [{ client_name: 'X', backchannel_poll_interval: 0 }, ['backchannel_poll_interval']],
    [{ client_name: 'X', backchannel_long_poll_timeout: 30 }, ['backchannel_long_poll_timeout']],
    [{ client_name: 'X', backchannel_token_delivery_mode: 'fax' }, ['backchannel_token_delivery_mode']],
    [{ client_name: 'X', backchannel_token_delivery_mode: 'push' }, ['backchannel_client_notification_endpoint']],
    [
      {
        client_name: 'X',
        backchannel_token_delivery_mode: 'ping',
        backchannel_client_notification_endpoint: 'https://10.0.0.1/cb',
      },
      ['backchannel_client_notification_endpoint'],
    ],
    [{ client_name: 'X', grant_types: ['urn:openid:params:grant-type:ciba', 'password'] }, ['grant_types.1']],
    [{ client_name: 'X', client_secret: 'chosen' }, ['client_secret']],
  ])('refuses %j with 400 validation_failed on %j', async (body, paths) => {
    const before = await db.client.count();
    const reply = await call('POST', '/tenants/acme/clients', { key: keys.byTenant.acme, body });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toBe('validation_failed');
    expect(fieldPaths(reply.json)).toEqual(paths);
    expect(await db.client.count()).toBe(before);
  });

  it('answers 403 for another tenant and 404 for an unknown one', async () => {
    expect((await call('POST', '/tenants/globex/clients', { key: keys.byTenant.acme, body: { client_name: 'X' } })).json).toEqual(
      {
        error: 'forbidden',
      },
    );
    expect((await call('POST', '/tenants/no-such-tenant/clients', { key: keys.all, body: { client_name: 'X' } })).status).toBe(
      404,
    );
  });
});

describe('GET /tenants/{slug}/clients', () => {
  it('pages through 7 clients 3 at a time: 3 pages, each once, never a secret, next_cursor null at the end', async () => {
    await createTenant(db, CLI_PRINCIPAL, { slug: 'paged', name: 'Paged' });
    const created = [];
    for (let n = 0; n < 7; n += 1) {
      created.push(await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'paged', metadata: { client_name: `Client ${n}` } }));
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const reply = await call('GET', `/tenants/paged/clients?limit=3${query}`, { key: keys.all });
      expect(reply.status).toBe(200);
      for (const client of reply.json.data) expect(ZClientViewSchema.strict().parse(client)).toEqual(client);
      expect(reply.text).not.toContain('"client_secret"');
      seen.push(...reply.json.data.map((client: { client_id: string }) => client.client_id));
      cursor = reply.json.next_cursor;
      pages += 1;
    } while (cursor !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(new Set(created.map((client) => client.client_id)));
  });

  it('answers 403 for another tenant, 400 for a bad limit', async () => {
    expect((await call('GET', '/tenants/globex/clients', { key: keys.byTenant.acme })).status).toBe(403);
    const reply = await call('GET', '/tenants/acme/clients?limit=500', { key: keys.byTenant.acme });
    expect(reply.status).toBe(400);
    expect(fieldPaths(reply.json)).toEqual(['limit']);
  });
});

describe('GET, PATCH, DELETE /tenants/{slug}/clients/{client_id}', () => {
  it('gets a client; 404 for an unknown one and for another tenant’s client; 403 across tenants', async () => {
    const client = await createThroughApi('acme', { client_name: 'Kiosk' });
    const reply = await call('GET', `/tenants/acme/clients/${client.client_id}`, { key: keys.byTenant.acme });
    expect(reply.status).toBe(200);
    expect(ZClientViewSchema.strict().parse(reply.json)).toMatchObject({ client_id: client.client_id, client_name: 'Kiosk' });
    expect((await call('GET', '/tenants/acme/clients/no-such-client', { key: keys.byTenant.acme })).json).toEqual({
      error: 'not_found',
    });
    expect((await call('GET', `/tenants/acme/clients/${globexClientId}`, { key: keys.all })).status).toBe(404);
    expect((await call('GET', `/tenants/globex/clients/${globexClientId}`, { key: keys.byTenant.acme })).status).toBe(403);
  });

  it('changes the settings given; refuses a bad one with its field path and changes nothing', async () => {
    const client = await createThroughApi('acme', { client_name: 'Desk' });
    const path = `/tenants/acme/clients/${client.client_id}`;
    const changed = await call('PATCH', path, { key: keys.byTenant.acme, body: { binding_message_policy: 'required' } });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ client_name: 'Desk', binding_message_policy: 'required' });

    const refused = await call('PATCH', path, { key: keys.byTenant.acme, body: { backchannel_poll_interval: 0 } });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toBe('validation_failed');
    expect(refused.json.fields[0].path).toBe('backchannel_poll_interval');
    expect(refused.json.fields[0].message).toMatch(/from 1 to 300/);
    const order = await call('PATCH', path, {
      key: keys.byTenant.acme,
      body: { min_requested_expiry: 600, max_requested_expiry: 60 },
    });
    expect(fieldPaths(order.json)).toEqual(['max_requested_expiry']);
    expect((await db.client.findUniqueOrThrow({ where: { clientId: client.client_id } })).pollInterval).toBe(5);
    const longPoll = await call('PATCH', path, { key: keys.byTenant.acme, body: { backchannel_long_poll_timeout: 20 } });
    expect(longPoll.status).toBe(200);
    expect(longPoll.json.backchannel_long_poll_timeout).toBe(20);
    expect((await db.client.findUniqueOrThrow({ where: { clientId: client.client_id } })).longPollTimeout).toBe(20);

    expect((await call('PATCH', `/tenants/globex/clients/${globexClientId}`, { key: keys.byTenant.acme, body: {} })).status).toBe(
      403,
    );
    expect((await call('PATCH', '/tenants/acme/clients/no-such-client', { key: keys.byTenant.acme, body: {} })).status).toBe(404);
  });

  it('deletes (204), idempotently; 403 across tenants, leaving the client', async () => {
    const client = await createThroughApi('acme', { client_name: 'Temporary' });
    const path = `/tenants/acme/clients/${client.client_id}`;
    expect((await call('DELETE', path, { key: keys.byTenant.acme })).status).toBe(204);
    expect((await call('GET', path, { key: keys.byTenant.acme })).status).toBe(404);
    expect((await call('DELETE', path, { key: keys.byTenant.acme })).status).toBe(204);
    expect((await call('DELETE', `/tenants/globex/clients/${globexClientId}`, { key: keys.byTenant.acme })).status).toBe(403);
    expect(await db.client.findUnique({ where: { clientId: globexClientId } })).not.toBeNull();
  });
});

describe('a client configured through the API', () => {
  const start = (credentials: ClientCredentials) =>
    callProtocol(
      formRequest('/t/acme/bc-authorize', { scope: 'openid email', login_hint: 'carol@example.com' }, { auth: credentials }),
    );
  const poll = (credentials: ClientCredentials, authReqId: string) =>
    callProtocol(
      formRequest('/t/acme/oauth/token', { grant_type: CIBA_GRANT_TYPE, auth_req_id: authReqId }, { auth: credentials }),
    );

  it('completes a CIBA poll flow; after rotate-secret the old secret is invalid_client (401) and the new one works', async () => {
    await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'carol@example.com' });
    const client = await createThroughApi('acme', { client_name: 'Relying party', backchannel_poll_interval: 1 });
    const credentials = { clientId: client.client_id, clientSecret: client.client_secret };

    const started = await start(credentials);
    expect(started.status).toBe(200);
    expect(started.json).toMatchObject({ interval: 1 });
    const authReqId = started.json.auth_req_id as string;
    const request = await db.backchannelRequest.findUniqueOrThrow({ where: { authReqIdHash: sha256Base64Url(authReqId) } });
    expectOAuthError(await poll(credentials, authReqId), 400, 'authorization_pending');
    await completeBackchannelRequest(testStore(), { actor: TEST_ACTOR, requestId: request.id, decision: 'approve' });
    const tokens = await poll(credentials, authReqId);
    expect(tokens.status).toBe(200);
    expect(tokens.json).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String), id_token: expect.any(String) });

    const rotated = await call('POST', `/tenants/acme/clients/${client.client_id}/rotate-secret`, { key: keys.byTenant.acme });
    expect(rotated.status).toBe(200);
    expect(ZClientSecretSchema.strict().parse(rotated.json)).toEqual({
      client_id: client.client_id,
      client_secret: expect.any(String),
    });
    expect(rotated.json.client_secret).not.toBe(client.client_secret);

    expectOAuthError(await start(credentials), 401, 'invalid_client');
    const next = await start({ clientId: client.client_id, clientSecret: rotated.json.client_secret });
    expect(next.status).toBe(200);
  });

  it('rotate-secret: 404 for an unknown client, 403 across tenants', async () => {
    expect((await call('POST', '/tenants/acme/clients/no-such-client/rotate-secret', { key: keys.byTenant.acme })).status).toBe(
      404,
    );
    const before = (await db.client.findUniqueOrThrow({ where: { clientId: globexClientId } })).secretHash;
    expect(
      (await call('POST', `/tenants/globex/clients/${globexClientId}/rotate-secret`, { key: keys.byTenant.acme })).status,
    ).toBe(403);
    expect((await db.client.findUniqueOrThrow({ where: { clientId: globexClientId } })).secretHash).toBe(before);
  });
});
