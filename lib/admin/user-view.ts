/**
 * An end-user as every admin door shows it (snake_case, as the CLI's and the
 * Management API's JSON). Whether a user code is set, never the code or its hash.
 */
export type UserView = {
  id: string;
  /** The stable subject identifier in the tenant's tokens. */
  sub: string;
  email: string;
  email_verified: boolean;
  name: string | null;
  has_user_code: boolean;
  /**
   * Until when the user code is locked after too many wrong codes in a row
   * (lib/ciba/check-user-code.ts); null when it is not locked (or the lock has ended).
   * Setting a new code lifts the lock.
   */
  user_code_locked_until: string | null;
  /** A blocked user cannot be hinted and is never issued tokens (setUserBlocked). */
  blocked: boolean;
  created_at: string;
  updated_at: string;
};

/** Prisma `select` of what a UserView needs (the code hash only to say whether there is one). */
export const USER_VIEW_COLUMNS = {
  id: true,
  sub: true,
  email: true,
  emailVerified: true,
  name: true,
  userCodeHash: true,
  userCodeLockedUntil: true,
  blocked: true,
  createdAt: true,
  updatedAt: true,
} as const;

export type UserViewRow = {
  id: string;
  sub: string;
  email: string;
  emailVerified: boolean;
  name: string | null;
  userCodeHash: string | null;
  userCodeLockedUntil: Date | null;
  blocked: boolean;
  createdAt: Date;
  updatedAt: Date;
};

/** A lock that has not ended by `now` (default: the moment the view is made). */
const lockedUntilOf = (lockedUntil: Date | null, now: Date): string | null =>
  lockedUntil !== null && lockedUntil > now ? lockedUntil.toISOString() : null;

export const toUserView = (row: UserViewRow, now: Date = new Date()): UserView => ({
  id: row.id,
  sub: row.sub,
  email: row.email,
  email_verified: row.emailVerified,
  name: row.name,
  has_user_code: row.userCodeHash !== null,
  user_code_locked_until: lockedUntilOf(row.userCodeLockedUntil, now),
  blocked: row.blocked,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

/** The settings part of a view (what the audit log records before and after a change). */
export const userSettingsOf = ({ email, email_verified, name, has_user_code }: UserView) => ({
  email,
  email_verified,
  name,
  has_user_code,
});
