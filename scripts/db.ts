/**
 * Database migrations CLI (Prisma's schema engine as WASM; see scripts/migrations/migrate.ts).
 *
 *   tsx scripts/db.ts deploy         apply pending migrations to DATABASE_URL
 *   tsx scripts/db.ts create <name>  write a new migration for SQLite and PostgreSQL
 *   tsx scripts/db.ts check          exit 1 if prisma/schema.prisma has changes not
 *                                    covered by migrations (either database), or if
 *                                    prisma/postgres/schema.prisma is stale
 *
 * `create` and `check` need a PostgreSQL server for the shadow database
 * (SHADOW_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/postgres).
 * Every command exits explicitly, so no idle pool keeps the process alive.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { getBaseEnv, type DatabaseKind } from '@/lib/env';
import { applyMigrations, createMigration, diffSchemaAgainstMigrations } from '@/scripts/migrations/migrate';

const USAGE = 'Usage: tsx scripts/db.ts deploy | create <name> | check';

const log = (line: string): void => console.log(line);

const deploy = async (): Promise<number> => {
  const started = performance.now();
  const { applied } = await applyMigrations({ log });
  const ms = Math.round(performance.now() - started);
  console.log(applied.length === 0 ? `No pending migrations (${ms} ms).` : `Applied ${applied.length} migration(s) in ${ms} ms.`);

  return 0;
};

const create = async (name: string | undefined): Promise<number> => {
  if (!name) {
    console.error(`A migration name is required.\n${USAGE}`);

    return 2;
  }
  const result = await createMigration(name, { log });
  if (!result.created) {
    console.log('prisma/schema.prisma has no changes that the migrations do not cover: nothing written.');

    return 0;
  }
  for (const file of result.files) console.log(`  wrote ${file}`);

  return 0;
};

const EXCERPT_LINES = 40;

/** The first lines of a script, noting how many more there are. */
const excerpt = (script: string): string => {
  const lines = script.trimEnd().split('\n');
  if (lines.length <= EXCERPT_LINES) return lines.join('\n');

  return [...lines.slice(0, EXCERPT_LINES), `... (${lines.length - EXCERPT_LINES} more lines)`].join('\n');
};

/** Runs the derived-schema check of scripts/prisma-generate.mjs; true when current. */
const postgresSchemaIsCurrent = (): boolean => {
  const script = join(getBaseEnv().projectRoot, 'scripts/prisma-generate.mjs');
  const { status } = spawnSync(process.execPath, [script, '--check'], { stdio: 'inherit' });

  return status === 0;
};

const check = async (): Promise<number> => {
  let ok = postgresSchemaIsCurrent();
  for (const kind of ['sqlite', 'postgres'] as DatabaseKind[]) {
    const script = await diffSchemaAgainstMigrations(kind);
    if (script === '') {
      console.log(`${kind}: migrations match prisma/schema.prisma.`);
      continue;
    }
    ok = false;
    console.error(
      `${kind}: prisma/schema.prisma has changes not covered by any migration. ` +
        'Run `npm run db:migration -- <name>` and commit the new folders. Missing SQL:\n' +
        excerpt(script),
    );
  }

  return ok ? 0 : 1;
};

const main = async (argv: string[]): Promise<number> => {
  const [command, ...rest] = argv;
  switch (command) {
    case 'deploy':
      return deploy();
    case 'create':
      return create(rest[0]);
    case 'check':
      return check();
    default:
      console.error(USAGE);

      return 2;
  }
};

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
