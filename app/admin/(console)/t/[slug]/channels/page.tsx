import type { Metadata } from 'next';
import { DevelopmentOutboxCard } from '@/components/console/development-outbox-card';
import { EmailChannelCard } from '@/components/console/email-channel-card';
import { NotBuiltNote } from '@/components/console/not-built-note';
import { orNotFound } from '@/components/console/or-not-found';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { Switch } from '@/components/ui/switch';
import { getTenant } from '@/lib/admin/get-tenant';
import { listDevelopmentEmails } from '@/lib/admin/list-development-emails';
import { requireAdminPrincipal } from '@/lib/auth/require-admin';
import { getDb } from '@/lib/db/client';
import { getEnv } from '@/lib/env';
import { sendTestEmailAction, updateEmailChannelAction } from './actions';

type Params = { params: Promise<{ slug: string }> };

export async function generateMetadata({ params }: Params): Promise<Metadata> {
  return { title: `Channels · ${(await params).slug}` };
}

export default async function ChannelsPage({ params }: Params) {
  const { slug } = await params;
  const principal = await requireAdminPrincipal();
  const db = getDb();
  const tenant = await orNotFound(getTenant(db, principal, { slug }));
  const { resendApiKey, resendBaseUrl, emailFrom } = getEnv();
  const provider = resendApiKey ? 'resend' : 'development_outbox';
  // Without an email provider, the approval emails printed in the server log, with their links.
  const developmentEmails =
    provider === 'development_outbox' ? await listDevelopmentEmails(db, principal, { tenantSlug: tenant.slug }) : null;

  return (
    <>
      <PageHeader title="Channels" description={`How ${tenant.name}'s users are asked to approve a request.`} />
      <div className="space-y-6">
        <EmailChannelCard
          tenantSlug={tenant.slug}
          enabled={tenant.email_channel_enabled}
          provider={provider}
          providerUrl={resendApiKey ? (resendBaseUrl ?? 'https://api.resend.com') : null}
          from={emailFrom}
          adminEmail={principal.email}
          updateAction={updateEmailChannelAction}
          testAction={sendTestEmailAction}
        />
        {developmentEmails ? <DevelopmentOutboxCard tenantSlug={tenant.slug} emails={developmentEmails} /> : null}
        <Card title="Push" description="Approval in the Backchannel authenticator app, by push notification.">
          <Switch
            label="Push channel on"
            description={<NotBuiltNote>The push authenticator is not built yet.</NotBuiltNote>}
            defaultChecked={tenant.push_channel_enabled}
            disabled
          />
        </Card>
      </div>
    </>
  );
}
