// /healthz and /readyz through the lean HTTP layer, on a real database (SQLite, or PostgreSQL with
// TEST_POSTGRES_URL): unauthenticated, cheap, and a 503 names its failed check by a fixed word only.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackgroundWork, stopBackgroundWork } from '@/lib/background/background-work';
import type { Db } from '@/lib/db/client';
import { getBaseEnv } from '@/lib/env';
import { serveHealthRequest } from '@/lib/http/health-endpoints';
import { createHttpLayer } from '@/lib/http/http-layer';
import {
  createMigrationCheck,
  listShippedMigrations,
  migrationsFolderOf,
  type AppliedMigrationRow,
} from '@/lib/lifecycle/migration-check';
import { beginShutdown, resetShutdownStateForTests } from '@/lib/lifecycle/shutdown-state';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;
let server: Server;
let base: string;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  server = createHttpLayer({ fallback: async (_request, response) => void response.end('next') });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  resetShutdownStateForTests();
  await stopBackgroundWork();
  await new Promise((resolve) => server.close(resolve));
  await cleanup();
});

const probe = async (path: string, init: RequestInit = {}) => {
  const response = await fetch(`${base}${path}`, init);

  return { status: response.status, headers: response.headers, body: await response.text() };
};

describe('health endpoints', () => {
  it('/healthz: 200 {"status":"ok"} without credentials, no-store; HEAD has no body; POST is 405 with Allow', async () => {
    const live = await probe('/healthz');
    expect(live.status).toBe(200);
    expect(JSON.parse(live.body)).toEqual({ status: 'ok' });
    expect(live.headers.get('cache-control')).toBe('no-store');
    expect(live.headers.get('content-type')).toBe('application/json');
    expect(live.headers.get('x-content-type-options')).toBe('nosniff');
    const head = await probe('/healthz', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
    const post = await probe('/readyz', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    // Only the exact paths: anything else goes to Next.js.
    expect((await probe('/healthz/x')).body).toBe('next');
  });

  it('/readyz: 503 outbox_worker before the background work starts, 200 once it runs, 503 shutting_down from SIGTERM on', async () => {
    const before = await probe('/readyz');
    expect(before.status).toBe(503);
    expect(JSON.parse(before.body)).toEqual({ status: 'unavailable', reason: 'outbox_worker' });

    startBackgroundWork();
    const ready = await probe('/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ status: 'ok' });

    beginShutdown();
    const draining = await probe('/readyz');
    expect(draining.status).toBe(503);
    expect(JSON.parse(draining.body)).toEqual({ status: 'unavailable', reason: 'shutting_down' });
    // Liveness stays 200 while draining: restarting the process would not help.
    expect((await probe('/healthz')).status).toBe(200);
    resetShutdownStateForTests();
  });

  it('a database that fails says "database" and nothing of the error (no host, no connection string)', async () => {
    const answer = await serveHealthRequest('GET', '/readyz', {
      shuttingDown: () => false,
      backgroundWork: () => ({ running: true, cycleStartedAt: null }),
      pingDatabase: () => Promise.reject(new Error('connect ECONNREFUSED 10.0.0.7:5432 postgresql://app:hunter2@db/prod')),
      migrationsPending: async () => false,
      stuckAfterMs: 60_000,
    });
    expect(answer.status).toBe(503);
    expect(answer.body).toBe('{"status":"unavailable","reason":"database"}');
  });

  it('the migration check reads the real _prisma_migrations: up to date after deploy, pending when a shipped one is missing', async () => {
    const env = getBaseEnv();
    const shipped = listShippedMigrations(migrationsFolderOf(env.projectRoot, env.databaseKind));
    expect(shipped.length).toBeGreaterThan(10);
    const readRows = () =>
      db.$queryRawUnsafe<AppliedMigrationRow[]>('SELECT migration_name, finished_at, rolled_back_at FROM "_prisma_migrations"');
    expect(await createMigrationCheck({ shipped: () => shipped, readRows })()).toBe(false);
    expect(await createMigrationCheck({ shipped: () => [...shipped, '29991231000000_from_the_future'], readRows })()).toBe(true);
  });
});
