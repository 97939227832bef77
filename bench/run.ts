// `npm run bench` — Backchannel vs node-oidc-provider (CIBA poll mode), one run.
// See bench/README.md. Flags: --quick, --pg, --instances N, --scale / --no-scale, --console / --no-console, --monitor / --no-monitor, --long-poll / --no-long-poll, --peer-sync=<LEVEL>, --keep.
import { execFile, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { loadConsoleData } from './lib/console-load';
import { measurePingLatency, startPingReceiver, type PingLatency } from './lib/ping-latency';
import type { MonitorFigure } from './lib/monitor-load';
import { measureLongPolls, type LongPollFigure } from './lib/long-poll-load';
import { bulkLoad, type BulkLoadResult } from './lib/scale';
import { SQLITE_SYNCHRONOUS } from '../lib/db/sqlite-durability';
import {
  allowedCpus,
  commandLine,
  freePort,
  machineBusyMs,
  namedProcessesCpuMs,
  hasTaskset,
  killAllChildrenNow,
  pinned,
  pinSelf,
  processTree,
  resetPeakRss,
  spawnLogged,
  stopAllChildren,
  stopChild,
  treeCpuMs,
  treePeakRssMb,
  treeRssMb,
} from './lib/proc';

// --- options -----------------------------------------------------------------------
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const option = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
if (flag('help')) {
  console.log(`npm run bench [-- --quick] [--pg] [--scale | --no-scale] [--console | --no-console] [--peer-sync=FULL|NORMAL] [--peer-notify=outbox|none] [--keep]
  --quick       1 s warm-up, 3 s measured per scenario (smoke test of the harness)
  --pg          Backchannel on PostgreSQL (127.0.0.1:5432, user postgres, a fresh database); the peer stays on SQLite
  --instances N with --pg: (a) and (b) again on N Backchannel instances on the one database, the load
                generator's connections split evenly over them (round-robin by connection), each
                instance pinned to the servers' core; rate and CPU summed over the instances
  --scale       run the 1.1M-row scale check (Backchannel, SQLite) — default on, except with --quick or --pg
  --no-scale    skip it
  --console     the console figure (users page and API over 100,000 users) — default on, except with --quick
  --no-console  skip it
  --monitor     the live monitor figure (Chromium on the request monitor: 5,000 pending, ~200 events/s) — default on, except with --quick
  --no-monitor  skip it
  --long-poll   the long-polling figure (5,000 token polls held open: memory, idle CPU, approval → answer) — default on, except with --quick
  --no-long-poll skip it
  --watch       a console session watches the bench tenant's live request stream during (a)–(c)
  --peer-sync   override the peer's PRAGMA synchronous (default: the level Backchannel runs with)
  --peer-notify outbox (default: the peer stores and logs an approval-email-sized outbox row per
                request, as Backchannel does) or none (the peer notifies nobody)
  --keep        keep the temporary directory (data, server logs)
  --no-peer     Backchannel only: skip node-oidc-provider and the floor (for comparing two Backchannel builds)
  --profile=DIR write a V8 CPU profile of the Backchannel server to DIR (node --cpu-prof; skews its figures)`);
  process.exit(0);
}
const QUICK = flag('quick');
const PG = flag('pg');
/** `--instances N` (PostgreSQL only): (a) and (b) again on N instances of Backchannel sharing the database. */
const INSTANCES = Number(
  option('instances') ?? (argv.includes('--instances') ? argv[argv.indexOf('--instances') + 1] : undefined) ?? 1,
);
if (argv.some((a) => a.startsWith('--instances')) && (!Number.isInteger(INSTANCES) || INSTANCES < 2 || INSTANCES > 8)) {
  console.error('--instances takes a whole number from 2 to 8');
  process.exit(1);
}
if (INSTANCES > 1 && !PG) {
  console.error('--instances needs --pg: instances share state through PostgreSQL (SQLite is one server per file)');
  process.exit(1);
}
const SCALE = flag('scale') || (!flag('no-scale') && !QUICK && !PG);
/** The console figure (users page and API over 100,000 users): default on, except with --quick. */
const CONSOLE = flag('console') || (!flag('no-console') && !QUICK);
const CONSOLE_USERS = 100_000;
/** The live monitor figure (issue 8): default on, except with --quick. */
const MONITOR = flag('monitor') || (!flag('no-monitor') && !QUICK);
const MONITOR_PENDING = 5_000;
/** The long-polling figure (issue 10): default on, except with --quick. */
const LONG_POLL = flag('long-poll') || (!flag('no-long-poll') && !QUICK);
const LONG_POLLS = 5_000;
/** The figure's client holds each poll this long (its backchannel_long_poll_timeout, the largest allowed). */
const LONG_POLL_HOLD_SECONDS = 25;
const LONG_POLL_IDLE_SECONDS = 5;
const LONG_POLL_SAMPLE = 20;
/**
 * `tenant update` giving a bench tenant the largest abuse limits the schema allows (10,000 requests
 * a minute per user, 1,000,000 per tenant, 10,000,000 outstanding), not 0: the load (~1,500
 * bc-authorize/s over 10 users) stays far below them, and every request still goes through the
 * limit checks and counters, so their cost is in the figures (bench/README.md).
 */
const BENCH_LIMITS = (slug: string) => [
  'tenant',
  'update',
  '--slug',
  slug,
  '--rate-limit-per-user',
  '10000',
  '--rate-limit-per-tenant',
  '1000000',
  '--max-pending',
  '10000000',
];
/** bc-authorize calls a second while the monitor watches; each writes two events (started, notification sent). */
const MONITOR_RATE = 100;
const MONITOR_SECONDS = 20;
/** `--watch`: a console watches the bench tenant's live stream during (a)–(c), so the event feed and fan-out run. */
const WATCH = flag('watch');
const KEEP = flag('keep');
/** Where Backchannel's server writes a CPU profile (`--cpu-prof`), if anywhere. */
const PROFILE_DIR = option('profile');
/** Whether node-oidc-provider and the floor run too (`--no-peer`: Backchannel only). */
const PEER = !flag('no-peer');
const WARMUP_SEC = QUICK ? 1 : 3;
const DURATION_SEC = QUICK ? 3 : 10;
const CONNECTIONS = 50;
const FLOW_CONCURRENCY = 50;
/** (c) again with full flows this many at once, for the token success path's p99 (not with --quick). */
const TOKEN_POLLERS = 200;
const TOKEN_POLLERS_SCENARIO = `(c) full flow, ${TOKEN_POLLERS} at once`;
const USERS = 10;
/** Approvals the ping-latency figure times (one after another, on an idle server). */
const PING_SAMPLES = 200;
/** The user the ping-latency requests name (not one of the load's users). */
const PING_USER = 'ping@bench.test';
const POLL_INTERVAL = 1; // the bench client's poll interval (client create --poll-interval)
/**
 * Pending-poll pool: polls of one auth_req_id are pool/rate apart. CIBA wants
 * ≥ interval (1 s here; Backchannel allows 250 ms of jitter) and one slow_down
 * poisons a request for good (+5 s), so aim for ~3 intervals of spacing.
 */
const POLL_POOL_FACTOR = 3;
const POLL_POOL_MIN = QUICK ? 6000 : 12_000;
const SCALE_HISTORICAL = 1_000_000;
const SCALE_PENDING = 100_000;
const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';

const startedAt = Date.now();
const tmp = mkdtempSync(join(tmpdir(), 'backchannel-bench-'));
const elapsed = () => {
  const s = Math.round((Date.now() - startedAt) / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};
const log = (line: string) => console.log(`[bench ${elapsed()}] ${line}`);

// --- cleanup -------------------------------------------------------------------------
let pgDatabase: string | undefined;
const PG_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
const dropPgDatabase = async () => {
  if (!pgDatabase) return;
  const name = pgDatabase;
  pgDatabase = undefined;
  await statsClient?.end().catch(() => undefined);
  statsClient = undefined;
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await client.end();
};
let cleaningUp = false;
const cleanup = async (keepTmp: boolean) => {
  if (cleaningUp) return;
  cleaningUp = true;
  await stopAllChildren();
  await dropPgDatabase().catch((error) => log(`could not drop ${pgDatabase}: ${error.message}`));
  if (keepTmp) log(`temporary files kept in ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
};
process.on('exit', killAllChildrenNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping every child process…`);
    void cleanup(KEEP).finally(() => process.exit(130));
  });
}

// --- helpers ----------------------------------------------------------------------------
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const waitForHttp = async (url: string, child: ChildProcess, logFile: string, timeoutMs = 90_000) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}); see ${logFile}:\n${tail(logFile)}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      /* not listening yet */
    }
    await sleep(200);
  }
  throw new Error(`server not ready at ${url} after ${timeoutMs / 1000} s; see ${logFile}`);
};

const tail = (file: string, lines = 30) => {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
};

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

/** SQLite `synchronous` level Backchannel runs with: the constant both of its SQLite connections use. */
const detectBackchannelSync = (): { level: string; source: string } => ({
  level: SQLITE_SYNCHRONOUS,
  source: 'SQLITE_SYNCHRONOUS in lib/db/sqlite-durability.ts',
});

// --- measurement -------------------------------------------------------------------------
type Measured = {
  server: string;
  scenario: string;
  unit: 'req' | 'flow';
  rate: number; // req/s or flows/s
  p50: number;
  p99: number;
  cpuMsPerUnit: number;
  cpuMs: number;
  peakRssMb: number;
  rssAfterMb: number;
  units: number;
  details: Record<string, unknown>;
  /** % of one core used by other processes during the measured window (noise indicator). */
  foreignCpuPct: number;
  valid: boolean;
  note?: string;
};

/** What bench/load.mjs reports (the fields read here). */
type LoadResult = {
  requests: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  counts: Record<string, number>;
  errors: number;
  timeouts: number;
};

/** What bench/flow.ts reports (the fields read here). */
type FlowResult = {
  requests: number;
  flows: number;
  flowsPerSec: number;
  p50: number;
  p99: number;
  tokenRetries: number;
  failures: Record<string, number>;
  approveMsAvg: number;
  /** The token request that returned the tokens, per flow. */
  tokenP50: number;
  tokenP99: number;
};

/**
 * Runs a child driver (bench/load.mjs or bench/flow.ts) on core 1: warm-up,
 * then server CPU and peak RSS are sampled around the measured run.
 */
const drive = async <R>(
  label: string,
  serverPid: number | number[],
  script: string,
  config: Record<string, unknown>,
  env: NodeJS.ProcessEnv = driverEnv,
): Promise<{
  result: R;
  cpuMs: number;
  peakRssMb: number;
  rssAfterMb: number;
  foreignCpuPct: number;
  database: DatabaseCost | undefined;
}> => {
  const isTs = script.endsWith('.ts');
  const nodeArgs = isTs ? ['--import', 'tsx', script] : [script];
  const [command, args] = pinned(1, process.execPath, nodeArgs);
  const logFile = join(tmp, `driver-${label.replace(/\W+/g, '_')}.log`);
  const child = spawnLogged(command, args, { cwd: ROOT, env, logFile, ipc: true });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(new Error(`${label}: driver exited (${code}) before reporting; ${logFile}:\n${tail(logFile)}`)),
    ),
  );
  exited.catch(() => undefined);
  const next = (type: string) =>
    Promise.race([
      new Promise<{ type: string; result: R }>((resolve) => {
        const onMessage = (message: unknown) => {
          if ((message as { type?: unknown } | null)?.type !== type) return;
          child.off('message', onMessage);
          resolve(message as { type: string; result: R });
        };
        child.on('message', onMessage);
      }),
      exited,
    ]);
  child.send({ type: 'config', config });
  log(`${label}: warm-up ${String(config.warmupSec)} s…`);
  await next('measure-start');
  const serverPids = Array.isArray(serverPid) ? serverPid : [serverPid];
  const sum = (measure: (pid: number) => number) => serverPids.reduce((total, pid) => total + measure(pid), 0);
  for (const pid of serverPids) resetPeakRss(pid);
  const databaseBefore = await databaseCounters();
  const cpuBefore = sum(treeCpuMs);
  const driverBefore = treeCpuMs(child.pid!);
  const machineBefore = machineBusyMs();
  const windowStart = Date.now();
  child.send({ type: 'go' });
  log(`${label}: measuring ${String(config.durationSec)} s…`);
  const { result } = await next('result');
  const cpuMs = sum(treeCpuMs) - cpuBefore;
  const driverMs = treeCpuMs(child.pid!) - driverBefore;
  // CPU used by anything else on the machine (other engineers' builds and
  // tests, PostgreSQL with --pg) during the window, in % of one core.
  const foreignCpuPct = (100 * (machineBusyMs() - machineBefore - cpuMs - driverMs)) / (Date.now() - windowStart);
  const databaseAfter = await databaseCounters();
  const peakRssMb = sum(treePeakRssMb);
  const rssAfterMb = sum(treeRssMb);
  await stopChild(child, 10_000);
  if (foreignCpuPct > 15)
    log(`${label}: note — ${foreignCpuPct.toFixed(0)} % of a core used by other processes during the window`);
  const database =
    databaseBefore && databaseAfter
      ? {
          cpuMs: databaseAfter.cpuMs - databaseBefore.cpuMs,
          transactions: databaseAfter.transactions - databaseBefore.transactions,
          rowsRead: databaseAfter.rowsRead - databaseBefore.rowsRead,
          rowsWritten: databaseAfter.rowsWritten - databaseBefore.rowsWritten,
        }
      : undefined;
  return { result, cpuMs, peakRssMb, rssAfterMb, foreignCpuPct, database };
};

/**
 * PostgreSQL's side of a window (--pg): its processes' CPU, and from pg_stat_database for the
 * bench database the transactions (each autocommitted statement is one; BEGIN…COMMIT is one),
 * rows read (returned + fetched) and rows written (inserted + updated + deleted). The statistics
 * are flushed by each backend when idle (at least every second): read after a 1.5 s pause.
 */
type DatabaseCost = { cpuMs: number; transactions: number; rowsRead: number; rowsWritten: number };
let statsClient: pg.Client | undefined;
const databaseCounters = async (): Promise<DatabaseCost | undefined> => {
  if (!pgDatabase) return undefined;
  if (!statsClient) {
    statsClient = new pg.Client({ connectionString: PG_ADMIN_URL });
    await statsClient.connect();
  }
  await sleep(1500);
  const [row] = (
    await statsClient.query<{ transactions: string; rows_read: string; rows_written: string }>(
      `SELECT xact_commit + xact_rollback AS transactions, tup_returned + tup_fetched AS rows_read,
              tup_inserted + tup_updated + tup_deleted AS rows_written
         FROM pg_stat_database WHERE datname = $1`,
      [pgDatabase],
    )
  ).rows;
  return {
    cpuMs: namedProcessesCpuMs('postgres'),
    transactions: Number(row.transactions),
    rowsRead: Number(row.rows_read),
    rowsWritten: Number(row.rows_written),
  };
};

type Target = {
  /** 'backchannel', 'peer', 'floor', or `backchannel x<N>` for N instances. */
  name: string;
  url: string;
  /** Several instances (--instances): the load is split over these; `url` is the first. */
  urls?: string[];
  /** Every instance's pid, when several: CPU and RSS are summed over them. */
  pids?: number[];
  authorizePath: string;
  tokenPath: string;
  basic: string;
  pid: number;
};

const formHeaders = (target: Target) => ({
  authorization: target.basic,
  'content-type': 'application/x-www-form-urlencoded',
});

const authorizeBody = (i: number) => `scope=openid&login_hint=u${i % USERS}%40bench.test&binding_message=BM${i % 10000}`;
const pollBody = (authReqId: string) => `grant_type=${encodeURIComponent(CIBA_GRANT)}&auth_req_id=${authReqId}`;

const writeLines = (name: string, lines: string[]) => {
  const file = join(tmp, name);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
};

const scenarioAuthorize = async (target: Target): Promise<{ measured: Measured; ids: string[] }> => {
  const collectFile = join(tmp, `${target.name.replace(/\W+/g, '_')}-auth-req-ids.txt`);
  const { result, cpuMs, peakRssMb, rssAfterMb, foreignCpuPct, database } = await drive<LoadResult>(
    `${target.name} (a) bc-authorize`,
    target.pids ?? target.pid,
    'bench/load.mjs',
    {
      url: target.url,
      urls: target.urls,
      path: target.authorizePath,
      headers: formHeaders(target),
      poolFile: writeLines(
        `${target.name.replace(/\W+/g, '_')}-authorize-bodies.txt`,
        Array.from({ length: 1000 }, (_, i) => authorizeBody(i)),
      ),
      connections: CONNECTIONS,
      warmupSec: WARMUP_SEC,
      durationSec: DURATION_SEC,
      classify: 'json',
      collect: true,
      collectFile,
    },
  );
  const ok = result.counts['200 ok'] ?? 0;
  const ids = readFileSync(collectFile, 'utf8').split('\n').filter(Boolean);
  return {
    ids,
    measured: {
      server: target.name,
      scenario: '(a) bc-authorize',
      unit: 'req',
      rate: result.reqPerSec,
      p50: result.p50,
      p99: result.p99,
      cpuMs,
      cpuMsPerUnit: cpuMs / result.requests,
      peakRssMb,
      rssAfterMb,
      foreignCpuPct,
      units: result.requests,
      details: { counts: result.counts, errors: result.errors, timeouts: result.timeouts, database },
      valid: result.requests > 0 && ok / result.requests >= 0.99,
      note: ok === result.requests ? undefined : `${result.requests - ok} non-200`,
    },
  };
};

/** Creates more pending requests over HTTP (bounded concurrency) until the pool has `want`. */
const topUpPool = async (target: Target, ids: string[], want: number) => {
  if (ids.length >= want) return;
  log(`${target.name}: topping up the pending pool ${ids.length} → ${want} through bc-authorize…`);
  let i = ids.length;
  let failures = 0;
  const worker = async () => {
    while (ids.length < want && failures < 100) {
      const response = await fetch(target.url + target.authorizePath, {
        method: 'POST',
        headers: formHeaders(target),
        body: authorizeBody(i++),
      });
      const json = (await response.json().catch(() => ({}))) as { auth_req_id?: string };
      if (json.auth_req_id) ids.push(json.auth_req_id);
      else failures += 1;
    }
  };
  await Promise.all(Array.from({ length: 20 }, worker));
  if (failures >= 100) throw new Error(`${target.name}: bc-authorize keeps failing while topping up the pool`);
};

const scenarioPoll = async (target: Target, ids: string[], label = '(b) pending poll'): Promise<Measured> => {
  // Round-robin over the pool; shuffle so the order does not follow creation.
  const pool = [...ids];
  for (let i = pool.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  const { result, cpuMs, peakRssMb, rssAfterMb, foreignCpuPct, database } = await drive<LoadResult>(
    `${target.name} ${label}`,
    target.pids ?? target.pid,
    'bench/load.mjs',
    {
      url: target.url,
      urls: target.urls,
      path: target.tokenPath,
      headers: formHeaders(target),
      poolFile: writeLines(`${target.name.replace(/\W+/g, '_')}-poll-bodies.txt`, pool.map(pollBody)),
      connections: CONNECTIONS,
      warmupSec: WARMUP_SEC,
      durationSec: DURATION_SEC,
      classify: 'json',
    },
  );
  const pending = result.counts['400 authorization_pending'] ?? 0;
  const other = result.requests - pending;
  // Spacing of polls of one auth_req_id = pool / rate; Backchannel wants ≥ interval (1 s; 0.75 s with its grace).
  const spacingSec = pool.length / Math.max(1, result.reqPerSec);
  return {
    server: target.name,
    scenario: label,
    unit: 'req',
    rate: result.reqPerSec,
    p50: result.p50,
    p99: result.p99,
    cpuMs,
    cpuMsPerUnit: cpuMs / result.requests,
    peakRssMb,
    rssAfterMb,
    foreignCpuPct,
    units: result.requests,
    details: {
      counts: result.counts,
      poolSize: pool.length,
      spacingSec,
      errors: result.errors,
      timeouts: result.timeouts,
      database,
    },
    valid: result.requests > 0 && other / result.requests <= 0.01,
    note: other
      ? `${other} not authorization_pending (${Object.entries(result.counts)
          .filter(([k]) => k !== '400 authorization_pending')
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ')})`
      : undefined,
  };
};

const scenarioFlow = async (
  target: Target,
  extra: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
  scenario = '(c) full flow',
): Promise<Measured> => {
  const { result, cpuMs, peakRssMb, rssAfterMb, foreignCpuPct, database } = await drive<FlowResult>(
    `${target.name} ${scenario}`,
    target.pid,
    'bench/flow.ts',
    {
      target: target.name,
      url: target.url,
      authorizePath: target.authorizePath,
      tokenPath: target.tokenPath,
      basic: target.basic,
      users: Array.from({ length: USERS }, (_, i) => `u${i}@bench.test`),
      concurrency: FLOW_CONCURRENCY,
      warmupSec: WARMUP_SEC,
      durationSec: DURATION_SEC,
      ...extra,
    },
    env,
  );
  const failed = Object.values(result.failures).reduce((a, b) => a + b, 0);
  return {
    server: target.name,
    scenario,
    unit: 'flow',
    rate: result.flowsPerSec,
    p50: result.p50,
    p99: result.p99,
    cpuMs,
    cpuMsPerUnit: cpuMs / Math.max(1, result.flows),
    peakRssMb,
    rssAfterMb,
    foreignCpuPct,
    units: result.flows,
    details: {
      httpRequests: result.requests,
      tokenRetries: result.tokenRetries,
      failures: result.failures,
      approveMsAvg: result.approveMsAvg,
      tokenP50: result.tokenP50,
      tokenP99: result.tokenP99,
      database,
    },
    valid: result.flows > 0 && failed / (result.flows + failed) <= 0.01,
    note: failed
      ? `${failed} failed flows: ${JSON.stringify(result.failures)}`
      : result.tokenRetries
        ? `${result.tokenRetries} token retries`
        : undefined,
  };
};

/** The console figure's target: median server time per page or API call under 50 ms (issue 7). */
const CONSOLE_TARGET_P50_MS = 50;

/**
 * One console/API read, one connection (so latency is server time), GET with
 * the session cookie or API key. Valid only if every answer is 200.
 */
const scenarioConsole = async (
  serverPid: number,
  url: string,
  scenario: string,
  path: string,
  headers: Record<string, string>,
): Promise<Measured> => {
  const { result, cpuMs, peakRssMb, rssAfterMb, foreignCpuPct } = await drive<LoadResult>(
    `backchannel ${scenario}`,
    serverPid,
    'bench/load.mjs',
    { url, path, method: 'GET', headers, connections: 1, warmupSec: WARMUP_SEC, durationSec: DURATION_SEC, classify: 'status' },
  );
  const ok = result.counts['200 ok'] ?? 0;
  const valid = ok === result.requests && result.requests > 0;

  return {
    server: 'backchannel',
    scenario,
    unit: 'req',
    rate: result.reqPerSec,
    p50: result.p50,
    p99: result.p99,
    cpuMs,
    cpuMsPerUnit: cpuMs / result.requests,
    peakRssMb,
    rssAfterMb,
    foreignCpuPct,
    units: result.requests,
    details: { counts: result.counts, path, users: CONSOLE_USERS, targetP50Ms: CONSOLE_TARGET_P50_MS },
    valid,
    note: valid
      ? `p50 ${result.p50 <= CONSOLE_TARGET_P50_MS ? 'within' : 'ABOVE'} the ${CONSOLE_TARGET_P50_MS} ms target`
      : `answers: ${JSON.stringify(result.counts)}`,
  };
};

// --- servers -----------------------------------------------------------------------------------
const driverEnv: NodeJS.ProcessEnv = { ...process.env };
delete driverEnv.RESEND_API_KEY; // never send mail anywhere: the development outbox only
delete driverEnv.RESEND_BASE_URL;

const startServer = async (name: string, script: string[], env: NodeJS.ProcessEnv, readyUrl: string) => {
  const logFile = join(tmp, `${name}.log`);
  const [command, args] = pinned(0, process.execPath, script);
  const child = spawnLogged(command, args, { cwd: ROOT, env, logFile });
  await waitForHttp(readyUrl, child, logFile);
  const pid = child.pid!;
  const tree = processTree(pid);
  log(
    `${name}: pid ${pid} (${commandLine(pid).slice(0, 80)}), CPUs ${allowedCpus(pid)}` +
      (tree.length > 1 ? `, children ${tree.slice(1).join(' ')}` : ', no child processes'),
  );
  return { child, pid, logFile, rssAtStartMb: treeRssMb(pid) };
};

const cli = (env: NodeJS.ProcessEnv, args: string[]) => {
  const run = spawnSync(process.execPath, ['bin/backchannel.mjs', ...args, '--json'], { cwd: ROOT, env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`backchannel ${args.join(' ')} failed:\n${run.stderr}${run.stdout}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!);
};

/** A console watching a live request stream (server-sent events) until stopped: counts what it receives. */
const watchLiveStream = (url: string, sessionToken: string) => {
  const abort = new AbortController();
  const counts = { messages: 0, bytes: 0 };
  const reading = (async () => {
    const response = await fetch(url, { headers: { cookie: `authjs.session-token=${sessionToken}` }, signal: abort.signal });
    if (response.status !== 200 || !response.body) throw new Error(`live stream answered ${response.status}`);
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      counts.bytes += value.byteLength;
      counts.messages += (decoder.decode(value, { stream: true }).match(/^data: /gm) ?? []).length;
    }
  })().catch((error: unknown) => {
    if (!abort.signal.aborted) throw error;
  });

  return {
    stop: async () => {
      abort.abort();
      await reading;

      return counts;
    },
  };
};

const cliAsync = (env: NodeJS.ProcessEnv, args: string[]) =>
  new Promise<unknown>((resolve, reject) => {
    execFile(process.execPath, ['bin/backchannel.mjs', ...args, '--json'], { cwd: ROOT, env }, (error, stdout, stderr) =>
      error
        ? reject(new Error(`backchannel ${args.join(' ')} failed:\n${stderr}${stdout}`))
        : resolve(JSON.parse(stdout.trim().split('\n').pop()!)),
    );
  });

/** How many requests of the client (its client_id) have been polled at least once (`lastPolledAt` set). */
const countPolledRequests = async (database: { postgresUrl: string } | { sqliteFile: string }, clientId: string) => {
  const query =
    'SELECT count(*) AS n FROM "BackchannelRequest" r JOIN "Client" c ON c."id" = r."clientId" ' +
    'WHERE c."clientId" = $1 AND r."lastPolledAt" IS NOT NULL';
  if ('postgresUrl' in database) {
    const client = new pg.Client({ connectionString: database.postgresUrl });
    await client.connect();
    try {
      return Number((await client.query<{ n: string }>(query, [clientId])).rows[0].n);
    } finally {
      await client.end();
    }
  }
  const db = new Database(database.sqliteFile, { readonly: true });
  try {
    return (db.prepare(query.replace('$1', '?')).get(clientId) as { n: number }).n;
  } finally {
    db.close();
  }
};

// --- the run ----------------------------------------------------------------------------------
const results: Measured[] = [];
const meta: Record<string, unknown> = {
  startedAt: new Date(startedAt).toISOString(),
  quick: QUICK,
  database: PG ? 'postgresql' : 'sqlite',
  instances: INSTANCES,
  warmupSec: WARMUP_SEC,
  durationSec: DURATION_SEC,
  connections: CONNECTIONS,
  flowConcurrency: FLOW_CONCURRENCY,
  node: process.version,
  taskset: hasTaskset,
};

const main = async () => {
  const pinnedSelf = pinSelf(1);
  meta.pinning = hasTaskset
    ? `servers on core 0 (taskset -c 0), load generators and this process on core 1${pinnedSelf ? '' : ' (self-pin failed)'}`
    : 'taskset not found: NOTHING IS PINNED (numbers are less comparable)';
  log(`temporary directory ${tmp}; ${String(meta.pinning)}`);
  // Another engineer's `next build` may be under way: wait for it rather than race it.
  const buildRunning = () =>
    readdirSync('/proc').some(
      (pid) => /^\d+$/.test(pid) && /next(\.js)?\s+build\b|next\/dist\/bin\/next\s+build/.test(commandLine(Number(pid))),
    );
  for (let waited = 0; buildRunning() && waited < 600; waited += 5) {
    if (waited % 30 === 0) log('a `next build` is running in this checkout: waiting for it to finish…');
    await sleep(5000);
  }
  if (!existsSync(join(ROOT, '.next', 'BUILD_ID'))) {
    log('no production build (.next/BUILD_ID): running `npx next build`…');
    const build = spawnSync('npx', ['next', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('next build failed');
  }
  const sync = detectBackchannelSync();
  const peerSync = (option('peer-sync') ?? sync.level).toUpperCase();
  const peerNotify = option('peer-notify') ?? 'outbox';
  if (!['outbox', 'none'].includes(peerNotify)) throw new Error('--peer-notify is outbox or none');
  meta.peerNotify = peerNotify;
  log(
    `Peer notification: ${peerNotify === 'outbox' ? "an outbox email per request, like Backchannel's development outbox" : 'none (the peer notifies nobody)'}`,
  );
  meta.sqliteSynchronous = { backchannel: sync.level, backchannelSource: sync.source, peer: peerSync };
  log(
    `SQLite: WAL; synchronous Backchannel=${sync.level} (${sync.source}); peer=${peerSync}${PG ? ' (Backchannel itself on PostgreSQL)' : ''}`,
  );

  // ---------------- Backchannel ----------------
  const bcPort = await freePort();
  const dataDir = join(tmp, 'backchannel-data');
  mkdirSync(dataDir, { recursive: true });
  const bcEnv: NodeJS.ProcessEnv = {
    ...driverEnv,
    PORT: String(bcPort),
    HOST: '127.0.0.1',
    APP_URL: `http://localhost:${bcPort}`,
    BACKCHANNEL_DATA_DIR: dataDir,
    // The ping-latency figure's notification endpoint is an HTTP server on 127.0.0.1 in this process.
    ALLOW_HTTP_LOOPBACK_CALLBACKS: 'true',
  };
  delete bcEnv.DATABASE_URL;
  if (PG) {
    pgDatabase = `backchannel_bench_${Date.now()}`;
    const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${pgDatabase}"`);
    await admin.end();
    bcEnv.DATABASE_URL = `postgresql://postgres@127.0.0.1:5432/${pgDatabase}`;
    log(`PostgreSQL database ${pgDatabase} created`);
  }
  log('backchannel: provisioning through the CLI (tenant, client, users)…');
  cli(bcEnv, ['tenant', 'create', '--slug', 'bench', '--name', 'Bench']);
  cli(bcEnv, BENCH_LIMITS('bench'));
  // Poll spacing: the bench client's minimum poll interval is 1 s, not the default 5 s.
  const client = cli(bcEnv, [
    'client',
    'create',
    '--tenant',
    'bench',
    '--name',
    'Bench',
    '--poll-interval',
    String(POLL_INTERVAL),
  ]);
  for (let i = 0; i < USERS; i += 5) {
    await Promise.all(
      Array.from({ length: Math.min(5, USERS - i) }, (_, k) =>
        cliAsync(bcEnv, ['user', 'create', '--tenant', 'bench', '--email', `u${i + k}@bench.test`]),
      ),
    );
  }
  const pingReceiver = await startPingReceiver();
  const pingClient = cli(bcEnv, [
    'client',
    'create',
    '--tenant',
    'bench',
    '--name',
    'Ping bench',
    '--delivery-mode',
    'ping',
    '--notification-endpoint',
    pingReceiver.endpoint,
  ]);
  cli(bcEnv, ['user', 'create', '--tenant', 'bench', '--email', PING_USER]);
  const sqliteFile = join(dataDir, 'backchannel.db');
  const bcScript = [...(PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : []), 'bin/start.mjs'];
  const bcReady = `http://127.0.0.1:${bcPort}/t/bench/.well-known/openid-configuration`;
  let watchToken: string | undefined;
  if (WATCH) {
    watchToken = (
      await loadConsoleData(PG ? { postgresUrl: bcEnv.DATABASE_URL! } : { sqliteFile }, { tenantSlug: 'bench', users: 0 })
    ).sessionToken;
  }
  let bc = await startServer('backchannel', bcScript, bcEnv, bcReady);
  const watcher = watchToken ? watchLiveStream(`http://127.0.0.1:${bcPort}/admin/t/bench/requests/live`, watchToken) : null;
  const bcTarget = (pid: number): Target => ({
    name: 'backchannel',
    url: `http://127.0.0.1:${bcPort}`,
    authorizePath: '/t/bench/bc-authorize',
    tokenPath: '/t/bench/oauth/token',
    basic: basic(client.client_id, client.client_secret),
    pid,
  });
  let target = bcTarget(bc.pid);
  const bcA = await scenarioAuthorize(target);
  results.push(bcA.measured);
  await topUpPool(target, bcA.ids, POLL_POOL_MIN);
  let bcB = await scenarioPoll(target, bcA.ids);
  if (!bcB.valid) {
    // One early slow_down raises that request's interval by 5 s for good, so
    // the retry uses only fresh requests, with ~3 intervals between polls.
    const fresh: string[] = [];
    const want = Math.ceil(bcB.rate * POLL_INTERVAL * POLL_POOL_FACTOR);
    log(
      `backchannel: (b) INVALID with a pool of ${bcA.ids.length} at ${Math.round(bcB.rate)} req/s; re-running on ${want} fresh requests`,
    );
    await topUpPool(target, fresh, want);
    const firstAttempt = { rate: bcB.rate, p50: bcB.p50, p99: bcB.p99, note: bcB.note, poolSize: bcA.ids.length };
    bcB = await scenarioPoll(target, fresh);
    bcB.details.firstAttempt = firstAttempt;
    bcA.ids.push(...fresh);
  }
  results.push(bcB);
  results.push(await scenarioFlow(target, {}, bcEnv));
  // Issue 9: a client that retries a timed-out token request loses its tokens (the replay rule), so
  // the success path must stay fast with many clients at once.
  if (!QUICK) results.push(await scenarioFlow(target, { concurrency: TOKEN_POLLERS }, bcEnv, TOKEN_POLLERS_SCENARIO));
  // Issue 10: a ping client is told within milliseconds of the approval, not at its next poll.
  const pingCount = QUICK ? 30 : PING_SAMPLES;
  log(`backchannel: ping delivery latency, ${pingCount} approvals one after another…`);
  const ping = await measurePingLatency({
    url: target.url,
    appUrl: bcEnv.APP_URL!,
    tenantSlug: 'bench',
    basic: basic(pingClient.client_id, pingClient.client_secret),
    email: PING_USER,
    logFile: bc.logFile,
    receiver: pingReceiver,
    count: pingCount,
  });
  meta.pingLatency = ping;
  await pingReceiver.close();
  log(
    `backchannel: ping after approval p50 ${fmt(ping.p50)} ms, p99 ${fmt(ping.p99)} ms (${ping.count} pings, ${ping.failures} failures)`,
  );
  if (watcher) {
    const watched = await watcher.stop();
    meta.watch = watched;
    log(
      `watch: the console's live stream carried ${watched.messages.toLocaleString('en')} messages (${fmt(watched.bytes / 1048576)} MB) during (a)–(c)`,
    );
  }

  if (INSTANCES > 1) {
    // (a) and (b) on N instances of the same build on the one database, as behind a load balancer:
    // the same issuer (APP_URL), data directory (hence secrets) and environment, each its own port.
    await stopChild(bc.child, 15_000);
    const ports = [bcPort, ...(await Promise.all(Array.from({ length: INSTANCES - 1 }, () => freePort())))];
    const instances = [];
    for (const [index, port] of ports.entries()) {
      instances.push(
        await startServer(
          `backchannel-${index + 1}`,
          bcScript,
          { ...bcEnv, PORT: String(port) },
          `http://127.0.0.1:${port}/t/bench/.well-known/openid-configuration`,
        ),
      );
    }
    const urls = ports.map((port) => `http://127.0.0.1:${port}`);
    const multi: Target = {
      ...bcTarget(instances[0].pid),
      name: `backchannel x${INSTANCES}`,
      urls,
      pids: instances.map((instance) => instance.pid),
    };
    log(`${multi.name}: ${urls.join(', ')}; the load generator's ${CONNECTIONS} connections split evenly over them`);
    const multiA = await scenarioAuthorize(multi);
    results.push(multiA.measured);
    await topUpPool(multi, multiA.ids, POLL_POOL_MIN);
    results.push(await scenarioPoll(multi, multiA.ids));
    for (const instance of instances) await stopChild(instance.child, 15_000);
    bc = await startServer('backchannel', bcScript, bcEnv, bcReady);
    target = bcTarget(bc.pid);
  }

  let scale: ScaleCheck | undefined;
  let sessionToken: string | undefined;
  let monitor: MonitorFigure | undefined;
  if (SCALE) {
    // Baseline and scaled runs both on a freshly started server, so their RSS compare.
    const rows = () => {
      const db = new Database(sqliteFile, { readonly: true });
      const n = (db.prepare('SELECT count(*) AS n FROM "BackchannelRequest"').get() as { n: number }).n;
      db.close();
      return n;
    };
    await stopChild(bc.child, 15_000);
    const baselineRows = rows();
    // The baseline polls only requests still at the client's interval (not slowed down earlier).
    const clean = (() => {
      const db = new Database(sqliteFile, { readonly: true });
      const hashes = new Set(
        (
          db
            .prepare('SELECT "authReqIdHash" AS h FROM "BackchannelRequest" WHERE "status" = \'pending\' AND "interval" = ?')
            .all(POLL_INTERVAL) as { h: string }[]
        ).map((r) => r.h),
      );
      db.close();
      return bcA.ids.filter((id) => hashes.has(createHash('sha256').update(id, 'utf8').digest('base64url')));
    })();
    bc = await startServer('backchannel', bcScript, bcEnv, bcReady);
    target = bcTarget(bc.pid);
    const baseline = await scenarioPoll(target, clean, '(b) pending poll, restarted, small db');
    const baselineStartRss = bc.rssAtStartMb;
    await stopChild(bc.child, 15_000);
    log(
      `scale: bulk-inserting ${SCALE_HISTORICAL.toLocaleString('en')} finished + ${SCALE_PENDING.toLocaleString('en')} pending requests (server stopped)…`,
    );
    const load = bulkLoad(sqliteFile, {
      historical: SCALE_HISTORICAL,
      pending: SCALE_PENDING,
      interval: POLL_INTERVAL,
      progress: log,
    });
    log(
      `scale: ${load.totalRows.toLocaleString('en')} rows in ${load.seconds.toFixed(1)} s (DateTime format copied from "${load.dateFormatSample}")`,
    );
    bc = await startServer('backchannel', bcScript, bcEnv, bcReady);
    target = bcTarget(bc.pid);
    const scaled = await scenarioPoll(target, load.pendingAuthReqIds, '(b) pending poll, 1.1M-row db');
    // Latencies come from autocannon's histogram in whole milliseconds: a
    // one-step difference (4 → 5 ms) is resolution, not a 25 % regression.
    const LATENCY_RESOLUTION_MS = 1;
    const within = (value: number, base: number, worseIsHigher: boolean) =>
      worseIsHigher ? value <= Math.max(base * 1.2, base + LATENCY_RESOLUTION_MS) : value >= base * 0.8;
    scale = {
      baselineRows,
      scaledRows: load.totalRows,
      inserted: load.inserted,
      insertSeconds: load.seconds,
      baseline: {
        rate: baseline.rate,
        p50: baseline.p50,
        p99: baseline.p99,
        rssAtStartMb: baselineStartRss,
        peakRssMb: baseline.peakRssMb,
        rssAfterMb: baseline.rssAfterMb,
        valid: baseline.valid,
        note: baseline.note,
      },
      noisy: baseline.foreignCpuPct > NOISY_PCT || scaled.foreignCpuPct > NOISY_PCT,
      scaled: {
        rate: scaled.rate,
        p50: scaled.p50,
        p99: scaled.p99,
        rssAtStartMb: bc.rssAtStartMb,
        peakRssMb: scaled.peakRssMb,
        rssAfterMb: scaled.rssAfterMb,
        valid: scaled.valid,
        note: scaled.note,
      },
      withinTwentyPercent: {
        rate: within(scaled.rate, baseline.rate, false),
        p50: within(scaled.p50, baseline.p50, true),
        p99: within(scaled.p99, baseline.p99, true),
      },
    };
    results.push(baseline, scaled);
  }
  if (CONSOLE) {
    // The console figure: the users page and the API's user list over 100,000 users.
    await stopChild(bc.child, 15_000);
    const apiKey = cli(bcEnv, ['api-key', 'create', '--name', 'bench console figure']) as { key: string };
    log(`console: inserting ${CONSOLE_USERS.toLocaleString('en')} users and an owner's session (server stopped)…`);
    const load = await loadConsoleData(PG ? { postgresUrl: bcEnv.DATABASE_URL! } : { sqliteFile }, {
      tenantSlug: 'bench',
      users: CONSOLE_USERS,
    });
    log(`console: loaded in ${fmt(load.seconds)} s`);
    sessionToken = load.sessionToken;
    bc = await startServer('backchannel', bcScript, bcEnv, bcReady);
    const session = { cookie: `authjs.session-token=${load.sessionToken}` };
    const bearer = { authorization: `Bearer ${apiKey.key}` };
    for (const [scenario, path, headers] of [
      ['(e) console users page', '/admin/t/bench/users', session],
      ['(e) console users search', `/admin/t/bench/users?q=${load.searchPrefix}`, session],
      ['(f) API users list', '/api/v1/tenants/bench/users?limit=50', bearer],
      ['(f) API users search', `/api/v1/tenants/bench/users?limit=50&search=${load.searchPrefix}`, bearer],
    ] as const) {
      results.push(await scenarioConsole(bc.pid, `http://127.0.0.1:${bcPort}`, scenario, path, headers));
    }
  }
  if (MONITOR) {
    // Its own tenant, so what is waiting is exactly what the figure made.
    await stopChild(bc.child, 15_000);
    log('monitor: provisioning tenant "monitor" through the CLI (server stopped)…');
    cli(bcEnv, ['tenant', 'create', '--slug', 'monitor', '--name', 'Monitor']);
    cli(bcEnv, BENCH_LIMITS('monitor'));
    const monitorClient = cli(bcEnv, ['client', 'create', '--tenant', 'monitor', '--name', 'Monitor desk']);
    const hints = Array.from({ length: 20 }, (_, i) => `m${i}@monitor.bench.test`);
    // Five at a time, as above: more concurrent CLI writers than that wait on SQLite's lock past Prisma's transaction timeout.
    for (let i = 0; i < hints.length; i += 5) {
      await Promise.all(
        hints.slice(i, i + 5).map((email) => cliAsync(bcEnv, ['user', 'create', '--tenant', 'monitor', '--email', email])),
      );
    }
    sessionToken ??= watchToken;
    if (!sessionToken) {
      const load = await loadConsoleData(PG ? { postgresUrl: bcEnv.DATABASE_URL! } : { sqliteFile }, {
        tenantSlug: 'bench',
        users: 0,
      });
      sessionToken = load.sessionToken;
    }
    bc = await startServer('backchannel', bcScript, bcEnv, bcReady);
    // Imported only here: loading Playwright in this process (pinned to the load generators' core) costs them.
    const { measureLiveMonitor } = await import('./lib/monitor-load');
    monitor = await measureLiveMonitor(
      {
        baseUrl: `http://127.0.0.1:${bcPort}`,
        tenantSlug: 'monitor',
        basic: basic(monitorClient.client_id, monitorClient.client_secret),
        loginHints: hints,
        sessionToken,
        serverPid: bc.pid,
      },
      { pending: MONITOR_PENDING, rate: MONITOR_RATE, seconds: MONITOR_SECONDS, log },
    );
  }
  let longPoll: LongPollFigure | undefined;
  if (LONG_POLL) {
    await stopChild(bc.child, 15_000);
    log('long polls: a client with --long-poll 25 (server stopped)…');
    const longPollClient = cli(bcEnv, [
      'client',
      'create',
      '--tenant',
      'bench',
      '--name',
      'Long poller',
      '--poll-interval',
      String(POLL_INTERVAL),
      '--long-poll',
      String(LONG_POLL_HOLD_SECONDS),
    ]);
    // Every held poll is a connection from this one address: no per-address cap for this server.
    bc = await startServer('backchannel', bcScript, { ...bcEnv, HTTP_MAX_CONNECTIONS_PER_ADDRESS: '0' }, bcReady);
    longPoll = await measureLongPolls(
      {
        baseUrl: `http://127.0.0.1:${bcPort}`,
        appUrl: bcEnv.APP_URL!,
        tenantSlug: 'bench',
        basic: basic(longPollClient.client_id, longPollClient.client_secret),
        loginHints: Array.from({ length: USERS }, (_, i) => `u${i}@bench.test`),
        serverPid: bc.pid,
        approvalUrls: async (limit) =>
          (
            (await cliAsync(bcEnv, ['outbox', 'list', '--tenant', 'bench', '--limit', String(limit)])) as {
              approval_url: string | null;
            }[]
          )
            .map((email) => email.approval_url)
            .filter((url): url is string => url !== null),
        countPolled: () =>
          countPolledRequests(PG ? { postgresUrl: bcEnv.DATABASE_URL! } : { sqliteFile }, longPollClient.client_id),
      },
      {
        count: LONG_POLLS,
        holdSeconds: LONG_POLL_HOLD_SECONDS,
        idleSeconds: LONG_POLL_IDLE_SECONDS,
        sample: LONG_POLL_SAMPLE,
        log,
      },
    );
  }
  await stopChild(bc.child, 15_000);
  if (PG) await dropPgDatabase();

  if (PEER) {
    // ---------------- node-oidc-provider ----------------
    const peerPort = await freePort();
    const peerDb = join(tmp, 'peer.db');
    const peerEnv: NodeJS.ProcessEnv = {
      ...driverEnv,
      NODE_ENV: 'production',
      PORT: String(peerPort),
      HOST: '127.0.0.1',
      PEER_DB: peerDb,
      PEER_SYNCHRONOUS: peerSync,
      PEER_NOTIFY: peerNotify,
    };
    const { PEER_CLIENT_ID, PEER_CLIENT_SECRET } = await import('./peer/client.mjs');
    const peer = await startServer(
      'peer',
      ['bench/peer/server.mjs'],
      peerEnv,
      `http://127.0.0.1:${peerPort}/.well-known/openid-configuration`,
    );
    const peerTarget: Target = {
      name: 'peer',
      url: `http://127.0.0.1:${peerPort}`,
      authorizePath: '/backchannel',
      tokenPath: '/token',
      basic: basic(PEER_CLIENT_ID, PEER_CLIENT_SECRET),
      pid: peer.pid,
    };
    const peerA = await scenarioAuthorize(peerTarget);
    results.push(peerA.measured);
    await topUpPool(peerTarget, peerA.ids, POLL_POOL_MIN);
    results.push(await scenarioPoll(peerTarget, peerA.ids));
    results.push(
      await scenarioFlow(
        peerTarget,
        { peer: { issuer: `http://localhost:${peerPort}`, dbFile: peerDb, synchronous: peerSync } },
        { ...driverEnv, NODE_ENV: 'production' },
      ),
    );
    await stopChild(peer.child, 10_000);

    // ---------------- the floor ----------------
    const floorPort = await freePort();
    const floor = await startServer(
      'floor',
      ['bench/floor.mjs'],
      { ...driverEnv, PORT: String(floorPort), HOST: '127.0.0.1' },
      `http://127.0.0.1:${floorPort}/`,
    );
    const floorRun = await drive<LoadResult>('floor (d) node:http', floor.pid, 'bench/load.mjs', {
      url: `http://127.0.0.1:${floorPort}`,
      path: '/',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: pollBody('x'),
      connections: CONNECTIONS,
      warmupSec: WARMUP_SEC,
      durationSec: DURATION_SEC,
      classify: 'status',
    });
    results.push({
      server: 'floor',
      scenario: '(d) node:http floor',
      unit: 'req',
      rate: floorRun.result.reqPerSec,
      p50: floorRun.result.p50,
      p99: floorRun.result.p99,
      cpuMs: floorRun.cpuMs,
      cpuMsPerUnit: floorRun.cpuMs / floorRun.result.requests,
      peakRssMb: floorRun.peakRssMb,
      rssAfterMb: floorRun.rssAfterMb,
      foreignCpuPct: floorRun.foreignCpuPct,
      units: floorRun.result.requests,
      details: { counts: floorRun.result.counts },
      valid: true,
    });
    await stopChild(floor.child, 5000);
  }

  report(scale, monitor, longPoll);
};

// --- report -------------------------------------------------------------------------------------
/** One side of the scale check: a pending-poll run on a freshly started server. */
type ScaleRun = {
  rate: number;
  p50: number;
  p99: number;
  rssAtStartMb: number;
  peakRssMb: number;
  rssAfterMb: number;
  valid: boolean;
  note: string | undefined;
};

type ScaleCheck = {
  baselineRows: number;
  scaledRows: number;
  inserted: BulkLoadResult['inserted'];
  insertSeconds: number;
  baseline: ScaleRun;
  noisy: boolean;
  scaled: ScaleRun;
  withinTwentyPercent: { rate: boolean; p50: boolean; p99: boolean };
};

/** Above this much foreign CPU (% of a core) in a window, its figures are flagged NOISY. */
const NOISY_PCT = 25;
const fmt = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '—');

const report = (scale: ScaleCheck | undefined, monitor: MonitorFigure | undefined, longPoll: LongPollFigure | undefined) => {
  const header = ['scenario', 'server', 'rate', 'p50 ms', 'p99 ms', 'CPU ms/unit', 'peak RSS MB', 'other CPU', 'valid / note'];
  const rows: string[][] = results.map((r) => [
    r.scenario,
    r.server,
    `${fmt(r.rate, 0)} ${r.unit}/s`,
    fmt(r.p50, 1),
    fmt(r.p99, 1),
    fmt(r.cpuMsPerUnit, 3),
    fmt(r.peakRssMb, 0),
    `${fmt(r.foreignCpuPct, 0)} %`,
    `${r.valid ? 'ok' : 'INVALID'}${r.foreignCpuPct > NOISY_PCT ? ' NOISY' : ''}${r.note ? ` — ${r.note}` : ''}`,
  ]);
  const ratios: Record<string, Record<string, number>> = {};
  for (const scenario of ['(a) bc-authorize', '(b) pending poll', '(c) full flow']) {
    const b = results.find((r) => r.server === 'backchannel' && r.scenario === scenario);
    const p = results.find((r) => r.server === 'peer' && r.scenario === scenario);
    if (!b || !p) continue;
    ratios[scenario] = {
      rate: b.rate / p.rate,
      p50: b.p50 / p.p50,
      p99: b.p99 / p.p99,
      cpuMsPerUnit: b.cpuMsPerUnit / p.cpuMsPerUnit,
      peakRssMb: b.peakRssMb / p.peakRssMb,
    };
    const q = ratios[scenario];
    rows.push([
      scenario,
      'bc / peer',
      `×${fmt(q.rate, 2)}`,
      `×${fmt(q.p50, 2)}`,
      `×${fmt(q.p99, 2)}`,
      `×${fmt(q.cpuMsPerUnit, 2)}`,
      `×${fmt(q.peakRssMb, 2)}`,
      '',
      '',
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i >= 2 && i <= 7 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  console.log('');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  for (const result of results.filter((r) => r.scenario === '(c) full flow' || r.scenario === TOKEN_POLLERS_SCENARIO)) {
    const { tokenP50, tokenP99 } = result.details as { tokenP50?: number; tokenP99?: number };
    console.log(
      `${result.scenario} ${result.server}: the token request that returned the tokens answered in p50 ${fmt(tokenP50 ?? NaN)} ms, p99 ${fmt(tokenP99 ?? NaN)} ms`,
    );
  }
  const withDatabase = results.filter((r) => (r.details as { database?: DatabaseCost }).database);
  if (withDatabase.length > 0) {
    console.log('');
    console.log('PostgreSQL per unit (pg_stat_database of the bench database; CPU of every postgres process, others included):');
    for (const r of withDatabase) {
      const d = (r.details as { database: DatabaseCost }).database;
      const per = (value: number) => fmt(value / Math.max(1, r.units), 2);
      console.log(
        `  ${r.scenario} ${r.server}: ${per(d.transactions)} transactions, ${per(d.rowsRead)} rows read, ${per(d.rowsWritten)} rows written, ` +
          `${fmt(d.cpuMs / Math.max(1, r.units), 3)} ms PostgreSQL CPU per ${r.unit}`,
      );
    }
  }
  console.log('');
  console.log(`CPU ms/unit: server process CPU (utime+stime, /proc) during the measured window ÷ requests (or flows for (c)).`);
  console.log(`Other CPU: % of one core used by processes outside the bench during the window (noise; ideally ~0).`);
  console.log(`Peak RSS: VmHWM of the server during the measured window (reset with clear_refs before it).`);
  const sqliteSync = meta.sqliteSynchronous as { backchannel: string; peer: string };
  console.log(`SQLite synchronous: Backchannel ${sqliteSync.backchannel}, peer ${sqliteSync.peer}; ${String(meta.pinning)}.`);
  const ping = meta.pingLatency as PingLatency | undefined;
  if (ping) {
    console.log('');
    console.log(
      `Ping delivery (Backchannel, one approval at a time): approval POST → ping at the client's endpoint p50 ${fmt(ping.p50)} ms, p99 ${fmt(ping.p99)} ms, max ${fmt(ping.max)} ms ` +
        `(${ping.count} pings${ping.failures ? `, ${ping.failures} FAILED` : ''}; target: p50 under 100 ms)`,
    );
  }
  if (scale) {
    const w = scale.withinTwentyPercent;
    console.log('');
    console.log(
      `Scale check (Backchannel, pending polls): ${scale.baselineRows.toLocaleString('en')} rows → ${scale.scaledRows.toLocaleString('en')} rows ` +
        `(+${scale.inserted.redeemed.toLocaleString('en')} redeemed, ${scale.inserted.denied.toLocaleString('en')} denied, ${scale.inserted.expired.toLocaleString('en')} expired, ${scale.inserted.pending.toLocaleString('en')} pending; insert ${fmt(scale.insertSeconds)} s)`,
    );
    console.log(
      `  req/s ${fmt(scale.baseline.rate, 0)} → ${fmt(scale.scaled.rate, 0)} ${w.rate ? 'ok' : 'WORSE >20%'}; ` +
        `p50 ${fmt(scale.baseline.p50)} → ${fmt(scale.scaled.p50)} ms ${w.p50 ? 'ok' : 'WORSE >20%'} (±1 ms resolution); ` +
        `p99 ${fmt(scale.baseline.p99)} → ${fmt(scale.scaled.p99)} ms ${w.p99 ? 'ok' : 'WORSE >20%'}` +
        (scale.noisy ? ' — INCONCLUSIVE: other processes used the CPU during a window (see "other CPU")' : ''),
    );
    console.log(
      `  server RSS at start ${fmt(scale.baseline.rssAtStartMb, 0)} → ${fmt(scale.scaled.rssAtStartMb, 0)} MB; ` +
        `peak while polling ${fmt(scale.baseline.peakRssMb, 0)} → ${fmt(scale.scaled.peakRssMb, 0)} MB; after ${fmt(scale.baseline.rssAfterMb, 0)} → ${fmt(scale.scaled.rssAfterMb, 0)} MB`,
    );
  } else {
    console.log(`Scale check: skipped (${QUICK ? '--quick' : PG ? '--pg' : '--no-scale'}; run with --scale).`);
  }
  if (monitor) {
    const m = monitor;
    console.log('');
    console.log(
      `Live monitor (Chromium, ${m.pendingAtOpen.toLocaleString('en')} pending at open): page live in ${fmt(m.openMs, 0)} ms; ` +
        `${m.requestsSent} requests in ${fmt(m.seconds)} s = ${fmt(m.eventsPerSecond, 0)} events/s; ` +
        `new request on screen p50 ${fmt(m.lagMs.p50, 0)} ms, p95 ${fmt(m.lagMs.p95, 0)} ms, max ${fmt(m.lagMs.max, 0)} ms; never on screen ${m.missed} (arrived with more than 50 newer in one batch)`,
    );
    console.log(
      `  waiting shown ${m.waitingShown.toLocaleString('en')} of ${m.waitingExpected.toLocaleString('en')}; ` +
        `long tasks ${m.longTasks.count} (${fmt(m.longTasks.totalMs, 0)} ms in all); ` +
        `JS heap ${fmt(m.heapMb.before)} → ${fmt(m.heapMb.after)} MB; elements ${m.domNodes.before} → ${m.domNodes.after}; ` +
        `server CPU ${fmt(m.serverCpuMsPerEvent, 3)} ms per event (bc-authorize included)`,
    );
  } else {
    console.log(`Live monitor figure: skipped (${QUICK ? '--quick' : '--no-monitor'}).`);
  }
  if (longPoll) {
    const l = longPoll;
    console.log('');
    console.log(
      `Long polling (${l.held.toLocaleString('en')} token polls held at once, ${l.holdSeconds} s each): server RSS ${fmt(l.rssMb.before, 0)} → ${fmt(l.rssMb.holding, 0)} MB ` +
        `(+${fmt(l.rssMb.increase, 1)} MB, ${fmt(l.rssMb.perPollKb, 1)} KB per held poll; ${fmt(l.rssMb.after, 0)} MB once all were answered); ` +
        `server CPU over ${l.idleSeconds} s idle: ${fmt(l.idleCpuMs.holding, 0)} ms holding them, ${fmt(l.idleCpuMs.none, 0)} ms with none held`,
    );
    console.log(
      `  approval (the approval page's form posted) → the held poll's tokens, ${l.approvalToAnswerMs.samples} samples: p50 ${fmt(l.approvalToAnswerMs.p50)} ms, ` +
        `p95 ${fmt(l.approvalToAnswerMs.p95)} ms, max ${fmt(l.approvalToAnswerMs.max)} ms; from the form's 303 (decision committed): p50 ${fmt(l.decidedToAnswerMs.p50)} ms, max ${fmt(l.decidedToAnswerMs.max)} ms; ` +
        `answers ${JSON.stringify(l.answers)}`,
    );
  } else {
    console.log(`Long-polling figure: skipped (${QUICK ? '--quick' : '--no-long-poll'}).`);
  }
  const stamp = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const dir = join(ROOT, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${stamp}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      { meta: { ...meta, finishedAt: new Date().toISOString() }, results, ratios, scale, monitor, longPoll },
      null,
      2,
    ) + '\n',
  );
  console.log('');
  log(`results written to ${file}`);
};

main().then(
  async () => {
    await cleanup(KEEP);
    process.exit(0);
  },
  async (error) => {
    console.error(`[bench] FAILED: ${error instanceof Error ? error.stack : error}`);
    await cleanup(true);
    process.exit(1);
  },
);
