import type { Metadata } from 'next';
import { AuditLog } from '@/components/console/audit-log';
import { loadAuditPage } from '@/components/console/load-audit-page';
import { ButtonLink } from '@/components/ui/button-link';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { listTenants } from '@/lib/admin/list-tenants';
import { isOwnerLike } from '@/lib/auth/principal';
import { requireAdminPrincipal } from '@/lib/auth/require-admin';
import { getDb } from '@/lib/db/client';

export const metadata: Metadata = { title: 'Audit log' };

type Props = { searchParams: Promise<{ q?: string | string[]; cursor?: string | string[] }> };

const single = (value: string | string[] | undefined): string | undefined =>
  typeof value === 'string' && value ? value : undefined;

export default async function AuditLogPage({ searchParams }: Props) {
  const query = await searchParams;
  const q = single(query.q)?.trim() || undefined;
  const cursor = single(query.cursor);
  const principal = await requireAdminPrincipal();
  const db = getDb();
  const header = (
    <PageHeader
      title="Audit log"
      description="Every administrative change — in the console, through the Management API or the CLI — with who made it, when, and the settings before and after. Secrets are never recorded."
    />
  );

  if (!isOwnerLike(principal)) {
    const tenants = await listTenants(db, principal);

    return (
      <>
        {header}
        <Card
          title="Your tenants' audit logs"
          description="The log across every tenant is for owners. Open the log of a tenant you administer:"
        >
          <div className="flex flex-wrap gap-2">
            {tenants.map((tenant) => (
              <ButtonLink
                key={tenant.slug}
                href={`/admin/t/${encodeURIComponent(tenant.slug)}/audit`}
                variant="secondary"
                size="sm"
              >
                {tenant.name}
              </ButtonLink>
            ))}
          </div>
        </Card>
      </>
    );
  }
  const { page, refusal } = await loadAuditPage(db, principal, { q, cursor });

  return (
    <>
      {header}
      <AuditLog page={page} basePath="/admin/audit-log" query={q} cursor={cursor} showTenant refusal={refusal} />
    </>
  );
}
