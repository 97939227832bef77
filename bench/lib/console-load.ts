// Loads the console figure's data straight into Backchannel's database (the
// server must be stopped on SQLite): N users in one tenant, and an owner with
// a console session whose token is known (only its SHA-256 is stored, as the
// console's session adapter does).
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import pg from 'pg';

const sha256Base64Url = (value: string) => createHash('sha256').update(value, 'utf8').digest('base64url');

export type ConsoleLoad = { sessionToken: string; users: number; seconds: number; searchPrefix: string };

/** User i's email: zero-padded so that prefix searches match a predictable slice. */
const emailOf = (i: number) => `c${String(i).padStart(6, '0')}@console.bench.test`;

/** The email prefix the search scenarios use: 100 of the users (c000700 … c000799). */
export const CONSOLE_SEARCH_PREFIX = 'c0007';

type Row = { id: string; sub: string; email: string; name: string };

const usersFrom = (start: number, count: number): Row[] =>
  Array.from({ length: count }, (_, k) => ({
    id: randomUUID(),
    sub: randomBytes(16).toString('base64url'),
    email: emailOf(start + k),
    name: `Console User ${start + k}`,
  }));

/** SQLite: one transaction, DateTime text in the format the server's own rows use. */
const loadSqlite = (file: string, tenantSlug: string, count: number, sessionToken: string) => {
  const db = new Database(file);
  try {
    const tenant = db.prepare('SELECT "id", "createdAt" FROM "Tenant" WHERE "slug" = ?').get(tenantSlug) as {
      id: string;
      createdAt: unknown;
    };
    const sample = String(tenant.createdAt);
    const date = (d: Date): string | number =>
      typeof tenant.createdAt === 'number'
        ? d.getTime()
        : sample.endsWith('Z')
          ? d.toISOString()
          : d.toISOString().replace('Z', '+00:00');
    const now = date(new Date());
    const insertUser = db.prepare(
      'INSERT INTO "User" ("id", "tenantId", "sub", "email", "emailVerified", "name", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, 1, ?, ?, ?)',
    );
    db.transaction(() => {
      for (let start = 0; start < count; start += 10_000) {
        for (const user of usersFrom(start, Math.min(10_000, count - start))) {
          insertUser.run(user.id, tenant.id, user.sub, user.email, user.name, now, now);
        }
      }
      const adminId = randomUUID();
      db.prepare('INSERT INTO "Admin" ("id", "email", "role", "createdAt") VALUES (?, ?, ?, ?)').run(
        adminId,
        'owner@console.bench.test',
        'owner',
        now,
      );
      db.prepare(
        'INSERT INTO "AdminSession" ("id", "sessionTokenHash", "adminId", "expires", "createdAt") VALUES (?, ?, ?, ?, ?)',
      ).run(randomUUID(), sha256Base64Url(sessionToken), adminId, date(new Date(Date.now() + 86_400_000)), now);
    })();
  } finally {
    db.close();
  }
};

/** PostgreSQL: batches of 10,000 rows through unnest. */
const loadPostgres = async (url: string, tenantSlug: string, count: number, sessionToken: string) => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>('SELECT "id" FROM "Tenant" WHERE "slug" = $1', [tenantSlug]);
    const tenantId = rows[0].id;
    await client.query('BEGIN');
    for (let start = 0; start < count; start += 10_000) {
      const batch = usersFrom(start, Math.min(10_000, count - start));
      await client.query(
        `INSERT INTO "User" ("id", "tenantId", "sub", "email", "emailVerified", "name", "createdAt", "updatedAt")
         SELECT u.id, $1, u.sub, u.email, true, u.name, now(), now()
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS u(id, sub, email, name)`,
        [tenantId, batch.map((u) => u.id), batch.map((u) => u.sub), batch.map((u) => u.email), batch.map((u) => u.name)],
      );
    }
    const adminId = randomUUID();
    await client.query('INSERT INTO "Admin" ("id", "email", "role") VALUES ($1, $2, $3)', [
      adminId,
      'owner@console.bench.test',
      'owner',
    ]);
    await client.query(
      'INSERT INTO "AdminSession" ("id", "sessionTokenHash", "adminId", "expires") VALUES ($1, $2, $3, now() + interval \'1 day\')',
      [randomUUID(), sha256Base64Url(sessionToken), adminId],
    );
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
};

export const loadConsoleData = async (
  database: { sqliteFile: string } | { postgresUrl: string },
  options: { tenantSlug: string; users: number },
): Promise<ConsoleLoad> => {
  const started = Date.now();
  const sessionToken = randomBytes(32).toString('base64url');
  if ('sqliteFile' in database) loadSqlite(database.sqliteFile, options.tenantSlug, options.users, sessionToken);
  else await loadPostgres(database.postgresUrl, options.tenantSlug, options.users, sessionToken);

  return { sessionToken, users: options.users, seconds: (Date.now() - started) / 1000, searchPrefix: CONSOLE_SEARCH_PREFIX };
};
