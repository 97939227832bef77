/**
 * The statements of user codes (CIBA §7.1.2, lib/ciba/check-user-code.ts)
 * and of the one-time links that let users set their own code
 * (lib/ciba/user-code-link.ts), each defined once for SQLite and PostgreSQL.
 * Every outcome of a verification is one conditional UPDATE, so the count of
 * wrong codes and the lock are exact across instances.
 */
import { sql } from 'kysely';
import type { Database } from '@/lib/store/sql/database';
import { defineQuery, type ParameterFn } from '@/lib/store/sql/define-query';
import type { SqlDialect } from '@/lib/store/sql/define-query';

type Row<T extends keyof Database> = Database[T];

export type UserCodeColumns = Pick<Row<'User'>, 'userCodeHash' | 'userCodeFailures' | 'userCodeLockedUntil'>;

/** A user's code state: its hash, the wrong codes in a row, the lock. */
export const selectUserCode = defineQuery<{ userId: string }, UserCodeColumns>('user-code', (db, p) =>
  db.selectFrom('User').select(['userCodeHash', 'userCodeFailures', 'userCodeLockedUntil']).where('id', '=', p('userId')),
);

/** A timestamp parameter where the database cannot infer its type (inside CASE). */
const timestamp = <P>(p: ParameterFn<P>, key: keyof P & string, dialect: SqlDialect) =>
  dialect === 'postgres' ? sql`${p(key)}::timestamp(3)` : sql`${p(key)}`;

export type UserCodeFailureParams = { userId: string; now: Date; lockedUntil: Date; maxFailures: number };

/**
 * A wrong code, counted only while the code is not locked: the failures go
 * up by one (or start again at 1 after a lock that has ended), and the one
 * that reaches `maxFailures` sets the lock until `lockedUntil`. Returns the
 * new count and lock; no row when the code was locked (the attempt is
 * refused without counting). Concurrent wrong codes each add exactly one.
 */
export const updateUserCodeFailure = defineQuery<
  UserCodeFailureParams,
  Pick<UserCodeColumns, 'userCodeFailures' | 'userCodeLockedUntil'>
>('record-user-code-failure', (db, p, dialect) => {
  const failures = sql<number>`CASE WHEN "userCodeLockedUntil" IS NULL THEN "userCodeFailures" + 1 ELSE 1 END`;

  return db
    .updateTable('User')
    .set({
      userCodeFailures: failures,
      userCodeLockedUntil: sql<Date | null>`CASE WHEN ${failures} >= ${p('maxFailures')} THEN ${timestamp(p, 'lockedUntil', dialect)} ELSE NULL END`,
    })
    .where('id', '=', p('userId'))
    .where((eb) => eb.or([eb('userCodeLockedUntil', 'is', null), eb('userCodeLockedUntil', '<=', p('now'))]))
    .returning(['userCodeFailures', 'userCodeLockedUntil']);
});

export type UserCodeSuccessParams = { userId: string; now: Date; userCodeHash: string; newUserCodeHash: string };

/**
 * A right code: the failures and any ended lock are cleared and the hash is
 * replaced by `newUserCodeHash` (the same value, or a rehash of a legacy
 * one) — only while the code is not locked and is still the one verified
 * (`userCodeHash`). 0 rows: locked (or changed) meanwhile, and the code is refused.
 */
export const updateUserCodeSuccess = defineQuery<UserCodeSuccessParams>('record-user-code-success', (db, p) =>
  db
    .updateTable('User')
    .set({ userCodeFailures: 0, userCodeLockedUntil: null, userCodeHash: p('newUserCodeHash') })
    .where('id', '=', p('userId'))
    .where('userCodeHash', '=', p('userCodeHash'))
    .where((eb) => eb.or([eb('userCodeLockedUntil', 'is', null), eb('userCodeLockedUntil', '<=', p('now'))])),
);

// ── One-time links to set one's own code ─────────────────────────────────────

export type UserCodeLinkInsert = Row<'UserCodeLink'>;

export const insertUserCodeLink = defineQuery<UserCodeLinkInsert>('insert-user-code-link', (db, p) =>
  db.insertInto('UserCodeLink').values({
    id: p('id'),
    userId: p('userId'),
    tokenHash: p('tokenHash'),
    createdAt: p('createdAt'),
    expiresAt: p('expiresAt'),
    usedAt: p('usedAt'),
  }),
);

/** Links made for a user since `since` (at most one email per user per minute). */
export const countRecentUserCodeLinks = defineQuery<{ userId: string; since: Date }, { count: number }>(
  'count-recent-user-code-links',
  (db, p) =>
    db
      .selectFrom('UserCodeLink')
      .select((eb) => eb.cast<number>(eb.fn.countAll(), 'integer').as('count'))
      .where('userId', '=', p('userId'))
      .where('createdAt', '>', p('since')),
);

export type UserCodeLinkView = {
  linkId: string;
  userId: string;
  email: string;
  name: string | null;
  tenantSlug: string;
  tenantName: string;
  expiresAt: Date;
  usedAt: Date | null;
};

const userCodeLinkView = (db: Parameters<Parameters<typeof defineQuery>[1]>[0]) =>
  db
    .selectFrom('UserCodeLink as l')
    .innerJoin('User as u', 'u.id', 'l.userId')
    .innerJoin('Tenant as t', 't.id', 'u.tenantId')
    .select([
      'l.id as linkId',
      'l.userId as userId',
      'u.email as email',
      'u.name as name',
      't.slug as tenantSlug',
      't.name as tenantName',
      'l.expiresAt as expiresAt',
      'l.usedAt as usedAt',
    ]);

/** A link, its user and tenant, by the SHA-256 of its token. */
export const selectUserCodeLinkByTokenHash = defineQuery<{ tokenHash: string }, UserCodeLinkView>(
  'user-code-link-by-token-hash',
  (db, p) => userCodeLinkView(db).where('l.tokenHash', '=', p('tokenHash')),
);

/** A link by id (the outbox handler renders its email from it). */
export const selectUserCodeLinkById = defineQuery<{ id: string }, UserCodeLinkView>('user-code-link-by-id', (db, p) =>
  userCodeLinkView(db).where('l.id', '=', p('id')),
);

/** Uses a link once: unused and unexpired; returns its user, or no row. */
export const consumeUserCodeLink = defineQuery<{ id: string; now: Date }, { userId: string }>('consume-user-code-link', (db, p) =>
  db
    .updateTable('UserCodeLink')
    .set({ usedAt: p('now') })
    .where('id', '=', p('id'))
    .where('usedAt', 'is', null)
    .where('expiresAt', '>', p('now'))
    .returning(['userId']),
);

/** Sets a user's code (its slow hash) with no failures and no lock. */
export const updateUserCodeHash = defineQuery<{ userId: string; userCodeHash: string; now: Date }>(
  'set-user-code-hash',
  (db, p) =>
    db
      .updateTable('User')
      .set({ userCodeHash: p('userCodeHash'), userCodeFailures: 0, userCodeLockedUntil: null, updatedAt: p('now') })
      .where('id', '=', p('userId')),
);

/** Deletes at most `limit` links that expired before `before`. */
export const deleteExpiredUserCodeLinks = defineQuery<{ before: Date; limit: number }>(
  'delete-expired-user-code-links',
  (db, p) =>
    db
      .deleteFrom('UserCodeLink')
      .where(
        'id',
        'in',
        db.selectFrom('UserCodeLink').select('id').where('expiresAt', '<=', p('before')).orderBy('expiresAt').limit(p('limit')),
      ),
);
