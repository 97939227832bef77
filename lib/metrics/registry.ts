import { collectDefaultMetrics, Counter, Gauge, Registry, type Metric } from 'prom-client';
import { createHttpRequestMetrics } from '@/lib/metrics/http-request-metrics';

/**
 * The process's one metrics registry (architecture.md: "one logger and one
 * metrics registry"), in Prometheus's data model through prom-client. Served
 * at `/metrics` by the lean HTTP layer when METRICS_TOKEN is set
 * (lib/http/metrics-endpoint.ts); off, nothing reads it.
 *
 * Label sets are closed: an endpoint is one of HTTP_ENDPOINTS, never a raw
 * path; a status is a number; a channel is an outbox handler's `channel`
 * (a name in code, not in data); a refusal reason is an AdmissionOutcome.
 * The only label whose values come from data is the scrape-time gauge of
 * pending requests per tenant (one series per tenant slug: as many as the
 * operator made tenants, and never written on a request).
 *
 * Recording a request costs a map update and a few additions on plain
 * numbers, turned into Prometheus families only at scrape time
 * (http-request-metrics.ts): cheap enough for the token poll, so it happens
 * whether or not the endpoint is served. The rarer events (delivery failures,
 * refusals) use prom-client's counters directly.
 */

/** The `endpoint` label: protocol endpoints by name, then the other doors by kind. */
export const HTTP_ENDPOINTS = [
  'discovery',
  'jwks',
  'bc-authorize',
  'token',
  'userinfo',
  'revocation',
  'introspection',
  'registration',
  'client-configuration',
  'test-hook',
  'api',
  'console',
  'metrics',
  'health',
  'other',
] as const;
export type HttpEndpoint = (typeof HTTP_ENDPOINTS)[number];

/** Latency buckets (seconds): sub-millisecond protocol answers up to held long polls. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export type PoolUsage = {
  /** Which pool: `protocol` (the request store's) or `protocol_async_commit` (its asynchronously committed statements). */
  pool: string;
  /** Connections open (idle or in use). */
  total: number;
  idle: number;
  /** Callers queued for a connection. */
  waiting: number;
  /** The pool's size limit. */
  max: number;
};

/** Reads taken when `/metrics` is scraped (lib/metrics/database-gauges.ts), set on the gauges just before they are read. */
export type ScrapeReadings = {
  pendingByTenant: ReadonlyArray<{ tenant: string; pending: number }>;
  outboxByType: ReadonlyArray<{ type: string; depth: number; oldestAgeSeconds: number }>;
  pools: readonly PoolUsage[];
};

const createMetrics = () => {
  const registry = new Registry();
  const http = createHttpRequestMetrics({
    endpoints: HTTP_ENDPOINTS,
    buckets: LATENCY_BUCKETS,
    counterName: 'backchannel_http_requests_total',
    counterHelp: 'HTTP requests answered, by endpoint (protocol endpoint name, or api/console/metrics/health/other) and status.',
    histogramName: 'backchannel_http_request_duration_seconds',
    histogramHelp: 'Time from receiving a request to writing its answer, by endpoint (a held long poll counts its wait).',
  });
  // Custom metric objects (see http-request-metrics.ts): the registry reads only their name, help, type and get().
  registry.registerMetric(http.counter as unknown as Metric);
  registry.registerMetric(http.histogram as unknown as Metric);
  const deliveryFailures = new Counter({
    name: 'backchannel_outbox_delivery_failures_total',
    help: 'Outbox delivery attempts that failed, by channel (the outbox handler’s) and whether the failure was final.',
    labelNames: ['channel', 'final'] as const,
    registers: [registry],
  });
  const rateLimitRefusals = new Counter({
    name: 'backchannel_rate_limit_refusals_total',
    help: 'bc-authorize requests refused by the abuse limits (429), by the limit reached.',
    labelNames: ['limit'] as const,
    registers: [registry],
  });
  const pendingRequests = new Gauge({
    name: 'backchannel_pending_requests',
    help: 'Authentication requests awaiting the user’s decision (pending, not past expiry), by tenant; read at scrape time.',
    labelNames: ['tenant'] as const,
    registers: [registry],
  });
  const outboxDepth = new Gauge({
    name: 'backchannel_outbox_depth',
    help: 'Outbox messages not yet delivered or failed for good, by message type; read at scrape time.',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const outboxOldestAge = new Gauge({
    name: 'backchannel_outbox_oldest_age_seconds',
    help: 'Age of the oldest undelivered outbox message, by message type (no series for a type with none); read at scrape time.',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const poolConnections = new Gauge({
    name: 'backchannel_db_pool_connections',
    help: 'PostgreSQL pool connections of the request store, by pool and state (total, idle, max); absent on SQLite (one connection, no pool).',
    labelNames: ['pool', 'state'] as const,
    registers: [registry],
  });
  const poolWaiting = new Gauge({
    name: 'backchannel_db_pool_waiting',
    help: 'Callers queued for a PostgreSQL pool connection of the request store, by pool.',
    labelNames: ['pool'] as const,
    registers: [registry],
  });

  const scrapeErrors = new Counter({
    name: 'backchannel_metrics_scrape_errors_total',
    help: 'Scrapes whose database gauges (pending requests, outbox) could not be read; those gauges were left out.',
    registers: [registry],
  });

  return {
    registry,
    /** One answered request: its endpoint, status and duration (hot path: plain arithmetic, no label hashing). */
    recordHttpRequest: http.record,
    recordDeliveryFailure: (channel: string, final: boolean): void =>
      deliveryFailures.labels(channel, final ? 'true' : 'false').inc(),
    recordRateLimitRefusal: (limit: string): void => rateLimitRefusals.labels(limit).inc(),
    recordScrapeError: (): void => scrapeErrors.inc(),
    setScrapeReadings: ({ pendingByTenant, outboxByType, pools }: ScrapeReadings): void => {
      // Reset first: a deleted tenant, a drained message type or a closed pool leaves no stale series.
      for (const gauge of [pendingRequests, outboxDepth, outboxOldestAge, poolConnections, poolWaiting]) gauge.reset();
      for (const { tenant, pending } of pendingByTenant) pendingRequests.labels(tenant).set(pending);
      for (const { type, depth, oldestAgeSeconds } of outboxByType) {
        outboxDepth.labels(type).set(depth);
        outboxOldestAge.labels(type).set(oldestAgeSeconds);
      }
      for (const { pool, total, idle, waiting, max } of pools) {
        poolConnections.labels(pool, 'total').set(total);
        poolConnections.labels(pool, 'idle').set(idle);
        poolConnections.labels(pool, 'max').set(max);
        poolWaiting.labels(pool).set(waiting);
      }
    },
    processMetricsStarted: false,
  };
};

export type Metrics = ReturnType<typeof createMetrics>;

/** On globalThis, so that every module instance (Next.js bundles, tsx) records into the same registry. */
const globalForMetrics = globalThis as unknown as { backchannelMetrics?: Metrics };

/** The process's metrics (created on first use). */
export const getMetrics = (): Metrics => (globalForMetrics.backchannelMetrics ??= createMetrics());

/**
 * Starts prom-client's process metrics on the registry, once: CPU, memory,
 * heap, GC, handles, and the event loop's delay (`nodejs_eventloop_lag_seconds`
 * at scrape time, and `nodejs_eventloop_lag_p50/p90/p99/max_seconds` from
 * perf_hooks.monitorEventLoopDelay at 20 ms resolution). Called when the
 * endpoint is served, so a server without METRICS_TOKEN runs no sampler.
 */
export const startProcessMetrics = (): void => {
  const metrics = getMetrics();
  if (metrics.processMetricsStarted) return;
  metrics.processMetricsStarted = true;
  collectDefaultMetrics({ register: metrics.registry, eventLoopMonitoringPrecision: 20 });
};
