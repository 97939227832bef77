import { describe, expect, it } from 'vitest';
import { createBatchLoader } from '@/lib/store/batch-loader';

describe('createBatchLoader', () => {
  const recording = () => {
    const calls: string[][] = [];
    const load = createBatchLoader(async (keys: string[]) => {
      calls.push(keys);

      return new Map(keys.filter((key) => key !== 'missing').map((key) => [key, key.toUpperCase()]));
    });

    return { calls, load };
  };

  it('answers the lookups of one synchronous stretch with one call, each key once', async () => {
    const { calls, load } = recording();
    const results = await Promise.all([load('a'), load('b'), load('a'), load('missing')]);

    expect(results).toEqual(['A', 'B', 'A', undefined]);
    expect(calls).toEqual([['a', 'b', 'missing']]);
  });

  it('starts a new batch for lookups made after the previous one went out', async () => {
    const { calls, load } = recording();
    expect(await load('a')).toBe('A');
    expect(await load('b')).toBe('B');

    expect(calls).toEqual([['a'], ['b']]);
  });

  it('fails every lookup of a batch whose load failed, and recovers for the next one', async () => {
    let fail = true;
    const load = createBatchLoader(async (keys: string[]) => {
      if (fail) throw new Error('database down');

      return new Map(keys.map((key) => [key, key]));
    });
    const failed = await Promise.allSettled([load('a'), load('b')]);
    fail = false;

    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(await load('c')).toBe('c');
  });
});
