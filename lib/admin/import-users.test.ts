import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { importUsers, USER_IMPORT_LIMITS } from '@/lib/admin/import-users';
import { expectAdminError } from '@/lib/admin/test-helpers';
import { CLI_PRINCIPAL, type Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;
let acmeId: string;
let globexId: string;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  ({ id: acmeId } = await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' }));
  ({ id: globexId } = await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' }));
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

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );

describe('importUsers', () => {
  it('imports 1,000 CSV rows in one go and reports each bad row by line number', async () => {
    await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'existing@example.com' });
    const lines = ['email,name,email_verified'];
    for (let index = 1; index <= 1000; index += 1) lines.push(`person${index}@example.com,Person ${index},${index % 2 === 0}`);
    lines[100] = 'not-an-email,Bad Email,true'; // line 101
    lines[200] = 'PERSON5@example.com,Again,'; // line 201: person5 is on line 6
    lines[300] = `person300@example.com,${'x'.repeat(101)},true`; // line 301
    lines[400] = 'existing@example.com,Existing,true'; // line 401
    lines[500] = 'person500@example.com,"Quoted, with comma",maybe'; // line 501
    const content = `${lines.join('\r\n')}\r\n`;

    const report = await importUsers(db, tenantAdminOf(acmeId), { tenantSlug: 'acme', format: 'csv', content });

    expect(report).toEqual({
      created: 995,
      failed: [
        {
          row: 101,
          email: 'not-an-email',
          errors: [{ path: 'email', message: '"not-an-email" is not a valid address (expected e.g. alice@example.com)' }],
        },
        {
          row: 201,
          email: 'person5@example.com',
          errors: [{ path: 'email', message: 'appears more than once in the file (first on row 6)' }],
        },
        {
          row: 301,
          email: 'person300@example.com',
          errors: [{ path: 'name', message: 'must be 1–100 characters after trimming (got 101)' }],
        },
        {
          row: 401,
          email: 'existing@example.com',
          errors: [{ path: 'email', message: 'already belongs to a user of this tenant' }],
        },
        { row: 501, email: 'person500@example.com', errors: [{ path: 'email_verified', message: 'must be true or false' }] },
      ],
    });
    expect(await db.user.count({ where: { tenantId: acmeId } })).toBe(996);
    expect(await db.user.findFirst({ where: { tenantId: acmeId, email: 'person2@example.com' } })).toMatchObject({
      name: 'Person 2',
      emailVerified: true,
    });
    expect(await db.user.findFirst({ where: { tenantId: acmeId, email: 'person3@example.com' } })).toMatchObject({
      emailVerified: false,
    });
    const subs = await db.user.findMany({ where: { tenantId: acmeId }, select: { sub: true } });
    expect(new Set(subs.map((user) => user.sub)).size).toBe(996);

    const audits = await db.event.findMany({ where: { type: 'users_imported' } });
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ tenantId: acmeId, actor: 'admin:admin-a' });
    expect(JSON.parse(audits[0].detail!)).toEqual({
      target: 'acme',
      before: null,
      after: { format: 'csv', created: 995, failed: 5 },
    });
  });

  it('counts lines across quoted line breaks and blank lines; takes columns in any order; reports malformed rows', async () => {
    const content = [
      'Name,Email',
      '"Multi',
      'line",multi@example.com',
      '',
      '"Doe, Jane",JANE@example.com',
      'Solo,solo@example.com,extra',
      ',,',
      'No Email,',
      'Quote,"broken@example.com',
    ].join('\n');
    const report = await importUsers(db, CLI_PRINCIPAL, { tenantSlug: 'globex', format: 'csv', content });

    expect(report).toEqual({
      created: 1,
      failed: [
        { row: 2, email: 'multi@example.com', errors: [{ path: 'name', message: 'must not contain control characters' }] },
        { row: 6, email: 'solo@example.com', errors: [{ path: '', message: 'has 3 fields; the header has 2' }] },
        {
          row: 8,
          email: null,
          errors: [{ path: 'email', message: '"" is not a valid address (expected e.g. alice@example.com)' }],
        },
        { row: 9, email: 'broken@example.com', errors: [{ path: '', message: 'is not valid CSV: Quoted field unterminated' }] },
      ],
    });
    expect(await db.user.findFirst({ where: { tenantId: globexId, email: 'jane@example.com' } })).toMatchObject({
      name: 'Doe, Jane',
    });
  });

  it('imports a JSON array, reporting rows by their 1-based position', async () => {
    const content = JSON.stringify([
      { email: 'json1@example.com', name: 'Json One', email_verified: false },
      { email: 'json2@example.com' },
      'json3@example.com',
      { email: 'json4@example.com', role: 'admin' },
      { name: 'No email' },
    ]);
    const report = await importUsers(db, CLI_PRINCIPAL, { tenantSlug: 'globex', format: 'json', content });

    expect(report).toEqual({
      created: 2,
      failed: [
        { row: 3, email: null, errors: [{ path: '', message: 'must be an object with an email' }] },
        { row: 4, email: 'json4@example.com', errors: [{ path: 'role', message: 'is not one of email, name, email_verified' }] },
        { row: 5, email: null, errors: [{ path: 'email', message: 'is required' }] },
      ],
    });
    expect(await db.user.findFirst({ where: { tenantId: globexId, email: 'json1@example.com' } })).toMatchObject({
      name: 'Json One',
      emailVerified: false,
    });
  });

  it('writes nothing and records nothing when no row is valid', async () => {
    const events = await db.event.count();
    expect(await importUsers(db, CLI_PRINCIPAL, { tenantSlug: 'globex', format: 'csv', content: 'email\nnope\n' })).toEqual({
      created: 0,
      failed: [
        {
          row: 2,
          email: 'nope',
          errors: [{ path: 'email', message: '"nope" is not a valid address (expected e.g. alice@example.com)' }],
        },
      ],
    });
    expect(await db.event.count()).toBe(events);
  });

  it.each<[string, Record<string, unknown>, string, RegExp]>([
    ['no header', { format: 'csv', content: 'alice@example.com,Alice\n' }, 'content', /has a column "alice@example.com"/],
    [
      'an unknown column',
      { format: 'csv', content: 'email,role\na@example.com,x\n' },
      'content',
      /has a column "role": the columns are email, name, email_verified/,
    ],
    ['no email column', { format: 'csv', content: 'name\nAlice\n' }, 'content', /needs a header row with an email column/],
    ['an empty file', { format: 'csv', content: '' }, 'content', /needs a header row/],
    ['a repeated column', { format: 'csv', content: 'email,EMAIL\n' }, 'content', /names the column email twice/],
    ['bad JSON', { format: 'json', content: '[{' }, 'content', /is not valid JSON/],
    ['a JSON object', { format: 'json', content: '{"email":"a@example.com"}' }, 'content', /must be a JSON array/],
    [
      'too many rows',
      { format: 'json', content: JSON.stringify(Array(USER_IMPORT_LIMITS.rows + 1).fill({})) },
      'content',
      /at most 10000 rows/,
    ],
    [
      'too many CSV rows',
      { format: 'csv', content: `email\n${'a@example.com\n'.repeat(USER_IMPORT_LIMITS.rows + 1)}` },
      'content',
      /at most 10000 rows/,
    ],
    ['more than 5 MB', { format: 'csv', content: `email\n${'x'.repeat(USER_IMPORT_LIMITS.bytes)}` }, 'content', /at most 5 MB/],
    ['an unknown format', { format: 'xlsx', content: 'email\n' }, 'format', /csv or json/],
    ['no content', { format: 'csv' }, 'content', /must be text/],
  ])('refuses %s as a whole, importing nothing', async (_case, input, path, message) => {
    const users = await db.user.count();
    const error = await errorOf(importUsers(db, CLI_PRINCIPAL, { tenantSlug: 'globex', ...input } as never));
    expect(error).toMatchObject({ code: 'invalid_input', fields: [{ path, message: expect.stringMatching(message) }] });
    expect(await db.user.count()).toBe(users);
  });

  it('refuses a tenant admin of acme on globex (forbidden) and an unknown tenant (not_found)', async () => {
    const content = 'email\nintruder@example.com\n';
    await expectAdminError(importUsers(db, tenantAdminOf(acmeId), { tenantSlug: 'globex', format: 'csv', content }), 'forbidden');
    await expectAdminError(importUsers(db, CLI_PRINCIPAL, { tenantSlug: 'nope', format: 'csv', content }), 'not_found');
    expect(await db.user.count({ where: { email: 'intruder@example.com' } })).toBe(0);
  });
});
