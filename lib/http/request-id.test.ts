import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as nextRouteGet } from '@/app/t/[tenant]/[...endpoint]/route';
import { createHttpLayer } from '@/lib/http/http-layer';
import { resolveRequestId } from '@/lib/http/request-id';
import { useTestDatabase } from '@/lib/testing/test-database';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const PATH = '/t/acme/.well-known/openid-configuration';

describe('resolveRequestId', () => {
  it.each(['abc', 'req-1.2_3', 'A'.repeat(64), '7f1c6a52-5d0e-4a8b-9d43-1f2e3d4c5b6a'])('keeps the well-formed %s', (id) => {
    expect(resolveRequestId(id)).toBe(id);
  });

  it.each([undefined, null, '', 'A'.repeat(65), 'has space', 'semi;colon', 'a,b', 'ünïcode', 'line\nbreak'])(
    'replaces %j with a random UUID',
    (incoming) => {
      const id = resolveRequestId(incoming);
      expect(id).toMatch(UUID);
      expect(resolveRequestId(incoming)).not.toBe(id);
    },
  );
});

let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ cleanup } = await useTestDatabase());
});

afterAll(async () => cleanup());

/** The X-Request-Id the lean HTTP layer answers a GET with. */
const idFromHttpLayer = async (incoming?: string): Promise<string | undefined> => {
  const server = createHttpLayer({ fallback: async (_request, response) => void response.end('next') });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise((resolve, reject) => {
      const headers = incoming === undefined ? {} : { 'x-request-id': incoming };
      const outgoing = httpRequest({ host: '127.0.0.1', port, path: PATH, headers }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.headers['x-request-id'] as string | undefined));
      });
      outgoing.on('error', reject);
      outgoing.end();
    });
  } finally {
    server.close();
  }
};

/** The X-Request-Id the Next.js route adapter answers a GET with. */
const idFromNextRoute = async (incoming?: string): Promise<string | null> => {
  const headers = incoming === undefined ? undefined : { 'x-request-id': incoming };
  const response = await nextRouteGet(new Request(`http://localhost:3999${PATH}`, { headers }));

  return response.headers.get('x-request-id');
};

describe.each([
  ['the lean HTTP layer', idFromHttpLayer],
  ['the Next.js route adapter', idFromNextRoute],
])('X-Request-Id through %s', (_layer, idFrom) => {
  it('echoes a well-formed incoming id', async () => {
    expect(await idFrom('proxy-id.42')).toBe('proxy-id.42');
  });

  it('replaces a malformed one, and makes one when there is none', async () => {
    expect(await idFrom('not well formed!')).toMatch(UUID);
    expect(await idFrom()).toMatch(UUID);
  });
});
