import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type Compilable,
} from 'kysely';
import type { Database } from '@/lib/store/sql/database';

export type SqlDialect = 'sqlite' | 'postgres';

/** Query builders that only compile (Kysely with a dummy driver): execution is the engines' job. */
const BUILDERS: Record<SqlDialect, Kysely<Database>> = {
  sqlite: new Kysely<Database>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  }),
  postgres: new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  }),
};

const PARAMETER = Symbol('parameter');
type ParameterRef = { readonly [PARAMETER]: string };

const isParameterRef = (value: unknown): value is ParameterRef =>
  typeof value === 'object' && value !== null && PARAMETER in value;

/**
 * Where each bound value of a compiled statement comes from: a named
 * parameter (`key` of the parameters, or of their member `group` for a
 * parameter named `group.key`), or a constant of the query.
 */
export type Binding = { parameter: string; group: string | null; key: string } | { constant: unknown };

/** `link.id` → group `link`, key `id`; `id` → no group. */
const parameterBinding = (parameter: string): Binding => {
  const dot = parameter.indexOf('.');

  return dot === -1
    ? { parameter, group: null, key: parameter }
    : { parameter, group: parameter.slice(0, dot), key: parameter.slice(dot + 1) };
};

export type CompiledStatement = { readonly sql: string; readonly bindings: readonly Binding[] };

/**
 * One query, defined once and compiled once per dialect when the module
 * loads: `P` its named parameters, `R` the rows it returns. The engines
 * prepare each statement once (better-sqlite3 statements, PostgreSQL named
 * statements) and bind the parameters by name at every execution.
 */
export type SqlQuery<P extends object, R> = {
  readonly name: string;
  readonly sqlite: CompiledStatement;
  readonly postgres: CompiledStatement;
  /** Type-level only. */
  readonly types?: { params: P; row: R };
};

/** A typed placeholder for parameter `key`, usable wherever the builder takes a value. */
export type ParameterFn<P> = <K extends keyof P & string>(key: K) => P[K];

const names = new Set<string>();

const compile = <P extends object, R>(
  dialect: SqlDialect,
  build: (db: Kysely<Database>, parameter: ParameterFn<P>, dialect: SqlDialect) => Compilable<R>,
): CompiledStatement => {
  const parameter = ((key: string) => ({ [PARAMETER]: key })) as unknown as ParameterFn<P>;
  const compiled = build(BUILDERS[dialect], parameter, dialect).compile();

  return {
    sql: compiled.sql,
    bindings: compiled.parameters.map((value) =>
      isParameterRef(value) ? parameterBinding(value[PARAMETER]) : { constant: value },
    ),
  };
};

/**
 * Defines a query once for both databases. `build` receives the builder, a
 * parameter factory and the dialect (only for the rare clause one database
 * lacks, such as PostgreSQL's `FOR UPDATE SKIP LOCKED`). Names are unique:
 * they name PostgreSQL's prepared statements.
 */
export const defineQuery = <P extends object = Record<never, never>, R = never>(
  name: string,
  build: (db: Kysely<Database>, parameter: ParameterFn<P>, dialect: SqlDialect) => Compilable<R>,
): SqlQuery<P, R> => {
  if (names.has(name)) throw new Error(`Query "${name}" is defined twice.`);
  names.add(name);

  return { name, sqlite: compile('sqlite', build), postgres: compile('postgres', build) };
};

/** The values to bind, in statement order, from named parameters. */
export const bindValues = (statement: CompiledStatement, params: object, encode: (value: unknown) => unknown): unknown[] =>
  statement.bindings.map((binding) => {
    if (!('parameter' in binding)) return encode(binding.constant);
    const source = binding.group === null ? params : (params as Record<string, object | undefined>)[binding.group];
    const value = (source as Record<string, unknown> | undefined)?.[binding.key];
    if (value === undefined) throw new Error(`Missing query parameter "${binding.parameter}".`);

    return encode(value);
  });
