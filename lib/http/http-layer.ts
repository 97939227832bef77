import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { isApiPath, serveApiNodeRequest } from '@/lib/api/node-adapter';
import { getBaseEnv, type HttpLimits, type TlsFiles, type TrustedProxy } from '@/lib/env';
import { collectBody } from '@/lib/http/collect-body';
import { readClientCertificate } from '@/lib/http/client-certificate';
import { isHealthPath, serveHealthRequest } from '@/lib/http/health-endpoints';
import { MAX_FORM_BODY_BYTES, type ProtocolRequest } from '@/lib/http/protocol-http';
import { METRICS_PATH, serveMetrics } from '@/lib/http/metrics-endpoint';
import { handleProtocolRequest, protocolEndpointOf } from '@/lib/http/protocol-router';
import { refuseConnect, SCREENS_OWN_METHODS } from '@/lib/http/refuse-unparseable-methods';
import { resolveRequestId } from '@/lib/http/request-id';
import { refusalResponse, screenRequest } from '@/lib/http/screen-request';
import { nonPageSecurityHeaders, STRICT_TRANSPORT_SECURITY } from '@/lib/http/security-headers';
import { log } from '@/lib/log';
import { getMetrics, startProcessMetrics, type HttpEndpoint, type Metrics } from '@/lib/metrics/registry';

export type { HttpLimits, TlsFiles };

/** Whatever serves the paths that are not protocol endpoints (Next.js in production). */
export type FallbackHandler = (request: IncomingMessage, response: ServerResponse) => Promise<void>;

export { readSocketCertificate as readClientCertificate } from '@/lib/http/client-certificate';

/** Each open connection's signal (closedSignalOf): weakly held, so a closed socket takes its own with it. */
const connectionSignals = new WeakMap<Socket, AbortSignal>();

/**
 * A signal that aborts when the connection closes: how a client gives up on a
 * held long poll (HTTP/1.1 cannot cancel one request otherwise). One per
 * connection, made at its first protocol request and shared by the later
 * ones. A request never holds its response: a per-request closure over the
 * response kept every answered poll's objects alive into the old generation
 * (scavenges three times as long, +20 % CPU per token poll, measured with
 * `npm run bench`).
 */
const closedSignalOf = (socket: Socket): AbortSignal => {
  let signal = connectionSignals.get(socket);
  if (!signal) {
    const controller = new AbortController();
    if (socket.destroyed) controller.abort();
    else socket.once('close', () => controller.abort());
    signal = controller.signal;
    connectionSignals.set(socket, signal);
  }

  return signal;
};

const toProtocolRequest = async (
  request: IncomingMessage,
  path: string,
  receivedAt: Date,
  trustedProxy: TrustedProxy | undefined,
): Promise<ProtocolRequest> => {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const url = request.url ?? '';
  const queryAt = url.indexOf('?');

  return {
    method: request.method ?? 'GET',
    path,
    query: queryAt < 0 ? '' : url.slice(queryAt + 1),
    headers,
    body: await collectBody(request, MAX_FORM_BODY_BYTES),
    receivedAt,
    clientCertificate: readClientCertificate(request, { trustedProxy, at: receivedAt }),
    requestId: resolveRequestId(headers['x-request-id']),
    signal: closedSignalOf(request.socket),
  };
};

/** Seconds since `startedAt` (a performance.now() reading). */
const secondsSince = (startedAt: number): number => (performance.now() - startedAt) / 1000;

const serveProtocol = async (
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  trustedProxy: TrustedProxy | undefined,
  measure: { metrics: Metrics; endpoint: HttpEndpoint; startedAt: number },
): Promise<void> => {
  const receivedAt = new Date();
  const result = await handleProtocolRequest(await toProtocolRequest(request, path, receivedAt, trustedProxy));
  if (response.destroyed) return;
  response.writeHead(result.status, { ...result.headers, 'Content-Length': Buffer.byteLength(result.body) });
  response.end(result.body);
  // Recorded here rather than on 'finish': no listener or closure per request on the hot path.
  measure.metrics.recordHttpRequest(measure.endpoint, result.status, secondsSince(measure.startedAt));
};

/** The metrics `endpoint` of a path the protocol router does not own: a kind, never the path. */
const endpointKindOf = (path: string): HttpEndpoint => {
  if (isApiPath(path)) return 'api';
  if (path === METRICS_PATH) return 'metrics';
  if (path === '/admin' || path.startsWith('/admin/')) return 'console';
  if (path === '/healthz' || path === '/readyz') return 'health';

  return 'other';
};

/** /healthz and /readyz (lib/http/health-endpoints.ts): answered before the body is read; HEAD gets no body. */
const serveHealth = async (request: IncomingMessage, response: ServerResponse, path: string): Promise<void> => {
  const result = await serveHealthRequest(request.method ?? 'GET', path);
  if (response.destroyed) return;
  response.writeHead(result.status, { ...result.headers, 'Content-Length': Buffer.byteLength(result.body) });
  response.end(request.method === 'HEAD' ? undefined : result.body);
};

/** Headers one request may carry (Node's default is 2000); the rest are dropped. */
export const MAX_HEADERS_COUNT = 100;

/** Seconds a client refused for too many connections is asked to wait (Retry-After). */
export const CONNECTION_REFUSAL_RETRY_AFTER_SECONDS = 5;

/** How long a refused connection may stay open after its 503 before it is destroyed. */
const REFUSED_CONNECTION_LINGER_MS = 2_000;

const REFUSAL_BODY = 'Too many connections from your address; retry later.\n';

/** The whole 503 a refused connection gets, written before any request is read. */
const CONNECTION_REFUSAL = [
  'HTTP/1.1 503 Service Unavailable',
  'Content-Type: text/plain; charset=utf-8',
  `Content-Length: ${Buffer.byteLength(REFUSAL_BODY)}`,
  `Retry-After: ${CONNECTION_REFUSAL_RETRY_AFTER_SECONDS}`,
  'Cache-Control: no-store',
  'Connection: close',
  '',
  REFUSAL_BODY,
].join('\r\n');

/**
 * Caps the connections one client address holds open at once: the one over
 * the cap gets CONNECTION_REFUSAL and is closed (its requests are never
 * served). Behind a reverse proxy every client shares the proxy's address:
 * raise the cap or set it to 0 (no cap) there.
 */
const capConnectionsPerAddress = (
  server: Server,
  options: { max: number; event: 'connection' | 'secureConnection'; refused: WeakSet<Socket> },
): void => {
  const { max, event, refused } = options;
  if (max === 0) return;
  const open = new Map<string, number>();
  // Before the HTTP server's own listener, so a refused socket never reaches the request handler.
  server.prependListener(event, (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = open.get(address) ?? 0;
    if (count >= max) {
      refused.add(socket);
      socket.end(CONNECTION_REFUSAL);
      socket.setTimeout(REFUSED_CONNECTION_LINGER_MS, () => socket.destroy());

      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left === 0) open.delete(address);
      else open.set(address, left);
    });
  });
};

/**
 * The lean HTTP(S) layer in front of Next.js: the health probes (/healthz,
 * /readyz), protocol endpoints and the Management API (/api/v1) are answered straight from their
 * framework-independent routers, every other path goes to `fallback` once
 * lib/http/screen-request.ts has let it through. With TLS files it terminates
 * HTTPS itself and requests (without requiring) a client certificate, so
 * mutual TLS needs no proxy; every response then carries HSTS. Behind a
 * TLS-terminating proxy, `trustedProxy` names the header carrying the client
 * certificate, read only from the proxy's addresses (lib/http/client-certificate.ts).
 *
 * `limits` (default: HTTP_* in lib/env.ts): a request's headers must arrive
 * within `headersTimeoutMs` and the whole request within `requestTimeoutMs`,
 * else Node answers 408 and closes the connection; one client address may
 * hold `maxConnectionsPerAddress` connections (0: no cap).
 */
export const createHttpLayer = (options: {
  fallback: FallbackHandler;
  tls?: TlsFiles;
  limits?: HttpLimits;
  /** Default: TRUSTED_PROXY_* in lib/env.ts. */
  trustedProxy?: TrustedProxy;
  /** The Bearer token `GET /metrics` requires; undefined: /metrics is 404. Default: METRICS_TOKEN in lib/env.ts. */
  metricsToken?: string;
}): Server => {
  const { tls, limits = getBaseEnv().httpLimits } = options;
  const trustedProxy = 'trustedProxy' in options ? options.trustedProxy : getBaseEnv().trustedProxy;
  const metricsToken = 'metricsToken' in options ? options.metricsToken : getBaseEnv().metricsToken;
  const metrics = getMetrics();
  if (metricsToken !== undefined) startProcessMetrics();
  const https = tls !== undefined;
  const ownHeaders = Object.entries(nonPageSecurityHeaders({ https }));
  const refused = new WeakSet<Socket>();
  const listener = (request: IncomingMessage, response: ServerResponse) => {
    if (refused.has(request.socket)) return;
    const startedAt = performance.now();
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    const protocolEndpoint = protocolEndpointOf(path);
    const ownPath = protocolEndpoint !== undefined || isApiPath(path) || path === METRICS_PATH || isHealthPath(path);
    if (ownPath) for (const [name, value] of ownHeaders) response.setHeader(name, value);
    else if (https) response.setHeader('Strict-Transport-Security', STRICT_TRANSPORT_SECURITY);
    const refusal = ownPath
      ? null
      : screenRequest({ method: request.method ?? 'GET', target: url, header: (name) => headerValue(request, name) });
    if (protocolEndpoint === undefined) {
      const endpoint = endpointKindOf(path);
      response.once('finish', () => metrics.recordHttpRequest(endpoint, response.statusCode, secondsSince(startedAt)));
    }
    const handled = refusal
      ? refuse(response, refusal, https)
      : isHealthPath(path)
        ? serveHealth(request, response, path)
        : protocolEndpoint !== undefined
          ? serveProtocol(request, response, path, trustedProxy, { metrics, endpoint: protocolEndpoint, startedAt })
          : isApiPath(path)
            ? serveApiNodeRequest(request, response)
            : path === METRICS_PATH
              ? serveMetrics(request, response, metricsToken)
              : options.fallback(request, response);
    handled.catch((error: unknown) => {
      if (request.destroyed || request.socket.destroyed) {
        // The client went away mid-request (its body cut short, the connection reset): nothing to
        // answer, nothing wrong here — one line, no stack (a flood of them must not flood the log).
        log.info({ method: request.method, path }, 'client went away before its request was answered');

        return;
      }
      log.error({ err: error, method: request.method, path }, 'request failed');
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain' });
      response.end('Internal Server Error');
      if (protocolEndpoint !== undefined) metrics.recordHttpRequest(protocolEndpoint, 500, secondsSince(startedAt));
    });
  };
  const serverOptions = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    // How often Node checks both timeouts (its default, 30 s, would stretch them by up to that much).
    connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
    maxHeaderSize: 16 * 1024,
  };
  const server = tls
    ? createHttpsServer(
        {
          ...serverOptions,
          cert: readFileSync(tls.certFile),
          key: readFileSync(tls.keyFile),
          ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}),
          requestCert: true,
          rejectUnauthorized: false,
          handshakeTimeout: limits.headersTimeoutMs,
        },
        listener,
      )
    : createHttpServer(serverOptions, listener);
  Object.assign(server, { [SCREENS_OWN_METHODS]: true });
  server.on('connect', (_request: IncomingMessage, socket: Duplex) => refuseConnect(socket));
  server.keepAliveTimeout = 65_000;
  // No maxRequestsPerSocket: past it Node answers 503 to every request a client sends before it
  // has read `Connection: close` (a keep-alive pool's race, or any pipelining client), which turned
  // a third of the bench's polls into 503s. Idle connections end with keepAliveTimeout, slow ones
  // with the two timeouts, and the per-address cap bounds how many one client holds.
  server.maxHeadersCount = MAX_HEADERS_COUNT;
  capConnectionsPerAddress(server, {
    max: limits.maxConnectionsPerAddress,
    event: https ? 'secureConnection' : 'connection',
    refused,
  });

  return server;
};

const headerValue = (request: IncomingMessage, name: string): string | undefined => {
  const value = request.headers[name];

  return Array.isArray(value) ? value.join(', ') : value;
};

const refuse = async (
  response: ServerResponse,
  refusal: NonNullable<ReturnType<typeof screenRequest>>,
  https: boolean,
): Promise<void> => {
  const { status, headers, body } = refusalResponse(refusal);
  response.writeHead(status, { ...nonPageSecurityHeaders({ https }), ...headers, 'Content-Length': Buffer.byteLength(body) });
  response.end(body);
};
