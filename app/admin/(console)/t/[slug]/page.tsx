import { AppWindow, Inbox, Users } from 'lucide-react';
import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { ActivityOverview } from '@/components/console/activity-overview';
import { DeleteTenantButton } from '@/components/console/delete-tenant-button';
import { formatDate } from '@/components/console/format';
import { orNotFound } from '@/components/console/or-not-found';
import { clientSettingOptions } from '@/components/console/client-setting-options';
import { TenantSettingsForm } from '@/components/console/tenant-settings-form';
import { CLIENT_SETTING_BOUNDS } from '@/lib/clients/client-metadata';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { CodeBlock } from '@/components/ui/code-block';
import { PageHeader } from '@/components/ui/page-header';
import { getTenant } from '@/lib/admin/get-tenant';
import { ACTIVITY_RANGES, getTenantActivity, type ActivityRange } from '@/lib/admin/get-tenant-activity';
import { listClients } from '@/lib/admin/list-clients';
import { listRequests } from '@/lib/admin/list-requests';
import { listUsers } from '@/lib/admin/list-users';
import { PAGE_LIMIT } from '@/lib/admin/page-cursor';
import { isOwnerLike } from '@/lib/auth/principal';
import { requireAdminPrincipal } from '@/lib/auth/require-admin';
import { getDb } from '@/lib/db/client';
import { endpointsFor } from '@/lib/tenants/issuer';
import Link from 'next/link';
import { deleteTenantAction, updateTenantAction } from './actions';

type Params = { params: Promise<{ slug: string }> };
type Props = Params & { searchParams: Promise<{ range?: string | string[] }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: `Overview · ${(await params).slug}` };
}

function Stat({ label, value, href, icon }: { label: string; value: string; href: string; icon: ReactNode }) {
  return (
    <Link
      href={href}
      className="group flex items-center gap-4 rounded-xl bg-white p-4 shadow-card ring-1 ring-slate-200 transition-colors hover:ring-indigo-300 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:bg-slate-900 dark:shadow-none dark:ring-white/10 dark:hover:ring-indigo-400/40"
    >
      <span className="flex size-10 items-center justify-center rounded-lg bg-indigo-50 text-indigo-700 dark:bg-indigo-400/10 dark:text-indigo-300 [&_svg]:size-5">
        {icon}
      </span>
      <span>
        <span className="block text-2xl font-semibold tabular-nums text-slate-900 dark:text-white">{value}</span>
        <span className="block text-sm text-slate-600 dark:text-slate-400">{label}</span>
      </span>
    </Link>
  );
}

export default async function TenantOverviewPage({ params, searchParams }: Props) {
  const { slug } = await params;
  // An unknown ?range= shows the default window rather than an error.
  const requested = (await searchParams).range;
  const range = ACTIVITY_RANGES.find((value) => value === requested) ?? 'day';
  const principal = await requireAdminPrincipal();
  const db = getDb();
  const tenant = await orNotFound(getTenant(db, principal, { slug }));
  // Counts from the lists' first pages (at most PAGE_LIMIT.max rows each): "200+" beyond that.
  const [activity, clients, users, pending] = await Promise.all([
    getTenantActivity(db, principal, { tenantSlug: slug, range }),
    listClients(db, principal, { tenantSlug: slug }),
    listUsers(db, principal, { tenantSlug: slug, limit: PAGE_LIMIT.max }),
    listRequests(db, principal, { tenantSlug: slug, status: 'pending', limit: PAGE_LIMIT.max }),
  ]);
  const countOf = (page: { data: unknown[]; next_cursor: string | null }) =>
    page.next_cursor ? `${page.data.length}+` : String(page.data.length);
  const endpoints = endpointsFor(tenant.slug);
  const base = `/admin/t/${encodeURIComponent(tenant.slug)}`;
  const rangeHref = (value: ActivityRange) => (value === 'day' ? base : `${base}?range=${value}`);

  return (
    <>
      <PageHeader
        title={tenant.name}
        description="This tenant's OpenID Provider: its activity, its issuer, what is in it, and its limits."
        meta={
          <>
            <Badge tone="indigo">
              <span className="font-mono">{tenant.slug}</span>
            </Badge>
            <span>Created {formatDate(tenant.created_at)}</span>
          </>
        }
        actions={isOwnerLike(principal) ? <DeleteTenantButton slug={tenant.slug} action={deleteTenantAction} /> : null}
      />
      <div className="space-y-6">
        <div className="grid gap-4 sm:grid-cols-3">
          <Stat label="Applications" value={String(clients.length)} href={`${base}/applications`} icon={<AppWindow />} />
          <Stat label="Users" value={countOf(users)} href={`${base}/users`} icon={<Users />} />
          <Stat label="Pending requests" value={countOf(pending)} href={`${base}/requests?status=pending`} icon={<Inbox />} />
        </div>
        <ActivityOverview activity={activity} hrefFor={rangeHref} />
        <Card title="Endpoints" description="Relying parties find every endpoint through discovery.">
          <div className="space-y-4">
            <CodeBlock title="Issuer" code={endpoints.issuer} />
            <CodeBlock title="Discovery URL" code={endpoints.discovery} />
          </div>
        </Card>
        <TenantSettingsForm
          action={updateTenantAction}
          tenant={tenant}
          bindingMessagePolicies={clientSettingOptions().bindingMessagePolicies}
          expiryBounds={CLIENT_SETTING_BOUNDS.requestedExpiry}
          pollIntervalBounds={CLIENT_SETTING_BOUNDS.pollInterval}
        />
      </div>
    </>
  );
}
