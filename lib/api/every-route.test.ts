/**
 * Rules every Management API route must keep, checked on the route table
 * itself, so a route added later is covered without a new test: 401 without
 * a valid key, 403 across tenants, 404 for an unknown tenant. A new route
 * whose domain function validates its body before checking access needs a
 * valid sample body in SAMPLE_BODIES (by operationId).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { MANAGEMENT_API_ROUTES } from '@/lib/api/handle-api-request';
import type { ApiRoute } from '@/lib/api/route';
import { ZErrorSchemas } from '@/lib/api/schemas';
import { createTestApiKeys, startTestApiServer, type ApiCaller } from '@/lib/api/test-api-server';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { useTestDatabase } from '@/lib/testing/test-database';

/** A body each route would accept, so that what is tested is access, not validation. */
const SAMPLE_BODIES: Record<string, unknown> = {
  createTenant: { slug: 'sample-tenant', name: 'Sample' },
  createAuthorizationType: { type: 'sample_type', schema: { type: 'object' } },
  updateTenant: { name: 'Renamed' },
  createClient: { client_name: 'Sample' },
  updateClient: { client_name: 'Renamed' },
  createApiKey: { name: 'Sample' },
};

/** Routes that answer 2xx for a missing resource (idempotent DELETE). */
const IDEMPOTENT = new Set(['deleteTenant', 'deleteClient', 'revokeApiKey']);

/** Owner-only routes: all-tenant keys only, whatever the tenant. */
const OWNER_ONLY = new Set(['createTenant', 'deleteTenant']);

let db: Db;
let cleanup: () => Promise<void>;
let call: ApiCaller;
let close: () => Promise<void>;
let keys: Awaited<ReturnType<typeof createTestApiKeys<'acme' | 'globex'>>>;
let params: { acme: Record<string, string>; globex: Record<string, string> };

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' });
  await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
  keys = await createTestApiKeys(db, ['acme', 'globex']);
  const clientOf = async (tenantSlug: string) =>
    (await createClient(db, CLI_PRINCIPAL, { tenantSlug, metadata: { client_name: 'Desk' } })).client_id;
  params = {
    acme: { slug: 'acme', client_id: await clientOf('acme'), id: 'some-id' },
    globex: { slug: 'globex', client_id: await clientOf('globex'), id: 'some-id' },
  };
  ({ call, close } = await startTestApiServer());
});

afterAll(async () => {
  await close();
  await cleanup();
});

const pathFor = (route: ApiRoute, values: Record<string, string>) =>
  route.path.replace(/\{([a-z_]+)\}/g, (_match, name: string) => encodeURIComponent(values[name] ?? 'x'));

const send = (route: ApiRoute, values: Record<string, string>, key?: string) =>
  call(route.method, pathFor(route, values), { key, body: route.body ? (SAMPLE_BODIES[route.operationId] ?? {}) : undefined });

const authenticated = MANAGEMENT_API_ROUTES.filter((route) => !route.public);
const tenantScoped = authenticated.filter((route) => route.path.startsWith('/tenants/{slug}'));
const label = (route: ApiRoute) => `${route.method} ${route.path}`;

describe.each(authenticated.map((route) => [label(route), route] as const))('%s', (_label, route) => {
  it.each([
    ['no key', undefined],
    ['a malformed key', 'not a key'],
    ['an unknown key', `bck_${'A'.repeat(43)}`],
    ['a revoked key', 'revoked'],
  ])('answers 401 unauthorized with WWW-Authenticate: Bearer for %s', async (_case, key) => {
    const reply = await send(route, params.acme, key === 'revoked' ? keys.revoked : key);
    expect({ status: reply.status, json: reply.json }).toEqual({ status: 401, json: { error: 'unauthorized' } });
    expect(reply.headers.get('www-authenticate')).toBe('Bearer');
  });
});

describe.each(tenantScoped.map((route) => [label(route), route] as const))('%s', (_label, route) => {
  it('answers 403 forbidden to a key of another tenant', async () => {
    const reply = await send(route, params.globex, keys.byTenant.acme);
    expect({ status: reply.status, json: reply.json }).toEqual({ status: 403, json: { error: 'forbidden' } });
  });

  if (!IDEMPOTENT.has(route.operationId)) {
    it('answers 404 not_found for an unknown tenant', async () => {
      const reply = await send(route, { ...params.acme, slug: 'no-such-tenant' }, keys.all);
      expect({ status: reply.status, json: reply.json }).toEqual({ status: 404, json: { error: 'not_found' } });
    });
  }
});

describe('owner-only routes', () => {
  it.each(authenticated.filter((route) => OWNER_ONLY.has(route.operationId)).map((route) => [label(route), route] as const))(
    '%s answers 403 to a key of the very tenant',
    async (_label, route) => {
      const reply = await send(route, params.acme, keys.byTenant.acme);
      expect({ status: reply.status, json: reply.json }).toEqual({ status: 403, json: { error: 'forbidden' } });
      expect(ZErrorSchemas.forbidden.strict().parse(reply.json)).toEqual(reply.json);
    },
  );
});
