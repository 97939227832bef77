import { Building2 } from 'lucide-react';
import type { Metadata } from 'next';
import { CreateTenantDialog } from '@/components/console/create-tenant-dialog';
import { formatDate } from '@/components/console/format';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { listTenants, type TenantSummary } from '@/lib/admin/list-tenants';
import { isOwnerLike } from '@/lib/auth/principal';
import { requireAdminPrincipal } from '@/lib/auth/require-admin';
import { getDb } from '@/lib/db/client';
import { createTenantAction } from './actions';

export const metadata: Metadata = { title: 'Tenants' };

export default async function TenantsPage() {
  const principal = await requireAdminPrincipal();
  const tenants = await listTenants(getDb(), principal);
  const isOwner = isOwnerLike(principal);
  const create = isOwner ? <CreateTenantDialog action={createTenantAction} /> : null;

  return (
    <>
      <PageHeader
        title="Tenants"
        description="Each tenant is its own OpenID Provider with its own issuer, applications, users and signing keys."
        actions={create}
      />
      <DataTable
        caption="Tenants"
        rows={tenants}
        rowKey={(tenant) => tenant.id}
        rowHref={(tenant) => `/admin/t/${encodeURIComponent(tenant.slug)}`}
        columns={[
          { key: 'name', header: 'Name', cell: (tenant: TenantSummary) => tenant.name },
          { key: 'slug', header: 'Slug', cell: (tenant) => <span className="font-mono text-xs">{tenant.slug}</span> },
          {
            key: 'issuer',
            header: 'Issuer',
            hideBelow: 'md',
            cell: (tenant) => <span className="font-mono text-xs break-all">{tenant.issuer}</span>,
          },
          { key: 'created', header: 'Created', hideBelow: 'sm', cell: (tenant) => formatDate(tenant.createdAt) },
        ]}
        empty={
          <EmptyState
            icon={<Building2 />}
            title={isOwner ? 'No tenants yet' : 'No tenants for you yet'}
            description={
              isOwner
                ? 'Create a tenant to get an issuer, then add applications and users to it.'
                : 'You are not a member of any tenant. Ask an owner to add you to one.'
            }
            action={create}
          />
        }
      />
    </>
  );
}
