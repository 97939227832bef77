/**
 * Cursor pagination for every Management API list (contract.md: `?limit=`
 * 1–200, default 50; `?cursor=<next_cursor>`; `{"data":[…],"next_cursor":…}`,
 * `next_cursor` null on the last page).
 *
 * A cursor is opaque to clients: base64url of the JSON of the last item's
 * sort key (e.g. `["2026-01-01T00:00:00.000Z","acme"]`). The next page is
 * every item whose sort key comes after it, so a page never repeats or skips
 * an item when items are added or removed between requests. A sort key must
 * be unique per item (end it with an id).
 *
 * Ways to serve a list:
 * - a domain list function that pages itself (lib/admin/page-cursor.ts, e.g.
 *   listUsers: it takes `limit` and `cursor` and returns a Page): pass it
 *   `query.limit` and `query.cursor` and answer its Page as is;
 * - from the database in the route: read `limit + 1` rows ordered by the sort
 *   key, `WHERE key > decodeCursor(query.cursor, keySchema)`, and pass them to
 *   `pageOf`, which keeps `limit` and makes the cursor from the last one;
 * - from a complete list already in memory (small lists): `pageOfList`.
 * Either way, document the answer with `pageSchema(itemSchema, title)`.
 */
import { z } from 'zod';
import { invalidInput } from '@/lib/admin/errors';
import { PAGE_LIMIT, type Page } from '@/lib/admin/page-cursor';

export { PAGE_LIMIT, type Page };

/** Longest cursor accepted: far above any this API gives out. */
const MAX_CURSOR_LENGTH = 2000;

const limitMessage = (raw: unknown) =>
  `must be a whole number from ${PAGE_LIMIT.min} to ${PAGE_LIMIT.max} (got ${JSON.stringify(raw) ?? typeof raw})`;

/** `?limit=`: a whole number 1–200 as a query string carries it; absent → 50. */
export const ZPageLimitParamSchema = z
  .union([z.string(), z.number()])
  .optional()
  .transform((raw, context): number => {
    if (raw === undefined) return PAGE_LIMIT.default;
    const value = typeof raw === 'number' ? raw : /^[0-9]{1,9}$/.test(raw) ? Number(raw) : Number.NaN;
    if (Number.isInteger(value) && value >= PAGE_LIMIT.min && value <= PAGE_LIMIT.max) return value;
    context.issues.push({ code: 'custom', input: raw, message: limitMessage(raw) });

    return z.NEVER;
  })
  .meta({
    type: 'integer',
    minimum: PAGE_LIMIT.min,
    maximum: PAGE_LIMIT.max,
    default: PAGE_LIMIT.default,
    description: 'How many items a page holds.',
  });

/** `?cursor=`: the `next_cursor` of the previous page, as given out. */
export const ZPageCursorParamSchema = z
  .string({ error: 'must be the next_cursor of a previous page' })
  .max(MAX_CURSOR_LENGTH, { error: 'is not a cursor this list gave out' })
  .optional()
  .meta({ description: 'The `next_cursor` of the previous page; absent for the first page.' });

/** The query of a plain list: `limit` and `cursor`. Extend it with a list's own filters. */
export const ZPageQuerySchema = z.object({ limit: ZPageLimitParamSchema, cursor: ZPageCursorParamSchema });
export type PageQuery = z.output<typeof ZPageQuerySchema>;

/** The response schema of a list of `item` (for the OpenAPI document), named `title`. */
export const pageSchema = <Item extends z.ZodType>(item: Item, title: string) =>
  z
    .object({
      data: z.array(item),
      next_cursor: z.string().nullable().meta({ description: 'Pass as `?cursor=` for the next page; null on the last page.' }),
    })
    .meta({ title });

/** The cursor of a position: base64url of its JSON. */
export const encodeCursor = (position: unknown): string => Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');

/**
 * The position a cursor stands for, checked against the list's sort key
 * schema; null when there is no cursor (the first page).
 *
 * @throws AdminError `invalid_input` on the field `cursor` for anything that is not a cursor this list gave out.
 */
export const decodeCursor = <Schema extends z.ZodType>(cursor: string | undefined, schema: Schema): z.output<Schema> | null => {
  if (cursor === undefined || cursor === '') return null;
  let position: unknown;
  try {
    position = /^[A-Za-z0-9_-]+$/.test(cursor) ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : undefined;
  } catch {
    position = undefined;
  }
  const result = schema.safeParse(position);
  if (!result.success) throw invalidInput([{ path: 'cursor', message: 'is not a cursor this list gave out' }]);

  return result.data;
};

/**
 * A page from up to `limit + 1` items read in list order after the cursor:
 * the extra item, when there is one, only says that another page follows;
 * `next_cursor` is then the position of the page's last item.
 */
export const pageOf = <Item>(
  items: readonly Item[],
  options: { limit: number; positionOf: (item: Item) => unknown },
): Page<Item> => {
  const data = items.slice(0, options.limit);
  const hasMore = items.length > options.limit && data.length > 0;

  return { data, next_cursor: hasMore ? encodeCursor(options.positionOf(data[data.length - 1])) : null };
};

/** A sort key: compared element by element, strings by UTF-16 code unit, numbers numerically. */
export type SortKey = readonly (string | number)[];

export const compareSortKeys = (a: SortKey, b: SortKey): number => {
  for (let index = 0; index < Math.min(a.length, b.length); index += 1) {
    const [left, right] = [a[index], b[index]];
    if (left < right) return -1;
    if (left > right) return 1;
  }

  return a.length - b.length;
};

/**
 * One page of a complete list held in memory: sorted by `sortKeyOf` (so the
 * order never depends on a database collation), the items after the cursor,
 * `limit` of them.
 *
 * @throws AdminError `invalid_input` on `cursor` for a cursor that does not fit `keySchema`.
 */
export const pageOfList = <Item, Key extends SortKey>(
  items: readonly Item[],
  options: { query: PageQuery; sortKeyOf: (item: Item) => Key; keySchema: z.ZodType<Key> },
): Page<Item> => {
  const { query, sortKeyOf, keySchema } = options;
  const after = decodeCursor(query.cursor, keySchema);
  const sorted = items.map((item) => ({ item, key: sortKeyOf(item) })).sort((a, b) => compareSortKeys(a.key, b.key));
  const start = after === null ? 0 : sorted.findIndex(({ key }) => compareSortKeys(key, after) > 0);
  const rows = start < 0 ? [] : sorted.slice(start, start + query.limit + 1);

  const page = pageOf(rows, { limit: query.limit, positionOf: ({ key }) => key });

  return { data: page.data.map(({ item }) => item), next_cursor: page.next_cursor };
};
