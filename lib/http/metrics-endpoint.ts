import type { IncomingMessage, ServerResponse } from 'node:http';
import { getDb } from '@/lib/db/client';
import { log } from '@/lib/log';
import { readScrapeGauges } from '@/lib/metrics/database-gauges';
import { getMetrics } from '@/lib/metrics/registry';
import { constantEquals } from '@/lib/oauth/crypto';
import { getProtocolData } from '@/lib/store/get-protocol-store';

/** Where Prometheus scrapes (served by the lean HTTP layer itself, never by Next.js). */
export const METRICS_PATH = '/metrics';

const BEARER = /^Bearer[ ]+(\S+)[ ]*$/i;

/** Whether an Authorization header carries `token` as its Bearer credential (compared in constant time). */
export const isMetricsTokenPresented = (authorization: string | undefined, token: string): boolean => {
  const presented = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];

  // Compared even when absent, so a missing header costs what a wrong one does.
  return constantEquals(presented ?? '', token) && presented !== undefined;
};

const answer = (response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void => {
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  response.end(body);
};

/**
 * GET /metrics — the Prometheus text exposition of the one registry
 * (lib/metrics/registry.ts), with the scrape-time gauges (pending requests per
 * tenant, outbox depth and age, pool usage) read just before.
 *
 * - `token` undefined (METRICS_TOKEN unset, the default): 404, as for any unknown path.
 * - Any method but GET or HEAD: 405 with Allow.
 * - No `Authorization: Bearer <METRICS_TOKEN>`, or another token: 401 with
 *   `WWW-Authenticate: Bearer` (RFC 6750 §3), compared in constant time.
 * - A database read that fails leaves those gauges out (logged, and counted in
 *   backchannel_metrics_scrape_errors_total); the process metrics are still served.
 */
export const serveMetrics = async (
  request: IncomingMessage,
  response: ServerResponse,
  token: string | undefined,
): Promise<void> => {
  if (token === undefined) return answer(response, 404, 'Not Found\n');
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return answer(response, 405, 'Method Not Allowed\n', { Allow: 'GET, HEAD' });
  }
  if (!isMetricsTokenPresented(request.headers.authorization, token)) {
    return answer(response, 401, 'Unauthorized\n', { 'WWW-Authenticate': 'Bearer realm="metrics"' });
  }
  const metrics = getMetrics();
  try {
    metrics.setScrapeReadings(await readScrapeGauges(getDb(), getProtocolData().store, new Date()));
  } catch (error) {
    metrics.setScrapeReadings({ pendingByTenant: [], outboxByType: [], pools: [] });
    metrics.recordScrapeError();
    log.warn({ err: error }, 'metrics: the database gauges could not be read');
  }
  const body = await metrics.registry.metrics();
  response.writeHead(200, {
    'Content-Type': metrics.registry.contentType,
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(body),
  });
  response.end(request.method === 'HEAD' ? undefined : body);
};
