// The run's knobs, read from the environment by both the config and the global setup.

const DEFAULT_PORT = 3947;

/** E2E_SERVER: `fast` (default: bin/start.mjs) or `next` (plain `next start`). */
export const e2eServerMode = (): 'fast' | 'next' => {
  const mode = process.env.E2E_SERVER?.trim() || 'fast';
  if (mode !== 'fast' && mode !== 'next') throw new Error(`E2E_SERVER must be "fast" or "next", not "${mode}".`);

  return mode;
};

/** E2E_PORT: the server's port (default 3947, uncommon on purpose). */
export const e2ePort = (): number => {
  const port = Number(process.env.E2E_PORT?.trim() || DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`E2E_PORT must be a port number, not "${process.env.E2E_PORT}".`);
  }

  return port;
};

/** E2E_POSTGRES_URL: a PostgreSQL server to create the run's database on (else SQLite). */
export const e2ePostgresAdminUrl = (): string | undefined => process.env.E2E_POSTGRES_URL?.trim() || undefined;

/** Report/log label of this run, e.g. `fast-sqlite`. */
export const e2eRunLabel = (): string => `${e2eServerMode()}-${e2ePostgresAdminUrl() ? 'postgres' : 'sqlite'}`;
