import { ListChecks, Trash2 } from 'lucide-react';
import type { Metadata } from 'next';
import { AuthorizationTypeDialog } from '@/components/console/authorization-type-dialog';
import { ConfirmActionButton } from '@/components/console/confirm-action-button';
import { formatDate } from '@/components/console/format';
import { orNotFound } from '@/components/console/or-not-found';
import { Badge } from '@/components/ui/badge';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import type { AuthorizationTypeView } from '@/lib/admin/authorization-type-view';
import { getTenant } from '@/lib/admin/get-tenant';
import { listAuthorizationTypes } from '@/lib/admin/list-authorization-types';
import { requireAdminPrincipal } from '@/lib/auth/require-admin';
import { getDb } from '@/lib/db/client';
import { createAuthorizationTypeAction, deleteAuthorizationTypeAction, updateAuthorizationTypeAction } from './actions';

type Params = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: `Authorization types · ${(await params).slug}` };
}

export default async function AuthorizationTypesPage({ params }: Params) {
  const { slug } = await params;
  const principal = await requireAdminPrincipal();
  const db = getDb();
  const tenant = await orNotFound(getTenant(db, principal, { slug }));
  const types = await listAuthorizationTypes(db, principal, { tenantSlug: slug });
  const create = <AuthorizationTypeDialog tenantSlug={tenant.slug} action={createAuthorizationTypeAction} />;

  return (
    <>
      <PageHeader
        title="Authorization types"
        description={`What applications of ${tenant.name} may ask users to authorize in authorization_details (RFC 9396), item by item.`}
        actions={create}
      />
      <DataTable
        caption={`Authorization types of ${tenant.name}`}
        rows={types}
        rowKey={(view) => view.type}
        columns={[
          {
            key: 'type',
            header: 'Type',
            cell: (view: AuthorizationTypeView) => <span className="font-mono text-xs">{view.type}</span>,
          },
          { key: 'title', header: 'Title', hideBelow: 'sm', cell: (view) => view.title ?? '—' },
          {
            key: 'partial',
            header: 'Approval',
            hideBelow: 'md',
            cell: (view) =>
              view.partial_approval ? <Badge tone="green">Item by item</Badge> : <Badge tone="neutral">Whole request</Badge>,
          },
          {
            key: 'template',
            header: 'Display',
            hideBelow: 'lg',
            cell: (view) => (view.template ? `${view.template.fields.length} field(s)` : 'Generic'),
          },
          { key: 'updated', header: 'Changed', hideBelow: 'lg', cell: (view) => formatDate(new Date(view.updated_at)) },
          {
            key: 'actions',
            header: <span className="sr-only">Actions</span>,
            cell: (view) => (
              <div className="flex justify-end gap-2">
                <AuthorizationTypeDialog
                  tenantSlug={tenant.slug}
                  action={updateAuthorizationTypeAction}
                  current={{
                    type: view.type,
                    title: view.title,
                    partial_approval: view.partial_approval,
                    schema: view.schema,
                    template: view.template,
                  }}
                />
                <ConfirmActionButton
                  trigger={{ label: 'Delete', icon: <Trash2 />, variant: 'secondary', size: 'sm' }}
                  title={`Delete ${view.type}?`}
                  description="Requests with items of this type are refused from now on, even from applications that still list it."
                  confirmLabel="Delete type"
                  tone="danger"
                  action={deleteAuthorizationTypeAction.bind(null, tenant.slug, view.type)}
                />
              </div>
            ),
          },
        ]}
        empty={
          <EmptyState
            icon={<ListChecks />}
            title="No authorization types yet"
            description="Define a type (a JSON Schema and how to show it), then list it on an application so it can request it."
            action={create}
          />
        }
      />
    </>
  );
}
