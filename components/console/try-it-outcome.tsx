'use client';

// The end of a Try it run: the token response with both JWTs decoded (header and claims, read
// without verifying: they come straight from our own token endpoint), or the OAuth error explained.
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { CircleAlert, CircleX, KeyRound, ShieldCheck, TimerOff } from 'lucide-react';
import type { ReactNode } from 'react';
import { CodeBlock } from '@/components/ui/code-block';
import { cn } from '@/components/ui/styles';
import type { TryItTokens } from '@/lib/admin/poll-try-it';
import type { TryItOAuthError } from '@/lib/admin/try-it-oauth-error';
import { formatDateTime } from './format';

type Decoded = { header: string; claims: string; expiresAt: string | null } | { error: string };

const decode = (token: string): Decoded => {
  try {
    const claims = decodeJwt(token);

    return {
      header: JSON.stringify(decodeProtectedHeader(token), null, 2),
      claims: JSON.stringify(claims, null, 2),
      expiresAt: typeof claims.exp === 'number' ? formatDateTime(new Date(claims.exp * 1000)) : null,
    };
  } catch {
    return { error: 'This token is not a JWT this page can decode.' };
  }
};

function JwtPanel({ title, token, icon }: { title: string; token: string; icon: ReactNode }) {
  const decoded = decode(token);

  return (
    <section aria-label={title} className="min-w-0 rounded-lg ring-1 ring-slate-200 dark:ring-white/10">
      <header className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 px-4 py-2.5 dark:border-white/10">
        <h4 className="flex items-center gap-2 text-sm font-semibold text-slate-900 dark:text-white [&_svg]:size-4 [&_svg]:text-slate-500 dark:[&_svg]:text-slate-400">
          {icon}
          {title}
        </h4>
        {'expiresAt' in decoded && decoded.expiresAt ? (
          <span className="text-xs text-slate-600 dark:text-slate-400">Valid until {decoded.expiresAt}</span>
        ) : null}
      </header>
      <div className="space-y-3 p-4">
        {'error' in decoded ? (
          <p className="text-sm text-red-700 dark:text-red-400">{decoded.error}</p>
        ) : (
          <>
            <CodeBlock title={`${title} header`} code={decoded.header} />
            <CodeBlock title={`${title} claims`} code={decoded.claims} />
          </>
        )}
        <details className="group text-sm">
          <summary className="cursor-pointer font-medium text-slate-700 hover:text-slate-900 dark:text-slate-300 dark:hover:text-white">
            Encoded token
          </summary>
          <CodeBlock title={`Encoded ${title.toLowerCase()}`} code={token} wrap className="mt-2" />
        </details>
      </div>
    </section>
  );
}

/** The access token's own expiry (its `exp`), else `expires_in` from when the answer arrived. */
const accessTokenExpiry = (accessToken: string, fallback: number): string => {
  try {
    const { exp } = decodeJwt(accessToken);
    if (typeof exp === 'number') return formatDateTime(new Date(exp * 1000));
  } catch {
    // Not a JWT: fall back on expires_in.
  }

  return formatDateTime(new Date(fallback));
};

const formatDuration = (seconds: number): string =>
  seconds % 3600 === 0 ? `${seconds / 3600} h` : seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`;

export function TryItTokensView({
  answer,
  receivedAt,
  userLabel,
}: {
  answer: TryItTokens;
  receivedAt: number;
  userLabel: string;
}) {
  const { tokens } = answer;
  const validUntil = accessTokenExpiry(tokens.access_token, receivedAt + tokens.expires_in * 1000);

  return (
    <div className="space-y-4">
      <dl className="grid gap-x-6 gap-y-3 rounded-lg bg-slate-50 px-4 py-3 text-sm ring-1 ring-slate-200 sm:grid-cols-3 dark:bg-white/[0.03] dark:ring-white/10">
        <div>
          <dt className="text-slate-600 dark:text-slate-400">Token type</dt>
          <dd className="font-medium text-slate-900 dark:text-white">{tokens.token_type}</dd>
        </div>
        <div>
          <dt className="text-slate-600 dark:text-slate-400">Scope</dt>
          <dd className="font-mono text-[0.8125rem] text-slate-900 dark:text-white">{tokens.scope}</dd>
        </div>
        <div>
          <dt className="text-slate-600 dark:text-slate-400">Access token expires</dt>
          <dd className="font-medium text-slate-900 tabular-nums dark:text-white">
            {validUntil}
            <span className="block text-xs font-normal text-slate-600 dark:text-slate-400">
              expires_in {tokens.expires_in} ({formatDuration(tokens.expires_in)})
            </span>
          </dd>
        </div>
      </dl>
      <p className="flex items-start gap-2 rounded-lg bg-amber-50 px-4 py-3 text-sm text-amber-900 ring-1 ring-amber-600/20 ring-inset dark:bg-amber-400/10 dark:text-amber-200 dark:ring-amber-400/25">
        <CircleAlert aria-hidden="true" className="mt-0.5 size-4 shrink-0" />
        <span>
          These tokens are real. The access token works at the userinfo endpoint as {userLabel} until {validUntil}; treat them
          like any credential and do not paste them anywhere public.
        </span>
      </p>
      <div className="grid items-start gap-4 xl:grid-cols-2">
        <JwtPanel title="ID token" token={tokens.id_token} icon={<ShieldCheck />} />
        <JwtPanel title="Access token" token={tokens.access_token} icon={<KeyRound />} />
      </div>
    </div>
  );
}

type Explanation = { title: string; text: string; tone: 'red' | 'slate' };

const CANCELLED: Explanation = {
  title: 'Cancelled',
  text: 'An admin cancelled the request: the client gets access_denied and no tokens.',
  tone: 'slate',
};

const ERRORS: Partial<Record<string, Explanation>> = {
  access_denied: {
    title: 'Denied',
    text: 'The user denied the request: the client gets no tokens.',
    tone: 'red',
  },
  expired_token: {
    title: 'Expired',
    text: 'The request expired before the user decided: the client must start a new one.',
    tone: 'slate',
  },
};

export type TryItErrorViewProps = {
  answer: TryItOAuthError;
  /** Which endpoint answered: bc-authorize's refusals (CIBA §13) mean no request was started. */
  endpoint: 'bc-authorize' | 'token';
  /** The request was cancelled by an admin (the token endpoint then answers access_denied). */
  cancelled?: boolean;
};

export function TryItErrorView({ answer, endpoint, cancelled = false }: TryItErrorViewProps) {
  const fallback: Explanation =
    endpoint === 'bc-authorize'
      ? { title: 'Refused', text: 'No request was started: fix what the error names and start again.', tone: 'red' }
      : { title: 'Refused', text: 'The token endpoint refused the request: the client gets no tokens.', tone: 'red' };
  const known =
    (endpoint === 'token' ? (cancelled && answer.error === 'access_denied' ? CANCELLED : ERRORS[answer.error]) : null) ??
    fallback;
  const Icon = answer.error === 'expired_token' ? TimerOff : CircleX;

  return (
    <div
      className={cn(
        'flex items-start gap-3 rounded-lg px-4 py-3 ring-1 ring-inset',
        known.tone === 'red'
          ? 'bg-red-50 text-red-900 ring-red-600/20 dark:bg-red-400/10 dark:text-red-200 dark:ring-red-400/25'
          : 'bg-slate-50 text-slate-900 ring-slate-300 dark:bg-white/[0.04] dark:text-slate-200 dark:ring-white/15',
      )}
    >
      <Icon aria-hidden="true" className="mt-0.5 size-5 shrink-0" />
      <div className="min-w-0 text-sm">
        <p className="font-semibold">
          {known.title} · <code className="font-mono">{answer.error}</code>
        </p>
        <p className="mt-1">{known.text}</p>
        {answer.error_description ? (
          <p className="mt-1 opacity-90">
            <span className="font-medium">error_description:</span> {answer.error_description}
          </p>
        ) : null}
      </div>
    </div>
  );
}
