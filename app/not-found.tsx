import { Compass } from 'lucide-react';
import { ButtonLink } from '@/components/ui/button-link';
import { PublicShell } from '@/components/ui/public-shell';

export default function NotFound() {
  return (
    <PublicShell>
      <section
        aria-labelledby="not-found-title"
        className="rounded-2xl bg-white p-8 text-center shadow-card ring-1 ring-slate-200 dark:bg-slate-900 dark:shadow-none dark:ring-white/10"
      >
        <span className="mx-auto flex size-12 items-center justify-center rounded-full bg-slate-100 text-slate-600 ring-1 ring-slate-200 dark:bg-white/5 dark:text-slate-300 dark:ring-white/10">
          <Compass className="size-6" />
        </span>
        <p className="mt-4 font-mono text-sm font-semibold text-indigo-700 dark:text-indigo-300">404</p>
        <h1 id="not-found-title" className="mt-1 text-2xl font-semibold tracking-tight text-slate-900 dark:text-white">
          Page not found
        </h1>
        <p className="mt-3 text-slate-600 dark:text-slate-400">There is nothing at this address.</p>
        <ButtonLink href="/" className="mt-6">
          Go to the home page
        </ButtonLink>
      </section>
    </PublicShell>
  );
}
