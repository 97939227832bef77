// Playwright global setup: one real production server per run, on a fresh database.
//
// 1. a data directory under the OS tmp dir;
// 2. the database: a SQLite file in it, or — with E2E_POSTGRES_URL — a new
//    database `backchannel_e2e_<random>` on that server (dropped afterwards);
// 3. a mock Resend endpoint (./mock-resend.ts) the server sends its emails to;
// 4. the server, per E2E_SERVER: `fast` (default, `node bin/start.mjs`: applies
//    migrations itself) or `next` (`tsx scripts/db.ts deploy`, then plain
//    `next start`); both need a production build (scripts/test.mjs makes one);
// 5. tenants, clients and users through the real CLI (`bin/backchannel.mjs --json`),
//    beside the running server.
// The specs read what they need from the JSON file named by E2E_CONTEXT_FILE.
// Returns the teardown: stop the server (SIGTERM, then SIGKILL), the mock,
// drop the PostgreSQL database, remove the data directory.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { E2E_CONTEXT_ENV, type E2eClient, type E2eContext, type E2eUser } from './context';
import { startMockResend, type MockResend } from './mock-resend';
import { childEnv, isPortTaken, ROOT, serverCommand, spawnServer, stopProcess, waitUntilAnswering } from './processes';
import { e2ePort, e2ePostgresAdminUrl, e2eRunLabel, e2eServerMode } from './run-options';

const RESEND_API_KEY = `re_test_${randomBytes(12).toString('hex')}`;
const EMAIL_FROM = 'Backchannel E2E <no-reply@e2e.backchannel.test>';
/** The console owner of the run (ADMIN_EMAILS): signs in by magic link in e2e/console. */
const CONSOLE_OWNER_EMAIL = 'owner@e2e.backchannel.test';

const log = (line: string) => console.log(`[e2e] ${line}`);

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1', '']);

/** The e2e run creates and drops databases: refuse anything but a local server unless told otherwise. */
const assertLocalPostgres = (adminUrl: string): void => {
  const host = new URL(adminUrl).hostname;
  if (!LOCAL_HOSTS.has(host) && process.env.E2E_ALLOW_REMOTE_POSTGRES !== '1') {
    throw new Error(
      `E2E_POSTGRES_URL points at "${host}", not a local server; set E2E_ALLOW_REMOTE_POSTGRES=1 if you really mean it.`,
    );
  }
};

/** Runs the provisioning CLI with `--json` and returns its one JSON document. */
const cli = <T>(env: NodeJS.ProcessEnv, args: string[]): Promise<T> =>
  new Promise((resolveCli, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/backchannel.mjs'), ...args, '--json'], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`backchannel ${args.join(' ')} exited ${code}:\n${stderr}${stdout}`));
      try {
        resolveCli(JSON.parse(stdout) as T);
      } catch {
        reject(new Error(`backchannel ${args.join(' ')} printed no JSON:\n${stdout}\n${stderr}`));
      }
    });
  });

const withPgAdmin = async (adminUrl: string, sql: string): Promise<void> => {
  const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5_000 });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
};

export default async function globalSetup(): Promise<() => Promise<void>> {
  const started = Date.now();
  const mode = e2eServerMode();
  const port = e2ePort();
  const label = e2eRunLabel();
  const appUrl = `http://localhost:${port}`;
  const pgAdminUrl = e2ePostgresAdminUrl();
  if (!existsSync(join(ROOT, '.next', 'BUILD_ID'))) {
    throw new Error('No production build (.next/BUILD_ID): run `npx next build` first (npm test does).');
  }
  if (await isPortTaken(port)) throw new Error(`Port ${port} is already in use; set E2E_PORT to a free port.`);

  const dataDir = mkdtempSync(join(tmpdir(), 'backchannel-e2e-'));
  const logFile = join(dataDir, 'server.log');
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) {
      try {
        await step();
      } catch (error) {
        console.error('[e2e] teardown step failed:', error);
      }
    }
  };
  cleanups.push(() => {
    if (process.env.E2E_KEEP_DATA === '1') return log(`kept ${dataDir}`);
    rmSync(dataDir, { recursive: true, force: true });
  });

  try {
    let databaseUrl = `file:${join(dataDir, 'backchannel.db')}`;
    if (pgAdminUrl) {
      assertLocalPostgres(pgAdminUrl);
      const name = `backchannel_e2e_${randomBytes(6).toString('hex')}`;
      await withPgAdmin(pgAdminUrl, `CREATE DATABASE ${name}`);
      cleanups.push(() => withPgAdmin(pgAdminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      const url = new URL(pgAdminUrl);
      url.pathname = `/${name}`;
      databaseUrl = url.toString();
    }

    const mock: MockResend = await startMockResend({ apiKey: RESEND_API_KEY });
    cleanups.push(() => mock.close());

    const serverEnv = {
      BACKCHANNEL_DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      APP_URL: appUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      RESEND_API_KEY,
      RESEND_BASE_URL: mock.url,
      EMAIL_FROM,
      ADMIN_EMAILS: CONSOLE_OWNER_EMAIL,
    };
    const env = childEnv(serverEnv);

    if (mode === 'next') {
      const deploy = spawnSync(process.execPath, [join(ROOT, 'node_modules/tsx/dist/cli.mjs'), 'scripts/db.ts', 'deploy'], {
        cwd: ROOT,
        env,
        encoding: 'utf8',
      });
      if (deploy.status !== 0) throw new Error(`tsx scripts/db.ts deploy failed:\n${deploy.stdout}${deploy.stderr}`);
    }

    const server = spawnServer(serverCommand(mode, port), { ...env, NODE_ENV: 'production' }, logFile);
    cleanups.push(async () => {
      await stopProcess(server);
      mkdirSync(join(ROOT, 'reports'), { recursive: true });
      copyFileSync(logFile, join(ROOT, 'reports', `e2e-server-${label}.log`));
    });
    await waitUntilAnswering(port, server, logFile);
    log(
      `${mode} server up at ${appUrl} (pid ${server.pid}, ${pgAdminUrl ? 'PostgreSQL' : 'SQLite'}), log: reports/e2e-server-${label}.log`,
    );

    // Provisioning through the real CLI, beside the running server (the documented workflow).
    // The specs make dozens of requests a minute for alice; the abuse limits (default 5 per user a
    // minute) are tested in vitest (lib/ciba/admission.test.ts), so they are off here. The two
    // tenants are provisioned side by side (each CLI call is a process start).
    const limitsOff = [
      '--rate-limit-per-user',
      '0',
      '--rate-limit-per-tenant',
      '0',
      '--max-pending',
      '0',
      '--rate-limit-per-agent',
      '0',
    ];
    await Promise.all(
      [
        ['acme', 'Acme Corp'],
        ['globex', 'Globex Inc'],
      ].map(async ([slug, name]) => {
        await cli(env, ['tenant', 'create', '--slug', slug, '--name', name]);
        await cli(env, ['tenant', 'update', '--slug', slug, ...limitsOff]);
      }),
    );
    type CreatedClient = Pick<
      E2eClient,
      'client_id' | 'client_secret' | 'token_endpoint_auth_method' | 'binding_message_policy'
    > & {
      client_name: string;
    };
    const client = (tenant: string, name: string, extra: string[] = []) =>
      cli<CreatedClient>(env, ['client', 'create', '--tenant', tenant, '--name', name, ...extra]).then((created): E2eClient => ({
        tenant,
        name: created.client_name,
        client_id: created.client_id,
        client_secret: created.client_secret,
        token_endpoint_auth_method: created.token_endpoint_auth_method,
        binding_message_policy: created.binding_message_policy,
      }));
    const user = (tenant: string, email: string, name: string) =>
      cli<{ sub: string; email: string }>(env, ['user', 'create', '--tenant', tenant, '--email', email, '--name', name]).then(
        (created): E2eUser => ({ tenant, email: created.email, name, sub: created.sub }),
      );
    const [acme, acmePost, globex, alice, carol] = await Promise.all([
      client('acme', 'Acme Support Desk'),
      client('acme', 'Acme Kiosk', ['--auth-method', 'client_secret_post', '--binding-message', 'required']),
      client('globex', 'Globex Portal'),
      user('acme', 'alice@example.com', 'Alice Example'),
      user('globex', 'carol@globex.example', 'Carol Globex'),
    ]);

    const context: E2eContext = {
      appUrl,
      server: mode,
      database: pgAdminUrl ? 'postgres' : 'sqlite',
      mailUrl: mock.url,
      emailFrom: EMAIL_FROM,
      serverLog: logFile,
      cliEnv: { DATABASE_URL: databaseUrl, BACKCHANNEL_DATA_DIR: dataDir, APP_URL: appUrl },
      serverEnv,
      clients: { acme, acmePost, globex },
      users: { alice, carol },
      consoleOwnerEmail: CONSOLE_OWNER_EMAIL,
    };
    const contextFile = join(dataDir, 'e2e-context.json');
    writeFileSync(contextFile, JSON.stringify(context, null, 2), { mode: 0o600 });
    process.env[E2E_CONTEXT_ENV] = contextFile;
    log(`provisioned acme + globex in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    await cleanup();
    throw error;
  }

  return cleanup;
}
