// The data directory and the SQLite files are the owner's only: they hold sessions, signing keys
// (sealed), request state and, with the development outbox, what it takes to approve a request.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ensurePrivateDirectory, privateSqliteFile } from '@/lib/db/private-sqlite-file';
import { SQLITE_PRAGMAS } from '@/lib/db/sqlite-durability';

const root = mkdtempSync(join(tmpdir(), 'backchannel-modes-'));
const modeOf = (path: string) => statSync(path).mode & 0o777;

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('private data files', () => {
  it('creates a missing directory 0700 and the database file 0600', () => {
    const path = join(root, 'fresh', 'nested', 'backchannel.db');
    privateSqliteFile(path);
    expect(modeOf(join(root, 'fresh', 'nested'))).toBe(0o700);
    expect(modeOf(path)).toBe(0o600);
  });

  it('sets an existing database file and its -wal and -shm to 0600, and leaves their content alone', () => {
    const dir = join(root, 'existing');
    mkdirSync(dir, { mode: 0o755 });
    const path = join(dir, 'backchannel.db');
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      writeFileSync(file, 'kept');
      chmodSync(file, 0o644);
    }
    privateSqliteFile(path);
    for (const file of [path, `${path}-wal`, `${path}-shm`]) expect(modeOf(file)).toBe(0o600);
    expect(statSync(path).size).toBe(4);
  });

  it("sets Backchannel's own data directory to 0700 even when it already existed readable by all", () => {
    const dir = join(root, 'data');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    ensurePrivateDirectory(dir, { force: true });
    expect(modeOf(dir)).toBe(0o700);
  });

  it('a database written in WAL mode (our pragmas) keeps its -wal and -shm files 0600', () => {
    const path = join(root, 'wal', 'backchannel.db');
    const db = new Database(privateSqliteFile(path));
    try {
      for (const pragma of SQLITE_PRAGMAS) db.pragma(pragma);
      db.exec('CREATE TABLE probe (id INTEGER); INSERT INTO probe VALUES (1)');
      for (const file of [path, `${path}-wal`, `${path}-shm`]) expect(modeOf(file)).toBe(0o600);
    } finally {
      db.close();
    }
  });
});
