import type { Metadata } from 'next';
import { DevelopmentOutboxCard } from '@/components/console/development-outbox-card';
import { EmailChannelCard } from '@/components/console/email-channel-card';
import { NotificationChannelsCard } from '@/components/console/notification-channels-card';
import { orNotFound } from '@/components/console/or-not-found';
import { PageHeader } from '@/components/ui/page-header';
import { getTenant } from '@/lib/admin/get-tenant';
import { listDevelopmentEmails } from '@/lib/admin/list-development-emails';
import { requireAdminPrincipal } from '@/lib/auth/require-admin';
import { getDb } from '@/lib/db/client';
import { EMAIL_FALLBACK_MAX_SECONDS } from '@/lib/admin/update-tenant';
import { getEnv } from '@/lib/env';
import { sendTestEmailAction, updateNotificationChannelsAction } from './actions';

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
        <NotificationChannelsCard
          tenantSlug={tenant.slug}
          emailEnabled={tenant.email_channel_enabled}
          pushEnabled={tenant.push_channel_enabled}
          emailFallbackSeconds={tenant.email_fallback_seconds}
          fallbackBounds={{ min: 0, max: EMAIL_FALLBACK_MAX_SECONDS }}
          action={updateNotificationChannelsAction}
        />
        <EmailChannelCard
          tenantSlug={tenant.slug}
          enabled={tenant.email_channel_enabled}
          provider={provider}
          providerUrl={resendApiKey ? (resendBaseUrl ?? 'https://api.resend.com') : null}
          from={emailFrom}
          adminEmail={principal.email}
          testAction={sendTestEmailAction}
        />
        {developmentEmails ? <DevelopmentOutboxCard tenantSlug={tenant.slug} emails={developmentEmails} /> : null}
      </div>
    </>
  );
}
