import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/** Owner only: the data directory and every database file hold approval links' state, keys and sessions. */
const PRIVATE_DIRECTORY = 0o700;
const PRIVATE_FILE = 0o600;

/**
 * Creates `dir` (and its parents) owner-only when missing; with `force`, also
 * sets an existing one owner-only (Backchannel's own data directory, which an
 * older version or a plain `mkdir` may have left readable by all).
 */
export const ensurePrivateDirectory = (dir: string, options: { force?: boolean } = {}): void => {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIRECTORY });
  if (options.force) chmodSync(dir, PRIVATE_DIRECTORY);
};

/**
 * Readies a SQLite database file before anything opens it: its directory is
 * created owner-only when missing, the file is created 0600 when missing, and
 * an existing file and its -wal and -shm companions are set to 0600 (SQLite
 * creates those with the database file's own permissions). Returns `path`.
 */
export const privateSqliteFile = (path: string): string => {
  if (path === ':memory:' || path === '') return path;
  ensurePrivateDirectory(dirname(path));
  closeSync(openSync(path, 'a', PRIVATE_FILE));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file)) chmodSync(file, PRIVATE_FILE);
  }

  return path;
};
