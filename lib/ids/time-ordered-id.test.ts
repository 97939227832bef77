import { describe, expect, it } from 'vitest';
import { minTimeOrderedId, timeOrderedId } from '@/lib/ids/time-ordered-id';

describe('timeOrderedId', () => {
  it('is a UUIDv7 whose first 48 bits are the Unix milliseconds (RFC 9562 §5.7)', () => {
    const at = new Date('2026-12-01T06:00:00.123Z');
    const id = timeOrderedId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at.getTime());
  });

  it('sorts by time and differs within one millisecond', () => {
    const earlier = timeOrderedId(new Date(1_000));
    const later = timeOrderedId(new Date(1_001));
    expect(earlier < later).toBe(true);
    const same = Array.from({ length: 1000 }, () => timeOrderedId(new Date(5_000)));
    expect(new Set(same).size).toBe(1000);
    // Made one after another in one millisecond: they sort in the order they were made (RFC 9562 §6.2).
    expect([...same].sort()).toEqual(same);
  });
});

describe('minTimeOrderedId', () => {
  it('is the smallest UUIDv7 of its millisecond: below every id made then or later, above every earlier one', () => {
    const at = new Date('2026-12-01T06:00:00.123Z');
    const bound = minTimeOrderedId(at);
    expect(bound).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7000-8000-000000000000$/);
    expect(Number.parseInt(bound.slice(0, 8) + bound.slice(9, 13), 16)).toBe(at.getTime());
    for (let i = 0; i < 1000; i += 1) {
      expect(timeOrderedId(at) >= bound).toBe(true);
      expect(timeOrderedId(new Date(at.getTime() + 1)) > bound).toBe(true);
      expect(timeOrderedId(new Date(at.getTime() - 1)) < bound).toBe(true);
    }
    expect(minTimeOrderedId(new Date(0))).toBe('00000000-0000-7000-8000-000000000000');
  });
});
