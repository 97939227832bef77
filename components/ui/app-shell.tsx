'use client';

// The console frame: a left sidebar (a drawer below the lg breakpoint), a top bar with the tenant
// switcher, breadcrumbs derived from the URL, the theme toggle, the admin's email and the sign-out
// form, then the page. All data comes in through props; it fetches nothing.
import { CloseButton, Dialog, DialogBackdrop, DialogPanel } from '@headlessui/react';
import { Menu as MenuIcon, X } from 'lucide-react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useState, type ReactNode } from 'react';
import { ADMIN_HOME, GLOBAL_SECTIONS, TENANT_SECTIONS, tenantHref } from './admin-routes';
import { Breadcrumbs, type BreadcrumbItem } from './breadcrumbs';
import { Logo } from './logo';
import { SidebarNav } from './sidebar-nav';
import { cn, FOCUS_RING } from './styles';
import { TenantSwitcher, type TenantSummary } from './tenant-switcher';
import { ThemeToggle } from './theme-toggle';

export type AppShellProps = {
  children: ReactNode;
  /** Every tenant the admin may open, for the switcher. */
  tenants: readonly TenantSummary[];
  /** The tenant in the URL (`/admin/t/<slug>/…`); null or absent elsewhere. */
  currentTenantSlug?: string | null;
  adminEmail: string;
  /** A <form> with the sign-out button (a server action), rendered as given. */
  signOutForm: ReactNode;
  /** Replaces the breadcrumbs derived from the URL (e.g. to name a detail page). */
  breadcrumbs?: readonly BreadcrumbItem[];
};

const SEGMENT_LABELS: Record<string, string> = {
  new: 'New',
  tenants: 'Tenants',
  edit: 'Edit',
  settings: 'Settings',
  ...Object.fromEntries(TENANT_SECTIONS.map(({ section, label }) => [section, label])),
};

/** The trail after the tenant switcher: the section, then any deeper segments as written. */
const breadcrumbsFor = (pathname: string): BreadcrumbItem[] => {
  const segments = pathname.split('/').filter(Boolean);
  if (segments[0] !== 'admin') return [];
  const items: BreadcrumbItem[] = [];
  let href = ADMIN_HOME;
  let rest = segments.slice(1);

  if (rest[0] === 't' && rest[1]) {
    href = tenantHref(decodeURIComponent(rest[1]));
    rest = rest.slice(2);
    if (rest.length === 0) return [{ label: 'Overview' }];
  } else if (rest.length === 0) {
    return [{ label: 'Tenants' }];
  } else {
    const global = GLOBAL_SECTIONS.find((section) => section.href === `${ADMIN_HOME}/${rest[0]}`);
    if (global) {
      items.push({ label: global.label, href: global.href });
      href = global.href;
      rest = rest.slice(1);
    }
  }
  for (const segment of rest) {
    href = `${href}/${segment}`;
    items.push({ label: SEGMENT_LABELS[segment] ?? decodeURIComponent(segment), href });
  }

  return items;
};

function AccountControls({
  adminEmail,
  signOutForm,
  className,
}: Pick<AppShellProps, 'adminEmail' | 'signOutForm'> & { className?: string }) {
  return (
    <div className={cn('flex items-center gap-3', className)}>
      <ThemeToggle />
      <span className="max-w-56 truncate text-sm text-slate-700 dark:text-slate-300" title={adminEmail}>
        <span className="sr-only">Signed in as </span>
        {adminEmail}
      </span>
      {signOutForm}
    </div>
  );
}

function Sidebar({ currentTenant, onNavigate }: { currentTenant: TenantSummary | null; onNavigate?: () => void }) {
  return (
    <nav
      aria-label="Console"
      className="flex grow flex-col gap-y-6 overflow-y-auto border-r border-slate-200 bg-white px-4 pb-4 dark:border-white/10 dark:bg-slate-900"
    >
      <div className="flex h-14 shrink-0 items-center px-1">
        <Link href={ADMIN_HOME} onClick={onNavigate} className={cn('rounded-md', FOCUS_RING)}>
          <Logo />
          <span className="sr-only"> console home</span>
        </Link>
      </div>
      <SidebarNav currentTenant={currentTenant} onNavigate={onNavigate} />
    </nav>
  );
}

export function AppShell({ children, tenants, currentTenantSlug, adminEmail, signOutForm, breadcrumbs }: AppShellProps) {
  const pathname = usePathname();
  const [isDrawerOpen, setDrawerOpen] = useState(false);
  const currentTenant = currentTenantSlug
    ? (tenants.find((tenant) => tenant.slug === currentTenantSlug) ?? { slug: currentTenantSlug, name: currentTenantSlug })
    : null;
  const trail = breadcrumbs ?? breadcrumbsFor(pathname);

  return (
    <div className="min-h-dvh bg-slate-50 dark:bg-slate-950">
      <a
        href="#main"
        className="sr-only z-[60] rounded-md bg-white px-3 py-2 text-sm font-medium text-slate-900 shadow focus:not-sr-only focus:fixed focus:top-2 focus:left-2 dark:bg-slate-900 dark:text-white"
      >
        Skip to content
      </a>

      <Dialog open={isDrawerOpen} onClose={setDrawerOpen} aria-label="Navigation" className="relative z-50 lg:hidden">
        <DialogBackdrop
          transition
          className="fixed inset-0 bg-slate-950/50 transition-opacity duration-200 ease-out data-closed:opacity-0"
        />
        <div className="fixed inset-0 flex">
          <DialogPanel
            transition
            className="relative mr-16 flex w-full max-w-xs flex-1 transition duration-200 ease-out data-closed:-translate-x-full"
          >
            <div className="absolute top-0 left-full flex w-16 justify-center pt-3">
              <CloseButton aria-label="Close navigation" className={cn('rounded-md p-2 text-white', FOCUS_RING)}>
                <X className="size-6" />
              </CloseButton>
            </div>
            <div className="flex grow flex-col">
              <Sidebar currentTenant={currentTenant} onNavigate={() => setDrawerOpen(false)} />
              <div className="border-t border-r border-slate-200 bg-white p-4 dark:border-white/10 dark:bg-slate-900">
                <AccountControls adminEmail={adminEmail} signOutForm={signOutForm} className="flex-wrap" />
              </div>
            </div>
          </DialogPanel>
        </div>
      </Dialog>

      <div className="hidden lg:fixed lg:inset-y-0 lg:z-40 lg:flex lg:w-64 lg:flex-col">
        <Sidebar currentTenant={currentTenant} />
      </div>

      <div className="lg:pl-64">
        <header className="sticky top-0 z-30 flex h-14 items-center gap-3 border-b border-slate-200 bg-white/85 px-4 backdrop-blur sm:px-6 lg:px-8 dark:border-white/10 dark:bg-slate-900/85">
          <button
            type="button"
            onClick={() => setDrawerOpen(true)}
            aria-label="Open navigation"
            className={cn(
              '-ml-1.5 rounded-md p-1.5 text-slate-700 hover:bg-slate-100 lg:hidden dark:text-slate-300 dark:hover:bg-white/10',
              FOCUS_RING,
            )}
          >
            <MenuIcon className="size-5" />
          </button>
          <TenantSwitcher tenants={tenants} currentTenantSlug={currentTenantSlug} />
          {trail.length > 0 ? (
            <>
              <span aria-hidden="true" className="hidden h-5 w-px bg-slate-200 md:block dark:bg-white/10" />
              <Breadcrumbs items={trail} className="hidden md:block" />
            </>
          ) : null}
          <AccountControls adminEmail={adminEmail} signOutForm={signOutForm} className="ml-auto hidden lg:flex" />
        </header>

        <main id="main" tabIndex={-1} className="px-4 py-8 outline-none sm:px-6 lg:px-8">
          <div className="mx-auto max-w-6xl">{children}</div>
        </main>
      </div>
    </div>
  );
}
