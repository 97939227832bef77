'use client';

// The console's navigation links: Tenants; the current tenant's sections; global administration.
// The link for the current page carries aria-current="page". The enclosing <nav> is the shell's.
import {
  Activity,
  AppWindow,
  BadgeCheck,
  BookOpen,
  Building2,
  Inbox,
  KeyRound,
  LayoutDashboard,
  ListChecks,
  ScrollText,
  Send,
  ShieldCheck,
  Ticket,
  Users,
  type LucideIcon,
} from 'lucide-react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useId, type ReactNode } from 'react';
import { ADMIN_HOME, GLOBAL_SECTIONS, TENANT_SECTIONS, tenantHref, type GlobalSection, type TenantSection } from './admin-routes';
import { cn, FOCUS_RING } from './styles';

const TENANT_ICONS: Record<TenantSection, LucideIcon> = {
  overview: LayoutDashboard,
  applications: AppWindow,
  'authorization-types': ListChecks,
  users: Users,
  channels: Send,
  'signing-keys': KeyRound,
  'trusted-issuers': BadgeCheck,
  registration: Ticket,
  requests: Inbox,
  events: Activity,
};

const GLOBAL_ICONS: Record<GlobalSection, LucideIcon> = {
  admins: ShieldCheck,
  'audit-log': ScrollText,
  'api-reference': BookOpen,
};

export type SidebarNavProps = {
  /** The tenant whose sections are listed; none outside a tenant. */
  currentTenant?: { slug: string; name: string } | null;
  /** Called when a link is followed (the mobile drawer closes itself with it). */
  onNavigate?: () => void;
};

const isActive = (pathname: string, href: string, exact: boolean) =>
  pathname === href || (!exact && pathname.startsWith(`${href}/`));

function NavLink({
  href,
  label,
  Icon,
  active,
  onNavigate,
}: {
  href: string;
  label: string;
  Icon: LucideIcon;
  active: boolean;
  onNavigate?: () => void;
}) {
  return (
    <li>
      <Link
        href={href}
        onClick={onNavigate}
        aria-current={active ? 'page' : undefined}
        className={cn(
          'group flex items-center gap-3 rounded-lg px-2.5 py-1.5 text-sm font-medium transition-colors',
          active
            ? 'bg-slate-100 text-slate-900 dark:bg-white/10 dark:text-white'
            : 'text-slate-700 hover:bg-slate-50 hover:text-slate-900 dark:text-slate-300 dark:hover:bg-white/5 dark:hover:text-white',
          FOCUS_RING,
        )}
      >
        <Icon
          className={cn(
            'size-4 shrink-0',
            active
              ? 'text-indigo-600 dark:text-indigo-400'
              : 'text-slate-500 group-hover:text-slate-700 dark:text-slate-400 dark:group-hover:text-slate-200',
          )}
        />
        {label}
      </Link>
    </li>
  );
}

function NavGroup({ heading, children }: { heading: string; children: ReactNode }) {
  const id = useId();

  return (
    <div>
      <p id={id} className="mb-1 truncate px-2.5 text-xs font-semibold text-slate-600 dark:text-slate-400">
        {heading}
      </p>
      <ul aria-labelledby={id} className="space-y-0.5">
        {children}
      </ul>
    </div>
  );
}

export function SidebarNav({ currentTenant, onNavigate }: SidebarNavProps) {
  const pathname = usePathname();
  const tenantsActive = pathname === ADMIN_HOME || pathname.startsWith(`${ADMIN_HOME}/tenants`);

  return (
    <div className="flex flex-col gap-6">
      <ul className="space-y-0.5">
        <NavLink href={ADMIN_HOME} label="Tenants" Icon={Building2} active={tenantsActive} onNavigate={onNavigate} />
      </ul>
      {currentTenant ? (
        <NavGroup heading={currentTenant.name}>
          {TENANT_SECTIONS.map(({ section, label }) => {
            const href = tenantHref(currentTenant.slug, section);

            return (
              <NavLink
                key={section}
                href={href}
                label={label}
                Icon={TENANT_ICONS[section]}
                active={isActive(pathname, href, section === 'overview')}
                onNavigate={onNavigate}
              />
            );
          })}
        </NavGroup>
      ) : null}
      <NavGroup heading="Administration">
        {GLOBAL_SECTIONS.map(({ section, label, href }) => (
          <NavLink
            key={section}
            href={href}
            label={label}
            Icon={GLOBAL_ICONS[section]}
            active={isActive(pathname, href, false)}
            onNavigate={onNavigate}
          />
        ))}
      </NavGroup>
    </div>
  );
}
