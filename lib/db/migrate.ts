/**
 * Database migrations without Prisma's native engines.
 *
 * `prisma migrate` needs a native schema engine that cannot be downloaded on
 * offline machines, so this module drives Prisma's own schema engine compiled
 * to WebAssembly (`@prisma/schema-engine-wasm`) through the same driver
 * adapters as the app. The on-disk format (`<timestamp>_<name>/migration.sql`
 * plus `migration_lock.toml`) and the `_prisma_migrations` table are exactly
 * those of `prisma migrate`, so the stock CLI can take over where it works.
 *
 * Folders, relative to the project root (`BACKCHANNEL_ROOT`, else the working
 * directory):
 * - SQLite:     prisma/schema.prisma,          prisma/migrations/
 * - PostgreSQL: prisma/postgres/schema.prisma, prisma/postgres/migrations/
 *
 * Workarounds for the WASM engine and adapters 7.10 (see
 * shared/reference/offline-stack.md, "Prisma without its native engines"):
 * - the engine's `createMigration` needs a shadow database it cannot make:
 *   migrations are written from `diff` (migrations folder → schema) instead;
 * - SQLite: the engine replays a migration with `executeRaw(whole script)`,
 *   which better-sqlite3 rejects; that falls back to `executeScript`;
 * - PostgreSQL: `"char"` columns (OID 18) in catalog queries are read as text;
 *   scripts run whole as one simple-protocol query (the adapter would split
 *   them on every `;`); the connection config is built from discrete fields;
 *   shadow databases are created and dropped here, with `WITH (FORCE)`;
 * - adapter errors reach the engine as "External error id#N": the real error
 *   is recovered from the bound factory's error registry and reported;
 * - every pool is closed before a call returns, and the engine's own timeout
 *   timers (never cleared) are unref'd, so processes exit promptly.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import {
  bindMigrationAwareSqlAdapterFactory,
  type ErrorRegistry,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
} from '@prisma/driver-adapter-utils';
import * as engineGlue from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { DiffTarget, MigrationList, SchemaEngine, SchemaFilter } from '@prisma/schema-engine-wasm';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { parse as parseConnectionString } from 'pg-connection-string';
import { databaseKindOf, sqliteFilePath } from '@/lib/env';

export type DatabaseKind = 'sqlite' | 'postgres';

export type MigrateOptions = {
  /** Defaults to DATABASE_URL, then the default SQLite file under the data directory. */
  databaseUrl?: string;
  /** Receives one human-readable line per event (applied migration, engine warning, ...). */
  log?: (line: string) => void;
};

export type DiffOptions = {
  /** Receives one human-readable line per event. */
  log?: (line: string) => void;
  /**
   * PostgreSQL only: the connection used to create and drop the throw-away
   * shadow database (needs CREATEDB). Defaults to SHADOW_DATABASE_URL, then
   * `postgresql://postgres@127.0.0.1:5432/postgres`.
   */
  shadowAdminUrl?: string;
};

export type CreateMigrationResult =
  | { created: false }
  | { created: true; name: string; files: string[] };

const DEFAULT_SHADOW_ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
const SHADOW_DATABASE_PREFIX = 'backchannel_shadow_';
const LOCKFILE_NAME = 'migration_lock.toml';
const MIGRATION_FILE_NAME = 'migration.sql';
const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };
/** OIDs of PostgreSQL's internal single-byte `"char"` type and of `text`. */
const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;
/** Same busy timeout as the app (lib/db/client.ts): wait for a concurrent writer. */
const SQLITE_BUSY_TIMEOUT_MS = 10_000;

// ---------------------------------------------------------------------------
// Paths

/** The project root: BACKCHANNEL_ROOT, else the working directory. */
export const projectRoot = (): string => resolve(process.env.BACKCHANNEL_ROOT?.trim() || process.cwd());

/** The Prisma schema the engine reads for a database kind. */
export const schemaPathOf = (kind: DatabaseKind): string =>
  join(projectRoot(), kind === 'sqlite' ? 'prisma/schema.prisma' : 'prisma/postgres/schema.prisma');

/** The migrations folder for a database kind. */
export const migrationsDirOf = (kind: DatabaseKind): string =>
  join(projectRoot(), kind === 'sqlite' ? 'prisma/migrations' : 'prisma/postgres/migrations');

const providerOf = (kind: DatabaseKind): string => (kind === 'sqlite' ? 'sqlite' : 'postgresql');

/** The lockfile `prisma migrate` writes for a provider. */
const lockfileContentOf = (kind: DatabaseKind): string =>
  '# Please do not edit this file manually\n' +
  '# It should be added in your version-control system (e.g., Git)\n' +
  `provider = "${providerOf(kind)}"\n`;

/** Same default as lib/env.ts, without requiring the rest of the environment (secrets). */
const defaultDatabaseUrl = (): string => {
  const fromEnv = process.env.DATABASE_URL?.trim();
  if (fromEnv) return fromEnv;
  const dataDir = resolve(process.env.BACKCHANNEL_DATA_DIR?.trim() || 'data');

  return `file:${join(dataDir, 'backchannel.db')}`;
};

// ---------------------------------------------------------------------------
// Migrations folder

/**
 * Reads a migrations folder the way `prisma migrate` does. A missing folder is
 * an empty history; a missing lockfile is synthesised, since the engine
 * refuses to diff without one before the first migration exists.
 */
const readMigrationList = (kind: DatabaseKind, dir = migrationsDirOf(kind)): MigrationList => {
  const lockfilePath = join(dir, LOCKFILE_NAME);
  const lockfile = existsSync(lockfilePath) ? readFileSync(lockfilePath, 'utf8') : lockfileContentOf(kind);
  const entries = existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : [];
  const migrationDirectories = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b))
    .map((name) => {
      const file = join(dir, name, MIGRATION_FILE_NAME);
      const content = existsSync(file)
        ? ({ tag: 'ok', value: readFileSync(file, 'utf8') } as const)
        : ({ tag: 'error', value: `${file} does not exist` } as const);

      return { path: name, migrationFile: { path: MIGRATION_FILE_NAME, content } };
    });

  return {
    baseDir: dir,
    lockfile: { path: LOCKFILE_NAME, content: lockfile },
    shadowDbInitScript: '',
    migrationDirectories,
  };
};

// ---------------------------------------------------------------------------
// The WASM engine

type BoundFactory = ReturnType<typeof bindMigrationAwareSqlAdapterFactory>;

let engineModuleReady: Promise<void> | undefined;

/**
 * The engine arms timers for its timeouts (e.g. 10 s around PostgreSQL's
 * advisory lock) and never clears them, which would keep a finished process
 * alive. Its timers are unref'd here; `holdEventLoop` keeps the process alive
 * while a session runs instead.
 */
const glueWithUnrefTimers = (): WebAssembly.ModuleImports => {
  const imports: WebAssembly.ModuleImports = { ...(engineGlue as unknown as WebAssembly.ModuleImports) };
  for (const name of Object.keys(imports)) {
    if (!name.startsWith('__wbg_setTimeout_')) continue;
    imports[name] = (callback: () => void, ms: number) => setTimeout(callback, ms >>> 0).unref();
  }

  return imports;
};

let activeSessions = 0;
let keepAlive: NodeJS.Timeout | undefined;

/** Keeps the event loop alive until the returned release function is called. */
const holdEventLoop = (): (() => void) => {
  if (activeSessions++ === 0) keepAlive = setInterval(() => undefined, 1 << 30);
  let released = false;

  return () => {
    if (released) return;
    released = true;
    if (--activeSessions === 0) clearInterval(keepAlive);
  };
};

/**
 * Path of the engine's `.wasm` file. Resolved from this module first, then
 * from the project root, in case bundling (Next.js) moved this module away
 * from node_modules.
 */
const engineWasmPath = (): string => {
  const bases = [import.meta.url, join(projectRoot(), 'package.json')];
  for (const base of bases) {
    try {
      const gluePath = createRequire(base).resolve('@prisma/schema-engine-wasm/schema_engine_bg');

      return join(dirname(gluePath), 'schema_engine_bg.wasm');
    } catch {
      // Try the next base.
    }
  }
  throw new Error('Cannot find @prisma/schema-engine-wasm: is it installed?');
};

const instantiateEngine = async (): Promise<void> => {
  const bytes = readFileSync(engineWasmPath());
  const { instance } = await WebAssembly.instantiate(bytes, { './schema_engine_bg.js': glueWithUnrefTimers() });
  engineGlue.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
};

/** Instantiates the engine's WASM module, once per process (retried after a failure). */
const loadEngineModule = (): Promise<void> =>
  (engineModuleReady ??= instantiateEngine().catch((error: unknown) => {
    engineModuleReady = undefined;
    throw error;
  }));

/** Turns an engine log record (JSON) into one line, or undefined for noise. */
const formatEngineLog = (raw: unknown): string | undefined => {
  try {
    const record = JSON.parse(String(raw)) as { level?: string; fields?: { message?: string } };
    const level = record.level?.toUpperCase();
    if (level !== 'WARN' && level !== 'ERROR') return undefined;
    const message = record.fields?.message;

    return message ? `schema engine ${level.toLowerCase()}: ${message}` : undefined;
  } catch {
    return String(raw);
  }
};

/**
 * Rewrites an engine error so it carries the adapter's real error: the engine
 * only sees "External error id#N", the error itself waits in the registry.
 */
const explainEngineError = (action: string, error: unknown, registry: ErrorRegistry): Error => {
  const message = error instanceof Error ? error.message : String(error);
  const details: string[] = [];
  for (const match of message.matchAll(/External error id#(\d+)/g)) {
    const record = registry.consumeError(Number(match[1]));
    if (!record) continue;
    const cause = record.error;
    details.push(cause instanceof Error ? cause.stack ?? cause.message : String(cause));
  }
  const causes = details.map((detail) => `\nCaused by: ${detail}`).join('');
  const explained = new Error(`${action} failed: ${message}${causes}`);
  explained.cause = error;

  return explained;
};

/** A database to run the engine against, and how to release its connections. */
type EngineTarget = {
  kind: DatabaseKind;
  factory: SqlMigrationAwareDriverAdapterFactory;
  /** Closes every connection the factory opened (idempotent). */
  close: () => Promise<void>;
};

type EngineSession = {
  /** What the session does, for error messages ("Applying migrations to sqlite"). */
  action: string;
  target: EngineTarget;
  /** Schema files the engine loads at start (only needed by commands that read a schema). */
  datamodels?: [string, string][];
  log?: (line: string) => void;
};

/**
 * Runs `work` against a fresh engine bound to the target's factory, then frees
 * the engine and closes the target's connections, whatever happens. Errors are
 * rethrown with the action and the adapter's underlying error.
 */
const withEngine = async <T>(
  { action, target, datamodels, log }: EngineSession,
  work: (engine: SchemaEngine) => Promise<T>,
): Promise<T> => {
  const bound: BoundFactory = bindMigrationAwareSqlAdapterFactory(target.factory);
  const release = holdEventLoop();
  let engine: SchemaEngine | undefined;
  try {
    await loadEngineModule();
    const onLog = (raw: unknown) => {
      const line = formatEngineLog(raw);
      if (line && log) log(line);
    };
    engine = await engineGlue.SchemaEngine.new({ datamodels }, onLog, bound);

    return await work(engine);
  } catch (error) {
    throw explainEngineError(action, error, bound.errorRegistry);
  } finally {
    engine?.free();
    try {
      await target.close();
    } finally {
      release();
    }
  }
};

// ---------------------------------------------------------------------------
// Adapters

/** An adapter that forwards everything to `inner`, with some methods replaced. */
const overrideAdapter = (inner: SqlDriverAdapter, overrides: Partial<SqlDriverAdapter>): SqlDriverAdapter => ({
  provider: inner.provider,
  adapterName: inner.adapterName,
  queryRaw: (query) => inner.queryRaw(query),
  executeRaw: (query) => inner.executeRaw(query),
  executeScript: (script) => inner.executeScript(script),
  startTransaction: (isolationLevel) => inner.startTransaction(isolationLevel),
  getConnectionInfo: inner.getConnectionInfo ? () => inner.getConnectionInfo!() : undefined,
  dispose: () => inner.dispose(),
  ...overrides,
});

const isMultiStatementError = (error: unknown): boolean => {
  for (let current = error; current; current = (current as { cause?: unknown }).cause) {
    const text = current instanceof Error ? current.message : JSON.stringify(current);
    if (/more than one statement/i.test(text)) return true;
    if (typeof current !== 'object') break;
  }

  return false;
};

/**
 * better-sqlite3 runs one statement per `executeRaw`; the engine replays
 * whole migration scripts through it on the shadow database. Such scripts
 * (no parameters) go through `executeScript` instead.
 */
const withSqliteScriptFallback = (inner: SqlDriverAdapter): SqlDriverAdapter =>
  overrideAdapter(inner, {
    executeRaw: async (query: SqlQuery) => {
      try {
        return await inner.executeRaw(query);
      } catch (error) {
        if (query.args.length > 0 || !isMultiStatementError(error)) throw error;
        await inner.executeScript(query.sql);

        return 0;
      }
    },
  });

/**
 * Adapter factory for SQLite: the file at `path` (created if missing) or
 * `:memory:`; shadow databases in memory. `close()` closes every connection
 * the engine did not dispose itself.
 */
class SqliteMigrationFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'sqlite';
  readonly adapterName: string;
  readonly #stock: PrismaBetterSqlite3;
  readonly #open = new Set<SqlDriverAdapter>();

  constructor(path: string) {
    this.#stock = new PrismaBetterSqlite3({ url: path, timeout: SQLITE_BUSY_TIMEOUT_MS }, { shadowDatabaseUrl: ':memory:' });
    this.adapterName = this.#stock.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    return this.#track(await this.#stock.connect());
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    return this.#track(await this.#stock.connectToShadowDb());
  }

  async close(): Promise<void> {
    await Promise.all([...this.#open].map((adapter) => adapter.dispose()));
  }

  #track(inner: SqlDriverAdapter): SqlDriverAdapter {
    const adapter = withSqliteScriptFallback(inner);
    const tracked = overrideAdapter(adapter, {
      dispose: async () => {
        if (!this.#open.delete(tracked)) return;
        await inner.dispose();
      },
    });
    this.#open.add(tracked);

    return tracked;
  }
}

/** Reports PostgreSQL `"char"` (OID 18) columns as text, which adapter-pg 7.10 cannot map. */
const retypeCharFields = <R>(result: R): R => {
  const results = Array.isArray(result) ? result : [result];
  for (const item of results as { fields?: { dataTypeID: number }[] }[]) {
    for (const field of item?.fields ?? []) {
      if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    }
  }

  return result;
};

/**
 * A pg client for the migration process only: catalog queries the engine runs
 * return `"char"` columns, read here as text (the value is already a string).
 */
class CharAsTextClient extends pg.Client {
  // pg's `query` has many overloads (callback, promise, submittable); all are forwarded.
  override query(...args: any[]): any {
    const last = args.at(-1);
    const base = pg.Client.prototype.query as (...a: unknown[]) => unknown;
    if (typeof last === 'function') {
      args[args.length - 1] = (error: unknown, result: unknown) => last(error, error ? result : retypeCharFields(result));

      return base.apply(this, args);
    }
    const returned = base.apply(this, args);
    if (returned && typeof (returned as Promise<unknown>).then === 'function') {
      return (returned as Promise<unknown>).then(retypeCharFields);
    }

    return returned;
  }
}

/**
 * A pg pool config from discrete fields: with `connectionString`, pg ignores
 * an explicit `database`, which would point "shadow" connections at the real
 * database.
 */
const pgPoolConfig = (url: string, database?: string): pg.PoolConfig => {
  const parsed = parseConnectionString(url);
  const port = parsed.port ? Number(parsed.port) : undefined;

  return {
    host: parsed.host ?? undefined,
    port,
    user: parsed.user ?? undefined,
    password: parsed.password ?? undefined,
    database: database ?? parsed.database ?? undefined,
    ssl: parsed.ssl as pg.PoolConfig['ssl'],
    application_name: 'backchannel-migrate',
    options: parsed.options ?? undefined,
    Client: CharAsTextClient,
    max: 4,
    idleTimeoutMillis: 1_000,
  };
};

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/**
 * Adapter factory for PostgreSQL. Every pool it opens is tracked and closed by
 * `close()`; shadow databases are created on the admin connection and dropped
 * (`WITH (FORCE)`) when the engine disposes them or, at the latest, by `close()`.
 */
class PgMigrationFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = 'postgres';
  readonly adapterName = '@prisma/adapter-pg';
  readonly #url: string;
  readonly #adminUrl: string;
  readonly #pools = new Set<pg.Pool>();
  readonly #shadowDatabases = new Set<string>();

  constructor(url: string, adminUrl: string) {
    this.#url = url;
    this.#adminUrl = adminUrl;
  }

  connect(): Promise<SqlDriverAdapter> {
    return this.#adapterFor(this.#openPool(pgPoolConfig(this.#url)));
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const database = `${SHADOW_DATABASE_PREFIX}${randomUUID().replace(/-/g, '')}`;
    await this.#admin(`CREATE DATABASE ${quoteIdent(database)}`);
    this.#shadowDatabases.add(database);
    const pool = this.#openPool(pgPoolConfig(this.#adminUrl, database));
    const adapter = await this.#adapterFor(pool);

    return overrideAdapter(adapter, {
      dispose: async () => {
        await this.#closePool(pool);
        await this.#dropShadow(database);
      },
    });
  }

  /** Drops leftover shadow databases and closes every pool. */
  async close(): Promise<void> {
    for (const database of [...this.#shadowDatabases]) await this.#dropShadow(database);
    await Promise.all([...this.#pools].map((pool) => this.#closePool(pool)));
  }

  async #adapterFor(pool: pg.Pool): Promise<SqlDriverAdapter> {
    const inner = await new PrismaPg(pool).connect();

    return overrideAdapter(inner, {
      // One simple-protocol query: multi-statement scripts run whole, in order,
      // with literals and function bodies intact.
      executeScript: async (script: string) => {
        await pool.query(script);
      },
      dispose: async () => {
        await inner.dispose();
        await this.#closePool(pool);
      },
    });
  }

  #openPool(config: pg.PoolConfig): pg.Pool {
    const pool = new pg.Pool(config);
    pool.on('error', () => undefined); // An idle client's error surfaces on the next query.
    this.#pools.add(pool);

    return pool;
  }

  async #closePool(pool: pg.Pool): Promise<void> {
    if (!this.#pools.delete(pool)) return;
    await pool.end();
  }

  async #dropShadow(database: string): Promise<void> {
    if (!this.#shadowDatabases.delete(database)) return;
    await this.#admin(`DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`);
  }

  async #admin(sql: string): Promise<void> {
    const client = new pg.Client(pgPoolConfig(this.#adminUrl));
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}

/** Factory for the database at `databaseUrl`; SQLite files get their directory created. */
const targetFor = (databaseUrl: string, shadowAdminUrl?: string): EngineTarget => {
  const kind = databaseKindOf(databaseUrl);
  if (kind === 'sqlite') {
    const path = sqliteFilePath(databaseUrl);
    mkdirSync(dirname(path), { recursive: true });
    const factory = new SqliteMigrationFactory(path);

    return { kind, factory, close: () => factory.close() };
  }
  const factory = new PgMigrationFactory(databaseUrl, shadowAdminUrl ?? databaseUrl);

  return { kind, factory, close: () => factory.close() };
};

/** Factory for diffing only: no real database, just a shadow one. */
const shadowOnlyTarget = (kind: DatabaseKind, shadowAdminUrl: string): EngineTarget => {
  if (kind === 'sqlite') {
    const factory = new SqliteMigrationFactory(':memory:');

    return { kind, factory, close: () => factory.close() };
  }
  const factory = new PgMigrationFactory(shadowAdminUrl, shadowAdminUrl);

  return { kind, factory, close: () => factory.close() };
};

// ---------------------------------------------------------------------------
// Public API

/**
 * Applies the pending migrations for the database at `databaseUrl` (default:
 * DATABASE_URL), exactly like `prisma migrate deploy`: records them in
 * `_prisma_migrations`, refuses to run while a failed migration is recorded,
 * and serialises concurrent deploys (advisory lock on PostgreSQL). Returns
 * the names of the migrations applied by this call (empty when none was
 * pending). Closes every connection it opened before returning.
 */
export const applyMigrations = async (options: MigrateOptions = {}): Promise<{ applied: string[] }> => {
  const databaseUrl = options.databaseUrl ?? defaultDatabaseUrl();
  const kind = databaseKindOf(databaseUrl);
  const migrationsList = readMigrationList(kind);
  const names = migrationsList.migrationDirectories.map((directory) => directory.path);
  if (await isEveryMigrationApplied(databaseUrl, names)) return { applied: [] };
  const target = targetFor(databaseUrl);
  const session: EngineSession = { action: `Applying migrations to the ${target.kind} database`, target, log: options.log };

  const { appliedMigrationNames } = await withEngine(session, (engine) =>
    engine.applyMigrations({ migrationsList, filters: NO_FILTER }),
  );
  for (const name of appliedMigrationNames) options.log?.(`Applied migration ${name}`);

  return { applied: appliedMigrationNames };
};

type MigrationRow = { migration_name: string; finished_at: unknown; rolled_back_at: unknown };

const MIGRATION_ROWS_SQL = 'SELECT migration_name, finished_at, rolled_back_at FROM "_prisma_migrations"';

const readSqliteMigrationRows = (path: string): MigrationRow[] | null => {
  if (!existsSync(path)) return null;
  const db = new BetterSqlite3(path, { fileMustExist: true, timeout: SQLITE_BUSY_TIMEOUT_MS });
  try {
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_prisma_migrations'").get();

    return table ? (db.prepare(MIGRATION_ROWS_SQL).all() as MigrationRow[]) : null;
  } finally {
    db.close();
  }
};

const readPostgresMigrationRows = async (databaseUrl: string): Promise<MigrationRow[] | null> => {
  const client = new pg.Client(pgPoolConfig(databaseUrl));
  await client.connect();
  try {
    const { rows } = await client.query<{ exists: boolean }>("SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists");
    if (!rows[0]?.exists) return null;

    return (await client.query<MigrationRow>(MIGRATION_ROWS_SQL)).rows;
  } finally {
    await client.end();
  }
};

/**
 * Whether every migration folder is recorded as applied, read with an
 * ordinary connection. The schema engine is only started when this is false:
 * on SQLite it takes an exclusive lock (`locking_mode = EXCLUSIVE`), which it
 * cannot get while a server has the file open — so the CLI and a second start
 * work beside a running server as long as nothing is pending. Any failed or
 * unexpected state also returns false, leaving the verdict to the engine.
 */
const isEveryMigrationApplied = async (databaseUrl: string, names: string[]): Promise<boolean> => {
  const rows =
    databaseKindOf(databaseUrl) === 'sqlite'
      ? readSqliteMigrationRows(sqliteFilePath(databaseUrl))
      : await readPostgresMigrationRows(databaseUrl);
  if (!rows) return false;
  if (rows.some((row) => row.finished_at === null && row.rolled_back_at === null)) return false;
  const applied = new Set(rows.filter((row) => row.finished_at !== null && row.rolled_back_at === null).map((row) => row.migration_name));

  return names.every((name) => applied.has(name));
};

/** True when a script has no statements (only comments and whitespace). */
export const isEmptyMigrationScript = (script: string): boolean =>
  script
    .split('\n')
    .map((line) => line.replace(/--.*$/, '').trim())
    .every((line) => line === '');

/**
 * The SQL that brings a database at the end of the `kind` migrations folder
 * to the `kind` Prisma schema, computed on a throw-away shadow database
 * (SQLite: in memory; PostgreSQL: created and dropped on the shadow admin
 * connection). Returns '' when the migrations already match the schema.
 */
export const diffSchemaAgainstMigrations = async (kind: DatabaseKind, options: DiffOptions = {}): Promise<string> => {
  const schemaPath = schemaPathOf(kind);
  const schema = readFileSync(schemaPath, 'utf8');
  const adminUrl = options.shadowAdminUrl ?? (process.env.SHADOW_DATABASE_URL?.trim() || DEFAULT_SHADOW_ADMIN_URL);
  const target = shadowOnlyTarget(kind, adminUrl);
  const session: EngineSession = {
    action: `Diffing the ${kind} migrations against ${schemaPath}`,
    target,
    datamodels: [[schemaPath, schema]],
    log: options.log,
  };
  const from: DiffTarget = { tag: 'migrations', ...readMigrationList(kind) };
  const to: DiffTarget = { tag: 'schemaDatamodel', files: [{ path: schemaPath, content: schema }] };

  const result = await withEngine(session, (engine) =>
    engine.diff({ from, to, script: true, exitCode: null, filters: NO_FILTER }),
  );
  const script = result.stdout ?? '';

  return isEmptyMigrationScript(script) ? '' : script;
};

/** `prisma migrate`'s folder timestamp: UTC, YYYYMMDDHHMMSS. */
const migrationTimestamp = (now: Date): string => now.toISOString().replace(/[-:T]/g, '').slice(0, 14);

/** `prisma migrate`'s name normalisation: lower-case snake case, at most 200 characters. */
export const normaliseMigrationName = (name: string): string => {
  const normalised = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 200);
  if (!normalised) throw new Error(`"${name}" is not a usable migration name (use letters, digits and _).`);

  return normalised;
};

/**
 * Writes a new migration `<timestamp>_<name>` for both databases, each diffed
 * against its own kind, plus each folder's `migration_lock.toml` if absent.
 * Both diffs are computed before anything is written. When the schema has no
 * changes for either kind, nothing is written and `{ created: false }` is
 * returned. A kind whose diff is empty while the other's is not is an error
 * (the two folders must stay in step).
 */
export const createMigration = async (name: string, options: DiffOptions = {}): Promise<CreateMigrationResult> => {
  const folderName = `${migrationTimestamp(new Date())}_${normaliseMigrationName(name)}`;
  const kinds: DatabaseKind[] = ['sqlite', 'postgres'];
  const scripts = new Map<DatabaseKind, string>();
  for (const kind of kinds) scripts.set(kind, await diffSchemaAgainstMigrations(kind, options));

  const nonEmpty = kinds.filter((kind) => scripts.get(kind) !== '');
  if (nonEmpty.length === 0) return { created: false };
  if (nonEmpty.length !== kinds.length) {
    throw new Error(
      `The schema changes only for ${nonEmpty.join(', ')}: the migration folders are out of step. ` +
        'Run `npm run db:check` and repair the folder that lags.',
    );
  }

  const files: string[] = [];
  for (const kind of kinds) {
    const dir = migrationsDirOf(kind);
    const folder = join(dir, folderName);
    mkdirSync(folder, { recursive: true });
    const file = join(folder, MIGRATION_FILE_NAME);
    writeFileSync(file, scripts.get(kind)!, { flag: 'wx' });
    files.push(file);
    const lockfile = join(dir, LOCKFILE_NAME);
    if (!existsSync(lockfile)) {
      writeFileSync(lockfile, lockfileContentOf(kind));
      files.push(lockfile);
    }
  }
  options.log?.(`Created migration ${folderName}`);

  return { created: true, name: folderName, files };
};
