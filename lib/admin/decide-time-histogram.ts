/**
 * Decide times (milliseconds) binned so that percentiles over any number of
 * merged histograms stay within 1 % of the exact value: below
 * EXACT_BELOW_MS every millisecond is its own bin; above, bins are 1 % wide on
 * a log scale (bin k starts at EXACT_BELOW_MS × 1.01^(k − EXACT_BELOW_MS)),
 * read back as their geometric middle, at most 0.5 % from any value in them.
 * A day of decide times needs at most ~1,100 bins; a slot's histogram is
 * stored sparse.
 */
export type DecideTimeHistogram = Map<number, number>;

const EXACT_BELOW_MS = 100;
const LOG_GROWTH = Math.log(1.01);

/** The bin of a decide time (negative times, from skewed clocks, count as 0). */
export const decideTimeBin = (ms: number): number => {
  const value = Math.max(0, Math.round(ms));

  return value < EXACT_BELOW_MS ? value : EXACT_BELOW_MS + Math.floor(Math.log(value / EXACT_BELOW_MS) / LOG_GROWTH);
};

/** The value a bin stands for: its millisecond below EXACT_BELOW_MS, else its geometric middle. */
export const decideTimeOfBin = (bin: number): number =>
  bin < EXACT_BELOW_MS ? bin : EXACT_BELOW_MS * Math.exp((bin - EXACT_BELOW_MS + 0.5) * LOG_GROWTH);

/** Adds `count` decide times of `ms` each to the histogram. */
export const addDecideTime = (histogram: DecideTimeHistogram, ms: number, count = 1): void => {
  const bin = decideTimeBin(ms);
  histogram.set(bin, (histogram.get(bin) ?? 0) + count);
};

/** Stored form: a JSON object of bin → count, bins ascending. */
export const serializeDecideTimes = (histogram: DecideTimeHistogram): string =>
  JSON.stringify(Object.fromEntries([...histogram.entries()].sort(([a], [b]) => a - b)));

/** The stored form read back (the overview merges stored histograms in SQL: json_each). */
export const parseDecideTimes = (text: string): DecideTimeHistogram =>
  new Map(Object.entries(JSON.parse(text) as Record<string, number>).map(([bin, count]) => [Number(bin), count]));

/** 1-based ranks whose values give a percentile by linear interpolation (PostgreSQL's percentile_cont). */
export const percentileRanks = (count: number, fraction: number): { low: number; high: number; weight: number } => {
  const position = fraction * (count - 1);
  const low = Math.floor(position);

  return { low: low + 1, high: Math.ceil(position) + 1, weight: position - low };
};

/**
 * The `fractions` percentiles (0–1) of the histogram's decide times, in whole
 * milliseconds, interpolated between ranks as percentile_cont does; each
 * within 1 % of the exact value (0.5 % plus rounding). Null when empty.
 */
export const decideTimePercentiles = (histogram: DecideTimeHistogram, fractions: readonly number[]): (number | null)[] => {
  const bins = [...histogram.entries()].filter(([, count]) => count > 0).sort(([a], [b]) => a - b);
  const total = bins.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return fractions.map(() => null);
  const valueAtRank = (rank: number): number => {
    let seen = 0;
    for (const [bin, count] of bins) {
      seen += count;
      if (seen >= rank) return decideTimeOfBin(bin);
    }

    return decideTimeOfBin(bins[bins.length - 1][0]);
  };

  return fractions.map((fraction) => {
    const { low, high, weight } = percentileRanks(total, fraction);
    const lower = valueAtRank(low);

    return Math.round(lower + (valueAtRank(high) - lower) * weight);
  });
};
