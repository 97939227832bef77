// The card of the user-code pages (/t/<tenant>/user-code/…): the approval page's look.
import type { LucideIcon } from 'lucide-react';
import type { ReactNode } from 'react';
import { PublicShell } from '@/components/ui/public-shell';

const CARD =
  'overflow-hidden rounded-2xl bg-white shadow-card ring-1 ring-slate-200 dark:bg-slate-900 dark:shadow-none dark:ring-white/10';

/** A card with the tenant's header strip, a title and its content. */
export function UserCodeCard({ tenantName, title, children }: { tenantName: string; title: string; children: ReactNode }) {
  return (
    <PublicShell hideHeader>
      <section aria-labelledby="user-code-title" className={CARD}>
        <div className="flex items-center gap-3 border-b border-slate-200 bg-slate-50 px-6 py-3.5 sm:px-8 dark:border-white/10 dark:bg-white/[0.03]">
          <span
            aria-hidden="true"
            className="flex size-8 shrink-0 items-center justify-center rounded-lg bg-indigo-600 text-sm font-semibold text-white uppercase dark:bg-indigo-500"
          >
            {tenantName.trim().charAt(0)}
          </span>
          <div className="min-w-0 text-sm">
            <p className="truncate font-medium text-slate-900 dark:text-white">{tenantName}</p>
            <p className="text-slate-600 dark:text-slate-400">User code</p>
          </div>
        </div>
        <div className="px-6 py-7 sm:px-8">
          <h1 id="user-code-title" className="text-2xl font-semibold tracking-tight text-balance text-slate-900 dark:text-white">
            {title}
          </h1>
          {children}
        </div>
      </section>
    </PublicShell>
  );
}

/** A centred message card (a link that no longer works, a result). */
export function UserCodeMessage({ Icon, title, body }: { Icon: LucideIcon; title: string; body: string }) {
  return (
    <PublicShell hideHeader>
      <section aria-labelledby="user-code-title" className={`${CARD} p-8 text-center`}>
        <span className="mx-auto flex size-12 items-center justify-center rounded-full bg-slate-100 text-slate-600 ring-1 ring-slate-200 dark:bg-white/5 dark:text-slate-300 dark:ring-white/10">
          <Icon className="size-6" />
        </span>
        <h1
          id="user-code-title"
          className="mt-4 text-2xl font-semibold tracking-tight text-balance text-slate-900 dark:text-white"
        >
          {title}
        </h1>
        <p className="mt-3 text-pretty text-slate-600 dark:text-slate-400">{body}</p>
      </section>
    </PublicShell>
  );
}
