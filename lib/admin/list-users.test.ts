import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { listUsers } from '@/lib/admin/list-users';
import { expectAdminError } from '@/lib/admin/test-helpers';
import { CLI_PRINCIPAL, type Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { getEnv, sqliteFilePath } from '@/lib/env';
import { PrismaClient } from '@/lib/generated/sqlite/client';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;
let acmeId: string;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  ({ id: acmeId } = await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' }));
  await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
  await createTenant(db, CLI_PRINCIPAL, { slug: 'big', name: 'Big' });
  for (const email of ['carol@example.com', 'alice@example.com', 'bob@example.com', 'alan@example.org', 'dave@example.com']) {
    await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email, name: email.split('@')[0] });
  }
  await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'globex', email: 'alice@example.com' });
});

afterAll(async () => {
  await cleanup();
});

const tenantAdminOf = (tenantId: string): Principal => ({
  kind: 'admin',
  id: 'admin-a',
  email: 'a@admin.test',
  role: 'tenant-admin',
  tenantIds: new Set([tenantId]),
});

const emailsOf = (page: { data: { email: string }[] }) => page.data.map((user) => user.email);

describe('listUsers', () => {
  it('pages through the users by email with an opaque cursor, null after the last page', async () => {
    const first = await listUsers(db, CLI_PRINCIPAL, { tenantSlug: 'acme', limit: 2 });
    expect(emailsOf(first)).toEqual(['alan@example.org', 'alice@example.com']);
    expect(first.next_cursor).toEqual(expect.stringMatching(/^[\w-]+$/));
    const second = await listUsers(db, CLI_PRINCIPAL, { tenantSlug: 'acme', limit: 2, cursor: first.next_cursor! });
    expect(emailsOf(second)).toEqual(['bob@example.com', 'carol@example.com']);
    const last = await listUsers(db, CLI_PRINCIPAL, { tenantSlug: 'acme', limit: 2, cursor: second.next_cursor! });
    expect(last).toEqual({ data: [expect.objectContaining({ email: 'dave@example.com' })], next_cursor: null });
  });

  it('shows each user as a UserView, never the user code or its hash, and defaults to 50 per page', async () => {
    await db.user.updateMany({ where: { tenantId: acmeId, email: 'bob@example.com' }, data: { userCodeHash: 'secret-hash' } });
    const page = await listUsers(db, CLI_PRINCIPAL, { tenantSlug: 'acme' });

    expect(page.data).toHaveLength(5);
    expect(page.next_cursor).toBeNull();
    expect(page.data.find((user) => user.email === 'bob@example.com')).toEqual({
      id: expect.any(String),
      sub: expect.any(String),
      email: 'bob@example.com',
      email_verified: true,
      name: 'bob',
      has_user_code: true,
      user_code_locked_until: null,
      blocked: false,
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(JSON.stringify(page)).not.toContain('secret-hash');
  });

  it('searches by email prefix, case-insensitively, and pages within the search', async () => {
    expect(emailsOf(await listUsers(db, CLI_PRINCIPAL, { tenantSlug: 'acme', search: ' AL ' }))).toEqual([
      'alan@example.org',
      'alice@example.com',
    ]);
    const first = await listUsers(db, CLI_PRINCIPAL, { tenantSlug: 'acme', search: 'a', limit: 1 });
    expect(emailsOf(first)).toEqual(['alan@example.org']);
    const second = await listUsers(db, CLI_PRINCIPAL, { tenantSlug: 'acme', search: 'a', limit: 1, cursor: first.next_cursor! });
    expect(second).toEqual({ data: [expect.objectContaining({ email: 'alice@example.com' })], next_cursor: null });
    expect(await listUsers(db, CLI_PRINCIPAL, { tenantSlug: 'acme', search: 'zed' })).toEqual({ data: [], next_cursor: null });
  });

  it('finds a user by exact sub, in email order among the prefix matches, once', async () => {
    const dave = await db.user.findFirstOrThrow({ where: { tenantId: acmeId, email: 'dave@example.com' } });
    await db.user.update({ where: { id: dave.id }, data: { sub: 'b-sub-of-dave' } });

    expect(emailsOf(await listUsers(db, CLI_PRINCIPAL, { tenantSlug: 'acme', search: 'b-sub-of-dave' }))).toEqual([
      'dave@example.com',
    ]);
    expect(emailsOf(await listUsers(db, CLI_PRINCIPAL, { tenantSlug: 'acme', search: 'B-SUB-OF-DAVE' }))).toEqual([]);
    await db.user.update({ where: { id: dave.id }, data: { sub: 'b' } });
    const first = await listUsers(db, CLI_PRINCIPAL, { tenantSlug: 'acme', search: 'b', limit: 1 });
    expect(emailsOf(first)).toEqual(['bob@example.com']);
    const second = await listUsers(db, CLI_PRINCIPAL, { tenantSlug: 'acme', search: 'b', limit: 1, cursor: first.next_cursor! });
    expect(second).toEqual({ data: [expect.objectContaining({ email: 'dave@example.com' })], next_cursor: null });
  });

  it('keeps each tenant to itself: a tenant admin of acme is refused globex', async () => {
    const admin = tenantAdminOf(acmeId);
    expect(emailsOf(await listUsers(db, admin, { tenantSlug: 'acme', search: 'alice' }))).toEqual(['alice@example.com']);
    await expectAdminError(listUsers(db, admin, { tenantSlug: 'globex' }), 'forbidden');
    expect(emailsOf(await listUsers(db, CLI_PRINCIPAL, { tenantSlug: 'globex' }))).toEqual(['alice@example.com']);
  });

  it('reports an unknown tenant as not_found', async () => {
    await expectAdminError(listUsers(db, CLI_PRINCIPAL, { tenantSlug: 'nope' }), 'not_found', /"nope"/);
  });

  it.each<[Record<string, unknown>, string, RegExp]>([
    [{ limit: 0 }, 'limit', /from 1 to 200/],
    [{ limit: 201 }, 'limit', /from 1 to 200/],
    [{ limit: 'ten' }, 'limit', /whole number/],
    [{ limit: 2.5 }, 'limit', /whole number/],
    [{ cursor: 'not-a-cursor' }, 'cursor', /not a cursor this list gave out/],
    [{ cursor: Buffer.from('{"id":"x"}').toString('base64url') }, 'cursor', /not a cursor/],
    [{ search: 'x'.repeat(255) }, 'search', /at most 254/],
    [{ search: 42 }, 'search', /must be text/],
    [{ sort: 'name' }, 'sort', /not a setting/],
  ])('refuses %j with a message for its field', async (query, path, message) => {
    const error = await listUsers(db, CLI_PRINCIPAL, { tenantSlug: 'acme', ...query }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'invalid_input', fields: [{ path, message: expect.stringMatching(message) }] });
  });

  it('accepts the limit as a query string carries it', async () => {
    expect((await listUsers(db, CLI_PRINCIPAL, { tenantSlug: 'acme', limit: '3' })).data).toHaveLength(3);
  });
});

describe('listUsers with 100,000 users', () => {
  const USERS = 100_000;
  const emailOf = (index: number) => `user-${String(index).padStart(6, '0')}@example.test`;
  let bigId: string;

  beforeAll(async () => {
    bigId = (await db.tenant.findUniqueOrThrow({ where: { slug: 'big' } })).id;
    const now = new Date();
    // One statement: user i has sub-i and the email of index USERS - 1 - i (inserted out of email order).
    if (getEnv().databaseKind === 'sqlite') {
      await db.$executeRawUnsafe(
        `INSERT INTO "User" ("id", "tenantId", "sub", "email", "createdAt", "updatedAt")
         WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i < ${USERS - 1})
         SELECT lower(hex(randomblob(16))), ?, 'sub-' || i, printf('user-%06d@example.test', ${USERS - 1} - i), ?, ? FROM seq`,
        bigId,
        now,
        now,
      );
    } else {
      await db.$executeRawUnsafe(
        `INSERT INTO "User" ("id", "tenantId", "sub", "email", "createdAt", "updatedAt")
         SELECT gen_random_uuid()::text, $1, 'sub-' || i, 'user-' || lpad((${USERS - 1} - i)::text, 6, '0') || '@example.test', $2, $3
         FROM generate_series(0, ${USERS - 1}) AS i`,
        bigId,
        now,
        now,
      );
    }
    expect(await db.user.count({ where: { tenantId: bigId } })).toBe(USERS);
  }, 300_000);

  it('returns the first page and a search page in email order', async () => {
    const first = await listUsers(db, CLI_PRINCIPAL, { tenantSlug: 'big' });
    expect(emailsOf(first)).toEqual(Array.from({ length: 50 }, (_, index) => emailOf(index)));
    expect(first.next_cursor).not.toBeNull();

    const search = await listUsers(db, CLI_PRINCIPAL, { tenantSlug: 'big', search: 'USER-0421', limit: 200 });
    expect(emailsOf(search)).toEqual(Array.from({ length: 100 }, (_, index) => emailOf(42_100 + index)));
    expect(search.next_cursor).toBeNull();

    const last = await listUsers(db, CLI_PRINCIPAL, { tenantSlug: 'big', search: 'user-09999', limit: 5 });
    const tail = await listUsers(db, CLI_PRINCIPAL, {
      tenantSlug: 'big',
      search: 'user-09999',
      limit: 5,
      cursor: last.next_cursor!,
    });
    expect([...emailsOf(last), ...emailsOf(tail)]).toEqual(Array.from({ length: 10 }, (_, index) => emailOf(99_990 + index)));

    expect(emailsOf(await listUsers(db, CLI_PRINCIPAL, { tenantSlug: 'big', search: 'sub-0' }))).toEqual([emailOf(USERS - 1)]);
  });

  it.skipIf(Boolean(process.env.TEST_POSTGRES_URL))(
    'reads a search page through the (tenantId, email) index on SQLite, without sorting',
    async () => {
      const queries: { query: string; params: string }[] = [];
      const logged = new PrismaClient({
        adapter: new PrismaBetterSqlite3({ url: sqliteFilePath(getEnv().databaseUrl) }),
        log: [{ emit: 'event', level: 'query' }],
      });
      logged.$on('query', (event) => queries.push({ query: event.query, params: event.params }));
      try {
        await listUsers(logged, CLI_PRINCIPAL, { tenantSlug: 'big', search: 'user-0421', limit: 20 });
      } finally {
        await logged.$disconnect();
      }
      const userQuery = queries.find(({ query }) => /FROM [`"]main[`"]\.[`"]User[`"]/.test(query) && /ORDER BY/.test(query));
      expect(userQuery, JSON.stringify(queries)).toBeDefined();

      const plan = await db.$queryRawUnsafe<{ detail: string }[]>(
        `EXPLAIN QUERY PLAN ${userQuery!.query}`,
        ...(JSON.parse(userQuery!.params) as unknown[]),
      );
      const details = plan.map((step) => step.detail).join('\n');
      expect(details).toMatch(
        /SEARCH (main\.)?User USING INDEX User_tenantId_email_key \(tenantId=\? AND email>=?\? AND email<\?\)/,
      );
      expect(details).not.toMatch(/TEMP B-TREE/);
    },
  );
});
