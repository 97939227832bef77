import { randomUUID } from 'node:crypto';
import Papa from 'papaparse';
import { z } from 'zod';
import { recordAdminEvent } from '@/lib/admin/audit';
import { AdminError, invalidInput, isUniqueViolation, type AdminFieldError } from '@/lib/admin/errors';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { ZUserEmailSchema, ZUserNameSchema } from '@/lib/admin/user-fields';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { randomToken } from '@/lib/oauth/crypto';

/** Limits of one import: rows (not counting a CSV header) and the content's size in bytes (UTF-8). */
export const USER_IMPORT_LIMITS = { rows: 10_000, bytes: 5 * 1024 * 1024 } as const;

/** The columns (CSV) or members (JSON) of an imported user. */
export const USER_IMPORT_COLUMNS = ['email', 'name', 'email_verified'] as const;

/** Rows per insert statement and per existing-email lookup. */
const CHUNK_SIZE = 1_000;

/** A user import: CSV with a header row naming USER_IMPORT_COLUMNS (email required), or a JSON array of objects with those members. */
export const ZImportUsersSchema = z
  .strictObject({
    format: z.enum(['csv', 'json'], { error: 'must be csv or json' }),
    content: z.string({ error: 'must be text (the file’s content)' }).check((context) => {
      if (Buffer.byteLength(context.value, 'utf8') > USER_IMPORT_LIMITS.bytes) {
        context.issues.push({
          code: 'custom',
          input: '',
          message: `must be at most ${USER_IMPORT_LIMITS.bytes / 1024 / 1024} MB`,
        });
      }
    }),
  })
  .meta({ title: 'ImportUsers' });
export type TImportUsers = z.input<typeof ZImportUsersSchema>;

export type ImportUsersOptions = { tenantSlug: string } & TImportUsers;

/** Why one row was not imported: `row` is its 1-based line number (CSV, header = line 1) or position in the array (JSON). */
export type ImportFailure = { row: number; email: string | null; errors: AdminFieldError[] };

export type ImportUsersReport = { created: number; failed: ImportFailure[] };

/** One imported user, with the rules of create-user; email_verified defaults to true. */
const ZImportedUserSchema = z.strictObject({
  email: ZUserEmailSchema,
  name: ZUserNameSchema.optional(),
  email_verified: z.boolean({ error: 'must be true or false' }).optional(),
});

/** A row as read from the file, before validation. */
type RawRow = { row: number; fields: Record<string, unknown> };

/** Input-level refusals name `content`: the file as a whole. */
const contentError = (message: string): AdminError => invalidInput([{ path: 'content', message }]);

const tooManyRows = () => contentError(`must hold at most ${USER_IMPORT_LIMITS.rows} rows`);

/** `true`/`false` (any case) as booleans; blank as absent; anything else as given, for the schema to refuse. */
const csvBoolean = (value: string): unknown => {
  const normalised = value.trim().toLowerCase();
  if (normalised === '') return undefined;

  return normalised === 'true' ? true : normalised === 'false' ? false : value;
};

const readCsvHeader = (header: string[]): string[] => {
  const columns = header.map((column) => column.trim().toLowerCase());
  const unknown = columns.find((column) => !(USER_IMPORT_COLUMNS as readonly string[]).includes(column));
  if (unknown !== undefined) {
    throw contentError(
      `has a column ${JSON.stringify(unknown)}: the columns are ${USER_IMPORT_COLUMNS.join(', ')} (a header row is required)`,
    );
  }
  if (!columns.includes('email')) throw contentError('needs a header row with an email column');
  const repeated = columns.find((column, index) => columns.indexOf(column) !== index);
  if (repeated !== undefined) throw contentError(`names the column ${repeated} twice`);

  return columns;
};

/**
 * CSV rows with their line numbers (papaparse, RFC 4180: quoted fields may
 * hold commas, quotes and line breaks). Blank lines are skipped; a row with
 * the wrong number of fields or a broken quote is a row error. A refusal of
 * the file as a whole is thrown from the step, which ends the parse.
 */
const readCsv = (content: string): { rows: RawRow[]; malformed: ImportFailure[] } => {
  const text = content.startsWith('\uFEFF') ? content.slice(1) : content;
  const rows: RawRow[] = [];
  const malformed: ImportFailure[] = [];
  let columns: string[] | null = null;
  let rowStart = 0;
  let line = 1;
  Papa.parse<string[]>(text, {
    delimiter: ',',
    skipEmptyLines: false,
    step: (result) => {
      const row = line;
      const rowEnd = result.meta.cursor;
      for (let index = rowStart; index < rowEnd; index += 1) if (text.charCodeAt(index) === 10) line += 1;
      rowStart = rowEnd;
      const values = result.data;
      if (values.every((value) => value.trim() === '')) return;
      if (columns === null) {
        columns = readCsvHeader(values);
        return;
      }
      if (rows.length + malformed.length >= USER_IMPORT_LIMITS.rows) throw tooManyRows();
      const email = values[columns.indexOf('email')]?.trim().toLowerCase() || null;
      if (result.errors.length > 0) {
        malformed.push({ row, email, errors: [{ path: '', message: `is not valid CSV: ${result.errors[0].message}` }] });
      } else if (values.length !== columns.length) {
        malformed.push({
          row,
          email,
          errors: [{ path: '', message: `has ${values.length} fields; the header has ${columns.length}` }],
        });
      } else {
        const fields = Object.fromEntries(
          columns.map((column, index) => [column, column === 'email_verified' ? csvBoolean(values[index]) : values[index]]),
        );
        rows.push({ row, fields });
      }
    },
  });
  if (columns === null) throw contentError('needs a header row with an email column');

  return { rows, malformed };
};

/** JSON: an array of objects; `row` is the 1-based position in the array. */
const readJson = (content: string): { rows: RawRow[]; malformed: ImportFailure[] } => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch (error) {
    throw contentError(`is not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed)) throw contentError('must be a JSON array of users, e.g. [{"email":"alice@example.com"}]');
  if (parsed.length > USER_IMPORT_LIMITS.rows) throw tooManyRows();
  const rows: RawRow[] = [];
  const malformed: ImportFailure[] = [];
  parsed.forEach((item: unknown, index) => {
    if (typeof item === 'object' && item !== null && !Array.isArray(item)) {
      rows.push({ row: index + 1, fields: item as Record<string, unknown> });
    } else {
      malformed.push({ row: index + 1, email: null, errors: [{ path: '', message: 'must be an object with an email' }] });
    }
  });

  return { rows, malformed };
};

const fieldErrorsOf = (issues: readonly z.core.$ZodIssue[]): AdminFieldError[] =>
  issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: key, message: `is not one of ${USER_IMPORT_COLUMNS.join(', ')}` }))
      : [{ path: issue.path.join('.'), message: issue.message }],
  );

type ValidUser = { row: number; email: string; name: string | null; emailVerified: boolean };

/** Emails of the tenant's users among `emails`, read in chunks on the (tenantId, email) index. */
const existingEmails = async (db: Db, tenantId: string, emails: string[]): Promise<Set<string>> => {
  const existing = new Set<string>();
  for (let start = 0; start < emails.length; start += CHUNK_SIZE) {
    const users = await db.user.findMany({
      where: { tenantId, email: { in: emails.slice(start, start + CHUNK_SIZE) } },
      select: { email: true },
    });
    for (const user of users) existing.add(user.email);
  }

  return existing;
};

/**
 * Imports users into a tenant from CSV or JSON. Every row is validated with
 * the rules of create-user; a row that fails (bad field, an email already in
 * the file or in the tenant, a malformed CSV line) is reported with its
 * reasons and skipped. The valid rows are inserted together in one
 * transaction (chunked inserts) with one `users_imported` audit record; no
 * audit record when nothing was created.
 *
 * @throws AdminError `invalid_input` (field `content`) for a file that cannot be read as a whole: too large, more than USER_IMPORT_LIMITS.rows rows, no CSV header or an unknown column, not a JSON array; `not_found` for an unknown tenant; `forbidden` for one out of reach; `conflict` when a user with one of the emails was created during the import (nothing is imported then).
 */
export const importUsers = async (db: Db, principal: Principal, options: ImportUsersOptions): Promise<ImportUsersReport> => {
  const { tenantSlug, ...input } = options;
  const tenant = await requireTenantAccess(db, principal, tenantSlug);
  const { format, content } = parseInputOrThrow(ZImportUsersSchema, input);
  const { rows, malformed } = format === 'csv' ? readCsv(content) : readJson(content);

  const failed: ImportFailure[] = [...malformed];
  const valid: ValidUser[] = [];
  const firstRowOf = new Map<string, number>();
  for (const { row, fields } of rows) {
    const result = ZImportedUserSchema.safeParse(fields);
    if (!result.success) {
      const email = typeof fields.email === 'string' ? fields.email.trim().toLowerCase() || null : null;
      failed.push({ row, email, errors: fieldErrorsOf(result.error.issues) });
      continue;
    }
    const { email, name = null, email_verified = true } = result.data;
    const firstRow = firstRowOf.get(email);
    if (firstRow !== undefined) {
      failed.push({
        row,
        email,
        errors: [{ path: 'email', message: `appears more than once in the file (first on row ${firstRow})` }],
      });
      continue;
    }
    firstRowOf.set(email, row);
    valid.push({ row, email, name, emailVerified: email_verified });
  }

  const existing = await existingEmails(
    db,
    tenant.id,
    valid.map((user) => user.email),
  );
  const fresh: ValidUser[] = [];
  for (const user of valid) {
    if (existing.has(user.email)) {
      failed.push({
        row: user.row,
        email: user.email,
        errors: [{ path: 'email', message: 'already belongs to a user of this tenant' }],
      });
    } else {
      fresh.push(user);
    }
  }
  failed.sort((a, b) => a.row - b.row);
  if (fresh.length > 0) await insertUsers(db, principal, { tenant, format, users: fresh, failed: failed.length });

  return { created: fresh.length, failed };
};

const insertUsers = async (
  db: Db,
  principal: Principal,
  options: { tenant: { id: string; slug: string }; format: string; users: ValidUser[]; failed: number },
): Promise<void> => {
  const { tenant, users } = options;
  const now = new Date();
  try {
    await db.$transaction(
      async (tx) => {
        for (let start = 0; start < users.length; start += CHUNK_SIZE) {
          await tx.user.createMany({
            data: users.slice(start, start + CHUNK_SIZE).map((user) => ({
              id: randomUUID(),
              tenantId: tenant.id,
              sub: randomToken(16),
              email: user.email,
              name: user.name,
              emailVerified: user.emailVerified,
              createdAt: now,
              updatedAt: now,
            })),
          });
        }
        await recordAdminEvent(tx, {
          principal,
          type: 'users_imported',
          tenantId: tenant.id,
          change: {
            target: tenant.slug,
            before: null,
            after: { format: options.format, created: users.length, failed: options.failed },
          },
          at: now,
        });
      },
      { timeout: 120_000 },
    );
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AdminError(
        'conflict',
        'Users with some of these emails were created during the import; nothing was imported. Import again.',
      );
    }
    throw error;
  }
};
