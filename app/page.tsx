import { ArrowRight, Building2, MailCheck, MonitorSmartphone } from 'lucide-react';
import type { Metadata } from 'next';
import { ButtonLink } from '@/components/ui/button-link';
import { PublicShell } from '@/components/ui/public-shell';
import { ThemeToggle } from '@/components/ui/theme-toggle';

export const metadata: Metadata = { title: 'Backchannel — CIBA OpenID Provider' };

const FEATURES = [
  {
    title: 'Decoupled sign-in',
    body: 'A client starts authentication at the backchannel endpoint; the user approves on their own device (CIBA Core 1.0).',
    Icon: MonitorSmartphone,
  },
  {
    title: 'Email approval links',
    body: 'Each request sends a single-use link showing the application, the binding message and the requested data.',
    Icon: MailCheck,
  },
  {
    title: 'Multi-tenant',
    body: 'Every tenant is its own OpenID Provider, with its own issuer, signing keys, clients and users.',
    Icon: Building2,
  },
] as const;

const INLINE_CODE =
  'rounded-md bg-slate-100 px-1.5 py-0.5 font-mono text-[0.85em] text-slate-800 ring-1 ring-slate-200 ring-inset dark:bg-white/10 dark:text-slate-200 dark:ring-white/10';

export default function HomePage() {
  return (
    <PublicShell
      width="wide"
      headerActions={
        <div className="flex items-center gap-3">
          <ThemeToggle />
          <ButtonLink href="/admin" variant="secondary" size="sm">
            Admin console
          </ButtonLink>
        </div>
      }
    >
      <header className="max-w-3xl">
        <p className="mb-4 inline-flex items-center gap-2 rounded-full bg-indigo-50 px-3 py-1 text-xs font-semibold tracking-wide text-indigo-700 ring-1 ring-indigo-600/20 ring-inset dark:bg-indigo-400/10 dark:text-indigo-300 dark:ring-indigo-400/30">
          <span aria-hidden="true" className="size-1.5 rounded-full bg-indigo-500 dark:bg-indigo-400" />
          OpenID Connect CIBA
        </p>
        <h1 className="text-4xl font-semibold tracking-tight text-balance text-slate-900 sm:text-5xl dark:text-white">
          Backchannel — CIBA OpenID Provider
        </h1>
        <p className="mt-5 max-w-2xl text-lg text-pretty text-slate-600 dark:text-slate-400">
          A self-hosted OpenID Provider for Client-Initiated Backchannel Authentication: poll-mode token delivery, binding
          messages, and approval on the user&apos;s own device.
        </p>
      </header>

      <ul className="mt-12 grid gap-4 sm:grid-cols-3">
        {FEATURES.map(({ title, body, Icon }) => (
          <li
            key={title}
            className="rounded-xl bg-white p-5 shadow-card ring-1 ring-slate-200 dark:bg-slate-900 dark:shadow-none dark:ring-white/10"
          >
            <span className="flex size-9 items-center justify-center rounded-lg bg-indigo-50 text-indigo-600 ring-1 ring-indigo-600/10 dark:bg-indigo-400/10 dark:text-indigo-300 dark:ring-indigo-400/20">
              <Icon className="size-5" />
            </span>
            <h2 className="mt-4 font-semibold text-slate-900 dark:text-white">{title}</h2>
            <p className="mt-1.5 text-sm text-slate-600 dark:text-slate-400">{body}</p>
          </li>
        ))}
      </ul>

      <section
        aria-labelledby="getting-started"
        className="mt-6 rounded-xl bg-white p-6 shadow-card ring-1 ring-slate-200 dark:bg-slate-900 dark:shadow-none dark:ring-white/10"
      >
        <h2 id="getting-started" className="font-semibold text-slate-900 dark:text-white">
          Getting started
        </h2>
        <p className="mt-2 text-sm/6 text-slate-600 dark:text-slate-400">
          Setup, tenant and client administration, and the endpoint reference are in the project&apos;s{' '}
          <code className={INLINE_CODE}>README.md</code>. Each tenant publishes its discovery document at{' '}
          <code className={INLINE_CODE}>/t/&lt;tenant&gt;/.well-known/openid-configuration</code>.
        </p>
        <p className="mt-4">
          <ButtonLink href="/admin" variant="primary" size="sm" className="group">
            Open the admin console
            <ArrowRight aria-hidden="true" className="transition-transform group-hover:translate-x-0.5" />
          </ButtonLink>
        </p>
      </section>
    </PublicShell>
  );
}
