import Database, { type Statement } from 'better-sqlite3';
import { privateSqliteFile } from '@/lib/db/private-sqlite-file';
import { SQLITE_PRAGMAS } from '@/lib/db/sqlite-durability';
import { GroupCommitter } from '@/lib/store/group-commit';
import { bindValues, type CompiledStatement, type SqlQuery } from '@/lib/store/sql/define-query';
import type { SqlEngine, SqlExecutor } from '@/lib/store/sql/sql-engine';

/**
 * DateTime as Prisma's SQLite adapter writes it (ISO-8601 with an explicit
 * +00:00), so rows written here and by Prisma compare and sort alike.
 */
export const toSqliteDate = (date: Date): string => {
  const time = date.getTime();
  if (time !== lastEncoded.time) lastEncoded = { time, text: date.toISOString().replace('Z', '+00:00') };

  return lastEncoded.text;
};

/** The last date encoded: a unit binds the same `now` several times, and toISOString is not cheap. */
let lastEncoded = { time: Number.NaN, text: '' };

const encode = (value: unknown): unknown => {
  if (value instanceof Date) return toSqliteDate(value);
  if (typeof value === 'boolean') return value ? 1 : 0;

  return value;
};

type Decoder = (values: unknown[]) => Record<string, unknown>;

const asIs = (value: unknown) => value;
const toDate = (value: unknown) => (value === null ? null : new Date(value as string | number));
const toBoolean = (value: unknown) => (value === null ? null : value === 1 || value === true);

/**
 * Builds a result row in the application's types from the statement's raw
 * values, by the columns' declared types (Prisma declares DateTime as
 * DATETIME, Boolean as BOOLEAN). Each field gets its final value when the
 * object is built, in the same order every time, so rows of a statement
 * share one shape (no field changes from text to Date afterwards).
 */
const decoderFor = (statement: Statement): Decoder => {
  const columns = statement.columns().map((column) => {
    const type = column.type?.toUpperCase();

    return { name: column.name, convert: type === 'DATETIME' ? toDate : type === 'BOOLEAN' ? toBoolean : asIs };
  });

  return (values) => {
    const row: Record<string, unknown> = {};
    for (let index = 0; index < columns.length; index += 1) {
      const { name, convert } = columns[index];
      row[name] = convert(values[index]);
    }

    return row;
  };
};

type Prepared = { statement: Statement; decode: Decoder | null };

/** An executor over one connection, each query's statement prepared on first use and kept. */
const createExecutor = (db: Database.Database): SqlExecutor => {
  const prepared = new Map<CompiledStatement, Prepared>();
  const prepare = (compiled: CompiledStatement): Prepared => {
    let entry = prepared.get(compiled);
    if (!entry) {
      const statement = db.prepare(compiled.sql);
      entry = {
        statement: statement.reader ? statement.raw(true) : statement,
        decode: statement.reader ? decoderFor(statement) : null,
      };
      prepared.set(compiled, entry);
    }

    return entry;
  };
  const rows = <R>(query: SqlQuery<object, R>, params: object): R[] => {
    const { statement, decode } = prepare(query.sqlite);
    const result = statement.all(...bindValues(query.sqlite, params, encode)) as unknown[][];

    return (decode ? result.map(decode) : result) as R[];
  };
  const firstRow = <R>(query: SqlQuery<object, R>, params: object): R | undefined => {
    const { statement, decode } = prepare(query.sqlite);
    const values = statement.get(...bindValues(query.sqlite, params, encode)) as unknown[] | undefined;

    return (values && decode ? decode(values) : values) as R | undefined;
  };

  return {
    all: async (query, params) => rows(query, params),
    first: async (query, params) => firstRow(query, params),
    run: async (query, params) => prepare(query.sqlite).statement.run(...bindValues(query.sqlite, params, encode)).changes,
  };
};

const open = (filePath: string): Database.Database => {
  const db = new Database(privateSqliteFile(filePath));
  for (const pragma of SQLITE_PRAGMAS) db.pragma(pragma);

  return db;
};

/**
 * SQLite: a writer connection whose units are group-committed (see
 * GroupCommitter), and a reader connection, so reads never see a unit's
 * uncommitted writes (WAL: readers never wait for the writer).
 *
 * Reads use the writer connection itself whenever it has no transaction
 * open (it then sees exactly what is committed), and the reader only while
 * a batch is in flight: a connection's page cache is dropped each time
 * another connection has written (WAL), so a reader that followed every
 * write would re-read its b-tree pages on almost every read.
 */
export const createSqliteEngine = (filePath: string): SqlEngine => {
  const writer = open(filePath);
  writer.pragma('busy_timeout = 0');
  const reader = open(filePath);
  reader.pragma('busy_timeout = 5000');
  const committer = new GroupCommitter(writer);
  const writes = createExecutor(writer);
  const reads = createExecutor(reader);

  const readsNow = () => (writer.inTransaction ? reads : writes);

  return {
    dialect: 'sqlite',
    all: (query, params) => readsNow().all(query, params),
    first: (query, params) => readsNow().first(query, params),
    transaction: (unit) => committer.enqueue(() => unit(writes)),
    execute: (query, params) => committer.enqueue(() => writes.run(query, params), { singleStatement: true }),
    executeReturning: (query, params) => committer.enqueue(() => writes.all(query, params), { singleStatement: true }),
    executeReturningAsyncCommit: (query, params) =>
      committer.enqueue(() => writes.all(query, params), { singleStatement: true, durable: false }),
    close: async () => {
      reader.close();
      writer.close();
    },
  };
};
