#!/usr/bin/env node
// `npm test`: every check and test suite, in order, streamed live; exits
// non-zero if anything failed and ends with ONE line `N passed, N failed`
// (`, N skipped` when something was skipped), counted from the JSON reports
// in reports/. Checks that are not test suites (schema, types, lint, format,
// build) count as one test each.
//
//   1. schema: prisma/postgres/schema.prisma current; migrations cover the schema
//   2. lint:   eslint . (with 3 running beside it)
//   3. types and format: tsc --noEmit, then prettier --check . (their output printed after eslint's)
//   4. vitest on SQLite
//   5. a production build (rebuilt on CI, when missing, or when app/, lib/, components/ changed)
//   6. Playwright e2e on SQLite, fast server; beside it, one after another: vitest on PostgreSQL
//      (TEST_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/postgres), Playwright on
//      PostgreSQL (fast server) for the specs vitest cannot stand in for (POSTGRES_E2E_SPECS, the
//      two-instance HAProxy spec among them), and
//      Playwright on SQLite under plain `next start` (protocol and hardening specs)
//   7. the beside lane's output and counts: `next start`, then PostgreSQL
//      BACKCHANNEL_SKIP_POSTGRES=1 skips the PostgreSQL suites.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const reportsDir = join(root, 'reports');
const isCi = !!process.env.CI;
const postgresUrl = process.env.TEST_POSTGRES_URL?.trim() || 'postgresql://postgres@127.0.0.1:5432/postgres';

const totals = { passed: 0, failed: 0, skipped: 0 };
/** `label › test title (where)` of every failed or flaky test, listed again under the summary. */
const failedTests = [];
const flakyTests = [];
/** @type {{ name: string; seconds: number; outcome: string }[]} */
const timings = [];

const bold = (text) => (process.stdout.isTTY ? `\x1b[1m${text}\x1b[22m` : text);
const header = (text) => console.log(`\n${bold(`━━ ${text} ${'━'.repeat(Math.max(4, 76 - text.length))}`)}\n`);

/** The environment for every child: ours, minus variables that would redirect a suite. */
const baseEnv = () => {
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' };
  for (const name of ['TEST_POSTGRES_URL', 'E2E_POSTGRES_URL', 'E2E_SERVER', 'DATABASE_URL']) delete env[name];

  return env;
};

/** Runs a command with live output; resolves with its exit code (never rejects). */
const run = (command, args, env = baseEnv(), display = [command, ...args].join(' ')) =>
  new Promise((resolve) => {
    console.log(`$ ${display}`);
    const child = spawn(command, args, { cwd: root, env, stdio: 'inherit' });
    child.once('error', (error) => {
      console.error(`could not run ${command}: ${error.message}`);
      resolve(1);
    });
    child.once('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });

/** As `run`, with the output written to `logFile` instead of the terminal (a suite running beside another stage). */
const runToFile = (command, args, env, logFile) =>
  new Promise((resolve) => {
    const out = openSync(logFile, 'w');
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', out, out] });
    child.once('error', (error) => {
      console.error(`could not run ${command}: ${error.message}`);
      closeSync(out);
      resolve(1);
    });
    child.once('close', (code, signal) => {
      closeSync(out);
      resolve(code ?? (signal ? 128 : 1));
    });
  });

/** Times one stage and records its outcome for the summary. */
const stage = async (name, body) => {
  header(name);
  const started = performance.now();
  const outcome = await body();
  timings.push({ name, seconds: (performance.now() - started) / 1000, outcome });
};

/** A check (not a test suite) counts as one test. */
const check = async (command, args, env, display) => {
  const code = await run(command, args, env, display);
  if (code === 0) totals.passed += 1;
  else totals.failed += 1;

  return code === 0 ? 'ok' : `FAILED (exit ${code})`;
};

/**
 * A check started now, its output kept in reports/<logName>: resolves when it
 * ends, with `finish()`, which prints that output and counts the check.
 */
const checkBeside = async (command, args, logName) => {
  const logFile = freshReport(logName);
  const code = await runToFile(command, args, baseEnv(), logFile);

  return {
    finish: () => {
      console.log(`$ ${[command, ...args].join(' ')}   (ran beside eslint; its output:)`);
      process.stdout.write(readFileSync(logFile, 'utf8'));
      if (code === 0) totals.passed += 1;
      else totals.failed += 1;

      return code === 0 ? 'ok' : `FAILED (exit ${code})`;
    },
  };
};

const readJson = (file) => {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
};

const freshReport = (name) => {
  mkdirSync(reportsDir, { recursive: true });
  const file = join(reportsDir, name);
  rmSync(file, { force: true });

  return file;
};

/** Adds a suite's counts; a non-zero exit with no failed test still counts as one failure. */
const count = (label, code, counts) => {
  const extra = code !== 0 && counts.failed === 0 ? 1 : 0;
  totals.passed += counts.passed;
  totals.failed += counts.failed + extra;
  totals.skipped += counts.skipped;
  const parts = [`${counts.passed} passed`, `${counts.failed + extra} failed`];
  if (counts.skipped) parts.push(`${counts.skipped} skipped`);
  if (extra) parts.push(`exit ${code} without a failed test: counted as 1 failure`);
  console.log(`\n${label}: ${parts.join(', ')}`);

  return counts.failed + extra === 0 ? `${counts.passed} passed` : `FAILED (${counts.failed + extra})`;
};

const VITEST_ARGS = (file) => [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${relative(root, file)}`,
  '--silent=passed-only',
];

/** The failed tests (and files that failed to load) of a vitest JSON report. */
const vitestFailures = (report) => {
  const failures = [];
  for (const file of report?.testResults ?? []) {
    const where = relative(root, file.name ?? '');
    const failedAssertions = (file.assertionResults ?? []).filter((result) => result.status === 'failed');
    for (const result of failedAssertions) failures.push(`${result.fullName ?? result.title} (${where})`);
    if (file.status === 'failed' && failedAssertions.length === 0) {
      failures.push(`${where}: ${String(file.message ?? 'failed').split('\n')[0]}`);
    }
  }

  return failures;
};

/** Counts a finished vitest run from its JSON report. */
const countVitest = (label, code, file) => {
  const report = readJson(file);
  for (const failure of vitestFailures(report)) failedTests.push(`${label} › ${failure}`);
  const counts = report
    ? {
        passed: report.numPassedTests ?? 0,
        failed: (report.numFailedTests ?? 0) + (report.numFailedTests ? 0 : (report.numFailedTestSuites ?? 0)),
        skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
      }
    : { passed: 0, failed: 0, skipped: 0 };

  return { outcome: count(label, code, counts), total: report?.numTotalTests ?? 0 };
};

/** vitest with its readable reporter plus JSON; counts from the JSON. */
const vitest = async (label, reportName, extraEnv = {}) => {
  const file = freshReport(reportName);
  const code = await run('npx', VITEST_ARGS(file), { ...baseEnv(), ...extraEnv });

  return countVitest(label, code, file);
};

/**
 * vitest started now, its output kept in reports/<name>.log: `finish()`
 * prints that output and counts it. For a suite that runs beside a stage
 * that mostly waits (the browser tests), which is faster on two cores than
 * one after the other.
 */
const vitestBeside = (label, reportName, extraEnv = {}) => {
  const file = freshReport(reportName);
  const logFile = freshReport(reportName.replace(/\.json$/, '.log'));
  const exit = runToFile('npx', VITEST_ARGS(file), { ...baseEnv(), ...extraEnv }, logFile);

  return {
    exit,
    finish: async () => {
      const code = await exit;
      console.log(`$ npx ${VITEST_ARGS(file).join(' ')}   (ran beside the SQLite end-to-end stage; its output:)`);
      process.stdout.write(readFileSync(logFile, 'utf8'));

      return countVitest(label, code, file);
    },
  };
};

const playwrightArgs = (specs) => ['playwright', 'test', ...specs];
const playwrightReport = (extraEnv) => `e2e-${extraEnv.E2E_SERVER}-${extraEnv.E2E_POSTGRES_URL ? 'postgres' : 'sqlite'}.json`;

/** The unexpected (failed) and flaky tests of a Playwright JSON report, as `title (file:line)`. */
const playwrightOutcomes = (report) => {
  const outcomes = { failed: [], flaky: [] };
  const walk = (suite, titles) => {
    const path = suite.title && !suite.file?.endsWith(suite.title) ? [...titles, suite.title] : titles;
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        const name = `${[...path, spec.title].join(' › ')} (e2e/${spec.file}:${spec.line})`;
        if (test.status === 'unexpected') outcomes.failed.push(name);
        if (test.status === 'flaky') outcomes.flaky.push(name);
      }
    }
    for (const child of suite.suites ?? []) walk(child, path);
  };
  for (const suite of report?.suites ?? []) walk(suite, []);

  return outcomes;
};

/** Counts a finished Playwright run from its JSON report. */
const countPlaywright = (label, code, file) => {
  const report = readJson(file);
  const stats = report?.stats;
  const outcomes = playwrightOutcomes(report);
  for (const name of outcomes.failed) failedTests.push(`${label} › ${name}`);
  for (const name of outcomes.flaky) flakyTests.push(`${label} › ${name}`);
  const counts = stats
    ? { passed: (stats.expected ?? 0) + (stats.flaky ?? 0), failed: stats.unexpected ?? 0, skipped: stats.skipped ?? 0 }
    : { passed: 0, failed: 0, skipped: 0 };
  if (stats?.flaky) console.log(`${label}: ${stats.flaky} test(s) passed only on retry (flaky)`);

  return { outcome: count(label, code, counts), testsPerSpec: testsPerSpec(readJson(file)) };
};

/** Playwright (config: playwright.config.ts) with the given env; counts from reports/e2e-<label>.json. */
const playwright = async (label, extraEnv, specs = []) => {
  const file = freshReport(playwrightReport(extraEnv));
  const code = await run('npx', playwrightArgs(specs), { ...baseEnv(), ...extraEnv });

  return countPlaywright(label, code, file);
};

/**
 * As `playwright`, its output kept in reports/e2e-<label>.log (a run beside
 * another stage, on its own E2E_PORT): resolves when it ends, with `finish()`,
 * which prints that output and counts it.
 */
const playwrightToFile = async (label, extraEnv, specs = []) => {
  const file = freshReport(playwrightReport(extraEnv));
  const logFile = freshReport(playwrightReport(extraEnv).replace(/\.json$/, '.log'));
  const code = await runToFile('npx', playwrightArgs(specs), { ...baseEnv(), ...extraEnv }, logFile);

  return {
    finish: () => {
      console.log(`$ npx ${playwrightArgs(specs).join(' ')}   (ran beside the SQLite end-to-end stage; its output:)`);
      process.stdout.write(readFileSync(logFile, 'utf8'));

      return countPlaywright(label, code, file);
    },
  };
};

/** Playwright's JSON report → the number of tests in each spec file (`e2e/…`). */
const testsPerSpec = (report) => {
  const perSpec = new Map();
  const walk = (suite, file) => {
    const spec = `e2e/${suite.file ?? file}`;
    for (const entry of suite.specs ?? []) perSpec.set(spec, (perSpec.get(spec) ?? 0) + entry.tests.length);
    for (const child of suite.suites ?? []) walk(child, suite.file ?? file);
  };
  for (const suite of report?.suites ?? []) walk(suite, suite.file);

  return perSpec;
};

/** Whether a PostgreSQL server answers at `url` (3 s). */
const postgresAnswers = async (url) => {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');

    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
};

/** Newest modification time (ms) of the build inputs, ignoring tests. */
const newestSourceMtime = () => {
  let newest = 0;
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (!/\.test\.[cm]?[jt]sx?$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const dir of ['app', 'lib', 'components']) walk(join(root, dir));
  for (const file of ['next.config.ts', 'postcss.config.mjs']) {
    if (existsSync(join(root, file))) newest = Math.max(newest, statSync(join(root, file)).mtimeMs);
  }

  return newest;
};

const buildReason = () => {
  const buildId = join(root, '.next', 'BUILD_ID');
  if (isCi) return 'CI is set: always rebuild';
  if (!existsSync(buildId)) return 'no .next/BUILD_ID';
  if (newestSourceMtime() > statSync(buildId).mtimeMs) return 'app/, lib/ or components/ changed since the last build';

  return null;
};

/** The SQLite half of `scripts/db.ts check` (its PostgreSQL half needs a server for the shadow database). */
const SQLITE_ONLY_DB_CHECK = `
import('@/scripts/migrations/migrate')
  .then(({ diffSchemaAgainstMigrations }) => diffSchemaAgainstMigrations('sqlite'))
  .then((script) => {
    if (script !== '') {
      console.error('sqlite: prisma/schema.prisma has changes not covered by any migration. Missing SQL:\\n' + script);
      process.exit(1);
    }
    console.log('sqlite: migrations match prisma/schema.prisma.');
    process.exit(0);
  }, (error) => {
    console.error(error);
    process.exit(1);
  });
`;

/**
 * The browser specs run again on PostgreSQL where the browser adds what vitest on PostgreSQL cannot:
 * the CIBA flow over HTTP (the fast path's own SQL), tenant isolation, and the live monitor's
 * second instance (LISTEN/NOTIFY between processes). The console's writes, sign-in, import and
 * Try it read and write through domain functions that vitest runs on PostgreSQL (query plans
 * included); the page tour and the overview only read through them. They run on SQLite only, which
 * keeps the whole suite under 15 minutes on two cores.
 */
const POSTGRES_E2E_SPECS = [
  'e2e/ciba-flow.spec.ts',
  'e2e/console/tenant-isolation.spec.ts',
  'e2e/live/live-monitor.spec.ts',
  // Two instances behind HAProxy on a database of its own (skips, visibly, without /usr/sbin/haproxy).
  'e2e/cluster/two-instances.spec.ts',
];
/** Of those, the specs the SQLite run leaves to PostgreSQL's when PostgreSQL is there (without it, the cluster spec skips visibly there). */
const POSTGRES_ONLY_E2E_SPECS = ['e2e/console/tenant-isolation.spec.ts', 'e2e/cluster/two-instances.spec.ts'];

/** Every Playwright spec file under e2e/, as `e2e/…` paths. */
const listSpecs = () => {
  const specs = [];
  const walk = (dir) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.spec.ts')) specs.push(path);
    }
  };
  walk('e2e');

  return specs.sort();
};

const main = async () => {
  const started = performance.now();
  const skipPostgres = process.env.BACKCHANNEL_SKIP_POSTGRES === '1';
  const hasPostgres = !skipPostgres && (await postgresAnswers(postgresUrl));
  const postgresNote = skipPostgres ? 'BACKCHANNEL_SKIP_POSTGRES=1' : `no server at ${postgresUrl}`;

  await stage('1/7 Schema: derived PostgreSQL schema and migrations', async () => {
    const outcomes = [await check('node', ['scripts/prisma-generate.mjs', '--check'])];
    if (hasPostgres) {
      outcomes.push(await check('npx', ['tsx', 'scripts/db.ts', 'check'], { ...baseEnv(), SHADOW_DATABASE_URL: postgresUrl }));
    } else {
      console.log(`\nskipped: PostgreSQL not available (${postgresNote}); checking the SQLite migrations only.\n`);
      outcomes.push(
        await check(
          'npx',
          ['tsx', '--eval', SQLITE_ONLY_DB_CHECK],
          baseEnv(),
          "npx tsx --eval '<scripts/db.ts check, SQLite only>'",
        ),
      );
      totals.skipped += 1;
    }

    return outcomes.every((outcome) => outcome === 'ok') ? 'ok' : 'FAILED';
  });

  // eslint (the longest, one thread) runs with tsc and then prettier beside it: on two cores the
  // three take about as long as eslint alone.
  const typesBeside = checkBeside('npx', ['tsc', '--noEmit', '-p', '.'], 'tsc.log').then(async (types) => ({
    types,
    format: await checkBeside('npx', ['prettier', '--check', '.'], 'prettier.log'),
  }));
  await stage('2/7 Lint: eslint (types and format beside it)', () => check('npx', ['eslint', '.']));
  const { types, format } = await typesBeside;
  await stage('3/7 Types and format: tsc --noEmit, prettier --check (ran beside eslint)', async () => {
    const outcomes = [types.finish(), format.finish()];

    return outcomes.every((outcome) => outcome === 'ok') ? 'ok' : 'FAILED';
  });

  let vitestTotal = 0;
  await stage('4/7 Unit and integration tests (vitest, SQLite)', async () => {
    const result = await vitest('vitest (SQLite)', 'vitest-sqlite.json');
    vitestTotal = result.total;

    return result.outcome;
  });

  let buildOk = true;
  await stage('5/7 Production build', async () => {
    const reason = buildReason();
    if (!reason) {
      console.log('.next/BUILD_ID is newer than app/, lib/ and components/: reusing the build.');

      return 'reused';
    }
    console.log(`Building (${reason}).`);
    const outcome = await check('npx', ['next', 'build']);
    buildOk = outcome === 'ok';

    return outcome;
  });

  // Two lanes on two cores, each mostly a browser and a server that wait: the SQLite end-to-end run
  // on the fast server, and beside it PostgreSQL's vitest, then PostgreSQL's end-to-end run, then the
  // SQLite run on plain `next start` (each on its own port). Minutes faster than one after the other;
  // the beside lane's output is printed after the SQLite run's, in its own stages.
  const FAST_SQLITE = { E2E_SERVER: 'fast' };
  const NEXT_SQLITE = { E2E_SERVER: 'next', E2E_PORT: '3967' };
  const FAST_POSTGRES = { E2E_SERVER: 'fast', E2E_POSTGRES_URL: postgresUrl, E2E_PORT: '3957' };
  // Plain `next start` differs from the fast server only on the protocol endpoints (served through
  // app/'s route adapters) and on what reaches Next.js unscreened (proxy.ts alone screens requests
  // and sets the headers there); the console and approval pages are Next.js pages under both.
  const NEXT_SPECS = ['e2e/ciba-flow.spec.ts', 'e2e/hardening'];
  const besideLane = (async () => {
    const postgresUnit = hasPostgres
      ? vitestBeside('vitest (PostgreSQL)', 'vitest-postgres.json', {
          TEST_POSTGRES_URL: postgresUrl,
          SHADOW_DATABASE_URL: postgresUrl,
        })
      : null;
    await postgresUnit?.exit;
    const postgresE2e =
      hasPostgres && buildOk ? await playwrightToFile('e2e (PostgreSQL, fast)', FAST_POSTGRES, POSTGRES_E2E_SPECS) : null;
    const nextE2e = buildOk ? await playwrightToFile('e2e (SQLite, next)', NEXT_SQLITE, NEXT_SPECS) : null;

    return { postgresUnit, postgresE2e, nextE2e };
  })();

  /** Tests per spec file in the SQLite run: what the PostgreSQL run would have run, when it cannot. */
  let e2eTestsPerSpec = new Map();
  await stage('6/7 End-to-end (Playwright, SQLite, fast server)', async () => {
    if (!buildOk) {
      totals.failed += 1;

      return 'FAILED (no build)';
    }
    // Tenant isolation is the console's authorisation, the same on either database: with PostgreSQL
    // available it runs there only (the beside lane), which keeps the whole suite near 15 minutes.
    const specs = hasPostgres ? listSpecs().filter((spec) => !POSTGRES_ONLY_E2E_SPECS.includes(spec)) : [];
    const result = await playwright('e2e (SQLite, fast)', FAST_SQLITE, specs);
    e2eTestsPerSpec = result.testsPerSpec;

    return result.outcome;
  });
  const lane = await besideLane;

  await stage('6/7 End-to-end (Playwright, SQLite, next server; ran beside)', async () => {
    if (!lane.nextE2e) {
      totals.failed += 1;

      return 'FAILED (no build)';
    }

    return lane.nextE2e.finish().outcome;
  });

  await stage('7/7 PostgreSQL: vitest and end-to-end (fast server; ran beside)', async () => {
    if (!hasPostgres) {
      const e2eSkipped = POSTGRES_E2E_SPECS.reduce((sum, spec) => sum + (e2eTestsPerSpec.get(spec) ?? 0), 0);
      const skipped = Math.max(vitestTotal, 1) + Math.max(e2eSkipped, 1);
      totals.skipped += skipped;
      console.log(`PostgreSQL suites skipped: ${postgresNote} (${skipped} tests counted as skipped).`);

      return 'skipped';
    }
    const unit = await lane.postgresUnit.finish();
    let e2eOutcome = 'FAILED (no build)';
    if (lane.postgresE2e) e2eOutcome = lane.postgresE2e.finish().outcome;
    else totals.failed += 1;

    return `vitest ${unit.outcome}; e2e ${e2eOutcome}`;
  });

  header('Summary');
  for (const { name, seconds, outcome } of timings) {
    console.log(`${name.padEnd(58)} ${seconds.toFixed(1).padStart(6)} s  ${outcome}`);
  }
  console.log(`${'total'.padEnd(58)} ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s`);
  if (flakyTests.length) console.log(`\nPassed only on retry (flaky):\n${flakyTests.map((name) => `  ~ ${name}`).join('\n')}`);
  if (failedTests.length) console.log(`\nFailed:\n${failedTests.map((name) => `  ✘ ${name}`).join('\n')}`);
  console.log('');
  const skipped = totals.skipped ? `, ${totals.skipped} skipped` : '';
  console.log(`${totals.passed} passed, ${totals.failed} failed${skipped}`);
  process.exitCode = totals.failed > 0 ? 1 : 0;
};

main().catch((error) => {
  console.error(error);
  console.log(`${totals.passed} passed, ${totals.failed + 1} failed`);
  process.exitCode = 1;
});
