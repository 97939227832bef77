import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { ZEventSchema } from '@/lib/api/routes/events';
import { ZRequestDetailSchema, ZRequestSchema } from '@/lib/api/routes/requests';
import { createTestApiKeys, startTestApiServer, type ApiCaller } from '@/lib/api/test-api-server';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import type { Db } from '@/lib/db/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import {
  call as callProtocol,
  credentialsOf,
  expectOAuthError,
  formRequest,
  type ClientCredentials,
} from '@/lib/testing/protocol-client';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;
let call: ApiCaller;
let close: () => Promise<void>;
let keys: Awaited<ReturnType<typeof createTestApiKeys<'acme' | 'globex'>>>;
let desk: ClientCredentials;
let globexRequestId: string;

/** A request made at bc-authorize, as a relying party makes it. */
const start = async (tenant: 'acme' | 'globex', credentials: ClientCredentials, bindingMessage: string) => {
  const result = await callProtocol(
    formRequest(
      `/t/${tenant}/bc-authorize`,
      { scope: 'openid', login_hint: 'alice@example.com', binding_message: bindingMessage },
      { auth: credentials },
    ),
  );
  expect(result.status).toBe(200);
  const authReqId = result.json.auth_req_id as string;
  const { id } = await db.backchannelRequest.findUniqueOrThrow({ where: { authReqIdHash: sha256Base64Url(authReqId) } });

  return { authReqId, id };
};

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' });
  await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
  keys = await createTestApiKeys(db, ['acme', 'globex']);
  desk = credentialsOf(await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Desk' } }));
  const globexDesk = credentialsOf(
    await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'globex', metadata: { client_name: 'G' } }),
  );
  await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com' });
  await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'globex', email: 'alice@example.com' });
  globexRequestId = (await start('globex', globexDesk, 'G1')).id;
  ({ call, close } = await startTestApiServer());
});

afterAll(async () => {
  await close();
  await cleanup();
});

const fieldPaths = (json: { fields?: { path: string }[] }) => json.fields?.map((field) => field.path);

describe('GET /tenants/{slug}/requests', () => {
  it('lists requests newest first, page by page, filtered by status', async () => {
    const made = [];
    for (const message of ['A1', 'A2', 'A3']) made.push(await start('acme', desk, message));
    const first = await call('GET', '/tenants/acme/requests?limit=2', { key: keys.byTenant.acme });
    expect(first.status).toBe(200);
    for (const request of first.json.data) expect(ZRequestSchema.strict().parse(request)).toEqual(request);
    expect(first.json.data.map((request: { binding_message: string }) => request.binding_message)).toEqual(['A3', 'A2']);
    expect(first.json.data[0]).toMatchObject({
      status: 'pending',
      client_id: desk.clientId,
      user: { email: 'alice@example.com' },
    });
    const rest = await call('GET', `/tenants/acme/requests?limit=2&cursor=${encodeURIComponent(first.json.next_cursor)}`, {
      key: keys.byTenant.acme,
    });
    expect(rest.json).toEqual({ data: [expect.objectContaining({ id: made[0].id })], next_cursor: null });

    expect((await call('POST', `/tenants/acme/requests/${made[1].id}/cancel`, { key: keys.byTenant.acme })).status).toBe(204);
    const cancelled = await call('GET', '/tenants/acme/requests?status=cancelled', { key: keys.byTenant.acme });
    expect(cancelled.json.data.map((request: { id: string }) => request.id)).toEqual([made[1].id]);
    const pending = await call('GET', `/tenants/acme/requests?status=pending&client_id=${desk.clientId}`, {
      key: keys.byTenant.acme,
    });
    expect(pending.json.data.map((request: { id: string }) => request.id)).toEqual([made[2].id, made[0].id]);
  });

  it.each<[string, string[]]>([
    ['status=waiting', ['status']],
    ['limit=abc', ['limit']],
    ['cursor=%00', ['cursor']],
    ['user=x', ['user']],
  ])('answers 400 for ?%s on %j', async (query, paths) => {
    const reply = await call('GET', `/tenants/acme/requests?${query}`, { key: keys.byTenant.acme });
    expect(reply.status).toBe(400);
    expect(fieldPaths(reply.json)).toEqual(paths);
  });

  it('keeps each tenant to itself', async () => {
    const globex = await call('GET', '/tenants/globex/requests', { key: keys.byTenant.globex });
    expect(globex.json.data.map((request: { id: string }) => request.id)).toEqual([globexRequestId]);
    expect((await call('GET', '/tenants/globex/requests', { key: keys.byTenant.acme })).status).toBe(403);
  });
});

describe('GET /tenants/{slug}/requests/{id} and POST …/cancel', () => {
  it('cancels a pending request (204): the client’s next poll gets access_denied; a second cancel is 409', async () => {
    const { authReqId, id } = await start('acme', desk, 'C1');
    const cancelled = await call('POST', `/tenants/acme/requests/${id}/cancel`, { key: keys.byTenant.acme });
    expect(cancelled.status).toBe(204);
    expect(cancelled.text).toBe('');
    expectOAuthError(
      await callProtocol(
        formRequest('/t/acme/oauth/token', { grant_type: CIBA_GRANT_TYPE, auth_req_id: authReqId }, { auth: desk }),
      ),
      400,
      'access_denied',
    );
    const again = await call('POST', `/tenants/acme/requests/${id}/cancel`, { key: keys.byTenant.acme });
    expect(again.status).toBe(409);
    expect(again.json).toEqual({ error: 'conflict', message: expect.stringMatching(/already cancelled/) });

    const detail = await call('GET', `/tenants/acme/requests/${id}`, { key: keys.byTenant.acme });
    expect(detail.status).toBe(200);
    expect(ZRequestDetailSchema.strict().parse(detail.json)).toEqual(detail.json);
    for (const event of detail.json.events) expect(ZEventSchema.strict().parse(event)).toEqual(event);
    expect(detail.json).toMatchObject({ id, status: 'cancelled', binding_message: 'C1' });
    const apiKey = await db.apiKey.findFirstOrThrow({ where: { name: 'acme key' } });
    expect(detail.json.events.map((event: { type: string }) => event.type)).toEqual(['ciba_start_succeeded', 'ciba_cancelled']);
    expect(detail.json.events[1].detail).toEqual({ by: { kind: 'api_key', id: apiKey.id } });
  });

  it('answers 404 for an unknown request or another tenant’s, 403 across tenants, changing nothing', async () => {
    expect((await call('GET', '/tenants/acme/requests/no-such-request', { key: keys.byTenant.acme })).json).toEqual({
      error: 'not_found',
    });
    expect((await call('POST', `/tenants/acme/requests/${globexRequestId}/cancel`, { key: keys.all })).status).toBe(404);
    expect((await call('POST', `/tenants/globex/requests/${globexRequestId}/cancel`, { key: keys.byTenant.acme })).status).toBe(
      403,
    );
    expect((await call('GET', `/tenants/globex/requests/${globexRequestId}`, { key: keys.byTenant.acme })).status).toBe(403);
    expect((await db.backchannelRequest.findUniqueOrThrow({ where: { id: globexRequestId } })).status).toBe('pending');
  });
});
