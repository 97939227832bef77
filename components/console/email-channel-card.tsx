'use client';

import { Send } from 'lucide-react';
import type { ReactNode } from 'react';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { SubmitButton } from '@/components/ui/submit-button';
import { Switch } from '@/components/ui/switch';
import { useConsoleAction, type ConsoleAction } from './use-console-action';

export type EmailChannelCardProps = {
  tenantSlug: string;
  enabled: boolean;
  provider: 'resend' | 'development_outbox';
  /** RESEND_BASE_URL when it is set. */
  providerUrl: string | null;
  from: string;
  adminEmail: string;
  updateAction: ConsoleAction;
  testAction: ConsoleAction;
};

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="py-2.5 sm:grid sm:grid-cols-3 sm:gap-4">
      <dt className="text-sm font-medium text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="mt-1 text-sm text-slate-900 sm:col-span-2 sm:mt-0 dark:text-slate-100">{children}</dd>
    </div>
  );
}

export function EmailChannelCard(props: EmailChannelCardProps) {
  const update = useConsoleAction(props.updateAction);
  const test = useConsoleAction(props.testAction);

  return (
    <Card
      title="Email"
      description="Each request emails the user a single-use approval link."
      footer={
        <form onSubmit={test.onSubmit} className="flex flex-wrap items-center gap-3">
          <input type="hidden" name="tenantSlug" value={props.tenantSlug} />
          <span className="text-sm text-slate-600 dark:text-slate-400">Sends a test email to {props.adminEmail}.</span>
          <SubmitButton variant="secondary" icon={<Send />} pending={test.isPending} pendingLabel="Sending…">
            Send test email
          </SubmitButton>
        </form>
      }
    >
      <form onSubmit={update.onSubmit} className="flex flex-wrap items-end justify-between gap-4">
        <input type="hidden" name="tenantSlug" value={props.tenantSlug} />
        <Switch
          name="email_channel_enabled"
          label="Email channel on"
          description="Whether this tenant's users are sent approval links by email."
          defaultChecked={props.enabled}
          className="min-w-72 flex-1"
        />
        <SubmitButton size="sm" pending={update.isPending} pendingLabel="Saving…">
          Save
        </SubmitButton>
      </form>
      <dl className="mt-5 divide-y divide-slate-200 border-t border-slate-200 dark:divide-white/10 dark:border-white/10">
        <Fact label="Provider">
          {props.provider === 'resend' ? (
            <Badge tone="green" dot>
              Resend
            </Badge>
          ) : (
            <Badge tone="amber" dot>
              Development outbox (log)
            </Badge>
          )}
          {props.provider === 'development_outbox' ? (
            <p className="mt-1.5 text-slate-600 dark:text-slate-400">
              RESEND_API_KEY is not set: emails are printed in the server log instead of being sent, and listed below.
            </p>
          ) : null}
        </Fact>
        {props.providerUrl ? (
          <Fact label="API endpoint">
            <span className="font-mono text-xs break-all">{props.providerUrl}</span>
          </Fact>
        ) : null}
        <Fact label="Sender">
          <span className="font-mono text-xs break-all">{props.from}</span>
          <p className="mt-1.5 text-slate-600 dark:text-slate-400">From EMAIL_FROM.</p>
        </Fact>
      </dl>
    </Card>
  );
}
