// `npm start`: everything a fresh checkout needs to serve — secrets under
// ./data, migrations, a production build if none exists — then the server.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { getDb } from '@/lib/db/client';
import { applyMigrations } from '@/lib/db/migrate';
import { failInterruptedEmails } from '@/lib/email/fail-interrupted-emails';
import { getEnv } from '@/lib/env';

const log = (line: string) => console.log(`[backchannel] ${line}`);

const buildIfMissing = (root: string) => {
  if (existsSync(join(root, '.next', 'BUILD_ID'))) return;
  log('No production build yet: running `next build` (once; `npm run build` rebuilds).');
  const nextBin = createRequire(join(root, 'package.json')).resolve('next/dist/bin/next');
  const build = spawnSync(process.execPath, [nextBin, 'build'], { cwd: root, stdio: 'inherit', env: process.env });
  if (build.status !== 0) {
    console.error('[backchannel] next build failed; see above.');
    process.exit(build.status ?? 1);
  }
};

const readTlsOptions = () => {
  const certFile = process.env.TLS_CERT_FILE?.trim();
  const keyFile = process.env.TLS_KEY_FILE?.trim();
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) throw new Error('Set both TLS_CERT_FILE and TLS_KEY_FILE to serve HTTPS.');

  return { certFile, keyFile, caFile: process.env.TLS_CA_FILE?.trim() || undefined };
};

export const main = async () => {
  const root = process.env.BACKCHANNEL_ROOT ?? process.cwd();
  const env = getEnv();
  const { applied } = await applyMigrations({ log });
  log(applied.length ? `Applied migrations: ${applied.join(', ')}` : 'Database schema is up to date.');
  const interrupted = await failInterruptedEmails(getDb());
  if (interrupted > 0) log(`${interrupted} email(s) interrupted by an earlier stop are now marked failed.`);
  buildIfMissing(root);
  const hostname = process.env.HOST?.trim() || '0.0.0.0';
  const { startServer } = await import('../server');
  const { close } = await startServer({ port: env.port, hostname, tls: readTlsOptions() });
  log(`Serving ${env.appUrl} (listening on ${hostname}:${env.port}, ${env.databaseKind} database).`);
  log(`Issuers are ${env.appUrl}/t/<tenant>; create one with \`npx backchannel tenant create --slug acme --name "Acme"\`.`);
  log(env.resendApiKey ? 'Email: sending through Resend.' : 'Email: no RESEND_API_KEY, so approval emails go to the development outbox (printed here).');
  const shutdown = (signal: string) => {
    log(`${signal}: finishing in-flight work and stopping.`);
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
};
