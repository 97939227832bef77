// The frame of the sign-in pages: the public shell with one card, its icon, heading and text.
import type { ReactNode } from 'react';
import { PublicShell } from '@/components/ui/public-shell';
import { ThemeToggle } from '@/components/ui/theme-toggle';

export type SignInCardProps = {
  icon: ReactNode;
  title: string;
  description: ReactNode;
  children?: ReactNode;
};

export function SignInCard({ icon, title, description, children }: SignInCardProps) {
  return (
    <PublicShell headerActions={<ThemeToggle />}>
      <section
        aria-labelledby="sign-in-title"
        className="rounded-2xl bg-white p-8 shadow-card ring-1 ring-slate-200 dark:bg-slate-900 dark:shadow-none dark:ring-white/10"
      >
        <span className="flex size-12 items-center justify-center rounded-full bg-indigo-50 text-indigo-700 ring-1 ring-indigo-600/20 dark:bg-indigo-400/10 dark:text-indigo-300 dark:ring-indigo-400/30 [&_svg]:size-6">
          {icon}
        </span>
        <h1 id="sign-in-title" className="mt-5 text-2xl font-semibold tracking-tight text-slate-900 dark:text-white">
          {title}
        </h1>
        <div className="mt-2 text-sm text-pretty text-slate-600 dark:text-slate-400">{description}</div>
        {children ? <div className="mt-6">{children}</div> : null}
      </section>
    </PublicShell>
  );
}
