import { BadgeCheck } from 'lucide-react';
import type { Metadata } from 'next';
import { AddTrustedIssuerDialog } from '@/components/console/add-trusted-issuer-dialog';
import { ConfirmActionButton } from '@/components/console/confirm-action-button';
import { formatDateTime } from '@/components/console/format';
import { orNotFound } from '@/components/console/or-not-found';
import { Card } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { getTenant } from '@/lib/admin/get-tenant';
import { listTrustedIssuers } from '@/lib/admin/list-trusted-issuers';
import type { TrustedIssuerView } from '@/lib/admin/trusted-issuer-view';
import { requireAdminPrincipal } from '@/lib/auth/require-admin';
import { getDb } from '@/lib/db/client';
import { addTrustedIssuerAction, removeTrustedIssuerAction } from './actions';

type Params = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: `Trusted issuers · ${(await params).slug}` };
}

export default async function TrustedIssuersPage({ params }: Params) {
  const { slug } = await params;
  const principal = await requireAdminPrincipal();
  const db = getDb();
  const tenant = await orNotFound(getTenant(db, principal, { slug }));
  const issuers = await listTrustedIssuers(db, principal, { tenantSlug: slug });

  return (
    <>
      <PageHeader
        title="Trusted issuers"
        description={
          <>
            Issuers whose signed JWTs {tenant.name} accepts: an <span className="font-mono text-xs">actor_token</span> at
            bc-authorize naming the agent that acts for the user. Its name is shown on the approval page and the tokens carry it
            as <span className="font-mono text-xs">act</span>.
          </>
        }
        actions={<AddTrustedIssuerDialog tenantSlug={tenant.slug} action={addTrustedIssuerAction} />}
      />
      <Card flush>
        <DataTable
          embedded
          caption="Trusted issuers"
          rows={issuers}
          rowKey={(issuer) => issuer.id}
          columns={[
            {
              key: 'issuer',
              header: 'Issuer',
              cell: (issuer: TrustedIssuerView) => <span className="font-mono text-xs break-all">{issuer.issuer}</span>,
            },
            {
              key: 'keys',
              header: 'Keys',
              cell: (issuer) =>
                issuer.jwks_uri ? (
                  <span className="font-mono text-xs break-all">{issuer.jwks_uri}</span>
                ) : (
                  `${issuer.jwks?.keys.length ?? 0} inline ${issuer.jwks?.keys.length === 1 ? 'key' : 'keys'}`
                ),
            },
            { key: 'added', header: 'Added', hideBelow: 'md', cell: (issuer) => formatDateTime(issuer.created_at) },
            {
              key: 'actions',
              header: <span className="sr-only">Actions</span>,
              align: 'right',
              cell: (issuer) => (
                <ConfirmActionButton
                  trigger={{ label: 'Remove', variant: 'ghost', size: 'sm' }}
                  title={`Stop trusting ${issuer.issuer}?`}
                  description="Its tokens are refused from the next request on. Requests already made keep their agent."
                  confirmLabel="Remove issuer"
                  action={removeTrustedIssuerAction.bind(null, tenant.slug, issuer.id)}
                />
              ),
            },
          ]}
          empty={
            <EmptyState
              icon={<BadgeCheck />}
              title="No trusted issuers"
              description="Add one to accept actor_token JWTs it signs."
            />
          }
        />
      </Card>
    </>
  );
}
