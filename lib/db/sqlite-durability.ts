/**
 * How every SQLite connection of ours runs: WAL (readers never wait for the
 * writer) and `synchronous = FULL`, so a commit is on disk before anyone is
 * told it happened. better-sqlite3 is compiled with NORMAL as the WAL
 * default, which can lose the last commits on power loss: always set it.
 */
export const SQLITE_JOURNAL_MODE = 'WAL';
export const SQLITE_SYNCHRONOUS = 'FULL';

export const SQLITE_PRAGMAS = [`journal_mode = ${SQLITE_JOURNAL_MODE}`, `synchronous = ${SQLITE_SYNCHRONOUS}`] as const;
