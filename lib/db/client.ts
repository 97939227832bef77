import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as PostgresPrismaClient } from '@/lib/generated/postgres/client';
import { PrismaClient } from '@/lib/generated/sqlite/client';
import { privateSqliteFile } from '@/lib/db/private-sqlite-file';
import { SQLITE_PRAGMAS } from '@/lib/db/sqlite-durability';
import { getEnv, sqliteFilePath } from '@/lib/env';

/**
 * The app is typed against the SQLite client; the PostgreSQL client is
 * generated from the same model (prisma/postgres/schema.prisma is derived),
 * so code that compiles against one runs on both. The cast happens here, once.
 */
export type Db = PrismaClient;

/** SQLite busy timeout: concurrent writers wait this long for the lock. */
const SQLITE_BUSY_TIMEOUT_MS = 10_000;

const createDb = (databaseUrl: string): Db => {
  if (/^postgres(ql)?:\/\//i.test(databaseUrl)) {
    // Prisma's pg adapter sends unnamed statements and keeps no session state: fine behind PgBouncer in transaction mode.
    const adapter = new PrismaPg({ connectionString: databaseUrl, max: getEnv().databasePoolSize });

    return new PostgresPrismaClient({ adapter }) as unknown as Db;
  }
  const adapter = new PrismaBetterSqlite3({
    url: privateSqliteFile(sqliteFilePath(databaseUrl)),
    timeout: SQLITE_BUSY_TIMEOUT_MS,
  });

  return new PrismaClient({ adapter });
};

const globalForDb = globalThis as unknown as { backchannelDb?: { url: string; db: Db } };

/**
 * The process-wide Prisma client for DATABASE_URL. On SQLite its connection
 * gets SQLITE_PRAGMAS (WAL, synchronous = FULL) before any other statement:
 * the adapter has one connection and runs statements in order.
 */
export const getDb = (): Db => {
  const { databaseUrl, databaseKind } = getEnv();
  const cached = globalForDb.backchannelDb;
  if (cached && cached.url === databaseUrl) return cached.db;
  const db = createDb(databaseUrl);
  if (databaseKind === 'sqlite') {
    void SQLITE_PRAGMAS.reduce<Promise<unknown>>(
      (previous, pragma) => previous.then(() => db.$queryRawUnsafe(`PRAGMA ${pragma}`)),
      Promise.resolve(),
    ).catch(async (error: unknown) => {
      // Imported here, not at the top: lib/log reads LOG_LEVEL when loaded, and the CLI
      // imports this module before it can report an invalid environment as a plain error.
      const { log } = await import('@/lib/log');
      log.error({ err: error }, 'SQLite PRAGMA failed');
    });
  }
  globalForDb.backchannelDb = { url: databaseUrl, db };

  return db;
};

/** Closes the process-wide client (CLI commands and tests call this before exiting). */
export const disconnectDb = async (): Promise<void> => {
  const cached = globalForDb.backchannelDb;
  globalForDb.backchannelDb = undefined;
  if (cached) await cached.db.$disconnect();
};
