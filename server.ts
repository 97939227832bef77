// The production HTTP server (`npm start`). Protocol endpoints — discovery,
// JWKS, bc-authorize, token, userinfo — are answered here directly by the
// framework-independent protocol router; every other path (approval pages,
// the console) goes to Next.js. The app/ route adapters call the same router,
// so `next dev` and `next start` behave identically, only slower.
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import next from 'next';
import { flushBackgroundTasks } from '@/lib/background-tasks';
import { disconnectDb } from '@/lib/db/client';
import { closeProtocolData } from '@/lib/store/get-protocol-store';
import { MAX_FORM_BODY_BYTES, type ProtocolRequest } from '@/lib/http/protocol-http';
import { handleProtocolRequest, isProtocolPath } from '@/lib/http/protocol-router';

export type ServerOptions = {
  port: number;
  hostname: string;
  /** Serve HTTPS and ask for (but not require) client certificates, for mutual TLS. */
  tls?: { certFile: string; keyFile: string; caFile?: string };
};

/**
 * Reads the body. Past the protocol limit it stops keeping chunks, but keeps
 * the one that crosses it: the result is then longer than the limit, and the
 * router refuses it whole — never a silently truncated body.
 */
const readBody = (request: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    request.on('data', (chunk: Buffer) => {
      if (kept > MAX_FORM_BODY_BYTES) return;
      chunks.push(chunk);
      kept += chunk.length;
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });

const toProtocolRequest = async (request: IncomingMessage, path: string, receivedAt: Date): Promise<ProtocolRequest> => {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }

  return { method: request.method ?? 'GET', path, headers, body: await readBody(request), receivedAt };
};

const serveProtocol = async (request: IncomingMessage, response: ServerResponse, path: string): Promise<void> => {
  const receivedAt = new Date();
  const result = await handleProtocolRequest(await toProtocolRequest(request, path, receivedAt));
  response.writeHead(result.status, { ...result.headers, 'Content-Length': Buffer.byteLength(result.body) });
  response.end(result.body);
};

/** Starts the server; resolves once it listens. */
export const startServer = async (options: ServerOptions) => {
  const app = next({ dev: false, dir: process.cwd(), hostname: options.hostname, port: options.port });
  await app.prepare();
  const handleWithNext = app.getRequestHandler();

  const listener = (request: IncomingMessage, response: ServerResponse) => {
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    const handled = isProtocolPath(path) ? serveProtocol(request, response, path) : handleWithNext(request, response);
    handled.catch((error: unknown) => {
      console.error('[backchannel] request failed:', error);
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain' });
      response.end('Internal Server Error');
    });
  };
  const server = options.tls
    ? createHttpsServer(
        {
          cert: readFileSync(options.tls.certFile),
          key: readFileSync(options.tls.keyFile),
          ...(options.tls.caFile ? { ca: readFileSync(options.tls.caFile) } : {}),
          requestCert: true,
          rejectUnauthorized: false,
        },
        listener,
      )
    : createHttpServer(listener);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.hostname, () => resolve());
  });

  const close = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await flushBackgroundTasks();
    await closeProtocolData();
    await disconnectDb();
  };

  return { server, address: server.address() as AddressInfo, close };
};
