// Child processes of the e2e run: the server and the CLI, with a clean environment.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync as closeLog, openSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SERVER_READY_TIMEOUT_MS = 120_000;
const SERVER_STOP_TIMEOUT_MS = 10_000;

export const isPortTaken = (port: number): Promise<boolean> =>
  new Promise((resolvePort) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolvePort(true);
    });
    socket.once('error', () => resolvePort(false));
  });

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * The child environment: the caller's, minus anything that would point the
 * server elsewhere or drag Playwright's loader into it, plus ours.
 */
export const childEnv = (overrides: Record<string, string>): NodeJS.ProcessEnv => {
  const env: Record<string, string | undefined> = {};
  const dropped =
    /^(DATABASE_URL|APP_URL|PORT|HOST|RESEND_.*|EMAIL_FROM|BACKCHANNEL_.*|AUTH_SECRET|ADMIN_EMAILS|TLS_.*|TEST_POSTGRES_URL|SHADOW_DATABASE_URL|PW_.*|PLAYWRIGHT_.*|NODE_OPTIONS|TS_NODE_.*)$/;
  for (const [name, value] of Object.entries(process.env)) if (!dropped.test(name)) env[name] = value;

  return {
    ...env,
    NEXT_TELEMETRY_DISABLED: '1',
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    ...overrides,
  } as unknown as NodeJS.ProcessEnv;
};

export const tail = (file: string, lines = 60): string => {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
};

export const waitUntilAnswering = async (port: number, server: ChildProcess, logFile: string): Promise<void> => {
  const deadline = Date.now() + SERVER_READY_TIMEOUT_MS;
  let exited: number | null | undefined;
  server.once('exit', (code) => (exited = code));
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`The server exited (code ${exited}) before answering. Log tail:\n${tail(logFile)}`);
    try {
      // Any HTTP answer will do (an unknown tenant is a 404 JSON error).
      const response = await fetch(`http://127.0.0.1:${port}/t/e2e-ready/.well-known/openid-configuration`, {
        signal: AbortSignal.timeout(2_000),
      });
      await response.arrayBuffer();

      return;
    } catch {
      await sleep(150);
    }
  }
  throw new Error(
    `The server did not answer on port ${port} within ${SERVER_READY_TIMEOUT_MS / 1000} s. Log tail:\n${tail(logFile)}`,
  );
};

export const stopProcess = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const stopped = await Promise.race([exited.then(() => true), sleep(SERVER_STOP_TIMEOUT_MS).then(() => false)]);
  if (!stopped) {
    console.log(`[e2e] server pid ${child.pid} ignored SIGTERM for ${SERVER_STOP_TIMEOUT_MS / 1000} s: SIGKILL`);
    child.kill('SIGKILL');
    await exited;
  }
};

/** Starts `command` (node arguments) in the repository root with its output appended to `logFile`. */
export const spawnServer = (args: string[], env: NodeJS.ProcessEnv, logFile: string): ChildProcess => {
  const log = openSync(logFile, 'a');
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', log, log] });
  closeLog(log);

  return child;
};

/** The repository's server entry points, as node arguments. */
export const serverCommand = (mode: 'fast' | 'next', port: number): string[] =>
  mode === 'fast'
    ? [join(ROOT, 'bin/start.mjs')]
    : [join(ROOT, 'node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(port)];
