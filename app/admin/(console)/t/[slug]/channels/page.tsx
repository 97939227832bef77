import type { Metadata } from 'next';
import { EmailChannelCard } from '@/components/console/email-channel-card';
import { NotBuiltNote } from '@/components/console/not-built-note';
import { orNotFound } from '@/components/console/or-not-found';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { Switch } from '@/components/ui/switch';
import { getTenant } from '@/lib/admin/get-tenant';
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
  const tenant = await orNotFound(getTenant(getDb(), principal, { slug }));
  const { resendApiKey, resendBaseUrl, emailFrom } = getEnv();

  return (
    <>
      <PageHeader title="Channels" description={`How ${tenant.name}'s users are asked to approve a request.`} />
      <div className="space-y-6">
        <EmailChannelCard
          tenantSlug={tenant.slug}
          enabled={tenant.email_channel_enabled}
          provider={resendApiKey ? 'resend' : 'development_outbox'}
          providerUrl={resendApiKey ? (resendBaseUrl ?? 'https://api.resend.com') : null}
          from={emailFrom}
          adminEmail={principal.email}
          updateAction={updateEmailChannelAction}
          testAction={sendTestEmailAction}
        />
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
