// The authenticator app's frame: the tenant and the signed-in user on top, two tabs (Requests, Devices), then the screen.
// Mobile-first: one column, large touch targets; the console's colours and type.
import Link from 'next/link';
import type { ReactNode } from 'react';
import type { AuthenticatorSession } from '@/lib/authenticator/session';
import { cn, FOCUS_RING } from '@/components/ui/styles';
import { SignOutButton } from './sign-out-button';

export const APP_CARD =
  'overflow-hidden rounded-2xl bg-white shadow-card ring-1 ring-slate-200 dark:bg-slate-900 dark:shadow-none dark:ring-white/10';

const TABS = [
  { key: 'requests', href: '/authenticator', label: 'Requests' },
  { key: 'devices', href: '/authenticator/devices', label: 'Devices' },
] as const;

export function AppFrame({
  session,
  tab,
  children,
}: {
  session: AuthenticatorSession | null;
  tab?: (typeof TABS)[number]['key'];
  children: ReactNode;
}) {
  return (
    <div className="relative isolate flex min-h-dvh flex-col">
      <div
        aria-hidden="true"
        className="pointer-events-none absolute inset-x-0 top-0 -z-10 h-64 bg-linear-to-b from-indigo-50 to-transparent dark:from-indigo-950/40"
      />
      <header className="mx-auto flex w-full max-w-lg items-center gap-3 px-4 pt-5">
        <span
          aria-hidden="true"
          className="flex size-9 shrink-0 items-center justify-center rounded-xl bg-indigo-600 text-sm font-semibold text-white uppercase dark:bg-indigo-500"
        >
          {(session?.tenantName ?? 'B').trim().charAt(0)}
        </span>
        <div className="min-w-0 flex-1 text-sm">
          <p className="truncate font-semibold text-slate-900 dark:text-white">
            {session?.tenantName ?? 'Backchannel'} Authenticator
          </p>
          <p className="truncate text-slate-600 dark:text-slate-400">
            {session ? session.userEmail : 'Approve sign-ins with your passkey'}
          </p>
        </div>
        {session ? <SignOutButton /> : null}
      </header>
      {session && tab ? (
        <nav aria-label="Authenticator" className="mx-auto mt-4 w-full max-w-lg px-4">
          <ul className="grid grid-cols-2 gap-1 rounded-xl bg-slate-100 p-1 text-sm font-medium dark:bg-white/5">
            {TABS.map((entry) => (
              <li key={entry.key}>
                <Link
                  href={entry.href}
                  aria-current={entry.key === tab ? 'page' : undefined}
                  className={cn(
                    'flex h-10 items-center justify-center rounded-lg',
                    FOCUS_RING,
                    entry.key === tab
                      ? 'bg-white text-slate-900 shadow-xs dark:bg-slate-800 dark:text-white'
                      : 'text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-white',
                  )}
                >
                  {entry.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <main className="mx-auto flex w-full max-w-lg flex-1 flex-col px-4 py-6">{children}</main>
    </div>
  );
}

/** A short message card (signed out, not found, offline, link used…). */
export function MessageCard({ title, children, icon }: { title: string; children: ReactNode; icon?: ReactNode }) {
  return (
    <section aria-labelledby="message-title" className={cn(APP_CARD, 'p-6 text-center')}>
      {icon ? (
        <span className="mx-auto flex size-12 items-center justify-center rounded-full bg-slate-100 text-slate-600 ring-1 ring-slate-200 dark:bg-white/5 dark:text-slate-300 dark:ring-white/10 [&_svg]:size-6">
          {icon}
        </span>
      ) : null}
      <h1 id="message-title" className="mt-4 text-xl font-semibold tracking-tight text-balance text-slate-900 dark:text-white">
        {title}
      </h1>
      <div className="mt-3 text-pretty text-slate-600 dark:text-slate-400">{children}</div>
    </section>
  );
}

/** "less than a minute", "4 minutes", "2 hours": time left, from the server's clock. */
export const describeTimeLeft = (secondsLeft: number): string => {
  const minutes = Math.floor(secondsLeft / 60);
  if (minutes < 1) return 'less than a minute';
  if (minutes < 90) return `${minutes} minute${minutes === 1 ? '' : 's'}`;

  return `${Math.floor(minutes / 60)} hours`;
};
