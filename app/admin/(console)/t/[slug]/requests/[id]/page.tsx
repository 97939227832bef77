import { Ban } from 'lucide-react';
import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { AuthorizationItemRows } from '@/components/approval/authorization-items';
import { ConfirmActionButton } from '@/components/console/confirm-action-button';
import { EventTimeline } from '@/components/console/event-timeline';
import { formatDateTime } from '@/components/console/format';
import { LiveRefresh } from '@/components/console/live-refresh';
import { orNotFound } from '@/components/console/or-not-found';
import { PageTrail } from '@/components/console/page-trail';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { StatusBadge } from '@/components/ui/status-badge';
import { describeRequestItems, type RequestItemView } from '@/lib/admin/describe-request-items';
import { getRequest } from '@/lib/admin/get-request';
import { getTenant } from '@/lib/admin/get-tenant';
import { requireAdminPrincipal } from '@/lib/auth/require-admin';
import { getDb } from '@/lib/db/client';
import Link from 'next/link';
import { cancelRequestAction } from '../actions';

type Params = { params: Promise<{ slug: string; id: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { slug, id } = await params;

  return { title: `Request ${id.slice(0, 8)}… · ${slug}` };
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="py-2.5 sm:grid sm:grid-cols-3 sm:gap-4">
      <dt className="text-sm font-medium text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="mt-1 text-sm text-slate-900 sm:col-span-2 sm:mt-0 dark:text-slate-100">{children}</dd>
    </div>
  );
}

/** The requested authorization_details (RFC 9396), each as the user saw it, and whether it was granted. */
function AuthorizationItems({ items }: { items: RequestItemView[] }) {
  const granted = items.filter((item) => item.granted === true).length;
  const decided = items.some((item) => item.granted !== null);

  return (
    <Card
      title="Authorization details"
      className="mt-6"
      description={
        decided
          ? `${granted} of ${items.length} ${items.length === 1 ? 'item' : 'items'} granted.`
          : `${items.length} ${items.length === 1 ? 'item' : 'items'} requested; nothing granted.`
      }
    >
      <ul className="grid gap-3 md:grid-cols-2">
        {items.map((item) => (
          <li
            key={item.index}
            className="rounded-lg p-4 ring-1 ring-slate-200 dark:ring-white/10"
            aria-label={`${item.display.title}${item.granted === null ? '' : item.granted ? ', granted' : ', not granted'}`}
          >
            <div className="flex flex-wrap items-start justify-between gap-2">
              <div className="min-w-0">
                <p className="text-sm font-semibold text-slate-900 dark:text-white">{item.display.title}</p>
                <p className="font-mono text-xs break-all text-slate-600 dark:text-slate-400">{item.type}</p>
              </div>
              {item.granted === null ? null : item.granted ? (
                <Badge tone="green" dot>
                  Granted
                </Badge>
              ) : (
                <Badge>Not granted</Badge>
              )}
            </div>
            {item.display.summary ? (
              <p className="mt-2 text-sm text-slate-700 dark:text-slate-300">{item.display.summary}</p>
            ) : null}
            <AuthorizationItemRows rows={item.display.rows} />
          </li>
        ))}
      </ul>
    </Card>
  );
}

const LINK = 'font-medium text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300';

export default async function RequestPage({ params }: Params) {
  const { slug, id } = await params;
  const principal = await requireAdminPrincipal();
  const db = getDb();
  const tenant = await orNotFound(getTenant(db, principal, { slug }));
  const request = await orNotFound(getRequest(db, principal, { tenantSlug: slug, id: decodeURIComponent(id) }));
  const items = await describeRequestItems(db, tenant.id, request);
  const base = `/admin/t/${encodeURIComponent(tenant.slug)}`;
  const isCancellable = request.status === 'pending' || request.status === 'approved';

  return (
    <>
      <LiveRefresh tenantSlug={tenant.slug} requestId={request.id} after={request.events.at(-1)?.id ?? null} />
      <PageTrail items={[{ label: 'Requests', href: `${base}/requests` }, { label: `${request.id.slice(0, 8)}…` }]} />
      <PageHeader
        title={`Request from ${request.client_name}`}
        meta={
          <>
            <StatusBadge status={request.status} />
            <span className="font-mono text-xs">{request.id}</span>
          </>
        }
        actions={
          isCancellable ? (
            <ConfirmActionButton
              trigger={{ label: 'Cancel request', icon: <Ban />, variant: 'danger' }}
              title="Cancel this request?"
              description="The user can no longer approve it, and the client's next poll gets access_denied."
              confirmLabel="Cancel request"
              cancelLabel="Keep it"
              action={cancelRequestAction.bind(null, tenant.slug, request.id)}
            />
          ) : null
        }
      />
      <div className="grid gap-6 lg:grid-cols-5">
        <Card title="Details" className="lg:col-span-3">
          <dl className="-my-2.5 divide-y divide-slate-200 dark:divide-white/10">
            <Fact label="Application">
              <Link className={LINK} href={`${base}/applications/${encodeURIComponent(request.client_id)}`}>
                {request.client_name}
              </Link>
            </Fact>
            <Fact label="User">
              <Link className={LINK} href={`${base}/users/${encodeURIComponent(request.user.id)}`}>
                {request.user.email}
              </Link>
            </Fact>
            {request.agent ? (
              <Fact label="Agent">
                <span className="wrap-break-word">
                  {request.agent.name ?? request.agent.sub}
                  {request.agent.acting_for ? `, acting for ${request.agent.acting_for}` : ''}
                </span>
                <span className="block font-mono text-xs break-all text-slate-600 dark:text-slate-400">
                  {request.agent.sub} · {request.agent.iss}
                </span>
              </Fact>
            ) : null}
            <Fact label="Scope">
              <span className="font-mono text-xs">{request.scope}</span>
            </Fact>
            <Fact label="Binding message">{request.binding_message ?? '—'}</Fact>
            <Fact label="Started">{formatDateTime(request.created_at)}</Fact>
            <Fact label="Expires">{formatDateTime(request.expires_at)}</Fact>
            <Fact label="Decided">{request.decided_at ? formatDateTime(request.decided_at) : '—'}</Fact>
            <Fact label="Token polls">{request.poll_count}</Fact>
          </dl>
        </Card>
        <Card title="Timeline" className="lg:col-span-2">
          {request.events.length > 0 ? (
            <EventTimeline events={request.events} />
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-400">No events recorded.</p>
          )}
        </Card>
      </div>
      {items.length > 0 ? <AuthorizationItems items={items} /> : null}
    </>
  );
}
