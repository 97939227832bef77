import pg from 'pg';
import { getBaseEnv } from '@/lib/env';
import { log } from '@/lib/log';
import type { PoolUsage } from '@/lib/metrics/registry';
import { bindValues, type SqlQuery } from '@/lib/store/sql/define-query';
import type { SqlEngine, SqlExecutor } from '@/lib/store/sql/sql-engine';

/** PostgreSQL type OID of `timestamp without time zone`, which Prisma uses for DateTime (always UTC). */
const TIMESTAMP_OID = 1114;

/**
 * Prisma stores DateTime as UTC in `timestamp(3)` without a zone; read it as
 * UTC whatever the process's time zone. Writes pass ISO-8601 strings, whose
 * zone PostgreSQL ignores for this type: the UTC wall time is what is stored.
 */
const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMP_OID && format !== 'binary'
      ? (value: string) => new Date(`${value.replace(' ', 'T')}Z`)
      : (pg.types.getTypeParser(oid, format) as (value: string) => unknown)) as typeof pg.types.getTypeParser,
};

const encode = (value: unknown): unknown => (value instanceof Date ? value.toISOString() : value);

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/**
 * Named (server-side prepared) statements, parsed once per connection, when
 * `named`; unnamed otherwise (parsed per execution), for a pooler that hands
 * each transaction a different server connection and cannot track them
 * (PgBouncer in transaction mode before 1.21 or without max_prepared_statements).
 */
const createExecutor = (connection: Queryable, named: boolean): SqlExecutor => {
  const rows = async <R>(query: SqlQuery<object, R>, params: object): Promise<pg.QueryResult<R & pg.QueryResultRow>> =>
    connection.query<R & pg.QueryResultRow>({
      name: named ? query.name : undefined,
      text: query.postgres.sql,
      values: bindValues(query.postgres, params, encode),
    });

  return {
    all: async <P extends object, R>(query: SqlQuery<P, R>, params: P): Promise<R[]> => (await rows(query, params)).rows,
    first: async <P extends object, R>(query: SqlQuery<P, R>, params: P): Promise<R | undefined> =>
      (await rows(query, params)).rows[0],
    run: async (query, params) => (await rows(query, params)).rowCount ?? 0,
  };
};

const usageOf = (name: string, pool: pg.Pool): PoolUsage => ({
  pool: name,
  total: pool.totalCount,
  idle: pool.idleCount,
  waiting: pool.waitingCount,
  max: pool.options.max,
});

export type PostgresEngineOptions = {
  /** Connections of the main pool (default DATABASE_POOL_SIZE). */
  poolSize?: number;
  /** Named statements (default DATABASE_PREPARED_STATEMENTS). */
  preparedStatements?: boolean;
};

/**
 * PostgreSQL through `pg` directly: a pool, named statements, BEGIN … COMMIT
 * per unit. No session state: nothing is SET on a pooled connection outside
 * a transaction, no advisory lock, no LISTEN, so it works behind PgBouncer in
 * transaction mode (README, "Operations: several instances").
 */
export const createPostgresEngine = (databaseUrl: string, options: PostgresEngineOptions = {}): SqlEngine => {
  const { poolSize = getBaseEnv().databasePoolSize, preparedStatements: named = getBaseEnv().databasePreparedStatements } =
    options;
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize, types: typeParsers });
  pool.on('error', (error) => log.error({ err: error }, 'idle PostgreSQL connection failed'));
  const direct = createExecutor(pool, named);
  // Statements committed without waiting for the WAL flush (executeReturningAsyncCommit).
  const asyncCommitPool = new pg.Pool({
    connectionString: databaseUrl,
    max: 4,
    types: typeParsers,
    options: '-c synchronous_commit=off',
  });
  asyncCommitPool.on('error', (error) => log.error({ err: error }, 'idle PostgreSQL connection failed'));
  const asyncCommit = createExecutor(asyncCommitPool, named);

  return {
    dialect: 'postgres',
    all: direct.all,
    first: direct.first,
    execute: direct.run,
    executeReturning: direct.all,
    executeReturningAsyncCommit: asyncCommit.all,
    transaction: async (unit) => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const value = await unit(createExecutor(client, named));
        await client.query('COMMIT');

        return value;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    poolUsage: () => [usageOf('protocol', pool), usageOf('protocol_async_commit', asyncCommitPool)],
    close: async () => {
      await Promise.all([pool.end(), asyncCommitPool.end()]);
    },
  };
};
