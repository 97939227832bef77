import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AdminError } from '@/lib/admin/errors';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import {
  compareSortKeys,
  decodeCursor,
  encodeCursor,
  pageOf,
  pageOfList,
  ZPageQuerySchema,
  type Page,
  type PageQuery,
} from '@/lib/api/pagination';

const KEY = z.tuple([z.string(), z.string()]);

const fieldErrorOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AdminError);

    return { code: (error as AdminError).code, fields: (error as AdminError).fields };
  }
  throw new Error('expected an AdminError');
};

describe('ZPageQuerySchema', () => {
  it('defaults limit to 50 and accepts 1–200', () => {
    expect(parseInputOrThrow(ZPageQuerySchema, {})).toEqual({ limit: 50 });
    expect(parseInputOrThrow(ZPageQuerySchema, { limit: '1', cursor: 'abc' })).toEqual({ limit: 1, cursor: 'abc' });
    expect(parseInputOrThrow(ZPageQuerySchema, { limit: '200' })).toEqual({ limit: 200 });
  });

  it.each(['0', '201', '-1', '1.5', 'abc', '', ' 5', '1e2'])('refuses limit=%j on the field limit', (limit) => {
    expect(fieldErrorOf(() => parseInputOrThrow(ZPageQuerySchema, { limit }))).toEqual({
      code: 'invalid_input',
      fields: [{ path: 'limit', message: `must be a whole number from 1 to 200 (got ${JSON.stringify(limit)})` }],
    });
  });
});

describe('cursors', () => {
  it('round-trip a position as opaque base64url', () => {
    const cursor = encodeCursor(['2026-01-01T00:00:00.000Z', 'acme']);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, KEY)).toEqual(['2026-01-01T00:00:00.000Z', 'acme']);
    expect(decodeCursor(undefined, KEY)).toBeNull();
    expect(decodeCursor('', KEY)).toBeNull();
  });

  it.each([
    ['not base64url', 'a+b/c='],
    ['not JSON', Buffer.from('{nope').toString('base64url')],
    ['another shape', encodeCursor({ email: 'a@b.c' })],
    ['a wrong element type', encodeCursor(['x', 1])],
  ])('refuse %s with a field error on cursor', (_label, cursor) => {
    expect(fieldErrorOf(() => decodeCursor(cursor, KEY))).toEqual({
      code: 'invalid_input',
      fields: [{ path: 'cursor', message: 'is not a cursor this list gave out' }],
    });
  });
});

describe('pageOf', () => {
  it('keeps limit rows and gives a cursor only when an extra row says another page follows', () => {
    const positionOf = (n: number) => [String(n)];
    expect(pageOf([1, 2, 3, 4], { limit: 3, positionOf })).toEqual({ data: [1, 2, 3], next_cursor: encodeCursor(['3']) });
    expect(pageOf([1, 2, 3], { limit: 3, positionOf })).toEqual({ data: [1, 2, 3], next_cursor: null });
    expect(pageOf([], { limit: 3, positionOf })).toEqual({ data: [], next_cursor: null });
  });
});

describe('pageOfList', () => {
  type Item = { at: string; id: string };
  // Seven items, two sharing a time (the id breaks the tie), given out of order.
  const items: Item[] = ['g', 'c', 'a', 'e', 'b', 'f', 'd'].map((id) => ({
    at: id < 'c' ? '2026-01-01' : `2026-01-0${id.charCodeAt(0) - 97}`,
    id,
  }));
  const page = (query: PageQuery): Page<Item> =>
    pageOfList(items, { query, sortKeyOf: (item) => [item.at, item.id], keySchema: KEY });

  it('walks 7 items 3 at a time: 3 pages, every item once, in order, next_cursor null at the end', () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const result = page({ limit: 3, cursor });
      seen.push(...result.data.map((item) => item.id));
      cursor = result.next_cursor ?? undefined;
      pages += 1;
      expect(result.data.length).toBe(pages < 3 ? 3 : 1);
    } while (cursor !== undefined && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });

  it('continues after the cursor’s position even when that item is gone', () => {
    const first = page({ limit: 2 });
    expect(first.data.map((item) => item.id)).toEqual(['a', 'b']);
    const withoutB = pageOfList(
      items.filter((item) => item.id !== 'b'),
      { query: { limit: 2, cursor: first.next_cursor! }, sortKeyOf: (item) => [item.at, item.id], keySchema: KEY },
    );
    expect(withoutB.data.map((item) => item.id)).toEqual(['c', 'd']);
  });

  it('answers an empty last page past the end', () => {
    expect(page({ limit: 3, cursor: encodeCursor(['2099-01-01', 'z']) })).toEqual({ data: [], next_cursor: null });
  });

  it('compares sort keys element by element, numbers numerically', () => {
    expect(compareSortKeys([9, 'b'], [10, 'a'])).toBeLessThan(0);
    expect(compareSortKeys(['a', 'b'], ['a', 'b'])).toBe(0);
    expect(compareSortKeys(['a', 'c'], ['a', 'b'])).toBeGreaterThan(0);
  });
});
