import { KeyRound, RefreshCw } from 'lucide-react';
import type { Metadata } from 'next';
import { ConfirmActionButton } from '@/components/console/confirm-action-button';
import { formatDateTime } from '@/components/console/format';
import { orNotFound } from '@/components/console/or-not-found';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { DataTable } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { getTenant } from '@/lib/admin/get-tenant';
import { listSigningKeys } from '@/lib/admin/list-signing-keys';
import type { SigningKeyView } from '@/lib/admin/signing-key-view';
import { requireAdminPrincipal } from '@/lib/auth/require-admin';
import { getDb } from '@/lib/db/client';
import { SIGNING_ALGS } from '@/lib/oauth/signing-keys';
import { endpointsFor } from '@/lib/tenants/issuer';
import { retireSigningKeyAction, rotateSigningKeyAction } from './actions';

type Params = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: `Signing keys · ${(await params).slug}` };
}

function KeyStatus({ signingKey }: { signingKey: SigningKeyView }) {
  if (signingKey.status === 'retired') return <Badge>Retired</Badge>;
  if (signingKey.status === 'retiring') return <Badge tone="amber">Retiring</Badge>;

  return signingKey.signing ? (
    <Badge tone="green" dot>
      Signing
    </Badge>
  ) : (
    <Badge tone="sky">Published</Badge>
  );
}

export default async function SigningKeysPage({ params }: Params) {
  const { slug } = await params;
  const principal = await requireAdminPrincipal();
  const db = getDb();
  const tenant = await orNotFound(getTenant(db, principal, { slug }));
  const keys = await listSigningKeys(db, principal, { tenantSlug: slug });

  return (
    <>
      <PageHeader
        title="Signing keys"
        description={
          <>
            The keys that sign this tenant&apos;s ID tokens, published at{' '}
            <span className="font-mono text-xs break-all">{endpointsFor(tenant.slug).jwks}</span>. A new key is published before
            it signs; a retired one stays published until the tokens it signed have expired.
          </>
        }
      />
      <div className="space-y-6">
        {SIGNING_ALGS.map((alg) => {
          const ofAlg = keys.filter((key) => key.alg === alg);

          return (
            <Card
              key={alg}
              title={alg}
              flush
              actions={
                <ConfirmActionButton
                  trigger={{ label: `Rotate ${alg}`, icon: <RefreshCw />, variant: 'secondary', size: 'sm' }}
                  title={`Rotate the ${alg} key?`}
                  description="A new key is published in the JWKS now and starts signing once clients have had time to fetch it; the current key keeps signing until then. Retire the old key afterwards."
                  confirmLabel="Rotate key"
                  tone="primary"
                  action={rotateSigningKeyAction.bind(null, tenant.slug, alg)}
                />
              }
            >
              <DataTable
                embedded
                caption={`${alg} signing keys`}
                rows={ofAlg}
                rowKey={(key) => key.kid}
                columns={[
                  {
                    key: 'kid',
                    header: 'Key ID (kid)',
                    cell: (key: SigningKeyView) => <span className="font-mono text-xs">{key.kid}</span>,
                  },
                  { key: 'status', header: 'Status', cell: (key) => <KeyStatus signingKey={key} /> },
                  { key: 'created', header: 'Created', hideBelow: 'md', cell: (key) => formatDateTime(key.created_at) },
                  {
                    key: 'until',
                    header: 'Published until',
                    hideBelow: 'lg',
                    cell: (key) => (key.published_until ? formatDateTime(key.published_until) : '—'),
                  },
                  {
                    key: 'actions',
                    header: <span className="sr-only">Actions</span>,
                    align: 'right',
                    cell: (key) =>
                      key.status === 'active' ? (
                        <ConfirmActionButton
                          trigger={{ label: 'Retire', variant: 'ghost', size: 'sm' }}
                          title={`Retire key ${key.kid}?`}
                          description="It stops signing at once and leaves the JWKS once the tokens it signed have expired. The last key of an algorithm, or a signing key whose successor is not published long enough yet, cannot be retired."
                          confirmLabel="Retire key"
                          action={retireSigningKeyAction.bind(null, tenant.slug, key.kid)}
                        />
                      ) : null,
                  },
                ]}
                empty={<EmptyState icon={<KeyRound />} title={`No ${alg} key`} description={`Rotate to create a ${alg} key.`} />}
              />
            </Card>
          );
        })}
      </div>
    </>
  );
}
