// `npm start`: everything a fresh checkout needs to serve — secrets under
// ./data, migrations, a production build if none exists — then the server.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { assertTestHooksAllowed } from '@/lib/ciba/test-hook-guard';
import { assertDevelopmentOutboxAllowed } from '@/lib/email/development-outbox-guard';
import { getEnv } from '@/lib/env';
import { log } from '@/lib/log';
import { applyMigrations } from '@/scripts/migrations/migrate';

/** Runs `next build` when `root` has no production build yet; exits the process if it fails. */
const buildIfMissing = (root: string) => {
  if (existsSync(join(root, '.next', 'BUILD_ID'))) return;
  log.info('No production build yet: running `next build` (once; `npm run build` rebuilds).');
  const nextBin = createRequire(join(root, 'package.json')).resolve('next/dist/bin/next');
  const build = spawnSync(process.execPath, [nextBin, 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) {
    log.fatal({ status: build.status }, 'next build failed; see above.');
    process.exit(build.status ?? 1);
  }
};

/** Prepares the data directory, database and build, starts the server, and stops it cleanly on SIGINT/SIGTERM. */
export const main = async () => {
  const env = getEnv();
  assertDevelopmentOutboxAllowed(env);
  assertTestHooksAllowed(env);
  const { applied } = await applyMigrations({ log: (line) => log.info(line) });
  if (applied.length === 0) log.info('Database schema is up to date.');
  buildIfMissing(env.projectRoot);
  const { startServer } = await import('../server');
  const { close } = await startServer({ port: env.port, hostname: env.host, tls: env.tls });
  log.info(`Serving ${env.appUrl} (listening on ${env.host}:${env.port}, ${env.databaseKind} database).`);
  log.info(`Issuers are ${env.appUrl}/t/<tenant>; create one with \`npx backchannel tenant create --slug acme --name "Acme"\`.`);
  log.info(
    env.resendApiKey
      ? 'Email: sending through Resend.'
      : 'Email: no RESEND_API_KEY, so approval emails go to the development outbox (printed here).',
  );
  stopOnSignals({ close, timeoutMs: env.shutdownTimeoutMs });
};

/** After the deadline, closing the pools gets this long before the process exits regardless. */
const CLOSE_GRACE_MS = 5_000;

/**
 * SIGTERM or SIGINT: a graceful shutdown within `timeoutMs`
 * (SHUTDOWN_TIMEOUT_SECONDS; server.ts `close`), then exit 0; a second
 * signal exits at once (1).
 */
const stopOnSignals = ({ close, timeoutMs }: { close: (options: { deadline: number }) => Promise<void>; timeoutMs: number }) => {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn(`${signal} again: exiting now.`);
      process.exit(1);
    }
    stopping = true;
    log.info(`${signal}: not ready any more; finishing in-flight requests (at most ${timeoutMs / 1000} s), then stopping.`);
    const started = Date.now();
    setTimeout(() => {
      log.error('stopping took too long: exiting.');
      process.exit(1);
    }, timeoutMs + CLOSE_GRACE_MS).unref();
    close({ deadline: started + timeoutMs }).then(
      () => {
        log.info(`Stopped in ${Date.now() - started} ms.`);
        process.exit(0);
      },
      (error: unknown) => {
        log.error({ err: error }, 'stopping failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
};
