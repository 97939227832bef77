import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getBaseEnv } from '@/lib/env';
import { applyMigrations, diffSchemaAgainstMigrations, migrationsDirOf } from '@/scripts/migrations/migrate';

const PG_ADMIN_URL =
  process.env.TEST_POSTGRES_URL?.trim() ||
  process.env.SHADOW_DATABASE_URL?.trim() ||
  'postgresql://postgres@127.0.0.1:5432/postgres';

const EXPECTED_TABLES = [
  'ApprovalLink',
  'BackchannelRequest',
  'Client',
  'Event',
  'OutboxAttempt',
  'OutboxMessage',
  'SigningKey',
  'Tenant',
  'User',
];

/** The migration folder names committed for a kind, in order. */
const committedMigrations = (kind: 'sqlite' | 'postgres'): string[] =>
  readdirSync(migrationsDirOf(kind), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

const pgReachable = async (): Promise<boolean> => {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2_000 });
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

/** Runs `work` with BACKCHANNEL_ROOT pointing at another checkout (the cached env is re-read on both sides). */
const withProjectRoot = async (root: string, work: () => Promise<void>): Promise<void> => {
  const env = globalThis as { backchannelEnv?: unknown };
  vi.stubEnv('BACKCHANNEL_ROOT', root);
  env.backchannelEnv = undefined;
  try {
    await work();
  } finally {
    vi.unstubAllEnvs();
    env.backchannelEnv = undefined;
  }
};

const hasPostgres = await pgReachable();
if (!hasPostgres) console.warn(`PostgreSQL tests skipped: ${PG_ADMIN_URL} is unreachable.`);

const adminQuery = async (sql: string): Promise<void> => {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
};

const databaseUrlFor = (name: string): string => {
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;

  return url.toString();
};

describe('applyMigrations on SQLite', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'backchannel-migrate-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the tables and records the migrations in a fresh file, creating its directory', async () => {
    const file = join(dir, 'nested', 'fresh.db');
    const { applied } = await applyMigrations({ databaseUrl: `file:${file}` });

    expect(applied).toEqual(committedMigrations('sqlite'));
    const db = new Database(file, { readonly: true });
    try {
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .all()
        .map((row) => (row as { name: string }).name);
      expect(tables).toEqual(expect.arrayContaining([...EXPECTED_TABLES, '_prisma_migrations']));
      const recorded = db
        .prepare('SELECT migration_name, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name')
        .all() as { migration_name: string; finished_at: string | null; rolled_back_at: string | null }[];
      expect(recorded.map((row) => row.migration_name)).toEqual(applied);
      expect(recorded.every((row) => row.finished_at !== null && row.rolled_back_at === null)).toBe(true);
    } finally {
      db.close();
    }
  });

  it('is a no-op the second time', async () => {
    const databaseUrl = `file:${join(dir, 'twice.db')}`;
    await applyMigrations({ databaseUrl });

    const started = performance.now();
    const { applied } = await applyMigrations({ databaseUrl });
    const elapsedMs = performance.now() - started;

    expect(applied).toEqual([]);
    expect(elapsedMs).toBeLessThan(2_000);
  });

  it('refuses to apply anything while a failed migration is recorded', async () => {
    // A copy of the project whose last migration fails halfway.
    const root = join(dir, 'project');
    const migrations = join(root, 'prisma/migrations');
    cpSync(migrationsDirOf('sqlite'), migrations, { recursive: true });
    symlinkSync(join(getBaseEnv().projectRoot, 'node_modules'), join(root, 'node_modules'));
    writeFileSync(join(root, 'package.json'), '{}');
    mkdirSync(join(migrations, '99990101000000_broken'));
    writeFileSync(
      join(migrations, '99990101000000_broken/migration.sql'),
      'CREATE TABLE "Broken" ("id" TEXT);\nCREATE TABLE "Broken" ("id" TEXT);\n',
    );
    const databaseUrl = `file:${join(dir, 'broken.db')}`;
    await withProjectRoot(root, async () => {
      await expect(applyMigrations({ databaseUrl })).rejects.toThrow(/already exists/);
      await expect(applyMigrations({ databaseUrl })).rejects.toThrow(/failed migrations/);
    });
  });
});

describe('diffSchemaAgainstMigrations (db:check)', () => {
  it('finds no pending changes for the committed SQLite schema', async () => {
    expect(await diffSchemaAgainstMigrations('sqlite')).toBe('');
  });

  it.skipIf(!hasPostgres)('finds no pending changes for the committed PostgreSQL schema', async () => {
    expect(await diffSchemaAgainstMigrations('postgres', { shadowAdminUrl: PG_ADMIN_URL })).toBe('');
  });
});

describe.skipIf(!hasPostgres)('applyMigrations on PostgreSQL', () => {
  const created: string[] = [];

  const freshDatabase = async (): Promise<string> => {
    const name = `backchannel_migrate_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(`CREATE DATABASE ${name}`);
    created.push(name);

    return databaseUrlFor(name);
  };

  afterAll(async () => {
    for (const name of created) await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('migrates a freshly created database, then has nothing pending', async () => {
    const databaseUrl = await freshDatabase();

    const first = await applyMigrations({ databaseUrl });
    const second = await applyMigrations({ databaseUrl });

    expect(first.applied).toEqual(committedMigrations('postgres'));
    expect(second.applied).toEqual([]);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
      );
      expect(rows.map((row) => row.table_name)).toEqual(expect.arrayContaining([...EXPECTED_TABLES, '_prisma_migrations']));
    } finally {
      await client.end();
    }
  });

  it('serialises concurrent deploys on the same database (advisory lock)', async () => {
    const databaseUrl = await freshDatabase();

    const results = await Promise.all([applyMigrations({ databaseUrl }), applyMigrations({ databaseUrl })]);

    const appliedBy = results.map((result) => result.applied);
    expect(appliedBy.flat().sort()).toEqual(committedMigrations('postgres'));
    expect(appliedBy.filter((applied) => applied.length > 0)).toHaveLength(1);
  });
});
