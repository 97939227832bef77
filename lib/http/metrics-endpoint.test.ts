import { request as httpRequest } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import type { Db } from '@/lib/db/client';
import type { Client, Tenant, User } from '@/lib/generated/sqlite/client';
import { createHttpLayer } from '@/lib/http/http-layer';
import { isMetricsTokenPresented } from '@/lib/http/metrics-endpoint';
import { getMetrics } from '@/lib/metrics/registry';
import { seedClient, seedPendingRequest, seedTenant, seedUser } from '@/lib/testing/seed';
import { testStore } from '@/lib/testing/outbox';
import { useTestDatabase } from '@/lib/testing/test-database';

/**
 * GET /metrics through the lean HTTP layer (a real server on a real
 * database; PostgreSQL too with TEST_POSTGRES_URL): off by default, Bearer
 * token in constant time, the expected metric names, and protocol requests
 * counted by endpoint name and status.
 */

const TOKEN = 'metrics-token-0123456789abcdef';

type Reply = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

const send = (port: number, options: { path: string; method?: string; headers?: Record<string, string>; body?: string }) =>
  new Promise<Reply>((resolve, reject) => {
    const outgoing = httpRequest(
      { host: '127.0.0.1', port, path: options.path, method: options.method ?? 'GET', headers: options.headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });

const listen = async (server: Server): Promise<number> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return (server.address() as AddressInfo).port;
};

const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** The current value of one series of the registry (0 when it has none yet). */
const valueOf = async (name: string, labels: Record<string, string>): Promise<number> => {
  const family = name.replace(/_(count|sum)$/, '');
  const metric = getMetrics().registry.getSingleMetric(name) ?? getMetrics().registry.getSingleMetric(family);
  if (!metric) throw new Error(`no metric ${name}`);
  const { values } = await metric.get();
  const series = values.find(
    (value) =>
      ((value as { metricName?: string }).metricName ?? name) === name &&
      Object.entries(labels).every(([key, wanted]) => String(value.labels[key]) === wanted),
  );

  return series?.value ?? 0;
};

const basic = (client: Client, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;

let db: Db;
let cleanup: () => Promise<void>;
let tenant: Tenant;
let client: Client;
let clientSecret: string;
let user: User;
let quietTenant: Tenant;
let server: Server;
let port: number;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  tenant = await seedTenant(db, { rateLimitPerUser: 1 });
  ({ client, clientSecret } = await seedClient(db, tenant));
  user = await seedUser(db, tenant);
  quietTenant = await seedTenant(db);
  server = createHttpLayer({ fallback: async (_request, response) => void response.end('next'), metricsToken: TOKEN });
  port = await listen(server);
});

afterAll(async () => {
  await close(server);
  await cleanup();
});

describe('GET /metrics', () => {
  it('is 404 when METRICS_TOKEN is not set (the default)', async () => {
    const off = createHttpLayer({ fallback: async (_request, response) => void response.end('next'), metricsToken: undefined });
    const offPort = await listen(off);
    try {
      const reply = await send(offPort, { path: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(reply.status).toBe(404);
      expect(reply.body).not.toContain('backchannel_');
    } finally {
      await close(off);
    }
  });

  it('is 401 with WWW-Authenticate: Bearer without the token, with another token or another scheme', async () => {
    for (const authorization of [
      undefined,
      'Bearer wrong-token-0123456789abcdef',
      `Basic ${TOKEN}`,
      `Bearer ${TOKEN}x`,
      'Bearer ',
    ]) {
      const reply = await send(port, { path: '/metrics', headers: authorization === undefined ? {} : { authorization } });
      expect(reply.status, authorization).toBe(401);
      expect(reply.headers['www-authenticate']).toBe('Bearer realm="metrics"');
      expect(reply.headers['cache-control']).toBe('no-store');
      expect(reply.body).not.toContain('backchannel_');
    }
  });

  it('is 405 with Allow for a method other than GET or HEAD', async () => {
    const reply = await send(port, { path: '/metrics', method: 'POST', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(reply.status).toBe(405);
    expect(reply.headers.allow).toBe('GET, HEAD');
  });

  it('serves the Prometheus text format with every metric family to the right token', async () => {
    const reply = await send(port, { path: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(reply.headers['cache-control']).toBe('no-store');
    for (const name of [
      'backchannel_http_requests_total',
      'backchannel_http_request_duration_seconds',
      'backchannel_pending_requests',
      'backchannel_outbox_depth',
      'backchannel_outbox_oldest_age_seconds',
      'backchannel_outbox_delivery_failures_total',
      'backchannel_rate_limit_refusals_total',
      'backchannel_db_pool_connections',
      'nodejs_eventloop_lag_seconds',
      'nodejs_eventloop_lag_p99_seconds',
      'process_cpu_seconds_total',
    ]) {
      expect(reply.body).toContain(`# TYPE ${name} `);
    }
    // The scrape itself is counted, by kind.
    expect(await valueOf('backchannel_http_requests_total', { endpoint: 'metrics', status: '200' })).toBeGreaterThan(0);
  });

  it('counts a token poll under endpoint="token" and its status, and times it', async () => {
    const { authReqId } = await seedPendingRequest(db, { tenant, client, user });
    const before = await valueOf('backchannel_http_requests_total', { endpoint: 'token', status: '400' });
    const timedBefore = await valueOf('backchannel_http_request_duration_seconds_count', { endpoint: 'token' });
    const poll = await send(port, {
      path: `/t/${tenant.slug}/oauth/token`,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client, clientSecret) },
      body: new URLSearchParams({ grant_type: CIBA_GRANT_TYPE, auth_req_id: authReqId }).toString(),
    });
    expect(poll.status).toBe(400);
    expect(JSON.parse(poll.body)).toMatchObject({ error: 'authorization_pending' });
    expect(await valueOf('backchannel_http_requests_total', { endpoint: 'token', status: '400' })).toBe(before + 1);
    expect(await valueOf('backchannel_http_request_duration_seconds_count', { endpoint: 'token' })).toBe(timedBefore + 1);
  });

  it('labels requests by endpoint name or kind, never by path or tenant', async () => {
    await send(port, { path: `/t/${tenant.slug}/.well-known/openid-configuration` });
    await send(port, { path: '/t/no-such-tenant/.well-known/openid-configuration' });
    await send(port, { path: '/somewhere/else?x=1' });
    await send(port, { path: '/admin/tenants' });
    const reply = await send(port, { path: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    const endpoints = new Set([...reply.body.matchAll(/backchannel_http_requests_total\{endpoint="([^"]+)"/g)].map((m) => m[1]));
    expect([...endpoints].sort()).toEqual(expect.arrayContaining(['console', 'discovery', 'metrics', 'other', 'token']));
    expect(reply.body).toMatch(/backchannel_http_requests_total\{endpoint="discovery",status="404"\} [1-9]/);
    expect(reply.body).not.toContain('no-such-tenant');
    expect(reply.body).not.toContain('somewhere');
  });

  it('reports pending requests per tenant (0 for a tenant with none) and the outbox, read at scrape time', async () => {
    const seeded = await seedPendingRequest(db, { tenant, client, user });
    // Past its expiry: no longer pending, whatever its status column says (isRequestExpired).
    await seedPendingRequest(db, { tenant, client, user, now: new Date(Date.now() - 600_000) });
    const pending = await db.backchannelRequest.count({
      where: { tenantId: tenant.id, status: 'pending', expiresAt: { gt: new Date() } },
    });
    const queuedAt = new Date(Date.now() - 90_000);
    await db.outboxMessage.create({
      data: {
        id: `metrics-test-${seeded.request.id}`,
        tenantId: tenant.id,
        requestId: seeded.request.id,
        type: 'metrics_test_type',
        payload: '{}',
        availableAt: queuedAt,
        createdAt: queuedAt,
      },
    });
    const reply = await send(port, { path: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(reply.body).toContain(`backchannel_pending_requests{tenant="${tenant.slug}"} ${pending}`);
    expect(reply.body).toContain(`backchannel_pending_requests{tenant="${quietTenant.slug}"} 0`);
    expect(reply.body).toContain('backchannel_outbox_depth{type="metrics_test_type"} 1');
    const age = Number(/backchannel_outbox_oldest_age_seconds\{type="metrics_test_type"\} ([\d.]+)/.exec(reply.body)?.[1]);
    expect(age).toBeGreaterThanOrEqual(90);
    expect(age).toBeLessThan(200);
    await db.outboxMessage.update({ where: { id: `metrics-test-${seeded.request.id}` }, data: { status: 'delivered' } });
    const after = await send(port, { path: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(after.body).not.toContain('type="metrics_test_type"');
  });

  it('reports the request store’s PostgreSQL pools, and none on SQLite', async () => {
    const reply = await send(port, { path: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } });
    if (testStore().dialect === 'postgres') {
      expect(reply.body).toMatch(/backchannel_db_pool_connections\{pool="protocol",state="max"\} \d+/);
      expect(reply.body).toMatch(/backchannel_db_pool_waiting\{pool="protocol"\} 0/);
    } else {
      expect(reply.body).not.toMatch(/backchannel_db_pool_connections\{/);
    }
  });

  it('counts a rate-limit refusal at bc-authorize by the limit reached', async () => {
    const before = await valueOf('backchannel_rate_limit_refusals_total', { limit: 'user_limit' });
    const start = () =>
      send(port, {
        path: `/t/${tenant.slug}/bc-authorize`,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client, clientSecret) },
        body: new URLSearchParams({ scope: 'openid', login_hint: user.email }).toString(),
      });
    expect((await start()).status).toBe(200);
    const refused = await start();
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body)).toMatchObject({ error: 'access_denied' });
    expect(await valueOf('backchannel_rate_limit_refusals_total', { limit: 'user_limit' })).toBe(before + 1);
    expect(await valueOf('backchannel_http_requests_total', { endpoint: 'bc-authorize', status: '429' })).toBeGreaterThan(0);
  });
});

describe('isMetricsTokenPresented', () => {
  it('accepts exactly `Bearer <token>` (scheme case-insensitive), nothing else', () => {
    expect(isMetricsTokenPresented(`Bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(isMetricsTokenPresented(`bearer ${TOKEN}`, TOKEN)).toBe(true);
    expect(isMetricsTokenPresented(undefined, TOKEN)).toBe(false);
    expect(isMetricsTokenPresented('', TOKEN)).toBe(false);
    expect(isMetricsTokenPresented(TOKEN, TOKEN)).toBe(false);
    expect(isMetricsTokenPresented(`Bearer ${TOKEN.slice(0, -1)}`, TOKEN)).toBe(false);
    expect(isMetricsTokenPresented(`Bearer ${TOKEN} extra`, TOKEN)).toBe(false);
  });
});
