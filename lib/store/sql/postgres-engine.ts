import pg from 'pg';
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

/** Named (server-side prepared) statements: parsed once per connection. */
const createExecutor = (connection: Queryable): SqlExecutor => {
  const rows = async <R>(query: SqlQuery<object, R>, params: object): Promise<pg.QueryResult<R & pg.QueryResultRow>> =>
    connection.query<R & pg.QueryResultRow>({
      name: query.name,
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

/** PostgreSQL through `pg` directly: a pool, named statements, BEGIN … COMMIT per unit. */
export const createPostgresEngine = (databaseUrl: string): SqlEngine => {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10, types: typeParsers });
  pool.on('error', (error) => log.error({ err: error }, 'idle PostgreSQL connection failed'));
  const direct = createExecutor(pool);
  // Statements committed without waiting for the WAL flush (executeReturningAsyncCommit).
  const asyncCommitPool = new pg.Pool({
    connectionString: databaseUrl,
    max: 4,
    types: typeParsers,
    options: '-c synchronous_commit=off',
  });
  asyncCommitPool.on('error', (error) => log.error({ err: error }, 'idle PostgreSQL connection failed'));
  const asyncCommit = createExecutor(asyncCommitPool);

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
        const value = await unit(createExecutor(client));
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
