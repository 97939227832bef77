import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as nextRoute from '@/app/api/v1/[[...path]]/route';
import { createApiKey } from '@/lib/admin/create-api-key';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { useTestDatabase } from '@/lib/testing/test-database';

const APP_URL = 'http://localhost:3999';
let cleanup: () => Promise<void>;
let key: string;

beforeAll(async () => {
  let db;
  ({ db, cleanup } = await useTestDatabase({ appUrl: APP_URL }));
  key = (await createApiKey(db, CLI_PRINCIPAL, { name: 'Next adapter' })).key;
});

afterAll(async () => {
  await cleanup();
});

const request = (method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}) =>
  new Request(`${APP_URL}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });

describe('the Next.js route adapter (app/api/v1/[[...path]]/route.ts)', () => {
  it('is dynamic, on the Node runtime, and exports every method the API uses', () => {
    expect(nextRoute.dynamic).toBe('force-dynamic');
    expect(nextRoute.runtime).toBe('nodejs');
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const) expect(typeof nextRoute[method]).toBe('function');
  });

  it('serves the API from web Requests: create (201), read, delete (204, no body), with the request id echoed', async () => {
    const created = await nextRoute.POST(request('POST', '/tenants', { body: { slug: 'acme', name: 'Acme' } }));
    expect(created.status).toBe(201);
    expect(created.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await created.json()).toMatchObject({ slug: 'acme', issuer: `${APP_URL}/t/acme` });

    const read = await nextRoute.GET(request('GET', '/tenants/acme?x=1', { headers: { 'x-request-id': 'trace-42' } }));
    expect(read.status).toBe(200);
    expect(read.headers.get('x-request-id')).toBe('trace-42');

    const deleted = await nextRoute.DELETE(request('DELETE', '/tenants/acme'));
    expect(deleted.status).toBe(204);
    expect(await deleted.text()).toBe('');
  });

  it('answers errors in the API’s shapes: 401 without a key, 404 for an unknown path, 405 for PUT', async () => {
    const anonymous = await nextRoute.GET(new Request(`${APP_URL}/api/v1/tenants`));
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual({ error: 'unauthorized' });
    expect((await nextRoute.GET(request('GET', '/nothing'))).status).toBe(404);
    const put = await nextRoute.PUT(request('PUT', '/tenants', { body: {} }));
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
  });
});
