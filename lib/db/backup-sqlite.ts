import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';

/** What `backchannel backup` reports (its `--json` document). */
export type SqliteBackupResult = {
  /** The backup file, absolute. */
  path: string;
  database: 'sqlite';
  /** The database file backed up, absolute. */
  source: string;
  bytes: number;
  pages: number;
  created_at: string;
};

/** The backup file and its directory: owner only, like the database itself (lib/db/private-sqlite-file.ts). */
const PRIVATE_FILE = 0o600;

/** A backup step copies every page at once: one read transaction, so a concurrent writer can never make it restart. */
const ALL_PAGES = 0x7fffffff;

/** How long the backup waits for a writer holding the database's lock (WAL readers rarely wait at all). */
const BUSY_TIMEOUT_MS = 10_000;

const sameFile = (a: string, b: string): boolean => a === b || a === `${b}-wal` || a === `${b}-shm` || a === `${b}-journal`;

/**
 * An online, consistent copy of a live SQLite database with SQLite's backup
 * API (better-sqlite3's `db.backup()`, https://sqlite.org/backup.html), made
 * while the server keeps reading and writing it.
 *
 * - Consistent: every page is copied in ONE backup step, inside one read
 *   transaction of the source. In WAL mode (Backchannel's: lib/db/sqlite-durability.ts)
 *   writers go on committing meanwhile; the copy is the database as of one commit.
 * - The copy is written to a temporary file (mode 0600) beside the target,
 *   switched to `journal_mode=DELETE` (one self-contained file, no -wal), checked
 *   with `PRAGMA quick_check`, flushed to disk, and only then renamed to `to`:
 *   `to` is either absent or a complete, checked backup.
 * - An existing `to` is refused unless `force` (the target is reserved with an
 *   exclusive create, so two backups cannot both take it); the source's own
 *   files are refused whatever `force` says.
 *
 * Not in the copy: the key-encryption key (BACKCHANNEL_KEY_ENCRYPTION_KEY, else
 * the data directory's `key-encryption-key`) that the tenants' signing keys are
 * sealed with, and AUTH_SECRET; a restore needs the same ones (README, Backups).
 *
 * @throws Error with an operator-facing message (no database at the path,
 * target exists, directory missing, copy failed its check).
 */
export const backupSqliteDatabase = async (options: {
  databasePath: string;
  to: string;
  force: boolean;
}): Promise<SqliteBackupResult> => {
  const source = resolve(/*turbopackIgnore: true*/ options.databasePath);
  const target = resolve(/*turbopackIgnore: true*/ options.to);
  if (!existsSync(source)) throw new Error(`There is no SQLite database at ${source} (DATABASE_URL).`);
  if (sameFile(target, source)) throw new Error(`Refusing to back up ${source} onto itself or its own journal files.`);
  const directory = dirname(target);
  if (!existsSync(directory)) throw new Error(`The directory ${directory} does not exist.`);
  if (existsSync(target) && statSync(target).isDirectory()) throw new Error(`${target} is a directory; name a file.`);

  let reserved = false;
  if (!options.force) {
    try {
      closeSync(openSync(target, 'wx', PRIVATE_FILE));
      reserved = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new Error(`${target} already exists; pass --force to overwrite it.`);
      }
      throw error;
    }
  }
  const temporary = join(directory, `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const cleanUp = () => {
    for (const file of [temporary, `${temporary}-journal`, `${temporary}-wal`, `${temporary}-shm`]) rmSync(file, { force: true });
    if (reserved) rmSync(target, { force: true });
  };
  try {
    closeSync(openSync(temporary, 'wx', PRIVATE_FILE));
    const database = new Database(source, { readonly: true, fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    let pages: number;
    try {
      ({ totalPages: pages } = await database.backup(temporary, { progress: () => ALL_PAGES }));
    } finally {
      database.close();
    }
    const copy = new Database(temporary, { fileMustExist: true });
    try {
      copy.pragma('journal_mode = DELETE');
      const check = copy.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`The copy failed SQLite's quick_check: ${String(check)}`);
    } finally {
      copy.close();
    }
    const descriptor = openSync(temporary, 'r+');
    try {
      fsyncSync(descriptor);
    } finally {
      closeSync(descriptor);
    }
    renameSync(temporary, target);
    reserved = false;

    return {
      path: target,
      database: 'sqlite',
      source,
      bytes: statSync(target).size,
      pages,
      created_at: new Date().toISOString(),
    };
  } catch (error) {
    cleanUp();
    throw error;
  }
};

/** Why `backchannel backup` does not back up PostgreSQL itself, and what does. */
export const POSTGRES_BACKUP_REFUSAL =
  'backup copies SQLite databases only; DATABASE_URL is PostgreSQL: back it up with PostgreSQL’s own tools, e.g. ' +
  '`pg_dump --format=custom --file=backchannel.dump "$DATABASE_URL"` and `pg_restore --no-owner --dbname="$NEW_DATABASE_URL" backchannel.dump` ' +
  '(README: Operations, Backups and restore).';
