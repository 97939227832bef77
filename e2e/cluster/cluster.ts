// Two Backchannel instances (`node bin/start.mjs`, the `npm start` path) on one fresh PostgreSQL
// database behind a real HAProxy (Debian's package): round-robin, health check on /readyz, L7
// retries and redispatch, its configuration generated into the run's temp directory. HAProxy adds
// `X-Backend-Server: a|b` to every response, so a test sees which instance answered without the
// product revealing anything about itself. Also: a ping callback receiver that counts what
// arrives, and the mock Resend endpoint for approval and sign-in emails.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startMockResend, type MockResend, type StoredEmail } from '../support/mock-resend';
import { childEnv, isPortTaken, ROOT, spawnServer, tail } from '../support/processes';

export const HAPROXY = '/usr/sbin/haproxy';

export type InstanceName = 'a' | 'b';

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Runs the provisioning CLI with `--json`, returning its one JSON document. */
export const runCli = <T>(env: NodeJS.ProcessEnv, args: string[]): Promise<T> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/backchannel.mjs'), ...args, '--json'], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`backchannel ${args.join(' ')} exited ${code}:\n${stderr}${stdout}`));
      resolve(JSON.parse(stdout) as T);
    });
  });

export type Callback = {
  authReqId: string;
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  /** `answered`: the sender got our 204; `cut`: its connection closed first (the sender died mid-delivery). */
  outcome: 'held' | 'answered' | 'cut';
  arrivedAt: number;
};

/**
 * A ping notification endpoint that holds each callback `holdMs` before it answers 204, so a test
 * can kill an instance while its deliveries are in flight, and tell a delivery the sender saw
 * through (`answered`) from one cut by its death (`cut`).
 */
export const startCallbackReceiver = async (initialHoldMs: number) => {
  const callbacks: Callback[] = [];
  let holdMs = initialHoldMs;
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const callback: Callback = {
        authReqId: String((JSON.parse(body || '{}') as { auth_req_id?: unknown }).auth_req_id),
        authorization: request.headers.authorization,
        idempotencyKey: request.headers['idempotency-key'] as string | undefined,
        outcome: 'held',
        arrivedAt: Date.now(),
      };
      callbacks.push(callback);
      // The sender's end of the connection closing (FIN: a killed process's sockets are closed by
      // its kernel) before we answer: it never learns the outcome. (An HTTP server keeps a
      // half-closed connection, so the response itself would still "finish".)
      const { socket } = request;
      const cut = () => {
        if (callback.outcome === 'held') callback.outcome = 'cut';
      };
      socket.once('end', cut);
      socket.once('close', cut);
      setTimeout(() => {
        socket.off('end', cut);
        socket.off('close', cut);
        if (callback.outcome !== 'held' || response.destroyed) return;
        callback.outcome = 'answered';
        response.writeHead(204).end();
      }, holdMs);
    });
  });
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  return {
    url: `http://127.0.0.1:${port}/ping`,
    callbacks,
    /** How long the callbacks that arrive from now on are held. */
    setHold: (ms: number) => {
      holdMs = ms;
    },
    /** The callbacks of one request, by outcome. */
    outcomesOf: (authReqId: string) => {
      const own = callbacks.filter((callback) => callback.authReqId === authReqId);

      return {
        answered: own.filter((callback) => callback.outcome === 'answered').length,
        cut: own.filter((callback) => callback.outcome === 'cut').length,
        held: own.filter((callback) => callback.outcome === 'held').length,
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

export type CallbackReceiver = Awaited<ReturnType<typeof startCallbackReceiver>>;

/** The HAProxy configuration: round-robin over A and B, /readyz checked twice a second, L7 retries. */
export const haproxyConfig = (ports: { front: number; a: number; b: number }): string => `
global
  maxconn 4096
  log stdout format raw local0

defaults
  mode http
  log global
  option httplog
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  timeout http-keep-alive 5s
  timeout check 5s
  # A request that reaches an instance as it dies, or a connection it refuses because it is
  # draining, is sent again to the other one (L7 retries keep a copy of the request).
  retries 3
  option redispatch 1
  retry-on conn-failure empty-response response-timeout

frontend backchannel
  bind 127.0.0.1:${ports.front}
  default_backend instances

backend instances
  balance roundrobin
  option httpchk
  http-check send meth GET uri /readyz
  http-check expect status 200
  default-server inter 500ms fall 3 rise 2
  # Which instance answered (the test's own header; the product names no instance).
  http-response set-header X-Backend-Server %s
  server a 127.0.0.1:${ports.a} check
  server b 127.0.0.1:${ports.b} check
`;

export type Cluster = Awaited<ReturnType<typeof startCluster>>;

/**
 * Starts the mock Resend endpoint, a fresh database on `postgresAdminUrl`, instances A and B, the
 * tenant `acme` (abuse limits off) with a poll client, a ping client, user alice and an
 * all-tenants API key (through the real CLI), and HAProxy in front; resolves once HAProxy routes
 * to both.
 */
export const startCluster = async (options: { postgresAdminUrl: string; basePort: number; callbackHoldMs: number }) => {
  const ports = { front: options.basePort, a: options.basePort + 1, b: options.basePort + 2 };
  for (const port of Object.values(ports)) {
    if (await isPortTaken(port)) throw new Error(`Port ${port} is in use (the cluster spec uses E2E_PORT + 20 … + 22).`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'backchannel-cluster-'));
  const cleanups: (() => Promise<void> | void)[] = [
    () => {
      if (process.env.E2E_KEEP_DATA === '1') console.log(`[cluster] kept ${dir}`);
      else rmSync(dir, { recursive: true, force: true });
    },
  ];
  const stop = async () => {
    for (const step of cleanups.reverse()) await Promise.resolve(step()).catch((error: unknown) => console.error(error));
  };
  try {
    const name = `backchannel_cluster_${randomBytes(5).toString('hex')}`;
    const admin = async (sql: string) => {
      const client = new pg.Client({ connectionString: options.postgresAdminUrl, connectionTimeoutMillis: 5_000 });
      await client.connect();
      await client.query(sql).finally(() => client.end());
    };
    await admin(`CREATE DATABASE ${name}`);
    cleanups.push(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    const databaseUrl = Object.assign(new URL(options.postgresAdminUrl), { pathname: `/${name}` }).toString();

    const resendKey = `re_test_${randomBytes(12).toString('hex')}`;
    const mock: MockResend = await startMockResend({ apiKey: resendKey });
    cleanups.push(() => mock.close());
    const receiver = await startCallbackReceiver(options.callbackHoldMs);
    cleanups.push(() => receiver.close());

    const appUrl = `http://localhost:${ports.front}`;
    const ownerEmail = 'owner@cluster.backchannel.test';
    // One deployment: the same database, APP_URL and secrets on every instance; a data directory each.
    const shared = {
      DATABASE_URL: databaseUrl,
      APP_URL: appUrl,
      AUTH_SECRET: randomBytes(32).toString('base64url'),
      BACKCHANNEL_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64url'),
      HOST: '127.0.0.1',
      RESEND_API_KEY: resendKey,
      RESEND_BASE_URL: mock.url,
      EMAIL_FROM: 'Backchannel Cluster <no-reply@cluster.backchannel.test>',
      ADMIN_EMAILS: ownerEmail,
      ALLOW_HTTP_LOOPBACK_CALLBACKS: 'true',
      CIBA_TEST_HOOKS: 'true',
      CIBA_TEST_HOOKS_I_KNOW: 'true',
      // Behind a proxy every connection comes from its address.
      HTTP_MAX_CONNECTIONS_PER_ADDRESS: '0',
      // The shortest lease: a killed instance's deliveries are taken over within ~12 s.
      OUTBOX_LEASE_SECONDS: '10',
      SHUTDOWN_TIMEOUT_SECONDS: '10',
    };
    const cliEnv = childEnv({ ...shared, BACKCHANNEL_DATA_DIR: join(dir, 'cli') });

    const instances = new Map<InstanceName, ChildProcess>();
    const logOf = (instance: InstanceName) => join(dir, `instance-${instance}.log`);
    const base = (instance: InstanceName) => `http://localhost:${ports[instance]}`;
    const waitUntilReady = async (instance: InstanceName, child: ChildProcess) => {
      const deadline = Date.now() + 120_000;
      while (Date.now() < deadline) {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`Instance ${instance} exited before it was ready:\n${tail(logOf(instance))}`);
        }
        const ready = await fetch(`${base(instance)}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
          (response) => response.status === 200,
          () => false,
        );
        if (ready) return;
        await sleep(100);
      }
      throw new Error(`Instance ${instance} was not ready within 120 s:\n${tail(logOf(instance))}`);
    };
    /** Starts an instance (`node bin/start.mjs`); resolves once its /readyz says 200. */
    const startInstance = async (instance: InstanceName) => {
      const child = spawnServer(
        [join(ROOT, 'bin/start.mjs')],
        {
          ...childEnv({ ...shared, PORT: String(ports[instance]), BACKCHANNEL_DATA_DIR: join(dir, instance) }),
          NODE_ENV: 'production',
        },
        logOf(instance),
      );
      instances.set(instance, child);
      await waitUntilReady(instance, child);

      return child;
    };
    const exited = (child: ChildProcess) =>
      new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
        else child.once('exit', (code, signal) => resolve({ code, signal }));
      });
    /** Sends `signal` to an instance and resolves with how it exited. */
    const signalInstance = async (instance: InstanceName, signal: NodeJS.Signals) => {
      const child = instances.get(instance);
      if (!child) throw new Error(`Instance ${instance} is not running.`);
      const exit = exited(child);
      child.kill(signal);

      return exit;
    };
    cleanups.push(async () => {
      for (const child of instances.values()) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited(child);
      }
    });

    // Both at once on a fresh database: the migrations' advisory lock lets one apply them.
    await Promise.all([startInstance('a'), startInstance('b')]);

    // Provisioning through the real CLI, beside the running instances.
    await runCli(cliEnv, ['tenant', 'create', '--slug', 'acme', '--name', 'Acme Corp']);
    type Created = { client_id: string; client_secret: string };
    await runCli(cliEnv, [
      ...['tenant', 'update', '--slug', 'acme', '--rate-limit-per-user', '0', '--rate-limit-per-tenant', '0'],
      ...['--max-pending', '0', '--rate-limit-per-agent', '0'],
    ]);
    const [pollClient, pingClient, alice, apiKey] = await Promise.all([
      runCli<Created>(cliEnv, ['client', 'create', '--tenant', 'acme', '--name', 'Cluster Desk', '--poll-interval', '1']),
      runCli<Created>(cliEnv, [
        ...['client', 'create', '--tenant', 'acme', '--name', 'Cluster Ping'],
        ...['--delivery-mode', 'ping', '--notification-endpoint', receiver.url, '--poll-interval', '1'],
      ]),
      runCli<{ sub: string; email: string }>(cliEnv, ['user', 'create', '--tenant', 'acme', '--email', 'alice@example.com']),
      runCli<{ key: string }>(cliEnv, ['api-key', 'create', '--name', 'Cluster test']),
    ]);

    const haproxyCfg = join(dir, 'haproxy.cfg');
    writeFileSync(haproxyCfg, haproxyConfig(ports));
    const haproxyLog = join(dir, 'haproxy.log');
    const out = openSync(haproxyLog, 'a');
    const haproxy = spawn(HAPROXY, ['-db', '-f', haproxyCfg], { stdio: ['ignore', out, out] });
    closeSync(out);
    cleanups.push(async () => {
      if (haproxy.exitCode === null) {
        const done = exited(haproxy);
        haproxy.kill('SIGTERM');
        await done;
      }
    });

    const cluster = {
      dir,
      ports,
      appUrl,
      issuer: `${appUrl}/t/acme`,
      base,
      issuerOn: (instance: InstanceName) => `${base(instance)}/t/acme`,
      mock,
      receiver,
      ownerEmail,
      pollClient,
      pingClient,
      alice,
      apiKey: apiKey.key,
      cliEnv,
      startInstance,
      signalInstance,
      logOf,
      haproxyLog,
      /** Resolves once HAProxy has sent requests to `instance` (its health check found it ready). */
      waitUntilRouted: async (instance: InstanceName, timeoutMs = 30_000) => {
        const deadline = Date.now() + timeoutMs;
        while (Date.now() < deadline) {
          const served = await fetch(`${appUrl}/healthz`).then(
            (response) => response.headers.get('x-backend-server'),
            () => null,
          );
          if (served === instance) return;
          await sleep(100);
        }
        throw new Error(`HAProxy did not route to ${instance} within ${timeoutMs} ms:\n${tail(haproxyLog)}`);
      },
      /** The newest email to `to` whose text contains `containing`. */
      waitForEmail: async (to: string, containing: string, timeoutMs = 10_000): Promise<StoredEmail> => {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const found = [...mock.messages].reverse().find((email) => email.to.includes(to) && email.text.includes(containing));
          if (found) return found;
          if (Date.now() > deadline) throw new Error(`No email to ${to} containing "${containing}".`);
          await sleep(100);
        }
      },
      stop,
    };
    await cluster.waitUntilRouted('a');
    await cluster.waitUntilRouted('b');

    return cluster;
  } catch (error) {
    await stop();
    throw error;
  }
};

/** Why the cluster spec cannot run here, or null. */
export const clusterUnavailable = (postgresAdminUrl: string | undefined): string | null => {
  if (!existsSync(HAPROXY)) return `needs HAProxy at ${HAPROXY} (apt-get install haproxy; .ci/run installs it)`;
  if (!postgresAdminUrl) return 'needs PostgreSQL (E2E_POSTGRES_URL): several instances share one PostgreSQL database';

  return null;
};
