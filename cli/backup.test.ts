import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disconnectDb } from '@/lib/db/client';
import { closeProtocolData } from '@/lib/store/get-protocol-store';
import { runCli as runCommandLine } from './main';

/**
 * `backchannel backup --to FILE` (contract.md CLI conventions: `--json` is one
 * document on stdout, errors on stderr with exit 1, 2 for usage errors), run
 * through runCli on a SQLite database of its own — on the PostgreSQL pass too,
 * where it also checks the refusal that points to pg_dump. The online backup
 * and its restore: lib/db/backup-restore.test.ts.
 */

type CliResult = { code: number; stdout: string; stderr: string };

const runCli = async (args: string[]): Promise<CliResult> => {
  let stdout = '';
  let stderr = '';
  const code = await runCommandLine(args, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });

  return { code, stdout, stderr };
};

const useDatabase = async (databaseUrl: string) => {
  await closeProtocolData();
  await disconnectDb();
  process.env.DATABASE_URL = databaseUrl;
  (globalThis as { backchannelEnv?: unknown }).backchannelEnv = undefined;
};

let dir: string;
let databasePath: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'backchannel-backup-cli-'));
  databasePath = join(dir, 'live.db');
  process.env.BACKCHANNEL_DATA_DIR = join(dir, 'data');
  await useDatabase(`file:${databasePath}`);
  const created = await runCli(['tenant', 'create', '--slug', 'acme', '--name', 'Acme', '--json']);
  expect(created.code, created.stderr).toBe(0);
});

afterAll(async () => {
  await closeProtocolData();
  await disconnectDb();
  rmSync(dir, { recursive: true, force: true });
});

const tenantSlugsIn = (path: string): string[] => {
  const copy = new Database(path, { readonly: true });
  try {
    return (copy.prepare('SELECT slug FROM Tenant').all() as Array<{ slug: string }>).map((row) => row.slug);
  } finally {
    copy.close();
  }
};

describe('backchannel backup', () => {
  it('writes the copy (mode 0600) and prints one JSON document with --json', async () => {
    const to = join(dir, 'first.db');
    const result = await runCli(['backup', '--to', to, '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(1);
    const document = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(document).toMatchObject({ path: to, database: 'sqlite', source: databasePath, bytes: statSync(to).size });
    expect(typeof document.pages).toBe('number');
    expect(Number.isNaN(Date.parse(document.created_at as string))).toBe(false);
    expect(statSync(to).mode & 0o777).toBe(0o600);
    expect(tenantSlugsIn(to)).toEqual(['acme']);
    // No temporary file left beside it.
    expect(existsSync(`${to}-journal`)).toBe(false);
  });

  it('prints a human summary without --json, naming the key-encryption key a restore needs', async () => {
    const result = await runCli(['backup', '--to', join(dir, 'human.db')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Backed up .*live\.db to .*human\.db \(\d+ bytes, \d+ pages\)\.\n/);
    expect(result.stdout).toContain('key-encryption key');
  });

  it('refuses to overwrite an existing file (exit 1, nothing on stdout, the file untouched) unless --force', async () => {
    const to = join(dir, 'taken.db');
    writeFileSync(to, 'precious');
    const refused = await runCli(['backup', '--to', to, '--json']);
    expect(refused).toEqual({
      code: 1,
      stdout: '',
      stderr: `backchannel: backup failed: ${to} already exists; pass --force to overwrite it.\n`,
    });
    expect(readFileSync(to, 'utf8')).toBe('precious');

    const forced = await runCli(['backup', '--to', to, '--force', '--json']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(tenantSlugsIn(to)).toEqual(['acme']);
    expect(statSync(to).mode & 0o777).toBe(0o600);
  });

  it('refuses the database itself and its journal files, even with --force', async () => {
    for (const to of [databasePath, `${databasePath}-wal`]) {
      const result = await runCli(['backup', '--to', to, '--force']);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(
        `backchannel: backup failed: Refusing to back up ${databasePath} onto itself or its own journal files.\n`,
      );
    }
  });

  it('fails with exit 1 for a missing directory, leaving nothing behind', async () => {
    const to = join(dir, 'no-such-dir', 'b.db');
    const result = await runCli(['backup', '--to', to]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `backchannel: backup failed: The directory ${join(dir, 'no-such-dir')} does not exist.\n`,
    });
  });

  it('is a usage error (exit 2) without --to, with a value for --force, or with an unknown option', async () => {
    for (const args of [
      ['backup'],
      ['backup', '--to'],
      ['backup', '--to', 'x.db', '--force=yes'],
      ['backup', '--to', 'x.db', '--tenant', 'acme'],
    ]) {
      const result = await runCli([...args, '--json']);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('Run "backchannel backup --help" for usage.');
    }
  });

  it('does not create a database that is not there (exit 1), nor apply migrations to it', async () => {
    const missing = join(dir, 'missing.db');
    await useDatabase(`file:${missing}`);
    try {
      const result = await runCli(['backup', '--to', join(dir, 'from-missing.db')]);
      expect(result).toEqual({
        code: 1,
        stdout: '',
        stderr: `backchannel: backup failed: There is no SQLite database at ${missing} (DATABASE_URL).\n`,
      });
      expect(existsSync(missing)).toBe(false);
      expect(existsSync(join(dir, 'from-missing.db'))).toBe(false);
    } finally {
      await useDatabase(`file:${databasePath}`);
    }
  });

  it('refuses on PostgreSQL (exit 1) and points to pg_dump and pg_restore, without connecting', async () => {
    // Port 1: nothing listens there; a connection attempt would fail differently.
    await useDatabase('postgresql://postgres@127.0.0.1:1/backchannel');
    try {
      const result = await runCli(['backup', '--to', join(dir, 'pg.db'), '--json']);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(
        /^backchannel: backup failed: backup copies SQLite databases only; DATABASE_URL is PostgreSQL/,
      );
      expect(result.stderr).toContain('pg_dump --format=custom');
      expect(result.stderr).toContain('pg_restore');
      expect(existsSync(join(dir, 'pg.db'))).toBe(false);
    } finally {
      await useDatabase(`file:${databasePath}`);
    }
  });

  it('is listed in the top-level help and has its own', async () => {
    expect((await runCli(['--help'])).stdout).toMatch(/\n {2}backup {15}Copy the SQLite database/);
    const help = await runCli(['backup', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: backchannel backup --to <file> [--force] [--json]');
  });
});
