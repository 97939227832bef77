import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/lib/db/client';
import type { Tenant } from '@/lib/generated/sqlite/client';
import { getMetrics, HTTP_ENDPOINTS } from '@/lib/metrics/registry';
import type { OutboxHandler } from '@/lib/outbox/outbox-handler';
import { createOutboxWorker } from '@/lib/outbox/outbox-worker';
import { testStore } from '@/lib/testing/outbox';
import { seedTenant } from '@/lib/testing/seed';
import { useTestDatabase } from '@/lib/testing/test-database';

/** The value of one series (0 when it has none yet); `name` may be a histogram's `_count`. */
const valueOf = async (name: string, labels: Record<string, string>): Promise<number> => {
  const { registry } = getMetrics();
  const metric = registry.getSingleMetric(name) ?? registry.getSingleMetric(name.replace(/_(count|sum|bucket)$/, ''));
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const series = values.find(
    (value) =>
      ((value as { metricName?: string }).metricName ?? name) === name &&
      Object.entries(labels).every(([key, wanted]) => String(value.labels[key]) === wanted),
  );

  return series?.value ?? 0;
};

let db: Db;
let cleanup: () => Promise<void>;
let tenant: Tenant;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  tenant = await seedTenant(db);
});

afterAll(async () => cleanup());

describe('the metrics registry', () => {
  it('is one registry per process, whichever module instance asks', () => {
    expect(getMetrics()).toBe(getMetrics());
    expect((globalThis as { backchannelMetrics?: unknown }).backchannelMetrics).toBe(getMetrics());
  });

  it('counts a request by endpoint and status and observes its duration in the endpoint’s histogram', async () => {
    const metrics = getMetrics();
    const before = await valueOf('backchannel_http_requests_total', { endpoint: 'userinfo', status: '401' });
    const observed = await valueOf('backchannel_http_request_duration_seconds_count', { endpoint: 'userinfo' });
    const fast = await valueOf('backchannel_http_request_duration_seconds_bucket', { endpoint: 'userinfo', le: '0.001' });
    const under = await valueOf('backchannel_http_request_duration_seconds_bucket', { endpoint: 'userinfo', le: '0.25' });
    const all = await valueOf('backchannel_http_request_duration_seconds_bucket', { endpoint: 'userinfo', le: '+Inf' });
    const sum = await valueOf('backchannel_http_request_duration_seconds_sum', { endpoint: 'userinfo' });
    metrics.recordHttpRequest('userinfo', 401, 0.0004);
    metrics.recordHttpRequest('userinfo', 401, 0.2);
    // Buckets are cumulative (Prometheus's `le`): 0.2 s is counted at le=0.25 and above, not at le=0.001.
    expect(await valueOf('backchannel_http_request_duration_seconds_bucket', { endpoint: 'userinfo', le: '0.25' })).toBe(
      under + 2,
    );
    expect(await valueOf('backchannel_http_request_duration_seconds_bucket', { endpoint: 'userinfo', le: '+Inf' })).toBe(all + 2);
    expect(await valueOf('backchannel_http_request_duration_seconds_sum', { endpoint: 'userinfo' })).toBeCloseTo(sum + 0.2004, 6);
    // A duration exactly on a bound counts in that bound's bucket.
    const onBound = await valueOf('backchannel_http_request_duration_seconds_bucket', { endpoint: 'jwks', le: '0.005' });
    metrics.recordHttpRequest('jwks', 200, 0.005);
    expect(await valueOf('backchannel_http_request_duration_seconds_bucket', { endpoint: 'jwks', le: '0.005' })).toBe(
      onBound + 1,
    );
    expect(await metrics.registry.metrics()).toMatch(
      /# TYPE backchannel_http_request_duration_seconds histogram\n(.*\n)*backchannel_http_request_duration_seconds_bucket\{endpoint="jwks",le="0.005"\} \d+/,
    );
    expect(await valueOf('backchannel_http_requests_total', { endpoint: 'userinfo', status: '401' })).toBe(before + 2);
    expect(await valueOf('backchannel_http_request_duration_seconds_count', { endpoint: 'userinfo' })).toBe(observed + 2);
    expect(await valueOf('backchannel_http_request_duration_seconds_bucket', { endpoint: 'userinfo', le: '0.001' })).toBe(
      fast + 1,
    );
  });

  it('has a closed endpoint label set: protocol endpoint names and the kinds of the other doors', () => {
    expect(HTTP_ENDPOINTS).toEqual(
      expect.arrayContaining(['token', 'bc-authorize', 'userinfo', 'discovery', 'jwks', 'api', 'console', 'other']),
    );
  });

  it('replaces the scrape-time gauges at each scrape: a series that is gone is not kept', async () => {
    const metrics = getMetrics();
    metrics.setScrapeReadings({
      pendingByTenant: [{ tenant: 'gone-tenant', pending: 3 }],
      outboxByType: [{ type: 'gone_type', depth: 2, oldestAgeSeconds: 9 }],
      pools: [{ pool: 'protocol', total: 4, idle: 3, waiting: 1, max: 10 }],
    });
    expect(await valueOf('backchannel_pending_requests', { tenant: 'gone-tenant' })).toBe(3);
    expect(await valueOf('backchannel_db_pool_connections', { pool: 'protocol', state: 'idle' })).toBe(3);
    expect(await valueOf('backchannel_db_pool_waiting', { pool: 'protocol' })).toBe(1);
    metrics.setScrapeReadings({ pendingByTenant: [{ tenant: 'other-tenant', pending: 0 }], outboxByType: [], pools: [] });
    const text = await metrics.registry.metrics();
    expect(text).not.toContain('gone-tenant');
    expect(text).not.toContain('gone_type');
    expect(text).not.toMatch(/backchannel_db_pool_connections\{/);
    expect(text).toContain('backchannel_pending_requests{tenant="other-tenant"} 0');
  });

  it('counts outbox delivery failures by the handler’s channel, whatever it is, and whether they are final', async () => {
    // A channel the registry has never heard of (as Web Push's "web_push" will be): counted as is.
    const channel = `web_push_${randomUUID().slice(0, 8)}`;
    const type = `metrics_test_${randomUUID().slice(0, 8)}`;
    const answers = [
      { ok: false as const, error: 'push service said 503', retryable: true },
      { ok: false as const, error: 'push service said 410', retryable: false },
    ];
    const handler: OutboxHandler = { type, channel, deliver: async () => answers.shift()! };
    const now = new Date();
    for (const id of [randomUUID(), randomUUID()]) {
      await db.outboxMessage.create({
        data: { id, tenantId: tenant.id, requestId: null, type, payload: '{}', availableAt: now, createdAt: now },
      });
    }
    const worker = createOutboxWorker({ store: testStore(), handlers: [handler], clock: () => now });
    expect(await worker.drain()).toBe(2);
    expect(await valueOf('backchannel_outbox_delivery_failures_total', { channel, final: 'false' })).toBe(1);
    expect(await valueOf('backchannel_outbox_delivery_failures_total', { channel, final: 'true' })).toBe(1);
  });
});
