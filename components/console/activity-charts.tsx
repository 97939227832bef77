'use client';

// The overview's charts (recharts), each a <figure> named by its <figcaption>. The drawing is hidden
// from assistive technology; a visually hidden table under it carries the same numbers.
import type { ReactNode } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatBucket, formatCount } from '@/components/console/activity-format';
import { useIsDark } from '@/components/theme/use-is-dark';
import type { ActivityBucket, ActivityClient, ActivityRange } from '@/lib/admin/get-tenant-activity';

/** Outcome colours (Tailwind's palette), light and dark. */
const OUTCOMES = [
  { key: 'approved', label: 'Approved', light: '#059669', dark: '#34d399' },
  { key: 'denied', label: 'Denied', light: '#e11d48', dark: '#fb7185' },
  { key: 'expired', label: 'Expired', light: '#d97706', dark: '#fbbf24' },
  { key: 'cancelled', label: 'Cancelled', light: '#94a3b8', dark: '#64748b' },
  { key: 'pending', label: 'Pending', light: '#6366f1', dark: '#818cf8' },
] as const;

const usePalette = () => {
  const isDark = useIsDark();

  return {
    isDark,
    grid: isDark ? 'rgba(255, 255, 255, 0.08)' : '#e2e8f0',
    tick: isDark ? '#94a3b8' : '#64748b',
    failure: isDark ? '#f87171' : '#dc2626',
    accent: isDark ? '#818cf8' : '#4f46e5',
    cursor: isDark ? 'rgba(255, 255, 255, 0.06)' : 'rgba(99, 102, 241, 0.08)',
    tooltip: {
      contentStyle: {
        background: isDark ? '#0f172a' : '#ffffff',
        border: `1px solid ${isDark ? 'rgba(255, 255, 255, 0.12)' : '#e2e8f0'}`,
        borderRadius: 8,
        boxShadow: '0 4px 12px rgba(15, 23, 42, 0.12)',
        fontSize: 12,
        padding: '8px 10px',
      },
      labelStyle: { color: isDark ? '#f1f5f9' : '#0f172a', fontWeight: 600, marginBottom: 4 },
      itemStyle: { padding: 0, color: isDark ? '#cbd5e1' : '#334155' },
    },
  };
};

function ChartFigure({ caption, children, table }: { caption: ReactNode; children: ReactNode; table: ReactNode }) {
  return (
    <figure className="min-w-0">
      <figcaption className="mb-3 text-sm font-medium text-slate-900 dark:text-white">{caption}</figcaption>
      <div aria-hidden="true">{children}</div>
      {table}
    </figure>
  );
}

const AXIS_TICK_SIZE = 11;

/** Every n-th bucket label, so that about eight fit under the chart. */
const tickInterval = (buckets: number) => Math.max(0, Math.ceil(buckets / 8) - 1);

export function RequestsChart({ buckets, range, caption }: { buckets: ActivityBucket[]; range: ActivityRange; caption: string }) {
  const palette = usePalette();
  const data = buckets.map((bucket) => ({ ...bucket, label: formatBucket(bucket.start, range) }));

  return (
    <ChartFigure
      caption={caption}
      table={
        <table className="sr-only">
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">From (UTC)</th>
              <th scope="col">Started</th>
              {OUTCOMES.map((outcome) => (
                <th key={outcome.key} scope="col">
                  {outcome.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data
              .filter((bucket) => bucket.started > 0)
              .map((bucket) => (
                <tr key={bucket.start}>
                  <th scope="row">{bucket.label}</th>
                  <td>{formatCount(bucket.started)}</td>
                  {OUTCOMES.map((outcome) => (
                    <td key={outcome.key}>{formatCount(bucket[outcome.key])}</td>
                  ))}
                </tr>
              ))}
          </tbody>
        </table>
      }
    >
      <div className="h-64">
        <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 600, height: 256 }}>
          <BarChart
            data={data}
            margin={{ top: 4, right: 8, bottom: 0, left: -12 }}
            barCategoryGap="12%"
            accessibilityLayer={false}
          >
            <CartesianGrid vertical={false} stroke={palette.grid} />
            <XAxis
              dataKey="label"
              interval={tickInterval(data.length)}
              tick={{ fill: palette.tick, fontSize: AXIS_TICK_SIZE }}
              tickLine={false}
              axisLine={{ stroke: palette.grid }}
            />
            <YAxis
              allowDecimals={false}
              tick={{ fill: palette.tick, fontSize: AXIS_TICK_SIZE }}
              tickLine={false}
              axisLine={false}
            />
            <Tooltip cursor={{ fill: palette.cursor }} {...palette.tooltip} />
            <Legend
              itemSorter={null}
              iconType="circle"
              iconSize={8}
              wrapperStyle={{ fontSize: 12, color: palette.tick, paddingTop: 8 }}
            />
            {OUTCOMES.map((outcome, index) => (
              <Bar
                key={outcome.key}
                dataKey={outcome.key}
                name={outcome.label}
                stackId="outcome"
                fill={palette.isDark ? outcome.dark : outcome.light}
                radius={index === OUTCOMES.length - 1 ? [3, 3, 0, 0] : 0}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
    </ChartFigure>
  );
}

export function FailuresChart({ buckets, range, caption }: { buckets: ActivityBucket[]; range: ActivityRange; caption: string }) {
  const palette = usePalette();
  const data = buckets.map((bucket) => ({ label: formatBucket(bucket.start, range), failures: bucket.notification_failures }));
  const failing = data.filter((bucket) => bucket.failures > 0);

  return (
    <ChartFigure
      caption={caption}
      table={
        <table className="sr-only">
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">From (UTC)</th>
              <th scope="col">Failed notifications</th>
            </tr>
          </thead>
          <tbody>
            {failing.length === 0 ? (
              <tr>
                <td colSpan={2}>None</td>
              </tr>
            ) : (
              failing.map((bucket) => (
                <tr key={bucket.label}>
                  <th scope="row">{bucket.label}</th>
                  <td>{formatCount(bucket.failures)}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      }
    >
      <div className="h-36">
        <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 400, height: 144 }}>
          <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -12 }} accessibilityLayer={false}>
            <CartesianGrid vertical={false} stroke={palette.grid} />
            <XAxis
              dataKey="label"
              interval={tickInterval(data.length) * 2 + 1}
              tick={{ fill: palette.tick, fontSize: AXIS_TICK_SIZE }}
              tickLine={false}
              axisLine={{ stroke: palette.grid }}
            />
            <YAxis
              allowDecimals={false}
              tick={{ fill: palette.tick, fontSize: AXIS_TICK_SIZE }}
              tickLine={false}
              axisLine={false}
            />
            <Tooltip cursor={{ stroke: palette.grid }} {...palette.tooltip} />
            <Line
              type="linear"
              dataKey="failures"
              name="Failed notifications"
              stroke={palette.failure}
              strokeWidth={2}
              dot={false}
              activeDot={{ r: 3 }}
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      </div>
    </ChartFigure>
  );
}

export function TopClientsChart({ clients, caption }: { clients: ActivityClient[]; caption: string }) {
  const palette = usePalette();
  const data = clients.map((client) => ({ name: client.client_name, started: client.started, approved: client.approved }));

  return (
    <ChartFigure
      caption={caption}
      table={
        <table className="sr-only">
          <caption>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">Application</th>
              <th scope="col">client_id</th>
              <th scope="col">Started</th>
              <th scope="col">Approved</th>
              <th scope="col">Denied</th>
              <th scope="col">Expired</th>
            </tr>
          </thead>
          <tbody>
            {clients.map((client) => (
              <tr key={client.client_id}>
                <th scope="row">{client.client_name}</th>
                <td>{client.client_id}</td>
                <td>{formatCount(client.started)}</td>
                <td>{formatCount(client.approved)}</td>
                <td>{formatCount(client.denied)}</td>
                <td>{formatCount(client.expired)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      {clients.length === 0 ? (
        <p className="flex h-36 items-center justify-center rounded-lg border border-dashed border-slate-200 text-sm text-slate-500 dark:border-white/10 dark:text-slate-400">
          No requests in this window.
        </p>
      ) : (
        <div style={{ height: 24 + clients.length * 36 }}>
          <ResponsiveContainer width="100%" height="100%" initialDimension={{ width: 400, height: 24 + clients.length * 36 }}>
            <BarChart data={data} layout="vertical" margin={{ top: 0, right: 36, bottom: 0, left: 0 }} accessibilityLayer={false}>
              <XAxis type="number" hide allowDecimals={false} />
              <YAxis
                type="category"
                dataKey="name"
                width={120}
                tick={{ fill: palette.tick, fontSize: 12 }}
                tickLine={false}
                axisLine={false}
              />
              <Tooltip cursor={{ fill: palette.cursor }} {...palette.tooltip} />
              <Bar
                dataKey="started"
                name="Requests started"
                radius={[0, 4, 4, 0]}
                barSize={18}
                label={{ position: 'right', fill: palette.tick, fontSize: 12 }}
                isAnimationActive={false}
              >
                {data.map((client, index) => (
                  <Cell key={client.name} fill={palette.accent} fillOpacity={1 - index * 0.14} />
                ))}
              </Bar>
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
    </ChartFigure>
  );
}
