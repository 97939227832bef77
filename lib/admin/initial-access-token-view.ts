import { z } from 'zod';
import { ZDisplayNameSchema } from '@/lib/clients/client-metadata';

/** Whether an initial access token can still register a client, and if not why. */
export type InitialAccessTokenStatus = 'active' | 'expired' | 'used_up' | 'revoked';

/**
 * An initial access token (RFC 7591 §3, "initial access token") as every
 * admin door shows it: never the token or its hash.
 */
export type InitialAccessTokenView = {
  id: string;
  name: string;
  /** The tenant's slug: the token registers clients there only. */
  tenant: string;
  created_at: string;
  /** When it stops working; null: never (until revoked or used up). */
  expires_at: string | null;
  /** Registrations it may still make; null: no limit. */
  uses_left: number | null;
  revoked_at: string | null;
  /** At the moment of reading. */
  status: InitialAccessTokenStatus;
};

/** Prisma `select` of what an InitialAccessTokenView needs (never the hash). */
export const INITIAL_ACCESS_TOKEN_VIEW_COLUMNS = {
  id: true,
  name: true,
  createdAt: true,
  expiresAt: true,
  usesLeft: true,
  revokedAt: true,
  tenant: { select: { slug: true } },
} as const;

type InitialAccessTokenRow = {
  id: string;
  name: string;
  createdAt: Date;
  expiresAt: Date | null;
  usesLeft: number | null;
  revokedAt: Date | null;
  tenant: { slug: string };
};

/** Why a token cannot register a client at `now`, or `active`. Revocation wins over expiry, expiry over use. */
export const initialAccessTokenStatus = (
  row: Pick<InitialAccessTokenRow, 'expiresAt' | 'usesLeft' | 'revokedAt'>,
  now: Date,
): InitialAccessTokenStatus => {
  if (row.revokedAt !== null) return 'revoked';
  if (row.expiresAt !== null && row.expiresAt.getTime() <= now.getTime()) return 'expired';

  return row.usesLeft !== null && row.usesLeft <= 0 ? 'used_up' : 'active';
};

export const toInitialAccessTokenView = (row: InitialAccessTokenRow, now: Date = new Date()): InitialAccessTokenView => ({
  id: row.id,
  name: row.name,
  tenant: row.tenant.slug,
  created_at: row.createdAt.toISOString(),
  expires_at: row.expiresAt?.toISOString() ?? null,
  uses_left: row.usesLeft,
  revoked_at: row.revokedAt?.toISOString() ?? null,
  status: initialAccessTokenStatus(row, now),
});

/** Longest lifetime of an initial access token: one year. */
export const INITIAL_ACCESS_TOKEN_MAX_LIFETIME = 31_536_000;

/** Most registrations one token may allow. */
export const INITIAL_ACCESS_TOKEN_MAX_USES = 1_000_000;

const wholeNumber = (min: number, max: number, unit: string) => {
  const message = (issue: { input?: unknown }) =>
    `must be a whole number of ${unit} from ${min} to ${max} (got ${JSON.stringify(issue.input) ?? typeof issue.input})`;

  return z.int({ error: message }).min(min, { error: message }).max(max, { error: message });
};

/** A new initial access token: its name, and optionally a lifetime and a number of uses (absent: unlimited). */
export const ZInitialAccessTokenCreateSchema = z
  .strictObject({
    name: ZDisplayNameSchema,
    expires_in: wholeNumber(60, INITIAL_ACCESS_TOKEN_MAX_LIFETIME, 'seconds').optional(),
    uses: wholeNumber(1, INITIAL_ACCESS_TOKEN_MAX_USES, 'registrations').optional(),
  })
  .meta({ title: 'InitialAccessTokenCreate' });
export type TInitialAccessTokenCreate = z.input<typeof ZInitialAccessTokenCreateSchema>;
