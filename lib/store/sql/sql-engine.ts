import type { PoolUsage } from '@/lib/metrics/registry';
import type { SqlDialect, SqlQuery } from '@/lib/store/sql/define-query';

/** Runs defined queries on one connection (or transaction). */
export type SqlExecutor = {
  all: <P extends object, R>(query: SqlQuery<P, R>, params: P) => Promise<R[]>;
  first: <P extends object, R>(query: SqlQuery<P, R>, params: P) => Promise<R | undefined>;
  /** A statement without result rows; resolves to the number of rows it changed. */
  run: <P extends object>(query: SqlQuery<P, unknown>, params: P) => Promise<number>;
};

/** A unit of work: its statements commit together or not at all. */
export type SqlUnit<T> = (tx: SqlExecutor) => Promise<T>;

/**
 * A database behind the request store. Reads (`all`, `first`) see committed
 * data only. Writes happen in units: `transaction(unit)` resolves once the
 * unit is committed and durable; if the unit throws, nothing it wrote stays.
 * A unit must do nothing but run statements (no network, no timers): on
 * SQLite units of concurrent callers share one commit (group commit).
 */
export type SqlEngine = Pick<SqlExecutor, 'all' | 'first'> & {
  readonly dialect: SqlDialect;
  transaction: <T>(unit: SqlUnit<T>) => Promise<T>;
  /** One write statement, atomic on its own (a one-statement unit; no transaction round trips on PostgreSQL). */
  execute: <P extends object>(query: SqlQuery<P, unknown>, params: P) => Promise<number>;
  /** As `execute`, for a write statement that returns rows (`RETURNING`). */
  executeReturning: <P extends object, R>(query: SqlQuery<P, R>, params: P) => Promise<R[]>;
  /**
   * PostgreSQL: as `executeReturning`, committed asynchronously
   * (`synchronous_commit = off`): it returns, and its row locks are released,
   * without waiting for the WAL flush. Only for statements whose loss in a
   * crash is harmless and which a later durable commit makes durable anyway
   * (WAL is flushed in order): bc-authorize's admission counters, whose
   * request insert follows. The rows stay locked for the statement only, not
   * for a disk flush (milliseconds on some disks), so concurrent callers
   * queue on a hot counter row for microseconds. Also a token poll's time
   * and count (ProtocolStore.recordPoll): a lost one lets one later poll pass
   * as well spaced, nothing more. SQLite: a group-committed unit that does not
   * make its batch durable (GroupCommitter.enqueue's `durable: false`).
   */
  executeReturningAsyncCommit: <P extends object, R>(query: SqlQuery<P, R>, params: P) => Promise<R[]>;
  /** PostgreSQL: each connection pool's usage now (for /metrics); absent on SQLite (one connection, no pool). */
  poolUsage?: () => PoolUsage[];
  close: () => Promise<void>;
};
