'use client';

// The console frame for every signed-in page: the AppShell with the tenant taken from the URL
// (`/admin/t/<slug>/…`), since the layout that renders it cannot see its child's params, and the
// breadcrumbs a detail page gives through <PageTrail> (else the AppShell derives them from the URL).
import { usePathname } from 'next/navigation';
import { useState, type ReactNode } from 'react';
import { AppShell } from '@/components/ui/app-shell';
import type { BreadcrumbItem } from '@/components/ui/breadcrumbs';
import type { TenantSummary } from '@/components/ui/tenant-switcher';
import { PageTrailContext } from './page-trail';

export type ConsoleShellProps = {
  children: ReactNode;
  tenants: readonly TenantSummary[];
  adminEmail: string;
  signOutForm: ReactNode;
};

const tenantSlugOf = (pathname: string): string | null => {
  const match = /^\/admin\/t\/([^/]+)/.exec(pathname);

  return match ? decodeURIComponent(match[1]) : null;
};

export function ConsoleShell({ children, tenants, adminEmail, signOutForm }: ConsoleShellProps) {
  const pathname = usePathname();
  const [trail, setTrail] = useState<readonly BreadcrumbItem[] | null>(null);

  return (
    <PageTrailContext value={setTrail}>
      <AppShell
        tenants={tenants}
        currentTenantSlug={tenantSlugOf(pathname)}
        adminEmail={adminEmail}
        signOutForm={signOutForm}
        breadcrumbs={trail ?? undefined}
      >
        {children}
      </AppShell>
    </PageTrailContext>
  );
}
