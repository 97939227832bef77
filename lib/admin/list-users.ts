import { z } from 'zod';
import { decodePageCursor, pageOf, ZPageCursorSchema, ZPageLimitSchema, type Page } from '@/lib/admin/page-cursor';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { toUserView, USER_VIEW_COLUMNS, type UserView, type UserViewRow } from '@/lib/admin/user-view';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';

/** Above every character an email address may hold: `[q, q + EMAIL_RANGE_END)` is the range of addresses starting with q. */
const EMAIL_RANGE_END = '\uffff';

/** The query of a user list: a search and a page. */
export const ZListUsersSchema = z
  .strictObject({
    /** An email prefix (case-insensitive) or an exact `sub`. */
    search: z.string({ error: 'must be text' }).trim().max(254, { error: 'must be at most 254 characters' }).optional(),
    limit: ZPageLimitSchema,
    cursor: ZPageCursorSchema,
  })
  .meta({ title: 'ListUsersQuery' });
export type TListUsers = z.input<typeof ZListUsersSchema>;

export type ListUsersOptions = { tenantSlug: string } & TListUsers;

const ZUserCursorSchema = z.strictObject({ email: z.string() });

type Match = { tenantId: string; prefix: string; after: string | null };

/** An email range on the (tenantId, email) index; `startsWith` keeps it exact under any collation. */
const emailRange = ({ tenantId, prefix, after }: Match) => ({
  tenantId,
  email: {
    ...(prefix ? { gte: prefix, lt: prefix + EMAIL_RANGE_END, startsWith: prefix } : {}),
    ...(after === null ? {} : { gt: after }),
  },
});

/**
 * The users of one tenant, by email, one page at a time. `search` matches an
 * email prefix (emails are stored lower-cased, so it is case-insensitive) or
 * an exact `sub`. Every page is one range read on the (tenantId, email) unique
 * index plus, when searching, one lookup by (tenantId, sub): fast whatever the
 * tenant's size. The cursor is the page's last email.
 *
 * @throws AdminError `invalid_input` for a bad limit, search or cursor; `not_found` for an unknown tenant; `forbidden` for one out of reach.
 */
export const listUsers = async (db: Db, principal: Principal, options: ListUsersOptions): Promise<Page<UserView>> => {
  const { tenantSlug, ...query } = options;
  const tenant = await requireTenantAccess(db, principal, tenantSlug);
  const { search, limit, cursor } = parseInputOrThrow(ZListUsersSchema, query);
  const after = decodePageCursor(ZUserCursorSchema, cursor)?.email ?? null;
  const prefix = search ? search.toLowerCase() : '';

  const [rows, bySub] = await Promise.all([
    db.user.findMany({
      where: emailRange({ tenantId: tenant.id, prefix, after }),
      select: USER_VIEW_COLUMNS,
      orderBy: { email: 'asc' },
      take: limit + 1,
    }),
    search
      ? db.user.findUnique({ where: { tenantId_sub: { tenantId: tenant.id, sub: search } }, select: USER_VIEW_COLUMNS })
      : null,
  ]);

  return pageOf(mergeSubMatch(rows, bySub, { prefix, after }), {
    limit,
    toView: toUserView,
    positionOf: (row) => ({ email: row.email }),
  });
};

/**
 * The user whose `sub` matched, placed among the email matches in email
 * order — on the page its email falls on, once.
 */
const mergeSubMatch = (
  rows: UserViewRow[],
  bySub: UserViewRow | null,
  { prefix, after }: { prefix: string; after: string | null },
): UserViewRow[] => {
  if (!bySub) return rows;
  if (bySub.email.startsWith(prefix) || (after !== null && bySub.email <= after)) return rows;

  return [...rows, bySub].sort((a, b) => (a.email < b.email ? -1 : a.email > b.email ? 1 : 0));
};
