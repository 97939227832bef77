/**
 * The per-request HTTP metrics, kept in plain numbers and turned into
 * Prometheus families only when scraped. prom-client's own Counter and
 * Histogram validate and hash their labels on every increment, even through a
 * bound child (~1 µs per request, measured); here a request costs a map
 * update, a short bucket search and three additions (~0.1 µs) — the token poll
 * is the hot path.
 */

type EndpointSeries = {
  byStatus: Map<number, number>;
  /** Requests per latency bucket, not cumulative: index i counts durations in (bound[i-1], bound[i]]; the last one, above every bound. */
  buckets: Float64Array;
  sum: number;
  count: number;
};

type SeriesValue = { labels: Record<string, string>; value: number; metricName?: string };
type MetricSnapshot = { name: string; help: string; type: 'counter' | 'histogram'; aggregator: 'sum'; values: SeriesValue[] };

/** A metric object the registry can expose: what prom-client's Registry reads of a metric (name, help, type, get()). */
export type CollectedMetric = Omit<MetricSnapshot, 'values'> & { get: () => Promise<MetricSnapshot> };

export const createHttpRequestMetrics = <E extends string>(options: {
  endpoints: readonly E[];
  buckets: readonly number[];
  counterName: string;
  counterHelp: string;
  histogramName: string;
  histogramHelp: string;
}) => {
  const { endpoints, buckets } = options;
  const series = new Map<E, EndpointSeries>(
    endpoints.map((endpoint) => [
      endpoint,
      { byStatus: new Map(), buckets: new Float64Array(buckets.length + 1), sum: 0, count: 0 },
    ]),
  );

  const record = (endpoint: E, status: number, seconds: number): void => {
    const entry = series.get(endpoint)!;
    entry.byStatus.set(status, (entry.byStatus.get(status) ?? 0) + 1);
    let bucket = 0;
    while (bucket < buckets.length && seconds > buckets[bucket]) bucket += 1;
    entry.buckets[bucket] += 1;
    entry.sum += seconds;
    entry.count += 1;
  };

  const counter: CollectedMetric = {
    name: options.counterName,
    help: options.counterHelp,
    type: 'counter',
    aggregator: 'sum',
    get: async () => {
      const values: SeriesValue[] = [];
      for (const [endpoint, entry] of series) {
        for (const [status, value] of entry.byStatus) values.push({ labels: { endpoint, status: String(status) }, value });
      }

      return { name: options.counterName, help: options.counterHelp, type: 'counter', aggregator: 'sum', values };
    },
  };

  const histogram: CollectedMetric = {
    name: options.histogramName,
    help: options.histogramHelp,
    type: 'histogram',
    aggregator: 'sum',
    get: async () => {
      const values: SeriesValue[] = [];
      for (const [endpoint, entry] of series) {
        if (entry.count === 0) continue;
        let cumulative = 0;
        buckets.forEach((bound, index) => {
          cumulative += entry.buckets[index];
          values.push({
            metricName: `${options.histogramName}_bucket`,
            labels: { endpoint, le: String(bound) },
            value: cumulative,
          });
        });
        values.push({ metricName: `${options.histogramName}_bucket`, labels: { endpoint, le: '+Inf' }, value: entry.count });
        values.push({ metricName: `${options.histogramName}_sum`, labels: { endpoint }, value: entry.sum });
        values.push({ metricName: `${options.histogramName}_count`, labels: { endpoint }, value: entry.count });
      }

      return { name: options.histogramName, help: options.histogramHelp, type: 'histogram', aggregator: 'sum', values };
    },
  };

  return { record, counter, histogram };
};
