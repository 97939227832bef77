import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApiKey } from '@/lib/admin/create-api-key';
import { AdminError } from '@/lib/admin/errors';
import { MAX_API_BODY_BYTES, type ApiRequest, type ApiResponse } from '@/lib/api/api-http';
import { ZPageQuerySchema } from '@/lib/api/pagination';
import { createApiRouter, compileRoutes } from '@/lib/api/router';
import { defineRoute, definePublicRoute, type ApiRoute } from '@/lib/api/route';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { useTestDatabase } from '@/lib/testing/test-database';

let cleanup: () => Promise<void>;
let key: string;

const echo = (name: string, method: ApiRoute['method'], path: string, extra: Partial<Parameters<typeof defineRoute>[0]> = {}) =>
  defineRoute({
    method,
    path,
    operationId: name,
    summary: name,
    tags: ['Test'],
    responses: { 200: { description: 'echo' } },
    handler: async ({ params, query, body, principal }) => ({
      status: 200,
      body: { route: name, params, query, body, principal },
    }),
    ...extra,
  });

const ROUTES: ApiRoute[] = [
  echo('listThings', 'GET', '/things', { query: ZPageQuerySchema }),
  echo('createThing', 'POST', '/things', { body: { schema: z.object({}), description: 'thing' } }),
  echo('getThing', 'GET', '/things/{id}'),
  echo('importThings', 'POST', '/things/import'),
  echo('deleteThing', 'DELETE', '/things/{id}'),
  defineRoute({
    method: 'GET',
    path: '/boom',
    operationId: 'boom',
    summary: 'boom',
    tags: ['Test'],
    responses: {},
    handler: async () => {
      throw new Error('database password is hunter2');
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/refuse/{code}',
    operationId: 'refuse',
    summary: 'refuse',
    tags: ['Test'],
    responses: {},
    handler: async ({ params }) => {
      throw new AdminError(params.code as never, 'Refused: it is taken.', [{ path: 'thing.name', message: 'must be shorter' }]);
    },
  }),
  definePublicRoute({
    method: 'GET',
    path: '/open',
    operationId: 'open',
    summary: 'open',
    tags: ['Test'],
    responses: {},
    handler: async () => ({ status: 204 }),
  }),
];

const route = createApiRouter(ROUTES);

const send = (
  method: string,
  path: string,
  options: { key?: string | null; body?: string | Buffer; contentType?: string; query?: string; requestId?: string } = {},
): Promise<ApiResponse> => {
  const headers: Record<string, string> = {};
  const bearer = options.key === undefined ? key : options.key;
  if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
  if (options.contentType) headers['content-type'] = options.contentType;
  const request: ApiRequest = {
    method,
    path,
    query: new URLSearchParams(options.query ?? ''),
    headers,
    body: Buffer.from(options.body ?? ''),
    receivedAt: new Date(),
    requestId: options.requestId,
  };

  return route(request);
};

const json = (response: ApiResponse) => JSON.parse(response.body) as Record<string, unknown>;

beforeAll(async () => {
  let db;
  ({ db, cleanup } = await useTestDatabase());
  key = (await createApiKey(db, CLI_PRINCIPAL, { name: 'Router test' })).key;
});

afterAll(async () => {
  await cleanup();
});

describe('routing', () => {
  it('matches path parameters (percent-decoded) and answers JSON, never cached, with the request id echoed', async () => {
    const response = await send('GET', '/api/v1/things/a%20b', { requestId: 'req-1' });
    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'no-store',
      'X-Request-Id': 'req-1',
    });
    expect(json(response)).toMatchObject({ route: 'getThing', params: { id: 'a b' } });
  });

  it('prefers a literal segment to a parameter, per method', async () => {
    expect(json(await send('POST', '/api/v1/things/import'))).toMatchObject({ route: 'importThings' });
    expect(json(await send('GET', '/api/v1/things/import'))).toMatchObject({ route: 'getThing', params: { id: 'import' } });
  });

  it('tolerates a trailing slash', async () => {
    expect(json(await send('GET', '/api/v1/things/'))).toMatchObject({ route: 'listThings' });
  });

  it.each([
    '/api/v1/nothing',
    '/api/v1',
    '/api/v2/things',
    '/api/v1/things/a/b',
    '/api/v1/things/%E0%A4%A',
    '/api/v1/things/a%00b',
  ])('answers 404 not_found for %s', async (path) => {
    const response = await send('GET', path);
    expect({ status: response.status, body: json(response) }).toEqual({ status: 404, body: { error: 'not_found' } });
  });

  it('answers 405 with Allow for a method the path does not serve', async () => {
    const response = await send('PUT', '/api/v1/things/x');
    expect(response.status).toBe(405);
    expect(response.headers.Allow).toBe('GET, DELETE');
    expect(json(response)).toEqual({ error: 'method_not_allowed' });
  });

  it('refuses a route table with a route twice, or a malformed path', () => {
    expect(() => compileRoutes([echo('a', 'GET', '/x/{id}'), echo('b', 'GET', '/x/{other}')])).toThrow(/registered twice/);
    expect(() => compileRoutes([echo('a', 'GET', 'x')])).toThrow(/must start with/);
    expect(() => compileRoutes([echo('a', 'GET', '/X Y')])).toThrow(/Malformed/);
  });
});

describe('authentication', () => {
  it.each([
    ['no key', null],
    ['a malformed key', 'not-a-key'],
    ['an unknown key', 'bck_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
  ])('answers 401 unauthorized with WWW-Authenticate: Bearer for %s', async (_label, bearer) => {
    const response = await send('GET', '/api/v1/things', { key: bearer });
    expect(response.status).toBe(401);
    expect(response.headers['WWW-Authenticate']).toBe('Bearer');
    expect(json(response)).toEqual({ error: 'unauthorized' });
  });

  it('serves a public route without a key', async () => {
    expect((await send('GET', '/api/v1/open', { key: null })).status).toBe(204);
  });

  it('hands the handler the key’s principal', async () => {
    expect(json(await send('GET', '/api/v1/things/1')).principal).toMatchObject({
      kind: 'api_key',
      name: 'Router test',
      tenantId: null,
    });
  });
});

describe('input', () => {
  it('validates the query: one field error per bad parameter, a repeated parameter refused', async () => {
    expect(json(await send('GET', '/api/v1/things', { query: 'limit=7&cursor=abc&other=x' })).query).toEqual({
      limit: 7,
      cursor: 'abc',
    });
    const response = await send('GET', '/api/v1/things', { query: 'limit=0' });
    expect(response.status).toBe(400);
    expect(json(response)).toEqual({
      error: 'validation_failed',
      fields: [{ path: 'limit', message: 'must be a whole number from 1 to 200 (got "0")' }],
    });
    expect(json(await send('GET', '/api/v1/things', { query: 'limit=1&limit=2' }))).toEqual({
      error: 'validation_failed',
      fields: [{ path: 'limit', message: 'must be given once' }],
    });
  });

  it('parses a JSON body (any +json type); an empty body is undefined', async () => {
    expect(
      json(await send('POST', '/api/v1/things', { body: '{"a":1}', contentType: 'application/json; charset=utf-8' })).body,
    ).toEqual({
      a: 1,
    });
    expect(json(await send('POST', '/api/v1/things', { body: '[1]', contentType: 'application/merge-patch+json' })).body).toEqual(
      [1],
    );
    expect(json(await send('POST', '/api/v1/things')).body).toBeUndefined();
  });

  it('answers 415 for a body that is not JSON', async () => {
    const response = await send('POST', '/api/v1/things', { body: 'a=1', contentType: 'application/x-www-form-urlencoded' });
    expect(response.status).toBe(415);
    expect(json(response)).toEqual({ error: 'unsupported_media_type', message: 'The request body must be application/json.' });
    expect((await send('POST', '/api/v1/things', { body: '{}' })).status).toBe(415);
  });

  it.each([
    ['malformed JSON', '{"a":', /^must be valid JSON/],
    ['a NUL character', '{"name":"a\\u0000b"}', /^must not contain NUL characters$/],
    ['a NUL character in a key', '{"a\\u0000":1}', /^must not contain NUL characters$/],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), /^must be UTF-8 encoded JSON$/],
  ])('answers 400 validation_failed on the body for %s', async (_label, body, message) => {
    const response = await send('POST', '/api/v1/things', { body, contentType: 'application/json' });
    expect(response.status).toBe(400);
    expect(json(response)).toEqual({
      error: 'validation_failed',
      fields: [{ path: '', message: expect.stringMatching(message) }],
    });
  });

  it('answers 413 for a body over the limit', async () => {
    const body = `{"a":"${'x'.repeat(MAX_API_BODY_BYTES)}"}`;
    const response = await send('POST', '/api/v1/things', { body, contentType: 'application/json' });
    expect({ status: response.status, body: json(response) }).toEqual({ status: 413, body: { error: 'payload_too_large' } });
  });
});

describe('errors', () => {
  it.each([
    ['invalid_input', 400, { error: 'validation_failed', fields: [{ path: 'thing.name', message: 'must be shorter' }] }],
    ['not_found', 404, { error: 'not_found' }],
    ['forbidden', 403, { error: 'forbidden' }],
    ['conflict', 409, { error: 'conflict', message: 'Refused: it is taken.' }],
  ])('maps AdminError %s to %i', async (code, status, body) => {
    const response = await send('GET', `/api/v1/refuse/${code}`);
    expect({ status: response.status, body: json(response) }).toEqual({ status, body });
  });

  it('answers anything unexpected with 500 server_error and nothing else', async () => {
    const response = await send('GET', '/api/v1/boom');
    expect(response.status).toBe(500);
    expect(response.body).toBe('{"error":"server_error"}');
  });
});
