import { randomBytes } from 'node:crypto';
import type { Metadata } from 'next';
import { ClientAuthForm } from '@/components/console/client-auth-form';
import { clientSettingOptions } from '@/components/console/client-setting-options';
import { ClientSettingsForm } from '@/components/console/client-settings-form';
import { ConfirmActionButton } from '@/components/console/confirm-action-button';
import { formatDate } from '@/components/console/format';
import { orNotFound } from '@/components/console/or-not-found';
import { PageTrail } from '@/components/console/page-trail';
import { RotateSecretButton } from '@/components/console/rotate-secret-button';
import { TryItCard } from '@/components/console/try-it-card';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { CodeBlock } from '@/components/ui/code-block';
import { PageHeader } from '@/components/ui/page-header';
import { getClient } from '@/lib/admin/get-client';
import { getTenant } from '@/lib/admin/get-tenant';
import { requireAdminPrincipal } from '@/lib/auth/require-admin';
import { getDb } from '@/lib/db/client';
import { endpointsFor } from '@/lib/tenants/issuer';
import { authMethodShortName, isSecretAuthMethod } from '@/lib/clients/auth-method-kinds';
import { ShieldCheck, Trash2 } from 'lucide-react';
import { deleteApplicationAction, rotateSecretAction, updateApplicationAction, updateApplicationAuthAction } from '../actions';
import { pollTryItAction, searchTryItUsersAction, startTryItAction } from './actions';

type Params = { params: Promise<{ slug: string; clientId: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  const { slug, clientId } = await params;

  return { title: `Application ${clientId.slice(0, 8)}… · ${slug}` };
}

export default async function ApplicationPage({ params }: Params) {
  const { slug, clientId } = await params;
  const principal = await requireAdminPrincipal();
  const db = getDb();
  const tenant = await orNotFound(getTenant(db, principal, { slug }));
  const client = await orNotFound(getClient(db, principal, { tenantSlug: slug, clientId: decodeURIComponent(clientId) }));
  const endpoints = endpointsFor(tenant.slug);
  const applicationsHref = `/admin/t/${encodeURIComponent(tenant.slug)}/applications`;
  const options = clientSettingOptions();
  // rotateClientSecret refuses a client without a secret: the button is offered only to secret methods.
  const hasSecret = isSecretAuthMethod(client.token_endpoint_auth_method);

  return (
    <>
      <PageTrail items={[{ label: 'Applications', href: applicationsHref }, { label: client.client_name }]} />
      <PageHeader
        title={client.client_name}
        meta={
          <>
            <Badge tone={client.grant_types.length > 0 ? 'green' : 'red'}>
              {client.grant_types.length > 0 ? `CIBA · ${client.backchannel_token_delivery_mode}` : 'No grant'}
            </Badge>
            <Badge tone="indigo">{authMethodShortName(client.token_endpoint_auth_method)}</Badge>
            {client.fapi_ciba ? (
              <Badge tone="violet">
                <ShieldCheck className="size-3.5" aria-hidden="true" /> FAPI-CIBA
              </Badge>
            ) : null}
            <span>Created {formatDate(new Date(client.client_id_issued_at * 1000))}</span>
          </>
        }
        actions={
          <>
            {hasSecret ? (
              <RotateSecretButton tenantSlug={tenant.slug} clientId={client.client_id} action={rotateSecretAction} />
            ) : null}
            <ConfirmActionButton
              trigger={{ label: 'Delete', icon: <Trash2 />, variant: 'danger' }}
              title={`Delete ${client.client_name}?`}
              description="Its pending requests are deleted with it and it can no longer authenticate. This cannot be undone."
              confirmLabel="Delete application"
              confirmationText={client.client_name}
              action={deleteApplicationAction.bind(null, tenant.slug, client.client_id)}
              redirectTo={applicationsHref}
            />
          </>
        }
      />
      <div className="space-y-6">
        <Card
          title="Credentials"
          description={
            hasSecret
              ? 'The secret is shown only when it is created or rotated.'
              : 'This application has no secret: it authenticates with its keys or certificate (see Client authentication).'
          }
        >
          <div className="grid gap-4 lg:grid-cols-2">
            <CodeBlock title="Client ID" code={client.client_id} />
            <CodeBlock title="Backchannel authentication endpoint" code={endpoints.backchannelAuthentication} />
            <CodeBlock title="Token endpoint" code={endpoints.token} />
            <CodeBlock title="Discovery URL" code={endpoints.discovery} />
          </div>
        </Card>
        <ClientAuthForm action={updateApplicationAuthAction} tenantSlug={tenant.slug} client={client} options={options} />
        <TryItCard
          tenantSlug={tenant.slug}
          clientId={client.client_id}
          clientName={client.client_name}
          defaultExpiry={client.default_requested_expiry}
          suggestedBindingMessage={`TRY ${randomBytes(2).toString('hex').toUpperCase()}`}
          searchUsersAction={searchTryItUsersAction}
          startAction={startTryItAction}
          pollAction={pollTryItAction}
        />
        <ClientSettingsForm action={updateApplicationAction} tenantSlug={tenant.slug} client={client} options={options} />
      </div>
    </>
  );
}
