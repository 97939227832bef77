import type { Metadata } from 'next';

export const metadata: Metadata = { title: 'Backchannel — CIBA OpenID Provider' };

const FEATURES = [
  {
    title: 'Decoupled sign-in',
    body: 'A client starts authentication at the backchannel endpoint; the user approves on their own device (CIBA Core 1.0).',
  },
  {
    title: 'Email approval links',
    body: 'Each request sends a single-use link showing the application, the binding message and the requested data.',
  },
  {
    title: 'Multi-tenant',
    body: 'Every tenant is its own OpenID Provider, with its own issuer, signing keys, clients and users.',
  },
] as const;

export default function HomePage() {
  return (
    <div className="w-full max-w-3xl">
      <header className="mb-10">
        <p className="mb-3 inline-flex items-center rounded-full bg-slate-900 px-3 py-1 text-xs font-semibold tracking-wide text-white">
          OpenID Connect CIBA
        </p>
        <h1 className="text-4xl font-bold tracking-tight text-slate-900 sm:text-5xl">Backchannel — CIBA OpenID Provider</h1>
        <p className="mt-4 max-w-2xl text-lg text-slate-600">
          A self-hosted OpenID Provider for Client-Initiated Backchannel Authentication: poll-mode token delivery, binding
          messages, and approval on the user&apos;s own device.
        </p>
      </header>

      <ul className="grid gap-4 sm:grid-cols-3">
        {FEATURES.map((feature) => (
          <li key={feature.title} className="rounded-xl border border-slate-200 bg-white p-5 shadow-sm">
            <h2 className="font-semibold text-slate-900">{feature.title}</h2>
            <p className="mt-2 text-sm text-slate-600">{feature.body}</p>
          </li>
        ))}
      </ul>

      <section className="mt-10 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h2 className="font-semibold text-slate-900">Getting started</h2>
        <p className="mt-2 text-sm text-slate-600">
          Setup, tenant and client administration, and the endpoint reference are in the project&apos;s{' '}
          <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[0.85em]">README.md</code>. Each tenant publishes its
          discovery document at{' '}
          <code className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-[0.85em]">
            /t/&lt;tenant&gt;/.well-known/openid-configuration
          </code>
          .
        </p>
      </section>
    </div>
  );
}
