// The tenant overview's activity: a range picker, rate tiles, time to decide, and the charts.
import Link from 'next/link';
import type { ReactNode } from 'react';
import { FailuresChart, RequestsChart, TopClientsChart } from '@/components/console/activity-charts';
import { formatCount, formatDuration, formatRate, RANGE_LABELS } from '@/components/console/activity-format';
import { formatDateTime } from '@/components/console/format';
import { Card } from '@/components/ui/card';
import { cn, FOCUS_RING } from '@/components/ui/styles';
import { ACTIVITY_RANGES, type ActivityRange, type TenantActivity } from '@/lib/admin/get-tenant-activity';

function RangePicker({ current, hrefFor }: { current: ActivityRange; hrefFor: (range: ActivityRange) => string }) {
  return (
    <nav aria-label="Activity window">
      <ul className="flex rounded-lg bg-slate-100 p-0.5 ring-1 ring-slate-200 dark:bg-white/5 dark:ring-white/10">
        {ACTIVITY_RANGES.map((range) => (
          <li key={range}>
            <Link
              href={hrefFor(range)}
              scroll={false}
              aria-current={range === current ? 'page' : undefined}
              className={cn(
                'block rounded-md px-3 py-1 text-sm font-medium whitespace-nowrap',
                range === current
                  ? 'bg-white text-indigo-700 shadow-xs dark:bg-slate-800 dark:text-indigo-300'
                  : 'text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-white',
                FOCUS_RING,
              )}
            >
              {RANGE_LABELS[range].tab}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Tile({ label, value, detail, tone }: { label: string; value: string; detail?: ReactNode; tone: string }) {
  return (
    <div className="rounded-lg bg-slate-50 px-4 py-3 ring-1 ring-slate-200/70 dark:bg-white/[0.03] dark:ring-white/10">
      <dt className="flex items-center gap-2 text-sm text-slate-600 dark:text-slate-400">
        <span aria-hidden="true" className={cn('size-2 rounded-full', tone)} />
        {label}
      </dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums text-slate-900 dark:text-white">{value}</dd>
      {detail ? <dd className="text-xs text-slate-500 tabular-nums dark:text-slate-400">{detail}</dd> : null}
    </div>
  );
}

export function ActivityOverview({ activity, hrefFor }: { activity: TenantActivity; hrefFor: (range: ActivityRange) => string }) {
  const { totals, rates, time_to_decide: decide, range } = activity;
  const labels = RANGE_LABELS[range];
  const finished = totals.started - totals.pending;

  return (
    <Card
      title="Activity"
      description={`Backchannel requests started in ${labels.window}, by what became of them (UTC, ${labels.bucket}; ${formatDateTime(activity.from)} to now).`}
      actions={<RangePicker current={range} hrefFor={hrefFor} />}
    >
      <div className="space-y-6">
        <dl className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
          <Tile
            label="Requests"
            value={formatCount(totals.started)}
            detail={`${formatCount(totals.pending)} pending`}
            tone="bg-indigo-500 dark:bg-indigo-400"
          />
          <Tile
            label="Approved"
            value={formatRate(rates.approved)}
            detail={`${formatCount(totals.approved)} of ${formatCount(finished)}`}
            tone="bg-emerald-600 dark:bg-emerald-400"
          />
          <Tile
            label="Denied"
            value={formatRate(rates.denied)}
            detail={`${formatCount(totals.denied)} of ${formatCount(finished)}`}
            tone="bg-rose-600 dark:bg-rose-400"
          />
          <Tile
            label="Expired"
            value={formatRate(rates.expired)}
            detail={`${formatCount(totals.expired)} of ${formatCount(finished)}`}
            tone="bg-amber-600 dark:bg-amber-400"
          />
          <Tile
            label="Time to decide"
            value={formatDuration(decide.median_ms)}
            detail={`median · p95 ${formatDuration(decide.p95_ms)}`}
            tone="bg-sky-500 dark:bg-sky-400"
          />
          <Tile
            label="Failed notifications"
            value={formatCount(totals.notification_failures)}
            detail="emails given up on"
            tone="bg-red-600 dark:bg-red-400"
          />
        </dl>
        <RequestsChart
          buckets={activity.buckets}
          range={range}
          caption={`Requests ${labels.bucket} by outcome, ${labels.window}`}
        />
        <div className="grid gap-6 lg:grid-cols-2">
          <TopClientsChart clients={activity.top_clients} caption="Top applications by requests started" />
          <FailuresChart
            buckets={activity.buckets}
            range={range}
            caption={`Failed notifications ${labels.bucket}, ${labels.window}`}
          />
        </div>
        <p className="text-xs text-slate-500 dark:text-slate-400">
          Rates are shares of the {formatCount(finished)} requests no longer pending; cancelled requests make up the rest (
          {formatRate(rates.cancelled)}). Time to decide is from the request to the user&apos;s approval or denial (
          {formatCount(decide.decided)} decisions). A pending or approved request past its expiry counts as expired.
        </p>
      </div>
    </Card>
  );
}
