import { Inbox, Send, ShieldBan, ShieldCheck, Smartphone, Trash2 } from 'lucide-react';
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
import { listAuthenticatorDevices, type AuthenticatorDeviceView } from '@/lib/admin/authenticator-devices';
import { getTenant } from '@/lib/admin/get-tenant';
import { getUser, type UserRecentRequest } from '@/lib/admin/get-user';
import { requireAdminPrincipal } from '@/lib/auth/require-admin';
import { getDb } from '@/lib/db/client';
import {
  clearUserCodeAction,
  deleteUserAction,
  revokeAuthenticatorAction,
  sendAuthenticatorLinkAction,
  setUserBlockedAction,
  setUserCodeAction,
  updateUserAction,
} from '../actions';

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
  const devices = await listAuthenticatorDevices(db, principal, { tenantSlug: tenant.slug, id: user.id });
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
        <Card
          title="Authenticators"
          description="Devices enrolled in the authenticator app: their passkey approves requests, push notifications reach them."
          actions={
            user.blocked ? null : (
              <ConfirmActionButton
                trigger={{ label: 'Send authenticator link', icon: <Send />, variant: 'secondary', size: 'sm' }}
                title={`Email ${user.email} an authenticator link?`}
                description="The link works once, for 24 hours, and enrols the authenticator app on the device it is opened on. Opening it proves the user controls this mailbox."
                confirmLabel="Send link"
                tone="primary"
                action={sendAuthenticatorLinkAction.bind(null, tenant.slug, user.id)}
              />
            )
          }
          flush
        >
          <DataTable
            embedded
            caption={`Authenticators of ${user.email}`}
            rows={devices}
            rowKey={(device) => device.id}
            columns={[
              { key: 'name', header: 'Device', cell: (device: AuthenticatorDeviceView) => device.name },
              { key: 'enrolled', header: 'Enrolled', cell: (device) => formatDateTime(device.created_at) },
              {
                key: 'used',
                header: 'Last used',
                hideBelow: 'md',
                cell: (device) =>
                  device.last_used_at ? formatDateTime(device.last_used_at) : <span className="text-slate-500">never</span>,
              },
              {
                key: 'push',
                header: 'Push',
                cell: (device) => <Badge tone={device.push ? 'green' : 'neutral'}>{device.push ? 'On' : 'Off'}</Badge>,
              },
              {
                key: 'revoke',
                header: <span className="sr-only">Actions</span>,
                cell: (device) => (
                  <ConfirmActionButton
                    trigger={{ label: 'Revoke', icon: <Trash2 />, variant: 'ghost', size: 'sm' }}
                    title={`Revoke ${device.name}?`}
                    description="Its passkey can no longer sign in to the app or approve requests, and its sessions end at once."
                    confirmLabel="Revoke"
                    action={revokeAuthenticatorAction.bind(null, tenant.slug, user.id, device.id)}
                  />
                ),
              },
            ]}
            empty={
              <EmptyState
                icon={<Smartphone />}
                title="No authenticator enrolled"
                description="Send an authenticator link: the user enrols the app on their phone with a passkey."
              />
            }
          />
        </Card>
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
