// Patches node:http's Server prototype: runs in a process of its own (vitest.config.ts, ISOLATED_FILES).
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refuseUnparseableMethods, SCREENS_OWN_METHODS } from '@/lib/http/refuse-unparseable-methods';

const ALLOW = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';

/** Sends `head` raw and resolves with everything the server answered before closing. */
const raw = (port: number, head: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let data = '';
    socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve(data));
    socket.write(head);
  });

const listen = async (server: Server): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return (server.address() as AddressInfo).port;
};

describe('refuseUnparseableMethods', () => {
  const servers: Server[] = [];
  let plain: number;
  let screening: number;

  beforeAll(async () => {
    refuseUnparseableMethods();
    refuseUnparseableMethods();
    const answer = (request: { method?: string }, response: { end: (body: string) => void }) =>
      response.end(`listener saw ${request.method}`);
    servers.push(createServer(answer), Object.assign(createServer(answer), { [SCREENS_OWN_METHODS]: true }));
    [plain, screening] = await Promise.all(servers.map(listen));
  });

  afterAll(() => servers.forEach((server) => server.close()));

  it('answers TRACE with the screen’s 405 before any listener', async () => {
    const reply = await raw(plain, 'TRACE /t/beta/nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');

    expect(reply).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    expect(reply).toContain(`\r\nAllow: ${ALLOW}\r\n`);
    expect(reply).toContain("\r\nContent-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n");
    expect(reply).toMatch(/\r\n\r\n405 Method Not Allowed: The method TRACE is not allowed\.\n$/);
  });

  it('passes allowed methods on, and leaves servers that screen their own methods alone', async () => {
    expect(await raw(plain, 'DELETE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(/listener saw DELETE$/);
    expect(await raw(screening, 'TRACE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toMatch(/listener saw TRACE$/);
  });
});
