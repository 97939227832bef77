import { Ticket } from 'lucide-react';
import type { Metadata } from 'next';
import { ConfirmActionButton } from '@/components/console/confirm-action-button';
import { CreateInitialAccessTokenDialog } from '@/components/console/create-initial-access-token-dialog';
import { formatDateTime } from '@/components/console/format';
import { orNotFound } from '@/components/console/or-not-found';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { getTenant } from '@/lib/admin/get-tenant';
import type { InitialAccessTokenStatus, InitialAccessTokenView } from '@/lib/admin/initial-access-token-view';
import { listInitialAccessTokens } from '@/lib/admin/list-initial-access-tokens';
import { requireAdminPrincipal } from '@/lib/auth/require-admin';
import { getDb } from '@/lib/db/client';
import { endpointsFor } from '@/lib/tenants/issuer';
import { createInitialAccessTokenAction, revokeInitialAccessTokenAction } from './actions';

type Params = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: `Dynamic registration · ${(await params).slug}` };
}

const STATUS_TONES: Record<InitialAccessTokenStatus, 'green' | 'red' | 'neutral'> = {
  active: 'green',
  expired: 'neutral',
  used_up: 'neutral',
  revoked: 'red',
};

const STATUS_LABELS: Record<InitialAccessTokenStatus, string> = {
  active: 'Active',
  expired: 'Expired',
  used_up: 'Used up',
  revoked: 'Revoked',
};

export default async function DynamicRegistrationPage({ params }: Params) {
  const { slug } = await params;
  const principal = await requireAdminPrincipal();
  const db = getDb();
  const tenant = await orNotFound(getTenant(db, principal, { slug }));
  const tokens = await listInitialAccessTokens(db, principal, { tenantSlug: slug });

  return (
    <>
      <PageHeader
        title="Dynamic registration"
        description={
          <>
            Clients register themselves at{' '}
            <span className="font-mono text-xs break-all">{endpointsFor(tenant.slug).registration}</span> (RFC 7591) with an
            initial access token, and then manage their registration with the registration access token they get back.{' '}
            {tenant.dynamic_registration ? (
              <Badge tone="green">On</Badge>
            ) : (
              <>
                <Badge tone="neutral">Off</Badge> Turn it on in the{' '}
                <a className="underline" href={`/admin/t/${encodeURIComponent(tenant.slug)}`}>
                  tenant’s settings
                </a>
                .
              </>
            )}
          </>
        }
        actions={<CreateInitialAccessTokenDialog tenantSlug={tenant.slug} action={createInitialAccessTokenAction} />}
      />
      <Card flush>
        <DataTable
          embedded
          caption="Initial access tokens"
          rows={tokens}
          rowKey={(token) => token.id}
          columns={[
            { key: 'name', header: 'Name', cell: (token: InitialAccessTokenView) => token.name },
            {
              key: 'status',
              header: 'Status',
              cell: (token) => <Badge tone={STATUS_TONES[token.status]}>{STATUS_LABELS[token.status]}</Badge>,
            },
            {
              key: 'uses',
              header: 'Registrations left',
              hideBelow: 'sm',
              cell: (token) => (token.uses_left === null ? 'No limit' : String(token.uses_left)),
            },
            {
              key: 'expires',
              header: 'Expires',
              hideBelow: 'md',
              cell: (token) => (token.expires_at === null ? 'Never' : formatDateTime(token.expires_at)),
            },
            { key: 'created', header: 'Created', hideBelow: 'lg', cell: (token) => formatDateTime(token.created_at) },
            {
              key: 'actions',
              header: <span className="sr-only">Actions</span>,
              align: 'right',
              cell: (token) =>
                token.status === 'revoked' ? null : (
                  <ConfirmActionButton
                    trigger={{ label: 'Revoke', variant: 'ghost', size: 'sm' }}
                    title={`Revoke ${token.name}?`}
                    description="It registers nothing from the next request on. Clients it registered stay registered."
                    confirmLabel="Revoke token"
                    action={revokeInitialAccessTokenAction.bind(null, tenant.slug, token.id)}
                  />
                ),
            },
          ]}
          empty={
            <EmptyState
              icon={<Ticket />}
              title="No initial access tokens"
              description="Create one and hand it to the party that will register its clients."
            />
          }
        />
      </Card>
    </>
  );
}
