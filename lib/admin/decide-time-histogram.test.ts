import { describe, expect, it } from 'vitest';
import {
  addDecideTime,
  addStoredDecideTimes,
  decideTimeBin,
  decideTimeOfBin,
  decideTimePercentiles,
  percentileRanks,
  serializeDecideTimes,
  type DecideTimeHistogram,
} from '@/lib/admin/decide-time-histogram';

/** percentile_cont over the exact values. */
const exactPercentile = (values: number[], fraction: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const { low, high, weight } = percentileRanks(sorted.length, fraction);

  return sorted[low - 1] + (sorted[high - 1] - sorted[low - 1]) * weight;
};

const histogramOf = (values: number[]): DecideTimeHistogram => {
  const histogram: DecideTimeHistogram = [];
  for (const value of values) addDecideTime(histogram, value);

  return histogram;
};

/** A deterministic pseudo-random sequence (mulberry32). */
const randomFrom = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;

  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

describe('decide-time histogram', () => {
  it('gives every millisecond below 100 its own bin, and reads it back exactly', () => {
    for (let ms = 0; ms < 100; ms += 1) expect(decideTimeOfBin(decideTimeBin(ms))).toBe(ms);
    expect(decideTimeBin(-250)).toBe(0);
  });

  it('reads any value from 100 ms to a week back within 0.5 %, in bins that never go backwards', () => {
    let previous = decideTimeBin(99);
    for (let ms = 100; ms < 7 * 24 * 3600 * 1000; ms = Math.ceil(ms * 1.0007) + 1) {
      const bin = decideTimeBin(ms);
      expect(bin).toBeGreaterThanOrEqual(previous);
      expect(Math.abs(decideTimeOfBin(bin) - ms) / ms).toBeLessThanOrEqual(0.005 + 1e-9);
      previous = bin;
    }
  });

  it.each([
    ['a handful of seconds', [1000, 2000, 4000, 10_000, 20_000]],
    ['one value', [4321]],
    ['sub-100 ms values (exact)', [3, 7, 7, 12, 99]],
  ])('estimates the median and p95 of %s within 1 %', (_name, values) => {
    const [median, p95] = decideTimePercentiles(histogramOf(values), [0.5, 0.95]);
    expect(Math.abs(median! - exactPercentile(values, 0.5))).toBeLessThanOrEqual(
      Math.max(1, exactPercentile(values, 0.5) * 0.01),
    );
    expect(Math.abs(p95! - exactPercentile(values, 0.95))).toBeLessThanOrEqual(Math.max(1, exactPercentile(values, 0.95) * 0.01));
  });

  it('stays within 1 % of the exact percentiles over merged histograms of random decide times', () => {
    const random = randomFrom(42);
    for (let trial = 0; trial < 50; trial += 1) {
      const parts = Array.from({ length: 1 + Math.floor(random() * 6) }, () =>
        Array.from({ length: 1 + Math.floor(random() * 400) }, () => Math.floor(Math.exp(random() * Math.log(600_000)))),
      );
      const merged: DecideTimeHistogram = [];
      for (const part of parts) addStoredDecideTimes(merged, serializeDecideTimes(histogramOf(part)));
      const all = parts.flat();
      const fractions = [0.5, 0.95, 0, 1];
      decideTimePercentiles(merged, fractions).forEach((estimate, index) => {
        const exact = exactPercentile(all, fractions[index]);
        expect(Math.abs(estimate! - exact)).toBeLessThanOrEqual(Math.max(1, exact * 0.01));
      });
    }
  });

  it('is null when empty, and stores the counts from the first bin to the last as a JSON array', () => {
    expect(decideTimePercentiles([], [0.5, 0.95])).toEqual([null, null]);
    expect(serializeDecideTimes([])).toBe('[]');
    expect(serializeDecideTimes(histogramOf([15, 12, 12]))).toBe('[12,2,0,0,1]');
    const stored = serializeDecideTimes(histogramOf([5000, 12, 12]));
    expect(JSON.parse(stored)).toHaveLength(2 + decideTimeBin(5000) - 12);
    const merged = histogramOf([12]);
    addStoredDecideTimes(merged, stored);
    addStoredDecideTimes(merged, '[]');
    expect(merged[12]).toBe(3);
    expect(merged[decideTimeBin(5000)]).toBe(1);
  });
});
