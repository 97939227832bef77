// The Channels page's development outbox: the approval emails printed in the server log (no
// RESEND_API_KEY), newest first, each expandable to its text and a link to the approval page while
// the request is pending. Server-rendered, no client JavaScript: <details> does the expanding.
import { ChevronRight, ExternalLink, Inbox, RefreshCw } from 'lucide-react';
import Link from 'next/link';
import { Card } from '@/components/ui/card';
import { buttonClassName } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { StatusBadge } from '@/components/ui/status-badge';
import { cn, FOCUS_RING } from '@/components/ui/styles';
import type { DevelopmentEmailView } from '@/lib/admin/list-development-emails';
import { formatDateTime } from './format';

export type DevelopmentOutboxCardProps = {
  tenantSlug: string;
  /** Newest first (listDevelopmentEmails). */
  emails: readonly DevelopmentEmailView[];
};

function EmailItem({ email, requestHref }: { email: DevelopmentEmailView; requestHref: string }) {
  return (
    <details className="group">
      <summary
        className={cn(
          'flex cursor-pointer list-none items-center gap-3 px-5 py-3 hover:bg-slate-50 dark:hover:bg-white/[0.03] [&::-webkit-details-marker]:hidden',
          FOCUS_RING,
        )}
      >
        <ChevronRight
          aria-hidden="true"
          className="size-4 shrink-0 text-slate-500 transition-transform group-open:rotate-90 dark:text-slate-400"
        />
        <span className="flex min-w-0 flex-1 flex-col gap-0.5 sm:flex-row sm:items-baseline sm:gap-3">
          <time
            dateTime={email.sent_at}
            className="shrink-0 text-xs whitespace-nowrap text-slate-600 tabular-nums sm:w-44 dark:text-slate-400"
          >
            {formatDateTime(email.sent_at)}
          </time>
          <span className="min-w-0 truncate text-sm text-slate-900 dark:text-white">
            <span className="font-medium">{email.subject}</span>
            <span className="text-slate-600 dark:text-slate-400"> · to {email.to}</span>
          </span>
        </span>
        <StatusBadge status={email.request.status} />
      </summary>
      <div className="space-y-3 px-5 pt-1 pb-4 sm:pl-12">
        <div className="flex flex-wrap items-center gap-3">
          {email.approval_url ? (
            <a
              href={email.approval_url}
              target="_blank"
              rel="noopener noreferrer"
              className={buttonClassName({ variant: 'primary', size: 'sm' })}
            >
              <ExternalLink aria-hidden="true" />
              Open approval page
              <span className="sr-only"> (opens in a new tab)</span>
            </a>
          ) : null}
          <Link
            href={requestHref}
            className={cn('rounded-sm text-sm font-medium text-indigo-700 hover:underline dark:text-indigo-300', FOCUS_RING)}
          >
            View request
          </Link>
        </div>
        <pre className="rounded-lg bg-slate-50 p-3 font-mono text-xs leading-relaxed break-words whitespace-pre-wrap text-slate-800 ring-1 ring-slate-200 dark:bg-white/5 dark:text-slate-200 dark:ring-white/10">
          {email.text}
        </pre>
      </div>
    </details>
  );
}

export function DevelopmentOutboxCard({ tenantSlug, emails }: DevelopmentOutboxCardProps) {
  const base = `/admin/t/${encodeURIComponent(tenantSlug)}`;

  return (
    <Card
      title="Development outbox"
      description={
        <>
          The approval emails printed in the server log instead of being sent, newest first: open one to follow its link while the
          request is pending. With <code className="font-mono text-xs">RESEND_API_KEY</code> set, emails go to Resend and nothing
          is shown here.
        </>
      }
      actions={
        // A full reload (not a client navigation): the list is read when the page is rendered.
        <a href={`${base}/channels`} className={buttonClassName({ variant: 'secondary', size: 'sm' })}>
          <RefreshCw aria-hidden="true" />
          Refresh
        </a>
      }
      flush
    >
      {emails.length === 0 ? (
        <EmptyState
          icon={<Inbox />}
          title="No emails yet"
          description="Start a backchannel authentication request for a user of this tenant; its approval email appears here."
          headingLevel={3}
        />
      ) : (
        <ul aria-label="Emails in the development outbox" className="divide-y divide-slate-200 dark:divide-white/10">
          {emails.map((email) => (
            <li key={email.id}>
              <EmailItem email={email} requestHref={`${base}/requests/${encodeURIComponent(email.request.id)}`} />
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
