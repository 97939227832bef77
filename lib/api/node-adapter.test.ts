import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '@/lib/admin/create-api-key';
import { createTenant } from '@/lib/admin/create-tenant';
import { isApiPath } from '@/lib/api/node-adapter';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { createHttpLayer } from '@/lib/http/http-layer';
import { useTestDatabase } from '@/lib/testing/test-database';

let cleanup: () => Promise<void>;
let key: string;

beforeAll(async () => {
  let db;
  ({ db, cleanup } = await useTestDatabase());
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' });
  key = (await createApiKey(db, CLI_PRINCIPAL, { name: 'Lean layer' })).key;
});

afterAll(async () => {
  await cleanup();
});

describe('the lean HTTP layer', () => {
  it('serves /api/v1 itself (Next.js never sees it) and hands other paths on', async () => {
    const fallbackPaths: string[] = [];
    const server = createHttpLayer({
      fallback: async (request, response) => {
        fallbackPaths.push(request.url ?? '');
        response.end('next');
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const tenant = await fetch(`${base}/api/v1/tenants/acme`, {
        headers: { authorization: `Bearer ${key}`, 'x-request-id': 'lean-1' },
      });
      expect(tenant.status).toBe(200);
      expect(tenant.headers.get('x-request-id')).toBe('lean-1');
      expect(await tenant.json()).toMatchObject({ slug: 'acme' });
      const anonymous = await fetch(`${base}/api/v1/tenants?limit=1`);
      expect(anonymous.status).toBe(401);
      expect(await (await fetch(`${base}/api/v10/tenants`)).text()).toBe('next');
      expect(await (await fetch(`${base}/admin`)).text()).toBe('next');
      expect(fallbackPaths).toEqual(['/api/v10/tenants', '/admin']);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('recognises exactly /api/v1 and below as the API', () => {
    expect(['/api/v1', '/api/v1/', '/api/v1/tenants'].map(isApiPath)).toEqual([true, true, true]);
    expect(['/api/v10', '/api/v', '/api/auth/session', '/t/acme/oauth/token'].map(isApiPath)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});
