/**
 * Decide times (milliseconds) binned so that percentiles over any number of
 * merged histograms stay within 1 % of the exact value: below
 * EXACT_BELOW_MS every millisecond is its own bin; above, bins are 1 % wide on
 * a log scale (bin k starts at EXACT_BELOW_MS × 1.01^(k − EXACT_BELOW_MS)),
 * read back as their geometric middle, at most 0.5 % from any value in them.
 * Three days (the longest expiry) end in bin ~1,590.
 */
export type DecideTimeHistogram = number[];

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

/** Adds `count` decide times of `ms` each to the histogram (counts by bin; a missing bin is 0). */
export const addDecideTime = (histogram: DecideTimeHistogram, ms: number, count = 1): void => {
  const bin = decideTimeBin(ms);
  histogram[bin] = (histogram[bin] ?? 0) + count;
};

/**
 * Stored form: a JSON array, the first bin with a count then the counts of
 * it and every bin after it up to the last with one (`[]` when empty). Dense:
 * parsing an array of numbers is several times faster than an object's keys,
 * and a slot's decide times fill most bins of their range anyway.
 */
export const serializeDecideTimes = (histogram: DecideTimeHistogram): string => {
  const bins = Object.keys(histogram)
    .map(Number)
    .filter((bin) => histogram[bin] > 0);
  if (bins.length === 0) return '[]';
  const first = Math.min(...bins);
  const last = Math.max(...bins);

  return JSON.stringify([first, ...Array.from({ length: last - first + 1 }, (_, index) => histogram[first + index] ?? 0)]);
};

/** Adds a stored histogram (serializeDecideTimes) to `histogram`. */
export const addStoredDecideTimes = (histogram: DecideTimeHistogram, text: string): void => {
  const [first, ...counts] = JSON.parse(text) as number[];
  for (let index = 0; index < counts.length; index += 1)
    if (counts[index] > 0) histogram[first + index] = (histogram[first + index] ?? 0) + counts[index];
};

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
  const bins: [bin: number, count: number][] = [];
  histogram.forEach((count, bin) => {
    if (count > 0) bins.push([bin, count]);
  });
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
