import { Activity, ScrollText } from 'lucide-react';
import type { Metadata } from 'next';
import Link from 'next/link';
import { actorLabel, eventLabel } from '@/components/console/event-labels';
import { formatDateTime } from '@/components/console/format';
import { orNotFound } from '@/components/console/or-not-found';
import { pageOrRefusal } from '@/components/console/or-refusal';
import { Button } from '@/components/ui/button';
import { ButtonLink } from '@/components/ui/button-link';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Select } from '@/components/ui/select';
import type { EventView } from '@/lib/admin/event-view';
import { getTenant } from '@/lib/admin/get-tenant';
import { listEvents } from '@/lib/admin/list-events';
import { requireAdminPrincipal } from '@/lib/auth/require-admin';
import { getDb } from '@/lib/db/client';
import { EVENT_TYPES, type EventType } from '@/lib/events/event-types';

type Props = {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ type?: string | string[]; cursor?: string | string[] }>;
};

const single = (value: string | string[] | undefined): string | undefined =>
  typeof value === 'string' && value ? value : undefined;

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Events · ${(await params).slug}` };
}

export default async function EventsPage({ params, searchParams }: Props) {
  const { slug } = await params;
  const query = await searchParams;
  const type = EVENT_TYPES.find((value): value is EventType => value === single(query.type));
  const cursor = single(query.cursor);
  const principal = await requireAdminPrincipal();
  const db = getDb();
  const tenant = await orNotFound(getTenant(db, principal, { slug }));
  const { page, refusal } = await pageOrRefusal(listEvents(db, principal, { tenantSlug: slug, type, cursor }));
  const base = `/admin/t/${encodeURIComponent(tenant.slug)}`;
  const hrefFor = (params: { type?: string; cursor?: string }) => {
    const search = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => Boolean(entry[1])));

    return search.size > 0 ? `${base}/events?${search.toString()}` : `${base}/events`;
  };

  return (
    <>
      <PageHeader
        title="Events"
        description={`Everything that happened at ${tenant.name}, newest first: requests, notifications, decisions, tokens, and administrative changes.`}
        actions={
          <ButtonLink href={`${base}/audit`} variant="secondary" icon={<ScrollText />}>
            Audit log
          </ButtonLink>
        }
      />
      <form method="get" className="mb-4 flex flex-wrap items-center gap-2">
        <Select
          name="type"
          aria-label="Event type"
          defaultValue={type ?? ''}
          placeholder="All event types"
          options={EVENT_TYPES.map((value) => ({ value, label: `${eventLabel(value)} (${value})` }))}
          className="min-w-64"
        />
        <Button type="submit" variant="secondary">
          Filter
        </Button>
      </form>
      {refusal ? (
        <p role="alert" className="mb-4 text-sm text-red-700 dark:text-red-400">
          {refusal}
        </p>
      ) : null}
      <DataTable
        caption={type ? `${eventLabel(type)} events` : 'Events'}
        rows={page.data}
        rowKey={(event) => event.id}
        rowHeaderKey="event"
        nextPageHref={page.next_cursor ? hrefFor({ type, cursor: page.next_cursor }) : null}
        footer={
          cursor ? (
            <ButtonLink href={hrefFor({ type })} variant="ghost" size="sm">
              Newest
            </ButtonLink>
          ) : undefined
        }
        columns={[
          {
            key: 'time',
            header: 'Time',
            className: 'whitespace-nowrap',
            cell: (event: EventView) => <time dateTime={event.time}>{formatDateTime(event.time)}</time>,
          },
          {
            key: 'event',
            header: 'Event',
            cell: (event) => (
              <>
                {eventLabel(event.type)}
                <span className="block font-mono text-xs font-normal text-slate-600 dark:text-slate-400">{event.type}</span>
              </>
            ),
          },
          {
            key: 'about',
            header: 'About',
            cell: (event) =>
              event.request_id ? (
                <Link
                  href={`${base}/requests/${encodeURIComponent(event.request_id)}`}
                  className="font-mono text-xs text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300"
                >
                  request {event.request_id.slice(0, 8)}…
                </Link>
              ) : event.actor ? (
                <span>by {actorLabel(event.actor)}</span>
              ) : event.type === 'ciba_start_failed' ? (
                <span className="font-mono text-xs">{String(event.detail?.error)}</span>
              ) : (
                '—'
              ),
          },
        ]}
        empty={
          <EmptyState
            icon={<Activity />}
            title={type ? 'No events of this type' : 'No events yet'}
            description="Events are recorded as requests are made and settings change."
          />
        }
      />
    </>
  );
}
