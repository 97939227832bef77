// GET /t/<tenant>/user-code/<token> – the emailed one-time link: the form to set one's user code (CIBA §7.1.2)
// Pure read: opening the link changes nothing (an email scanner may follow it); the form POSTs to ./set.
import { Link2Off, MailCheck, TimerOff } from 'lucide-react';
import type { Metadata } from 'next';
import { USER_CODE_LENGTH } from '@/lib/admin/user-fields';
import { findUserCodeLink, USER_CODE_SET_CSRF_PURPOSE, userCodePagePath } from '@/lib/ciba/user-code-link';
import { csrfTokenFor } from '@/lib/security/csrf';
import { getProtocolData } from '@/lib/store/get-protocol-store';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { Input } from '@/components/ui/input';
import { UserCodeCard, UserCodeMessage } from '@/components/user-code/user-code-card';

export const dynamic = 'force-dynamic';

// The URL holds the link secret: never send it to another origin, never index it.
export const metadata: Metadata = {
  title: 'Set your user code',
  referrer: 'same-origin',
  robots: { index: false, follow: false, nocache: true },
};

type PageProps = {
  params: Promise<{ tenant: string; token: string }>;
  searchParams: Promise<{ error?: string | string[]; message?: string | string[] }>;
};

const INVALID = {
  unknown: {
    Icon: Link2Off,
    title: 'This link is no longer valid',
    body: 'Check that you opened the whole link from the email, or ask for a new one.',
  },
  used: { Icon: MailCheck, title: 'This link has already been used', body: 'Each link works only once. Ask for a new one.' },
  expired: { Icon: TimerOff, title: 'This link has expired', body: 'Links work for 15 minutes. Ask for a new one.' },
} as const;

const ERRORS: Record<string, string> = {
  mismatch: 'The two codes are not the same.',
};

export default async function SetUserCodePage({ params, searchParams }: PageProps) {
  const { tenant: tenantSlug, token } = await params;
  const { error, message } = await searchParams;
  const lookup = await findUserCodeLink(getProtocolData().store, { tenantSlug, token, now: new Date() });
  if (lookup.state !== 'valid') return <UserCodeMessage {...INVALID[lookup.state]} />;
  const { link, tokenHash } = lookup;
  const codeError =
    error === 'rejected' && typeof message === 'string'
      ? message.slice(0, 200)
      : typeof error === 'string'
        ? (ERRORS[error] ?? null)
        : null;
  const action = `${userCodePagePath(link.tenantSlug)}/${encodeURIComponent(token)}/set`;

  return (
    <UserCodeCard tenantName={link.tenantName} title="Set your user code">
      <p className="mt-2 text-slate-600 dark:text-slate-400">
        For <strong className="font-semibold wrap-break-word text-slate-900 dark:text-white">{link.email}</strong>. Choose a code
        only you know: applications ask for it before they may send you a sign-in request. It replaces any code you had.
      </p>
      <form method="post" action={action} autoComplete="off" className="mt-6 space-y-5">
        <input type="hidden" name="csrf_token" value={csrfTokenFor(USER_CODE_SET_CSRF_PURPOSE, tokenHash)} />
        <Field
          label="New user code"
          description={`${USER_CODE_LENGTH.min}–${USER_CODE_LENGTH.max} characters, no spaces at either end.`}
          error={error === 'rejected' ? codeError : null}
          required
        >
          <Input
            type="password"
            name="code"
            autoComplete="new-password"
            minLength={USER_CODE_LENGTH.min}
            maxLength={USER_CODE_LENGTH.max}
          />
        </Field>
        <Field label="Repeat the code" error={error === 'mismatch' ? codeError : null} required>
          <Input type="password" name="confirmation" autoComplete="new-password" maxLength={USER_CODE_LENGTH.max} />
        </Field>
        <Button type="submit" variant="primary" size="lg" fullWidth>
          Set user code
        </Button>
      </form>
    </UserCodeCard>
  );
}
