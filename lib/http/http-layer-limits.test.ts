import type { Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CONNECTION_REFUSAL_RETRY_AFTER_SECONDS, createHttpLayer, type HttpLimits } from '@/lib/http/http-layer';

const servers: Server[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A layer whose fallback reads the whole body, then answers `ok <bytes>`. */
const startLayer = async (limits: HttpLimits): Promise<number> => {
  const server = createHttpLayer({
    limits,
    fallback: async (request, response) => {
      let bytes = 0;
      for await (const chunk of request) bytes += (chunk as Buffer).length;
      response.end(`ok ${bytes}`);
    },
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return (server.address() as AddressInfo).port;
};

type Connection = { socket: Socket; received: () => string; closed: Promise<number> };

/** A raw connection: what it received so far, and when (ms after opening) the server closed it. */
const open = (port: number): Promise<Connection> =>
  new Promise((resolve, reject) => {
    const openedAt = Date.now();
    const socket = connect({ host: '127.0.0.1', port });
    sockets.push(socket);
    let data = '';
    socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
    socket.on('error', () => {});
    const closed = new Promise<number>((done) => socket.once('close', () => done(Date.now() - openedAt)));
    socket.once('connect', () => resolve({ socket, received: () => data, closed }));
    socket.once('error', reject);
  });

/** Writes one byte of `text` every `everyMs` until the socket closes. */
const trickle = (socket: Socket, text: string, everyMs: number): void => {
  let at = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || socket.writableEnded || at >= text.length) return clearInterval(timer);
    socket.write(text[at++]);
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
};

const SHORT: HttpLimits = { headersTimeoutMs: 400, requestTimeoutMs: 800, maxConnectionsPerAddress: 0 };

describe('HTTP layer timeouts', () => {
  it('cuts a connection whose headers are not complete within headersTimeoutMs (408, then close)', async () => {
    const { socket, received, closed } = await open(await startLayer(SHORT));
    socket.write('GET /slow-headers HTTP/1.1\r\nHost: localhost\r\n');
    trickle(socket, 'X-Slow: ' + 'a'.repeat(100), 50);

    const closedAfter = await closed;
    expect(closedAfter).toBeGreaterThanOrEqual(SHORT.headersTimeoutMs);
    expect(closedAfter).toBeLessThan(SHORT.headersTimeoutMs + 600);
    expect(received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it('cuts a request whose body is not complete within requestTimeoutMs (408, then close)', async () => {
    const { socket, received, closed } = await open(await startLayer(SHORT));
    socket.write('POST /slow-body HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n');
    trickle(socket, 'b'.repeat(100), 50);

    const closedAfter = await closed;
    expect(closedAfter).toBeGreaterThanOrEqual(SHORT.requestTimeoutMs);
    expect(closedAfter).toBeLessThan(SHORT.requestTimeoutMs + 600);
    expect(received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it('serves a request that completes in time over the same settings', async () => {
    const { socket, received, closed } = await open(await startLayer(SHORT));
    socket.end('POST /quick HTTP/1.1\r\nHost: localhost\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc');
    await closed;

    expect(received()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\nok 3$/);
  });
});

describe('HTTP layer connection cap per address', () => {
  it('refuses the connection over the cap with 503 and Retry-After, then closes it; one freed is usable again', async () => {
    const port = await startLayer({ headersTimeoutMs: 10_000, requestTimeoutMs: 10_000, maxConnectionsPerAddress: 2 });
    const first = await open(port);
    await open(port);

    const extra = await open(port);
    await extra.closed;
    expect(extra.received()).toBe(
      'HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 53\r\n' +
        `Retry-After: ${CONNECTION_REFUSAL_RETRY_AFTER_SECONDS}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n` +
        'Too many connections from your address; retry later.\n',
    );

    first.socket.destroy();
    await first.closed;
    // The server counts the close once its side of the socket is gone too.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const again = await open(port);
    again.socket.end('GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    await again.closed;
    expect(again.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*ok 0$/);
  });

  it('never serves a request sent on a refused connection', async () => {
    const port = await startLayer({ headersTimeoutMs: 10_000, requestTimeoutMs: 10_000, maxConnectionsPerAddress: 1 });
    await open(port);
    const extra = await open(port);
    extra.socket.write('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await extra.closed;

    expect(extra.received()).toMatch(/^HTTP\/1\.1 503 Service Unavailable\r\n/);
    expect(extra.received()).not.toContain('ok 0');
  });
});
