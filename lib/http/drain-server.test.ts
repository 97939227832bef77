// Graceful closing of the lean HTTP layer's server: in-flight requests finish (told Connection:
// close), idle keep-alive connections close at once, new connections are refused, and at the
// deadline whatever is still busy is cut.
import { createServer, request, Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createServerDrainer } from '@/lib/http/drain-server';

type Reply = { status: number; connection: string | undefined; body: string };

const get = (port: number, path: string, agent: Agent) =>
  new Promise<Reply>((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, path, agent }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, connection: response.headers.connection, body }));
    });
    outgoing.on('error', reject);
    outgoing.end();
  });

const refused = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });

/** A server whose `/slow?ms=N` answers after N ms and `/hang` never. */
const startServer = async () => {
  const server = createServer((incoming: IncomingMessage, response: ServerResponse) => {
    const url = new URL(incoming.url ?? '/', 'http://x');
    if (url.pathname === '/hang') return;
    setTimeout(() => response.end(`done ${url.pathname}`), Number(url.searchParams.get('ms') ?? 0));
  });
  const drainer = createServerDrainer(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return { server, drainer, port: (server.address() as AddressInfo).port };
};

describe('createServerDrainer', () => {
  it('finishes the request in flight with Connection: close, closes idle keep-alive connections, refuses new ones', async () => {
    const { server, drainer, port } = await startServer();
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    // A keep-alive connection left idle, and a request in flight.
    expect((await get(port, '/quick', agent)).connection).toBe('keep-alive');
    const idleSockets = Object.values(agent.freeSockets).flat();
    expect(idleSockets).toHaveLength(1);
    const idleClosed = new Promise<void>((resolve) => idleSockets[0]?.once('close', () => resolve()));
    const inFlight = get(port, '/slow?ms=300', new Agent({ keepAlive: true }));
    await new Promise((resolve) => setTimeout(resolve, 50));

    const started = Date.now();
    const drained = drainer.drain(Date.now() + 5_000);
    await idleClosed;
    expect(await refused(port)).toBe(true);
    expect(await inFlight).toEqual({ status: 200, connection: 'close', body: 'done /slow' });
    expect(await drained).toEqual({ cut: 0 });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.listening).toBe(false);
    agent.destroy();
  });

  it('a request arriving on a kept-alive connection while draining is served, with Connection: close', async () => {
    const { drainer, port } = await startServer();
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const first = get(port, '/slow?ms=200', agent);
    // Queued behind the first on the same connection (one socket), so it arrives during the drain.
    const second = get(port, '/slow?ms=0', agent);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const drained = drainer.drain(Date.now() + 5_000);
    expect(await first).toMatchObject({ status: 200, connection: 'close' });
    // The agent sends the second on a new connection (the first said close), which is refused:
    // what a load balancer retries on another instance.
    await expect(second).rejects.toThrow(/ECONNREFUSED/);
    expect(await drained).toEqual({ cut: 0 });
    agent.destroy();
  });

  it('cuts what is still busy at the deadline and says how many connections it cut', async () => {
    const { drainer, port } = await startServer();
    const hung = get(port, '/hang', new Agent({ keepAlive: false })).catch((error: Error) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    expect(await drainer.drain(Date.now() + 300)).toEqual({ cut: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(await hung).toBeInstanceOf(Error);
  });
});
