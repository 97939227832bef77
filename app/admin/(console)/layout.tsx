import type { ReactNode } from 'react';
import { ConsoleShell } from '@/components/console/console-shell';
import { SignOutForm } from '@/components/console/sign-out-form';
import { listTenants } from '@/lib/admin/list-tenants';
import { requireAdminPrincipal } from '@/lib/auth/require-admin';
import { getDb } from '@/lib/db/client';
import { signOutAction } from './sign-out-action';

export const dynamic = 'force-dynamic';

// The signed-in console. The layout only frames the page: every page and server action checks the
// admin again itself (requireAdminPrincipal) and the domain functions check the tenant.
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const principal = await requireAdminPrincipal();
  const tenants = await listTenants(getDb(), principal);

  return (
    <ConsoleShell
      tenants={tenants.map(({ slug, name }) => ({ slug, name }))}
      adminEmail={principal.email}
      signOutForm={<SignOutForm action={signOutAction} />}
    >
      {children}
    </ConsoleShell>
  );
}
