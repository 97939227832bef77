'use client';

import { Send } from 'lucide-react';
import type { ReactNode } from 'react';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { SubmitButton } from '@/components/ui/submit-button';
import { useConsoleAction, type ConsoleAction } from './use-console-action';

export type EmailChannelCardProps = {
  tenantSlug: string;
  enabled: boolean;
  provider: 'resend' | 'development_outbox';
  /** RESEND_BASE_URL when it is set. */
  providerUrl: string | null;
  from: string;
  adminEmail: string;
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
  const test = useConsoleAction(props.testAction);

  return (
    <Card
      title="Email delivery"
      description="How approval emails are sent; the email channel itself is switched in Notification channels above."
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
      <p className="text-sm">
        {props.enabled ? (
          <Badge tone="green" dot>
            Email channel on
          </Badge>
        ) : (
          <Badge tone="neutral" dot>
            Email channel off
          </Badge>
        )}
      </p>
      <dl className="mt-4 divide-y divide-slate-200 border-t border-slate-200 dark:divide-white/10 dark:border-white/10">
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
