import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { isApiPath, serveApiNodeRequest } from '@/lib/api/node-adapter';
import type { TlsFiles } from '@/lib/env';
import { collectBody } from '@/lib/http/collect-body';
import { MAX_FORM_BODY_BYTES, type ClientCertificate, type ProtocolRequest } from '@/lib/http/protocol-http';
import { handleProtocolRequest, isProtocolPath } from '@/lib/http/protocol-router';
import { resolveRequestId } from '@/lib/http/request-id';
import { log } from '@/lib/log';

export type { TlsFiles };

/** Whatever serves the paths that are not protocol endpoints (Next.js in production). */
export type FallbackHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

/**
 * The certificate the client presented in the TLS handshake, if any. The
 * server asks for one but accepts any (`rejectUnauthorized: false`):
 * `chainVerified` says whether it chains to TLS_CA_FILE; which certificate
 * authenticates which client is decided per client by the protocol layer
 * (mutual-TLS client authentication, RFC 8705).
 */
export const readClientCertificate = (socket: IncomingMessage['socket']): ClientCertificate | undefined => {
  const tlsSocket = socket as TLSSocket;
  if (!tlsSocket.encrypted) return undefined;
  const certificate = tlsSocket.getPeerX509Certificate();
  if (!certificate) return undefined;

  return {
    pem: certificate.toString(),
    fingerprint256: certificate.fingerprint256,
    subject: certificate.subject,
    chainVerified: tlsSocket.authorized,
  };
};

const toProtocolRequest = async (request: IncomingMessage, path: string, receivedAt: Date): Promise<ProtocolRequest> => {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }

  return {
    method: request.method ?? 'GET',
    path,
    headers,
    body: await collectBody(request, MAX_FORM_BODY_BYTES),
    receivedAt,
    clientCertificate: readClientCertificate(request.socket),
    requestId: resolveRequestId(headers['x-request-id']),
  };
};

const serveProtocol = async (request: IncomingMessage, response: ServerResponse, path: string): Promise<void> => {
  const receivedAt = new Date();
  const result = await handleProtocolRequest(await toProtocolRequest(request, path, receivedAt));
  response.writeHead(result.status, { ...result.headers, 'Content-Length': Buffer.byteLength(result.body) });
  response.end(result.body);
};

/**
 * The lean HTTP(S) layer in front of Next.js: protocol endpoints and the
 * Management API (/api/v1) are answered straight from their
 * framework-independent routers, every other path goes to `fallback`. With
 * TLS files it terminates HTTPS itself and requests (without requiring) a
 * client certificate, so mutual TLS needs no proxy.
 */
export const createHttpLayer = (options: { fallback: FallbackHandler; tls?: TlsFiles }): Server => {
  const listener = (request: IncomingMessage, response: ServerResponse) => {
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    const handled = isProtocolPath(path)
      ? serveProtocol(request, response, path)
      : isApiPath(path)
        ? serveApiNodeRequest(request, response)
        : options.fallback(request, response);
    handled.catch((error: unknown) => {
      log.error({ err: error, method: request.method, path }, 'request failed');
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain' });
      response.end('Internal Server Error');
    });
  };
  const { tls } = options;
  const server = tls
    ? createHttpsServer(
        {
          cert: readFileSync(tls.certFile),
          key: readFileSync(tls.keyFile),
          ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}),
          requestCert: true,
          rejectUnauthorized: false,
        },
        listener,
      )
    : createHttpServer(listener);
  server.keepAliveTimeout = 65_000;

  return server;
};
