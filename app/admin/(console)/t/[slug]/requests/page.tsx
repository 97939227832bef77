import { Inbox } from 'lucide-react';
import type { Metadata } from 'next';
import { FilterTabs } from '@/components/console/filter-tabs';
import { LiveRequests } from '@/components/console/live-requests';
import { formatDateTime } from '@/components/console/format';
import { orNotFound } from '@/components/console/or-not-found';
import { pageOrRefusal } from '@/components/console/or-refusal';
import { ButtonLink } from '@/components/ui/button-link';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { StatusBadge } from '@/components/ui/status-badge';
import { getTenant } from '@/lib/admin/get-tenant';
import { listClients } from '@/lib/admin/list-clients';
import { listLiveRequests } from '@/lib/admin/list-live-requests';
import { packLiveSnapshot } from '@/lib/admin/live-snapshot-wire';
import { listRequests } from '@/lib/admin/list-requests';
import type { RequestView } from '@/lib/admin/request-view';
import { requireAdminPrincipal } from '@/lib/auth/require-admin';
import { getDb } from '@/lib/db/client';
import { REQUEST_STATUSES, type RequestStatus } from '@/lib/store/request-lifecycle';
import { cancelRequestAction } from './actions';

type Props = {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ view?: string | string[]; status?: string | string[]; cursor?: string | string[] }>;
};

const single = (value: string | string[] | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

const STATUS_LABELS: Record<RequestStatus, string> = {
  pending: 'Pending',
  approved: 'Approved',
  denied: 'Denied',
  cancelled: 'Cancelled',
  expired: 'Expired',
  redeemed: 'Redeemed',
};

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Requests · ${(await params).slug}` };
}

export default async function RequestsPage({ params, searchParams }: Props) {
  const { slug } = await params;
  const query = await searchParams;
  if (single(query.view) !== 'history') return <LiveMonitorPage slug={slug} />;
  const status = REQUEST_STATUSES.find((value) => value === single(query.status));
  const cursor = single(query.cursor) || undefined;
  const principal = await requireAdminPrincipal();
  const db = getDb();
  const tenant = await orNotFound(getTenant(db, principal, { slug }));
  const { page, refusal } = await pageOrRefusal(listRequests(db, principal, { tenantSlug: slug, status, cursor }));
  const base = `/admin/t/${encodeURIComponent(tenant.slug)}/requests`;
  const hrefFor = (params: { status?: string; cursor?: string }) => {
    const search = new URLSearchParams(
      Object.entries({ view: 'history', ...params }).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );

    return search.size > 0 ? `${base}?${search.toString()}` : base;
  };

  return (
    <>
      <PageHeader
        title="Requests"
        description={`Backchannel authentication requests at ${tenant.name}, newest first. Open one for its timeline, or to cancel it.`}
      />
      <ViewTabs base={base} current="history" />
      <FilterTabs
        label="Filter by status"
        tabs={[
          { label: 'All', href: hrefFor({}), current: status === undefined },
          ...REQUEST_STATUSES.map((value) => ({
            label: STATUS_LABELS[value],
            href: hrefFor({ status: value }),
            current: status === value,
          })),
        ]}
      />
      {refusal ? (
        <p role="alert" className="mb-4 text-sm text-red-700 dark:text-red-400">
          {refusal}
        </p>
      ) : null}
      <DataTable
        caption={status ? `${STATUS_LABELS[status]} requests` : 'Requests'}
        rows={page.data}
        rowKey={(request) => request.id}
        rowHref={(request) => `${base}/${encodeURIComponent(request.id)}`}
        nextPageHref={page.next_cursor ? hrefFor({ status, cursor: page.next_cursor }) : null}
        footer={
          cursor ? (
            <ButtonLink href={hrefFor({ status })} variant="ghost" size="sm">
              First page
            </ButtonLink>
          ) : undefined
        }
        columns={[
          { key: 'started', header: 'Started', cell: (request: RequestView) => formatDateTime(request.created_at) },
          { key: 'client', header: 'Application', cell: (request) => request.client_name },
          { key: 'user', header: 'User', hideBelow: 'sm', cell: (request) => request.user.email },
          { key: 'status', header: 'Status', cell: (request) => <StatusBadge status={request.status} /> },
          {
            key: 'binding',
            header: 'Binding message',
            hideBelow: 'lg',
            cell: (request) => request.binding_message ?? <span className="text-slate-500">—</span>,
          },
        ]}
        empty={
          <EmptyState
            icon={<Inbox />}
            title={status ? `No ${STATUS_LABELS[status].toLowerCase()} requests` : 'No requests yet'}
            description="Requests appear here when an application calls the backchannel authentication endpoint."
          />
        }
      />
    </>
  );
}

function ViewTabs({ base, current }: { base: string; current: 'live' | 'history' }) {
  return (
    <FilterTabs
      label="Requests view"
      tabs={[
        { label: 'Live', href: base, current: current === 'live' },
        { label: 'History', href: `${base}?view=history`, current: current === 'history' },
      ]}
    />
  );
}

async function LiveMonitorPage({ slug }: { slug: string }) {
  const principal = await requireAdminPrincipal();
  const db = getDb();
  const tenant = await orNotFound(getTenant(db, principal, { slug }));
  const [snapshot, clients] = await Promise.all([
    listLiveRequests(db, principal, { tenantSlug: slug }),
    listClients(db, principal, { tenantSlug: slug }),
  ]);

  return (
    <>
      <PageHeader
        title="Requests"
        description={`Backchannel authentication requests at ${tenant.name} as they happen: who is being asked, how long they have left, whether the email went out and how often the client polls.`}
      />
      <ViewTabs base={`/admin/t/${encodeURIComponent(tenant.slug)}/requests`} current="live" />
      <LiveRequests
        key={snapshot.resume_after}
        tenantSlug={tenant.slug}
        snapshot={packLiveSnapshot(snapshot)}
        applications={clients.map((client) => ({ client_id: client.client_id, name: client.client_name }))}
        cancelAction={cancelRequestAction}
      />
    </>
  );
}
