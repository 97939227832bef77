'use client';

// The live monitor of a tenant's requests: starts from the server's snapshot and follows the
// request stream (server-sent events, resumed after a reconnect from the last event id).
// Incoming messages are applied in batches every FLUSH_MS and at most MAX_ROWS rows are rendered,
// so 200 events a second and thousands of pending requests cost the browser a few small renders a second;
// finished requests and the activity list are capped, so nothing grows without bound.
import { Ban, Radio } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { memo, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { eventLabel } from '@/components/console/event-labels';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/confirm-dialog';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { Input } from '@/components/ui/input';
import { Select } from '@/components/ui/select';
import { StatusBadge } from '@/components/ui/status-badge';
import { cn } from '@/components/ui/styles';
import { toastResult } from '@/components/ui/toast';
import type { ActionResult } from '@/components/ui/action-result';
import type { LiveMessage } from '@/lib/admin/live-request-hub';
import type { DeliveryView, LiveRequestView } from '@/lib/admin/live-request-view';
import type { DataTableColumn } from '@/components/ui/data-table';
import { unpackLiveSnapshot, type PackedLiveSnapshot } from '@/lib/admin/live-snapshot-wire';

const FLUSH_MS = 250;
const MAX_ROWS = 50;
const MAX_FINISHED = 200;
const MAX_ACTIVITY = 12;

type Application = { client_id: string; name: string };
type Activity = { id: string; type: string; time: string; request: LiveRequestView | null };
type Connection = 'connecting' | 'live' | 'reconnecting' | 'closed';

export type LiveRequestsProps = {
  tenantSlug: string;
  /** packLiveSnapshot's: thousands of views weigh a third as much on the page. */
  snapshot: PackedLiveSnapshot;
  applications: readonly Application[];
  cancelAction: (tenantSlug: string, id: string) => Promise<ActionResult>;
};

const isUnfinished = (status: string) => status === 'pending' || status === 'approved';

/** The status now: the one expiry rule (lib/store/request-lifecycle.ts), applied as the clock runs. */
const statusAt = (request: LiveRequestView, now: number) =>
  isUnfinished(request.status) && Date.parse(request.expires_at) <= now ? 'expired' : request.status;

const formatLeft = (ms: number) => {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = String(seconds % 60).padStart(2, '0');

  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${rest}` : `${minutes}:${rest}`;
};

const formatAgo = (iso: string, now: number) => {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;

  return `${Math.floor(seconds / 3600)} h ago`;
};

const formatTime = (iso: string) => new Date(iso).toISOString().slice(11, 19);

/** One clock for every countdown on the page: ticks each second while anything shows time. */
const secondClock = (() => {
  const listeners = new Set<() => void>();
  let now = Date.now();
  let timer: ReturnType<typeof setInterval> | undefined;

  return {
    subscribe: (listener: () => void) => {
      listeners.add(listener);
      if (listeners.size === 1) {
        now = Date.now();
        timer = setInterval(() => {
          now = Date.now();
          for (const notify of listeners) notify();
        }, 1000);
      }

      return () => {
        listeners.delete(listener);
        if (listeners.size === 0) clearInterval(timer);
      };
    },
    now: () => now,
  };
})();

const useSecondClock = () => useSyncExternalStore(secondClock.subscribe, secondClock.now, () => 0);

// Cells are memoized on their data and follow the clock themselves: a batch of events re-renders
// the rows it changed, and a tick re-renders the countdowns, not the table.
const TimeLeftCell = memo(function TimeLeftCell({ expiresAt }: { expiresAt: string }) {
  const left = Date.parse(expiresAt) - useSecondClock();

  return (
    <span className={cn('tabular-nums', left < 30_000 && 'font-semibold text-amber-700 dark:text-amber-300')}>
      {formatLeft(left)}
    </span>
  );
});

const StatusCell = memo(function StatusCell({ request }: { request: LiveRequestView }) {
  return <StatusBadge status={statusAt(request, useSecondClock())} />;
});

const PollsCell = memo(function PollsCell({ count, lastPolledAt }: { count: number; lastPolledAt: string | null }) {
  const now = useSecondClock();

  return (
    <span className="tabular-nums">
      {count} {count === 1 ? 'poll' : 'polls'}
      {lastPolledAt ? (
        <span className="block text-xs text-slate-500 dark:text-slate-400">last {formatAgo(lastPolledAt, now)}</span>
      ) : null}
    </span>
  );
});

const CancelCell = memo(function CancelCell({
  request,
  onCancel,
}: {
  request: LiveRequestView;
  onCancel: (request: LiveRequestView) => void;
}) {
  return (
    <span className="relative z-10">
      <Button
        variant="ghost"
        size="sm"
        onClick={() => onCancel(request)}
        aria-label={`Cancel the request from ${request.client_name} to ${request.user.email}`}
      >
        <Ban aria-hidden /> Cancel
      </Button>
    </span>
  );
});

/** What both tables show of a request (the finished table shows just this). */
const REQUEST_COLUMNS: DataTableColumn<LiveRequestView>[] = [
  {
    key: 'started',
    header: 'Started',
    cell: (request) => <span className="tabular-nums">{formatTime(request.created_at)}</span>,
  },
  { key: 'client', header: 'Application', cell: (request) => request.client_name },
  {
    key: 'user',
    header: 'User',
    hideBelow: 'sm',
    cell: (request) =>
      request.agent ? (
        <>
          {request.user.email}
          <span className="block text-xs text-slate-600 dark:text-slate-400">
            via agent {request.agent.name ?? request.agent.sub}
          </span>
        </>
      ) : (
        request.user.email
      ),
  },
  {
    key: 'binding',
    header: 'Binding message',
    hideBelow: 'lg',
    cell: (request) => request.binding_message ?? <span className="text-slate-500">—</span>,
  },
  { key: 'status', header: 'Status', cell: (request) => <StatusCell request={request} /> },
];

/** The waiting table's columns: every cell that changes with time or data is a memoized component. */
const waitingColumnsFor = (onCancel: (request: LiveRequestView) => void): DataTableColumn<LiveRequestView>[] => [
  ...REQUEST_COLUMNS,
  { key: 'left', header: 'Time left', align: 'right', cell: (request) => <TimeLeftCell expiresAt={request.expires_at} /> },
  {
    key: 'polls',
    header: 'Token polls',
    align: 'right',
    hideBelow: 'md',
    cell: (request) => <PollsCell count={request.poll_count} lastPolledAt={request.last_polled_at} />,
  },
  { key: 'delivery', header: 'Email', hideBelow: 'md', cell: (request) => <DeliveryCell delivery={request.delivery} /> },
  {
    key: 'actions',
    header: <span className="sr-only">Actions</span>,
    align: 'right',
    cell: (request) => <CancelCell request={request} onCancel={onCancel} />,
  },
];

const DeliveryCell = memo(function DeliveryCell({ delivery }: { delivery: DeliveryView }) {
  return <DeliveryBadge delivery={delivery} />;
});

function DeliveryBadge({ delivery }: { delivery: DeliveryView }) {
  if (delivery.status === 'sent') return <Badge tone="green">Sent</Badge>;
  if (delivery.status === 'failed') {
    return (
      <span title={delivery.error ?? undefined}>
        <Badge tone="red">Failed</Badge>
      </span>
    );
  }
  if (delivery.status === 'none') return <span className="text-slate-500">—</span>;
  if (delivery.attempts > 0 && delivery.error) {
    return (
      <span title={delivery.error}>
        <Badge tone="amber">Retrying</Badge>
      </span>
    );
  }

  return <Badge tone="sky">Queued</Badge>;
}

function ConnectionBadge({ connection }: { connection: Connection }) {
  const label = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', closed: 'Disconnected' }[connection];

  return (
    <span
      role="status"
      className={cn(
        'inline-flex items-center gap-2 rounded-full px-2.5 py-1 text-xs font-medium ring-1 ring-inset',
        connection === 'live'
          ? 'bg-emerald-50 text-emerald-800 ring-emerald-600/20 dark:bg-emerald-400/10 dark:text-emerald-300 dark:ring-emerald-400/30'
          : 'bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-400/10 dark:text-amber-300 dark:ring-amber-400/30',
      )}
    >
      <span className="relative flex size-2">
        {connection === 'live' ? (
          <span className="absolute inline-flex size-full animate-ping rounded-full bg-emerald-500 opacity-60 motion-reduce:animate-none" />
        ) : null}
        <span
          className={cn('relative inline-flex size-2 rounded-full', connection === 'live' ? 'bg-emerald-500' : 'bg-amber-500')}
        />
      </span>
      {label}
    </span>
  );
}

type LiveState = { requests: ReadonlyMap<string, LiveRequestView>; activity: readonly Activity[] };

/** The state after these messages: views replace older ones; only the newest MAX_FINISHED finished requests are kept. */
const applyMessages = (state: LiveState, messages: readonly LiveMessage[], now: number): LiveState => {
  const requests = new Map(state.requests);
  let activity = state.activity;
  for (const message of messages) {
    if (message.type === 'reset') continue;
    if (message.type === 'polls') {
      for (const poll of message.polls) {
        const known = requests.get(poll.id);
        // A count that went back is an older read than the view we have.
        if (known && poll.poll_count >= known.poll_count) requests.set(poll.id, { ...known, ...poll });
      }
      continue;
    }
    if (message.request) requests.set(message.request.id, message.request);
    activity = [{ id: message.id, type: message.event.type, time: message.event.time, request: message.request }, ...activity];
  }
  const finished = [...requests.values()].filter((request) => !isUnfinished(statusAt(request, now)));
  if (finished.length > MAX_FINISHED) {
    finished.sort((a, b) => (a.id < b.id ? 1 : -1));
    for (const request of finished.slice(MAX_FINISHED)) requests.delete(request.id);
  }

  return { requests, activity: activity.slice(0, MAX_ACTIVITY) };
};

/** Mount it with `key={snapshot.resume_after}`: a new snapshot (after a reset) starts a new monitor. */
export function LiveRequests({ tenantSlug, snapshot, applications, cancelAction }: LiveRequestsProps) {
  const router = useRouter();
  const queue = useRef<LiveMessage[]>([]);
  const [state, setState] = useState<LiveState>(() => {
    const { pending, recent } = unpackLiveSnapshot(snapshot);

    return { requests: new Map([...pending, ...recent].map((request) => [request.id, request])), activity: [] };
  });
  const now = useSecondClock();
  const [connection, setConnection] = useState<Connection>('connecting');
  const [application, setApplication] = useState('');
  const [user, setUser] = useState('');
  const [status, setStatus] = useState<'all' | 'pending' | 'approved'>('all');
  const [cancelling, setCancelling] = useState<LiveRequestView | null>(null);

  useEffect(() => {
    const url = `/admin/t/${encodeURIComponent(tenantSlug)}/requests/live?after=${encodeURIComponent(snapshot.resume_after)}`;
    const source = new EventSource(url);
    source.onopen = () => setConnection('live');
    source.onerror = () => setConnection(source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
    source.onmessage = (message: MessageEvent<string>) => {
      queue.current.push(JSON.parse(message.data) as LiveMessage);
    };
    const flush = setInterval(() => {
      const at = Date.now();
      const messages = queue.current;
      if (messages.length === 0) return;
      queue.current = [];
      if (messages.some((message) => message.type === 'reset')) {
        // Too far behind to catch up: a fresh snapshot, and a new stream from it.
        source.close();
        router.refresh();

        return;
      }
      setState((previous) => applyMessages(previous, messages, at));
    }, FLUSH_MS);

    return () => {
      clearInterval(flush);
      source.close();
    };
  }, [tenantSlug, snapshot.resume_after, router]);

  // Newest first; sorted again only when a batch changed the requests.
  const sorted = useMemo(() => [...state.requests.values()].sort((a, b) => (a.id < b.id ? 1 : -1)), [state]);
  const { pending, finished, pendingTotal } = useMemo(() => {
    const needle = user.trim().toLowerCase();
    const matches = (request: LiveRequestView) =>
      (application === '' || request.client_id === application) && (needle === '' || request.user.email.includes(needle));
    const open = sorted.filter((request) => isUnfinished(statusAt(request, now)));

    return {
      pending: open.filter((request) => matches(request) && (status === 'all' || request.status === status)),
      pendingTotal: open.length,
      finished: sorted.filter((request) => !isUnfinished(statusAt(request, now)) && matches(request)).slice(0, 20),
    };
  }, [sorted, now, application, user, status]);

  const waitingColumns = useMemo(() => waitingColumnsFor(setCancelling), []);
  const base = `/admin/t/${encodeURIComponent(tenantSlug)}/requests`;
  const number = new Intl.NumberFormat('en');

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col gap-1 text-sm font-medium text-slate-700 dark:text-slate-300">
          Application
          <Select
            value={application}
            onChange={(event) => setApplication(event.target.value)}
            options={[
              { value: '', label: 'All applications' },
              ...applications.map((app) => ({ value: app.client_id, label: app.name })),
            ]}
          />
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium text-slate-700 dark:text-slate-300">
          User
          <Input type="search" placeholder="Email contains…" value={user} onChange={(event) => setUser(event.target.value)} />
        </label>
        <label className="flex flex-col gap-1 text-sm font-medium text-slate-700 dark:text-slate-300">
          Status
          <Select
            value={status}
            onChange={(event) => setStatus(event.target.value as typeof status)}
            options={[
              { value: 'all', label: 'Waiting (all)' },
              { value: 'pending', label: 'Waiting for the user' },
              { value: 'approved', label: 'Approved, not yet redeemed' },
            ]}
          />
        </label>
        <div className="ml-auto flex items-center gap-3 pb-1.5">
          <span className="text-sm text-slate-600 tabular-nums dark:text-slate-400">
            {number.format(pendingTotal)} waiting{snapshot.pending_truncated ? ' (oldest not loaded)' : ''}
          </span>
          <ConnectionBadge connection={connection} />
        </div>
      </div>

      <DataTable
        caption="Waiting requests, live"
        rows={pending.slice(0, MAX_ROWS)}
        rowKey={(request) => request.id}
        rowHref={(request) => `${base}/${encodeURIComponent(request.id)}`}
        prefetchRows={false}
        columns={waitingColumns}
        footer={
          pending.length > MAX_ROWS ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">
              Showing the newest {MAX_ROWS} of {number.format(pending.length)} matching requests: narrow them with the filters.
            </p>
          ) : undefined
        }
        empty={
          <EmptyState
            icon={<Radio />}
            title="Nothing waiting"
            description="New backchannel requests appear here the moment a client makes them, and leave when they are decided, cancelled or expire."
          />
        }
      />

      <div className="grid gap-6 lg:grid-cols-5">
        <section aria-labelledby="live-finished" className="lg:col-span-3">
          <h2 id="live-finished" className="mb-3 text-base font-semibold text-slate-900 dark:text-white">
            Just finished
          </h2>
          <DataTable
            caption="Recently finished requests"
            rows={finished}
            rowKey={(request) => request.id}
            rowHref={(request) => `${base}/${encodeURIComponent(request.id)}`}
            prefetchRows={false}
            columns={REQUEST_COLUMNS}
            empty={<p className="px-4 py-6 text-sm text-slate-600 dark:text-slate-400">No finished requests yet.</p>}
          />
        </section>
        <section aria-labelledby="live-activity" className="lg:col-span-2">
          <h2 id="live-activity" className="mb-3 text-base font-semibold text-slate-900 dark:text-white">
            Activity
          </h2>
          <ol
            aria-label="Latest events"
            className="divide-y divide-slate-200 rounded-xl bg-white shadow-card ring-1 ring-slate-200 dark:divide-white/10 dark:bg-slate-900 dark:shadow-none dark:ring-white/10"
          >
            {state.activity.length === 0 ? (
              <li className="px-4 py-6 text-sm text-slate-600 dark:text-slate-400">Events appear here as they happen.</li>
            ) : (
              state.activity.map((item) => (
                <li key={item.id} className="flex items-baseline justify-between gap-3 px-4 py-2.5 text-sm">
                  <span className="min-w-0 truncate">
                    <span className="font-medium text-slate-900 dark:text-white">{eventLabel(item.type)}</span>
                    {item.request ? (
                      <span className="text-slate-600 dark:text-slate-400"> · {item.request.user.email}</span>
                    ) : null}
                  </span>
                  <time dateTime={item.time} className="shrink-0 text-xs text-slate-500 tabular-nums dark:text-slate-400">
                    {formatTime(item.time)}
                  </time>
                </li>
              ))
            )}
          </ol>
        </section>
      </div>

      <ConfirmDialog
        open={cancelling !== null}
        onOpenChange={(open) => {
          if (!open) setCancelling(null);
        }}
        title="Cancel this request?"
        description={
          cancelling
            ? `${cancelling.user.email} can no longer approve the request from ${cancelling.client_name}, and the client's next poll gets access_denied.`
            : ''
        }
        confirmLabel="Cancel request"
        cancelLabel="Keep it"
        onConfirm={async () => {
          if (!cancelling) return true;
          const result = await cancelAction(tenantSlug, cancelling.id);
          toastResult(result);

          return result.ok;
        }}
      />
    </div>
  );
}
