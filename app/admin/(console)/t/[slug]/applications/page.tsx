import { AppWindow, ShieldCheck } from 'lucide-react';
import type { Metadata } from 'next';
import { clientSettingOptions } from '@/components/console/client-setting-options';
import { CreateApplicationDialog } from '@/components/console/create-application-dialog';
import { formatDate } from '@/components/console/format';
import { orNotFound } from '@/components/console/or-not-found';
import { Badge } from '@/components/ui/badge';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import type { ClientView } from '@/lib/admin/client-view';
import { getTenant } from '@/lib/admin/get-tenant';
import { authMethodShortName } from '@/lib/clients/auth-method-kinds';
import { listClients } from '@/lib/admin/list-clients';
import { requireAdminPrincipal } from '@/lib/auth/require-admin';
import { getDb } from '@/lib/db/client';
import { createApplicationAction } from './actions';

type Params = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: `Applications · ${(await params).slug}` };
}

export default async function ApplicationsPage({ params }: Params) {
  const { slug } = await params;
  const principal = await requireAdminPrincipal();
  const db = getDb();
  const tenant = await orNotFound(getTenant(db, principal, { slug }));
  const clients = await listClients(db, principal, { tenantSlug: slug });
  const options = clientSettingOptions();
  const create = (
    <CreateApplicationDialog
      tenantSlug={tenant.slug}
      action={createApplicationAction}
      authMethods={options.authMethods}
      bindingMessagePolicies={options.bindingMessagePolicies}
      defaultBindingMessagePolicy={tenant.binding_message_policy}
    />
  );

  return (
    <>
      <PageHeader
        title="Applications"
        description={`The OAuth clients that start backchannel authentication requests at ${tenant.name}.`}
        actions={create}
      />
      <DataTable
        caption={`Applications of ${tenant.name}`}
        rows={clients}
        rowKey={(client) => client.client_id}
        rowHref={(client) => `/admin/t/${encodeURIComponent(tenant.slug)}/applications/${encodeURIComponent(client.client_id)}`}
        columns={[
          { key: 'name', header: 'Name', cell: (client: ClientView) => client.client_name },
          {
            key: 'client_id',
            header: 'Client ID',
            cell: (client) => <span className="font-mono text-xs">{client.client_id}</span>,
          },
          {
            key: 'auth',
            header: 'Authentication',
            hideBelow: 'md',
            cell: (client) => (
              <span className="inline-flex flex-wrap items-center gap-1.5">
                <span title={client.token_endpoint_auth_method}>{authMethodShortName(client.token_endpoint_auth_method)}</span>
                {client.fapi_ciba ? (
                  <Badge tone="violet">
                    <ShieldCheck className="size-3.5" aria-hidden="true" /> FAPI-CIBA
                  </Badge>
                ) : null}
              </span>
            ),
          },
          {
            key: 'grants',
            header: 'Grant',
            hideBelow: 'sm',
            cell: (client) =>
              client.grant_types.length === 0 ? (
                <Badge tone="red">No grant</Badge>
              ) : (
                <Badge tone="green">CIBA · {client.backchannel_token_delivery_mode}</Badge>
              ),
          },
          {
            key: 'created',
            header: 'Created',
            hideBelow: 'lg',
            cell: (client) => formatDate(new Date(client.client_id_issued_at * 1000)),
          },
        ]}
        empty={
          <EmptyState
            icon={<AppWindow />}
            title="No applications yet"
            description="Create an application to get a client ID (and a secret, or register its keys or certificate), then start requests at the backchannel endpoint."
            action={create}
          />
        }
      />
    </>
  );
}
