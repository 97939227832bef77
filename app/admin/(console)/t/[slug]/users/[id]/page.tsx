import { Inbox, ShieldBan, ShieldCheck, Trash2 } from 'lucide-react';
import type { Metadata } from 'next';
import { ConfirmActionButton } from '@/components/console/confirm-action-button';
import { formatDate, formatDateTime } from '@/components/console/format';
import { orNotFound } from '@/components/console/or-not-found';
import { PageTrail } from '@/components/console/page-trail';
import { UserCodeForm } from '@/components/console/user-code-form';
import { UserProfileForm } from '@/components/console/user-profile-form';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { StatusBadge } from '@/components/ui/status-badge';
import { getTenant } from '@/lib/admin/get-tenant';
import { getUser, type UserRecentRequest } from '@/lib/admin/get-user';
import { requireAdminPrincipal } from '@/lib/auth/require-admin';
import { getDb } from '@/lib/db/client';
import { clearUserCodeAction, deleteUserAction, setUserBlockedAction, setUserCodeAction, updateUserAction } from '../actions';

type Params = { params: Promise<{ slug: string; id: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { slug, id } = await params;

  return { title: `User ${id.slice(0, 8)}… · ${slug}` };
}

export default async function UserPage({ params }: Params) {
  const { slug, id } = await params;
  const principal = await requireAdminPrincipal();
  const db = getDb();
  const tenant = await orNotFound(getTenant(db, principal, { slug }));
  const user = await orNotFound(getUser(db, principal, { tenantSlug: slug, id: decodeURIComponent(id) }));
  const base = `/admin/t/${encodeURIComponent(tenant.slug)}`;

  return (
    <>
      <PageTrail items={[{ label: 'Users', href: `${base}/users` }, { label: user.email }]} />
      <PageHeader
        title={user.name ?? user.email}
        meta={
          <>
            <span>
              sub <span className="font-mono text-xs text-slate-800 dark:text-slate-200">{user.sub}</span>
            </span>
            <span>Created {formatDate(user.created_at)}</span>
            {user.blocked ? <Badge tone="red">Blocked</Badge> : null}
          </>
        }
        actions={
          <>
            {user.blocked ? (
              <ConfirmActionButton
                trigger={{ label: 'Unblock user', icon: <ShieldCheck />, variant: 'secondary' }}
                title={`Unblock ${user.email}?`}
                description="Clients can start requests for this user again."
                confirmLabel="Unblock user"
                action={setUserBlockedAction.bind(null, tenant.slug, user.id, false)}
              />
            ) : (
              <ConfirmActionButton
                trigger={{ label: 'Block user', icon: <ShieldBan />, variant: 'secondary' }}
                title={`Block ${user.email}?`}
                description="Clients can no longer start requests for this user (they are told the user is unknown), the user's unfinished requests are cancelled, and no tokens are issued for them, even for a request already approved."
                confirmLabel="Block user"
                action={setUserBlockedAction.bind(null, tenant.slug, user.id, true)}
              />
            )}
            <ConfirmActionButton
              trigger={{ label: 'Delete user', icon: <Trash2 />, variant: 'danger' }}
              title={`Delete ${user.email}?`}
              description="The user and their requests are deleted. Clients can no longer start requests for this address. This cannot be undone."
              confirmLabel="Delete user"
              confirmationText={user.email}
              action={deleteUserAction.bind(null, tenant.slug, user.id)}
              redirectTo={`${base}/users`}
            />
          </>
        }
      />
      <div className="space-y-6">
        <UserProfileForm action={updateUserAction} tenantSlug={tenant.slug} user={user} />
        <UserCodeForm
          action={setUserCodeAction}
          tenantSlug={tenant.slug}
          userId={user.id}
          hasUserCode={user.has_user_code}
          lockedUntil={user.user_code_locked_until}
          clearButton={
            <ConfirmActionButton
              trigger={{ label: 'Clear code', variant: 'secondary' }}
              title="Clear the user code?"
              description="Requests that carry a user_code for this user are then refused until a new code is set."
              confirmLabel="Clear code"
              action={clearUserCodeAction.bind(null, tenant.slug, user.id)}
            />
          }
        />
        <Card title="Recent requests" description="The latest backchannel authentication requests for this user." flush>
          <DataTable
            embedded
            caption={`Recent requests of ${user.email}`}
            rows={user.recent_requests}
            rowKey={(request) => request.id}
            rowHref={(request) => `${base}/requests/${encodeURIComponent(request.id)}`}
            columns={[
              { key: 'created', header: 'Started', cell: (request: UserRecentRequest) => formatDateTime(request.created_at) },
              { key: 'client', header: 'Application', cell: (request) => request.client_name },
              { key: 'status', header: 'Status', cell: (request) => <StatusBadge status={request.status} /> },
              {
                key: 'binding',
                header: 'Binding message',
                hideBelow: 'md',
                cell: (request) => request.binding_message ?? <span className="text-slate-500">—</span>,
              },
            ]}
            empty={
              <EmptyState
                icon={<Inbox />}
                title="No requests yet"
                description="Requests appear here once a client starts one for this user."
              />
            }
          />
        </Card>
      </div>
    </>
  );
}
