// Behind a load balancer Next.js gives a request the instance's own address; Auth.js must see
// APP_URL's origin, or its redirects send the browser to the instance's port.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { atAppOrigin, createAuthRouteHandlers } from '@/lib/auth/auth-route-handlers';

const dataDir = mkdtempSync(join(tmpdir(), 'backchannel-auth-origin-'));

beforeAll(() => {
  vi.stubEnv('APP_URL', 'https://login.example.com');
  vi.stubEnv('BACKCHANNEL_DATA_DIR', dataDir);
  (globalThis as { backchannelEnv?: unknown }).backchannelEnv = undefined;
});

afterAll(() => {
  vi.unstubAllEnvs();
  (globalThis as { backchannelEnv?: unknown }).backchannelEnv = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

it('moves a request reached at the instance address to APP_URL’s origin, path, query, method and body kept', async () => {
  const atInstance = new NextRequest('http://localhost:3001/api/auth/callback/resend?token=t&email=a%40b.c', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://login.example.com' },
    body: 'a=1',
  });
  const moved = atAppOrigin(atInstance);
  expect(moved.url).toBe('https://login.example.com/api/auth/callback/resend?token=t&email=a%40b.c');
  expect(moved.method).toBe('POST');
  expect(moved.headers.get('origin')).toBe('https://login.example.com');
  expect(await moved.text()).toBe('a=1');

  const already = new NextRequest('https://login.example.com/api/auth/session');
  expect(atAppOrigin(already)).toBe(already);
});

it('hands Auth.js the request at APP_URL’s origin (GET and POST)', async () => {
  const seen: string[] = [];
  const handler = async (request: NextRequest) => {
    seen.push(request.url);

    return new Response(null, { status: 204 });
  };
  const routes = createAuthRouteHandlers({ GET: handler, POST: handler });
  await routes.GET(new NextRequest('http://127.0.0.1:3002/api/auth/session'));
  await routes.POST(
    new NextRequest('http://127.0.0.1:3002/api/auth/signout', {
      method: 'POST',
      headers: { origin: 'https://login.example.com' },
    }),
  );
  expect(seen).toEqual(['https://login.example.com/api/auth/session', 'https://login.example.com/api/auth/signout']);
});
