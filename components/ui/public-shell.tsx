// The frame of the public pages (home, approval, not found): logo bar, centred content, footer.
// Server-rendered, no client JavaScript of its own.
import Link from 'next/link';
import type { ReactNode } from 'react';
import { Logo } from './logo';
import { cn, FOCUS_RING } from './styles';

export type PublicShellProps = {
  children: ReactNode;
  /** narrow: one card (approval, not found); wide: the home page. */
  width?: 'narrow' | 'wide';
  /** Right side of the top bar, e.g. <ThemeToggle />. */
  headerActions?: ReactNode;
  /** No logo bar: pages that speak for a tenant (approval) lead with the tenant, not with Backchannel. */
  hideHeader?: boolean;
};

export function PublicShell({ children, width = 'narrow', headerActions, hideHeader = false }: PublicShellProps) {
  const container = width === 'narrow' ? 'max-w-lg' : 'max-w-5xl';

  return (
    <div className="relative isolate flex min-h-dvh flex-col overflow-hidden">
      <div
        aria-hidden="true"
        className="pointer-events-none absolute inset-x-0 top-0 -z-10 h-80 bg-linear-to-b from-indigo-50 to-transparent dark:from-indigo-950/40"
      />
      {hideHeader ? null : (
        <header className={cn('mx-auto flex w-full items-center justify-between gap-4 px-4 pt-6 sm:px-6', container)}>
          <Link href="/" className={cn('rounded-md', FOCUS_RING)}>
            <Logo />
          </Link>
          {headerActions}
        </header>
      )}
      <main className={cn('mx-auto flex w-full flex-1 flex-col px-4 py-10 sm:px-6 sm:py-14', container)}>{children}</main>
      <footer className="px-4 pb-8 text-center text-xs text-slate-600 dark:text-slate-400">
        Backchannel · CIBA OpenID Provider
      </footer>
    </div>
  );
}
