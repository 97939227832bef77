import { describe, expect, it } from 'vitest';
import { MAX_RAW_SPANS, planActivityReads } from '@/lib/admin/plan-activity-reads';

const SLOT = 10;
/** A window of 8 slots from 0; `now` in slot 5 (slots 6 and 7 have not begun). */
const plan = (sealed: number[], now = 57) =>
  planActivityReads({ from: 0, now, slotMs: SLOT, slotCount: 8, sealed: new Set(sealed) });

describe('planActivityReads', () => {
  it('reads the whole window raw, up to just after now, when nothing is sealed', () => {
    expect(plan([])).toEqual({ raw: [{ from: 0, to: 58 }], sealed: [] });
  });

  it('reads sealed slots from rollups and the unsealed tail raw', () => {
    expect(plan([0, 1, 2, 3])).toEqual({ raw: [{ from: 40, to: 58 }], sealed: [{ from: 0, to: 40 }] });
  });

  it('reads every unsealed run raw, and each sealed run between them from rollups', () => {
    expect(plan([0, 2, 3])).toEqual({
      raw: [
        { from: 10, to: 20 },
        { from: 40, to: 58 },
      ],
      sealed: [
        { from: 0, to: 10 },
        { from: 20, to: 40 },
      ],
    });
  });

  it('never reads a slot that has not begun, even if marked sealed, nor ends a raw span past now', () => {
    expect(plan([0, 1, 2, 3, 4, 5, 6, 7])).toEqual({ raw: [], sealed: [{ from: 0, to: 60 }] });
    expect(plan([0, 1, 2, 3, 4, 5, 6, 7], 79)).toEqual({ raw: [], sealed: [{ from: 0, to: 80 }] });
    expect(plan([], 79)).toEqual({ raw: [{ from: 0, to: 80 }], sealed: [] });
  });

  it(`merges the last raw runs beyond ${MAX_RAW_SPANS}, reading the sealed slots between them raw`, () => {
    // Unsealed: 0, 2, 4, 6 (now in 7): four runs stay four; one more merges the last two.
    const slots = (count: number) =>
      planActivityReads({ from: 0, now: count * SLOT - 1, slotMs: SLOT, slotCount: count, sealed: new Set([1, 3, 5, 7, 9]) });
    expect(slots(8).raw).toHaveLength(4);
    expect(slots(10)).toEqual({
      raw: [
        { from: 0, to: 10 },
        { from: 20, to: 30 },
        { from: 40, to: 50 },
        { from: 60, to: 90 },
      ],
      sealed: [
        { from: 10, to: 20 },
        { from: 30, to: 40 },
        { from: 50, to: 60 },
        { from: 90, to: 100 },
      ],
    });
  });
});
