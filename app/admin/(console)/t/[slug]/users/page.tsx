import { Users } from 'lucide-react';
import type { Metadata } from 'next';
import { CreateUserDialog } from '@/components/console/create-user-dialog';
import { formatDate } from '@/components/console/format';
import { ImportUsersDialog } from '@/components/console/import-users-dialog';
import { orNotFound } from '@/components/console/or-not-found';
import { pageOrRefusal } from '@/components/console/or-refusal';
import { SearchForm } from '@/components/console/search-form';
import { Badge } from '@/components/ui/badge';
import { ButtonLink } from '@/components/ui/button-link';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { getTenant } from '@/lib/admin/get-tenant';
import { listUsers } from '@/lib/admin/list-users';
import type { UserView } from '@/lib/admin/user-view';
import { requireAdminPrincipal } from '@/lib/auth/require-admin';
import { getDb } from '@/lib/db/client';
import { createUserAction, importUsersAction } from './actions';

type Props = {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ q?: string | string[]; cursor?: string | string[] }>;
};

const single = (value: string | string[] | undefined): string | undefined => (typeof value === 'string' ? value : undefined);

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Users · ${(await params).slug}` };
}

export default async function UsersPage({ params, searchParams }: Props) {
  const { slug } = await params;
  const query = await searchParams;
  const search = single(query.q)?.trim() || undefined;
  const cursor = single(query.cursor) || undefined;
  const principal = await requireAdminPrincipal();
  const db = getDb();
  const tenant = await orNotFound(getTenant(db, principal, { slug }));
  const { page, refusal } = await pageOrRefusal(listUsers(db, principal, { tenantSlug: slug, search, cursor }));
  const base = `/admin/t/${encodeURIComponent(tenant.slug)}/users`;
  const withQuery = (params: Record<string, string | undefined>) => {
    const entries = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined);

    return entries.length > 0 ? `${base}?${new URLSearchParams(entries).toString()}` : base;
  };

  return (
    <>
      <PageHeader
        title="Users"
        description={`The people who approve ${tenant.name}'s requests. Clients name them by email in login_hint.`}
        actions={
          <>
            <ImportUsersDialog tenantSlug={tenant.slug} action={importUsersAction} />
            <CreateUserDialog tenantSlug={tenant.slug} action={createUserAction} />
          </>
        }
      />
      <SearchForm label="Search users" placeholder="Email prefix or exact sub" value={search} clearHref={base} />
      {refusal ? (
        <p role="alert" className="mb-4 text-sm text-red-700 dark:text-red-400">
          {refusal}
        </p>
      ) : null}
      <DataTable
        caption={search ? `Users matching ${search}` : `Users of ${tenant.name}`}
        rows={page.data}
        rowKey={(user) => user.id}
        rowHref={(user) => `${base}/${encodeURIComponent(user.id)}`}
        nextPageHref={page.next_cursor ? withQuery({ q: search, cursor: page.next_cursor }) : null}
        footer={
          cursor ? (
            <ButtonLink href={withQuery({ q: search })} variant="ghost" size="sm">
              First page
            </ButtonLink>
          ) : (
            <span>
              {page.next_cursor
                ? `First ${page.data.length} users`
                : `${page.data.length} ${page.data.length === 1 ? 'user' : 'users'}`}
            </span>
          )
        }
        columns={[
          { key: 'email', header: 'Email', cell: (user: UserView) => user.email },
          {
            key: 'name',
            header: 'Name',
            hideBelow: 'sm',
            cell: (user) => user.name ?? <span className="text-slate-500">—</span>,
          },
          {
            key: 'verified',
            header: 'Verified',
            hideBelow: 'md',
            cell: (user) =>
              user.email_verified ? <Badge tone="green">Verified</Badge> : <Badge tone="amber">Not verified</Badge>,
          },
          {
            key: 'code',
            header: 'User code',
            hideBelow: 'md',
            cell: (user) => (user.has_user_code ? <Badge tone="indigo">Set</Badge> : <span className="text-slate-500">—</span>),
          },
          {
            key: 'blocked',
            header: 'Access',
            hideBelow: 'md',
            cell: (user) => (user.blocked ? <Badge tone="red">Blocked</Badge> : <span className="text-slate-500">—</span>),
          },
          { key: 'created', header: 'Created', hideBelow: 'lg', cell: (user) => formatDate(user.created_at) },
        ]}
        empty={
          <EmptyState
            icon={<Users />}
            title={search ? 'No users match' : 'No users yet'}
            description={
              search
                ? 'Search by the beginning of an email address, or by a user’s exact sub.'
                : 'Create users one by one, or import them from a CSV or JSON file.'
            }
          />
        }
      />
    </>
  );
}
