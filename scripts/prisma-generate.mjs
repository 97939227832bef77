// Derives the PostgreSQL schema from prisma/schema.prisma and generates both
// Prisma clients, offline: `prisma generate` never runs the schema engine, but
// the CLI insists on finding one, so any existing file satisfies it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const sqliteSchema = join(root, 'prisma/schema.prisma');
const postgresSchema = join(root, 'prisma/postgres/schema.prisma');

export const derivePostgresSchema = (text) =>
  '// GENERATED from prisma/schema.prisma by scripts/prisma-generate.mjs. Do not edit.\n' +
  text
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace('output   = "../lib/generated/sqlite"', 'output   = "../../lib/generated/postgres"');

const checkOnly = process.argv.includes('--check');
const derived = derivePostgresSchema(readFileSync(sqliteSchema, 'utf8'));
if (checkOnly) {
  const current = existsSync(postgresSchema) ? readFileSync(postgresSchema, 'utf8') : '';
  if (current !== derived) {
    console.error('prisma/postgres/schema.prisma is out of date: run `npm run db:schema` and commit it.');
    process.exit(1);
  }
  console.log('prisma/postgres/schema.prisma is current.');
  process.exit(0);
}
mkdirSync(dirname(postgresSchema), { recursive: true });
writeFileSync(postgresSchema, derived);

const env = {
  ...process.env,
  CHECKPOINT_DISABLE: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
};
const prismaCli = join(root, 'node_modules/prisma/build/index.js');
for (const schema of [sqliteSchema, postgresSchema]) {
  execFileSync(process.execPath, [prismaCli, 'generate', '--schema', schema], {
    cwd: root,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}
