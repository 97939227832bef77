import { z } from 'zod';
import { invalidInput } from '@/lib/admin/errors';

/** Page sizes of every admin list (contract.md: `?limit=` 1–200, default 50). */
export const PAGE_LIMIT = { min: 1, max: 200, default: 50 } as const;

const limitMessage = (issue: { input?: unknown }) =>
  `must be a whole number from ${PAGE_LIMIT.min} to ${PAGE_LIMIT.max} (got ${JSON.stringify(issue.input) ?? typeof issue.input})`;

/** `limit`: how many items a page holds. Numeric strings are accepted, as a query string carries them. */
export const ZPageLimitSchema = z.coerce
  .number({ error: limitMessage })
  .int({ error: limitMessage })
  .min(PAGE_LIMIT.min, { error: limitMessage })
  .max(PAGE_LIMIT.max, { error: limitMessage })
  .default(PAGE_LIMIT.default);

/** `cursor`: the `next_cursor` of the previous page, as given out (opaque). */
export const ZPageCursorSchema = z.string({ error: 'must be the next_cursor of a previous page' }).max(2000).optional();

/** One page of a list: `next_cursor` is null on the last page (contract.md, Management API lists). */
export type Page<T> = { data: T[]; next_cursor: string | null };

/** The opaque cursor for a position in a list: base64url of its JSON. */
export const encodePageCursor = (position: Record<string, string>): string =>
  Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');

/**
 * The position a cursor stands for, or null for none (the first page).
 *
 * @throws AdminError `invalid_input` on the field `cursor` for anything this list did not give out.
 */
export const decodePageCursor = <Schema extends z.ZodType>(
  schema: Schema,
  cursor: string | undefined,
): z.output<Schema> | null => {
  if (cursor === undefined || cursor === '') return null;
  let position: unknown;
  try {
    position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    position = undefined;
  }
  const result = schema.safeParse(position);
  if (!result.success) throw invalidInput([{ path: 'cursor', message: 'is not a cursor this list gave out' }]);

  return result.data;
};

/**
 * A page from `limit + 1` rows read in list order: the extra row, when there
 * is one, only says that a next page exists; the cursor is the position of
 * the page's last row.
 */
export const pageOf = <Row, View>(
  rows: readonly Row[],
  options: { limit: number; toView: (row: Row) => View; positionOf: (row: Row) => Record<string, string> },
): Page<View> => {
  const items = rows.slice(0, options.limit);
  const hasMore = rows.length > options.limit;

  return {
    data: items.map(options.toView),
    next_cursor: hasMore && items.length > 0 ? encodePageCursor(options.positionOf(items[items.length - 1])) : null,
  };
};
