/** At most this many spans of a window are read from requests; past it, the last ones merge (sealed slots between them read raw too). */
export const MAX_RAW_SPANS = 4;

/** A span of time [from, to), in Unix milliseconds. */
export type TimeSpan = { from: number; to: number };

/** Which spans of a window to read from requests, and which from sealed slots' rollups: together, every begun slot, once. */
export type ActivityReadPlan = { raw: TimeSpan[]; sealed: TimeSpan[] };

export type PlanActivityReadsOptions = {
  /** The window's first instant; slots follow each other from it. */
  from: number;
  /** The window's last instant: the last raw span ends just after it, and no slot starting later is read. */
  now: number;
  slotMs: number;
  slotCount: number;
  /** Indices (0 … slotCount − 1) of the slots sealed by `now`. */
  sealed: ReadonlySet<number>;
};

/**
 * Splits a window into runs of unsealed slots, read from the requests
 * (the last ends at `now`), and the sealed slots between them, read from
 * rollups. Contiguous slots share a span; more than MAX_RAW_SPANS raw
 * spans are bounded by merging the last ones, sealed slots in between and all.
 */
export const planActivityReads = ({ from, now, slotMs, slotCount, sealed }: PlanActivityReadsOptions): ActivityReadPlan => {
  const begun = Math.min(slotCount, Math.floor((now - from) / slotMs) + 1);
  const runs: { start: number; end: number }[] = [];
  for (let index = 0; index < begun; index += 1) {
    if (sealed.has(index)) continue;
    const last = runs.at(-1);
    if (last && last.end === index) last.end = index + 1;
    else runs.push({ start: index, end: index + 1 });
  }
  if (runs.length > MAX_RAW_SPANS)
    runs.splice(MAX_RAW_SPANS - 1, Infinity, { start: runs[MAX_RAW_SPANS - 1].start, end: runs.at(-1)!.end });
  const sealedRuns: { start: number; end: number }[] = [];
  let next = 0;
  for (const run of [...runs, { start: begun, end: begun }]) {
    if (run.start > next) sealedRuns.push({ start: next, end: run.start });
    next = run.end;
  }
  const timeOf = (index: number) => from + index * slotMs;

  return {
    raw: runs.map(({ start, end }) => ({ from: timeOf(start), to: Math.min(timeOf(end), now + 1) })),
    sealed: sealedRuns.map(({ start, end }) => ({ from: timeOf(start), to: timeOf(end) })),
  };
};
