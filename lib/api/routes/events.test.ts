import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { ZEventSchema } from '@/lib/api/routes/events';
import { createTestApiKeys, startTestApiServer, type ApiCaller } from '@/lib/api/test-api-server';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { call as callProtocol, credentialsOf, formRequest } from '@/lib/testing/protocol-client';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;
let call: ApiCaller;
let close: () => Promise<void>;
let keys: Awaited<ReturnType<typeof createTestApiKeys<'acme' | 'globex'>>>;
let clientId: string;
let userId: string;
let requestId: string;
let desk: ReturnType<typeof credentialsOf>;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' });
  await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
  keys = await createTestApiKeys(db, ['acme', 'globex']);
  desk = credentialsOf(await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Desk' } }));
  clientId = desk.clientId;
  userId = (await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com' })).id;
  const started = await callProtocol(
    formRequest('/t/acme/bc-authorize', { scope: 'openid', login_hint: 'alice@example.com' }, { auth: desk }),
  );
  const authReqId = started.json.auth_req_id as string;
  requestId = (await db.backchannelRequest.findUniqueOrThrow({ where: { authReqIdHash: sha256Base64Url(authReqId) } })).id;
  ({ call, close } = await startTestApiServer());
  expect((await call('POST', `/tenants/acme/requests/${requestId}/cancel`, { key: keys.byTenant.acme })).status).toBe(204);
});

afterAll(async () => {
  await close();
  await cleanup();
});

const fieldPaths = (json: { fields?: { path: string }[] }) => json.fields?.map((field) => field.path);
const typesOf = (json: { data: { type: string }[] }) => json.data.map((event) => event.type);

describe('GET /tenants/{slug}/events', () => {
  it('lists the tenant’s events newest first as the contract’s items (admin events with their actor)', async () => {
    const reply = await call('GET', '/tenants/acme/events', { key: keys.byTenant.acme });
    expect(reply.status).toBe(200);
    for (const event of reply.json.data) expect(ZEventSchema.strict().parse(event)).toEqual(event);
    expect(typesOf(reply.json)).toEqual([
      'ciba_cancelled',
      'ciba_start_succeeded',
      'user_created',
      'client_created',
      'api_key_created',
      'tenant_created',
    ]);
    const [cancelled] = reply.json.data;
    // A cancel through an API key is an admin action: it names its actor.
    expect(Object.keys(cancelled).sort()).toEqual([
      'actor',
      'client_id',
      'detail',
      'id',
      'request_id',
      'time',
      'type',
      'user_id',
    ]);
    expect(cancelled.actor).toMatch(/^api_key:/);
    expect(cancelled).toMatchObject({
      request_id: requestId,
      client_id: clientId,
      user_id: userId,
      detail: { by: { kind: 'api_key' } },
    });
    expect(reply.json.data[2]).toMatchObject({ type: 'user_created', actor: 'cli', detail: { target: userId } });
  });

  it('filters by type and by request_id, and pages', async () => {
    expect(typesOf((await call('GET', '/tenants/acme/events?type=ciba_start_succeeded', { key: keys.all })).json)).toEqual([
      'ciba_start_succeeded',
    ]);
    expect(typesOf((await call('GET', `/tenants/acme/events?request_id=${requestId}`, { key: keys.all })).json)).toEqual([
      'ciba_cancelled',
      'ciba_start_succeeded',
    ]);
    const seen: string[] = [];
    let path = '/tenants/acme/events?limit=2';
    for (let pages = 1; pages <= 5; pages += 1) {
      const reply = await call('GET', path, { key: keys.all });
      seen.push(...typesOf(reply.json));
      if (reply.json.next_cursor === null) break;
      path = `/tenants/acme/events?limit=2&cursor=${encodeURIComponent(reply.json.next_cursor)}`;
    }
    expect(seen).toEqual([
      'ciba_cancelled',
      'ciba_start_succeeded',
      'user_created',
      'client_created',
      'api_key_created',
      'tenant_created',
    ]);
  });

  it.each<[string, string[]]>([
    ['type=ciba_polled', ['type']],
    ['limit=0', ['limit']],
    ['cursor=abc', ['cursor']],
    ['actor=cli', ['actor']],
  ])('answers 400 for ?%s on %j', async (query, paths) => {
    const reply = await call('GET', `/tenants/acme/events?${query}`, { key: keys.byTenant.acme });
    expect(reply.status).toBe(400);
    expect(fieldPaths(reply.json)).toEqual(paths);
  });

  it('keeps each tenant to itself', async () => {
    expect(typesOf((await call('GET', '/tenants/globex/events', { key: keys.byTenant.globex })).json)).toEqual([
      'api_key_created',
      'tenant_created',
    ]);
    expect((await call('GET', `/tenants/globex/events?request_id=${requestId}`, { key: keys.all })).json.data).toEqual([]);
    expect((await call('GET', '/tenants/globex/events', { key: keys.byTenant.acme })).status).toBe(403);
  });

  it('lists bc-authorize refusals as ciba_start_failed, filtered by type', async () => {
    const failures = async () => (await call('GET', '/tenants/acme/events?type=ciba_start_failed', { key: keys.all })).json;
    expect((await failures()).data).toEqual([]);
    const refused = await callProtocol(
      formRequest('/t/acme/bc-authorize', { scope: 'openid', login_hint: 'nobody@example.com' }, { auth: desk }),
    );
    expect(refused.json.error).toBe('unknown_user_id');
    const page = await failures();
    expect(page).toEqual({
      data: [
        {
          id: expect.any(String),
          type: 'ciba_start_failed',
          time: expect.any(String),
          request_id: null,
          client_id: clientId,
          user_id: null,
          detail: { error: 'unknown_user_id', error_description: 'The hint does not identify a known user.', reason: null },
        },
      ],
      next_cursor: null,
    });
    expect(ZEventSchema.strict().parse(page.data[0])).toEqual(page.data[0]);
    expect(typesOf((await call('GET', '/tenants/acme/events?limit=1', { key: keys.all })).json)).toEqual(['ciba_start_failed']);
    expect((await call('GET', '/tenants/globex/events?type=ciba_start_failed', { key: keys.all })).json.data).toEqual([]);
  });
});
