import { getBackgroundWorkStatus } from '@/lib/background/background-work';
import { getDb } from '@/lib/db/client';
import { getBaseEnv } from '@/lib/env';
import {
  createMigrationCheck,
  listShippedMigrations,
  migrationsFolderOf,
  type AppliedMigrationRow,
} from '@/lib/lifecycle/migration-check';
import { checkReadiness, type ReadinessProbes } from '@/lib/lifecycle/readiness';
import { isShuttingDown } from '@/lib/lifecycle/shutdown-state';

/** The two probe paths, answered before anything else and without authentication. */
export const HEALTH_PATHS = { live: '/healthz', ready: '/readyz' } as const;

export const isHealthPath = (path: string): boolean => path === HEALTH_PATHS.live || path === HEALTH_PATHS.ready;

export type HealthResponse = { status: number; headers: Record<string, string>; body: string };

const json = (status: number, body: Record<string, string>, extra: Record<string, string> = {}): HealthResponse => ({
  status,
  headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...extra },
  body: JSON.stringify(body),
});

let migrationCheck: (() => Promise<boolean>) | undefined;

/** The probes of this process: its shutdown state, background work, Prisma client and shipped migrations. */
const defaultProbes = (): ReadinessProbes => {
  const env = getBaseEnv();
  migrationCheck ??= createMigrationCheck({
    shipped: () => listShippedMigrations(migrationsFolderOf(env.projectRoot, env.databaseKind)),
    readRows: () =>
      getDb().$queryRawUnsafe<AppliedMigrationRow[]>(
        'SELECT migration_name, finished_at, rolled_back_at FROM "_prisma_migrations"',
      ),
  });

  return {
    shuttingDown: isShuttingDown,
    pingDatabase: () => getDb().$queryRawUnsafe('SELECT 1'),
    migrationsPending: migrationCheck,
    backgroundWork: getBackgroundWorkStatus,
    stuckAfterMs: env.outboxLeaseMs,
  };
};

/**
 * GET or HEAD `/healthz` — the process is alive (200 `{"status":"ok"}`, even
 * while it drains: restarting it would not help) — and `/readyz` — it should
 * get traffic: 200 `{"status":"ok"}`, or 503 `{"status":"unavailable","reason":…}`
 * with the fixed word of lib/lifecycle/readiness.ts, never an error's text.
 * Other methods: 405. Served by the lean HTTP layer and by app/healthz and
 * app/readyz under plain `next start`.
 */
export const serveHealthRequest = async (
  method: string,
  path: string,
  probes: ReadinessProbes = defaultProbes(),
): Promise<HealthResponse> => {
  if (method !== 'GET' && method !== 'HEAD') {
    return json(405, { status: 'method_not_allowed' }, { Allow: 'GET, HEAD' });
  }
  if (path === HEALTH_PATHS.live) return json(200, { status: 'ok' });
  const readiness = await checkReadiness(probes);

  return readiness.ready ? json(200, { status: 'ok' }) : json(503, { status: 'unavailable', reason: readiness.failed });
};

/** The Next.js route adapter's form of serveHealthRequest (app/healthz, app/readyz under plain `next start`). */
export const serveHealthFetchRequest = async (request: Request): Promise<Response> => {
  const { status, headers, body } = await serveHealthRequest(request.method, new URL(request.url).pathname);

  return new Response(request.method === 'HEAD' ? null : body, { status, headers });
};
