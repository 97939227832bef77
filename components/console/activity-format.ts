// How the overview's activity reads: bucket labels (UTC, like every time in the console), rates and durations.
import type { ActivityRange } from '@/lib/admin/get-tenant-activity';

export const RANGE_LABELS: Record<ActivityRange, { tab: string; window: string; bucket: string }> = {
  hour: { tab: 'Last hour', window: 'the last hour', bucket: 'per minute' },
  day: { tab: 'Last day', window: 'the last 24 hours', bucket: 'per 30 minutes' },
  week: { tab: 'Last week', window: 'the last 7 days', bucket: 'per 6 hours' },
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A bucket's start: `12:34` within a day, `Mar 10 12:00` across a week (UTC). */
export const formatBucket = (start: string, range: ActivityRange): string => {
  const date = new Date(start);
  const time = start.slice(11, 16);

  return range === 'week' ? `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()} ${time}` : time;
};

/** `42%`, `4.5%` under ten; an em dash when there is nothing to divide by. */
export const formatRate = (rate: number | null): string => {
  if (rate === null) return '—';
  const percent = rate * 100;

  return `${percent > 0 && percent < 10 ? percent.toFixed(1) : Math.round(percent)}%`;
};

/** `850 ms`, `4.2 s`, `43 s`, `2 min 05 s`, `3 h 20 min`; an em dash for none. */
export const formatDuration = (ms: number | null): string => {
  if (ms === null) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 9_950) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 59_500) return `${Math.round(ms / 1000)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;

  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
};

export const formatCount = (value: number): string => value.toLocaleString('en-US');
