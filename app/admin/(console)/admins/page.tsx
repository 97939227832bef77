import { KeyRound, ShieldCheck, Trash2 } from 'lucide-react';
import type { Metadata } from 'next';
import { EditAdminDialog, InviteAdminDialog } from '@/components/console/admin-dialogs';
import { ConfirmActionButton } from '@/components/console/confirm-action-button';
import { CreateApiKeyDialog } from '@/components/console/create-api-key-dialog';
import { formatDate } from '@/components/console/format';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import type { AdminView } from '@/lib/admin/admin-view';
import { listAdmins } from '@/lib/admin/list-admins';
import { listApiKeys, type ApiKeyView } from '@/lib/admin/list-api-keys';
import { listTenants } from '@/lib/admin/list-tenants';
import { isOwnerLike } from '@/lib/auth/principal';
import { requireAdminPrincipal } from '@/lib/auth/require-admin';
import { getDb } from '@/lib/db/client';
import { createApiKeyAction, inviteAdminAction, removeAdminAction, revokeApiKeyAction, updateAdminAction } from './actions';

export const metadata: Metadata = { title: 'Admins & API keys' };

/** Keys listed on the page (oldest first); the Management API pages through more. */
const API_KEYS_SHOWN = 200;

export default async function AdminsPage() {
  const principal = await requireAdminPrincipal();
  const db = getDb();
  const isOwner = isOwnerLike(principal);
  const [tenants, admins, apiKeys] = await Promise.all([
    listTenants(db, principal),
    isOwner ? listAdmins(db, principal) : Promise.resolve(null),
    listApiKeys(db, principal, { take: API_KEYS_SHOWN }),
  ]);
  const tenantChoices = tenants.map(({ slug, name }) => ({ slug, name }));

  return (
    <>
      <PageHeader
        title="Admins & API keys"
        description="Who may use this console, and the keys scripts use for the Management API (/api/v1)."
        actions={isOwner ? <InviteAdminDialog action={inviteAdminAction} tenants={tenantChoices} /> : null}
      />
      <div className="space-y-6">
        {admins ? (
          <Card title="Administrators" description="Owners reach everything; tenant admins only their tenants." flush>
            <DataTable
              embedded
              caption="Administrators"
              rows={admins}
              rowKey={(admin) => admin.id}
              columns={[
                { key: 'email', header: 'Email', cell: (admin: AdminView) => admin.email },
                {
                  key: 'role',
                  header: 'Role',
                  cell: (admin) => (admin.role === 'owner' ? <Badge tone="violet">Owner</Badge> : <Badge>Tenant admin</Badge>),
                },
                {
                  key: 'tenants',
                  header: 'Tenants',
                  hideBelow: 'md',
                  cell: (admin) =>
                    admin.role === 'owner' ? (
                      <span className="text-slate-600 dark:text-slate-400">All</span>
                    ) : admin.tenants.length > 0 ? (
                      <span className="font-mono text-xs">{admin.tenants.join(', ')}</span>
                    ) : (
                      <span className="text-slate-600 dark:text-slate-400">None</span>
                    ),
                },
                {
                  key: 'signed-in',
                  header: 'Signed in',
                  hideBelow: 'lg',
                  cell: (admin) =>
                    admin.email_verified ? 'Yes' : <span className="text-slate-600 dark:text-slate-400">Not yet</span>,
                },
                {
                  key: 'actions',
                  header: <span className="sr-only">Actions</span>,
                  align: 'right',
                  cell: (admin) => (
                    <div className="flex justify-end gap-1">
                      <EditAdminDialog action={updateAdminAction} tenants={tenantChoices} admin={admin} />
                      {admin.id === principal.id ? null : (
                        <ConfirmActionButton
                          trigger={{ label: 'Remove', icon: <Trash2 />, variant: 'ghost', size: 'sm' }}
                          title={`Remove ${admin.email}?`}
                          description="They are signed out everywhere and can no longer sign in. The last owner cannot be removed."
                          confirmLabel="Remove admin"
                          action={removeAdminAction.bind(null, admin.id)}
                        />
                      )}
                    </div>
                  ),
                },
              ]}
              empty={<EmptyState icon={<ShieldCheck />} title="No administrators" description="Invite one." />}
            />
          </Card>
        ) : (
          <Card title="Administrators">
            <p className="text-sm text-slate-600 dark:text-slate-400">Only owners invite and manage administrators.</p>
          </Card>
        )}
        <Card
          title="Management API keys"
          description="A key is shown once when it is created; only its hash is kept."
          flush
          actions={<CreateApiKeyDialog action={createApiKeyAction} tenants={tenantChoices} mayCreateAllTenantKeys={isOwner} />}
        >
          <DataTable
            embedded
            caption="Management API keys"
            rows={apiKeys}
            rowKey={(key) => key.id}
            columns={[
              { key: 'name', header: 'Name', cell: (key: ApiKeyView) => key.name },
              { key: 'prefix', header: 'Key', cell: (key) => <span className="font-mono text-xs">{key.prefix}…</span> },
              {
                key: 'tenant',
                header: 'Reaches',
                hideBelow: 'sm',
                cell: (key) =>
                  key.tenant ? (
                    <span className="font-mono text-xs">{key.tenant}</span>
                  ) : (
                    <Badge tone="violet">Every tenant</Badge>
                  ),
              },
              { key: 'created', header: 'Created', hideBelow: 'md', cell: (key) => formatDate(key.created_at) },
              {
                key: 'used',
                header: 'Last used',
                hideBelow: 'lg',
                cell: (key) =>
                  key.last_used_at ? (
                    formatDate(key.last_used_at)
                  ) : (
                    <span className="text-slate-600 dark:text-slate-400">Never</span>
                  ),
              },
              {
                key: 'status',
                header: 'Status',
                cell: (key) =>
                  key.revoked_at ? (
                    <Badge tone="red">Revoked {formatDate(key.revoked_at)}</Badge>
                  ) : (
                    <Badge tone="green">Active</Badge>
                  ),
              },
              {
                key: 'actions',
                header: <span className="sr-only">Actions</span>,
                align: 'right',
                cell: (key) =>
                  key.revoked_at ? null : (
                    <ConfirmActionButton
                      trigger={{ label: 'Revoke', variant: 'ghost', size: 'sm' }}
                      title={`Revoke ${key.name}?`}
                      description="Every request made with it is refused from now on. This cannot be undone."
                      confirmLabel="Revoke key"
                      action={revokeApiKeyAction.bind(null, key.id)}
                    />
                  ),
              },
            ]}
            empty={
              <EmptyState
                icon={<KeyRound />}
                title="No API keys yet"
                description="Create a key to automate with the Management API."
              />
            }
          />
        </Card>
      </div>
    </>
  );
}
