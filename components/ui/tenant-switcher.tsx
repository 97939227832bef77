'use client';

// The tenant menu in the console's top bar. Choosing a tenant opens the same section there
// (Users stays on Users), or its overview from a detail page; "All tenants" goes to /admin.
import { Menu, MenuButton, MenuItem, MenuItems, MenuSeparator } from '@headlessui/react';
import { Building2, Check, ChevronsUpDown, LayoutList } from 'lucide-react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { ADMIN_HOME, tenantHref, tenantSectionOf } from './admin-routes';
import { cn, FOCUS_RING } from './styles';

export type TenantSummary = { slug: string; name: string };

export type TenantSwitcherProps = {
  tenants: readonly TenantSummary[];
  currentTenantSlug?: string | null;
  className?: string;
};

const ITEM =
  'flex w-full items-center gap-3 rounded-md px-2.5 py-2 text-left text-sm text-slate-700 data-focus:bg-slate-100 data-focus:text-slate-900 dark:text-slate-300 dark:data-focus:bg-white/10 dark:data-focus:text-white';

export function TenantSwitcher({ tenants, currentTenantSlug, className }: TenantSwitcherProps) {
  const pathname = usePathname();
  const current = currentTenantSlug ? tenants.find((tenant) => tenant.slug === currentTenantSlug) : undefined;
  const currentName = current?.name ?? currentTenantSlug ?? 'All tenants';
  // Same list page in another tenant; a detail page (deeper path) maps to its list.
  const section = tenantSectionOf(pathname) ?? 'overview';

  return (
    <Menu>
      <MenuButton
        className={cn(
          'group inline-flex max-w-64 min-w-0 items-center gap-2 rounded-lg px-2 py-1.5 text-left text-sm hover:bg-slate-100 data-open:bg-slate-100 dark:hover:bg-white/5 dark:data-open:bg-white/5',
          FOCUS_RING,
          className,
        )}
      >
        <span
          aria-hidden="true"
          className="flex size-7 shrink-0 items-center justify-center rounded-md bg-slate-100 text-slate-600 ring-1 ring-slate-200 dark:bg-white/5 dark:text-slate-300 dark:ring-white/10"
        >
          <Building2 className="size-4" />
        </span>
        <span className="min-w-0">
          <span className="sr-only">Tenant: </span>
          <span className="block truncate font-medium text-slate-900 dark:text-white">{currentName}</span>
          {currentTenantSlug ? (
            <span className="block truncate font-mono text-xs text-slate-600 dark:text-slate-400">{currentTenantSlug}</span>
          ) : null}
        </span>
        <ChevronsUpDown className="size-4 shrink-0 text-slate-500 dark:text-slate-400" />
      </MenuButton>
      <MenuItems
        transition
        modal={false}
        anchor="bottom start"
        className={cn(
          'z-50 w-72 rounded-xl bg-white p-1.5 shadow-lg ring-1 ring-slate-900/10 [--anchor-gap:0.375rem] [--anchor-max-height:24rem] focus:outline-none',
          'transition duration-100 ease-out data-closed:scale-95 data-closed:opacity-0',
          'dark:bg-slate-900 dark:ring-white/10',
        )}
      >
        {tenants.length === 0 ? (
          <p className="px-2.5 py-2 text-sm text-slate-600 dark:text-slate-400">No tenants yet.</p>
        ) : (
          tenants.map((tenant) => {
            const isCurrent = tenant.slug === currentTenantSlug;

            return (
              <MenuItem key={tenant.slug}>
                <Link href={tenantHref(tenant.slug, section)} aria-current={isCurrent ? 'true' : undefined} className={ITEM}>
                  <span className="min-w-0 flex-1">
                    <span className="block truncate font-medium">{tenant.name}</span>
                    <span className="block truncate font-mono text-xs text-slate-600 dark:text-slate-400">{tenant.slug}</span>
                  </span>
                  {isCurrent ? <Check className="size-4 shrink-0 text-indigo-600 dark:text-indigo-400" /> : null}
                </Link>
              </MenuItem>
            );
          })
        )}
        <MenuSeparator className="my-1.5 h-px bg-slate-200 dark:bg-white/10" />
        <MenuItem>
          <Link href={ADMIN_HOME} className={ITEM}>
            <LayoutList className="size-4 shrink-0 text-slate-500 dark:text-slate-400" />
            All tenants
          </Link>
        </MenuItem>
      </MenuItems>
    </Menu>
  );
}
