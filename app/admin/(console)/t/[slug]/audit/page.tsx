import type { Metadata } from 'next';
import { AuditLog } from '@/components/console/audit-log';
import { loadAuditPage } from '@/components/console/load-audit-page';
import { orNotFound } from '@/components/console/or-not-found';
import { PageHeader } from '@/components/ui/page-header';
import { getTenant } from '@/lib/admin/get-tenant';
import { requireAdminPrincipal } from '@/lib/auth/require-admin';
import { getDb } from '@/lib/db/client';

type Props = {
  params: Promise<{ slug: string }>;
  searchParams: Promise<{ q?: string | string[]; cursor?: string | string[] }>;
};

const single = (value: string | string[] | undefined): string | undefined =>
  typeof value === 'string' && value ? value : undefined;

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Audit log · ${(await params).slug}` };
}

export default async function TenantAuditLogPage({ params, searchParams }: Props) {
  const { slug } = await params;
  const query = await searchParams;
  const q = single(query.q)?.trim() || undefined;
  const cursor = single(query.cursor);
  const principal = await requireAdminPrincipal();
  const db = getDb();
  const tenant = await orNotFound(getTenant(db, principal, { slug }));
  const { page, refusal } = await loadAuditPage(db, principal, { tenantSlug: slug, q, cursor });

  return (
    <>
      <PageHeader
        title="Audit log"
        description={`Every change to ${tenant.name}: its settings, applications, users and keys, with who made it and the settings before and after.`}
      />
      <AuditLog
        page={page}
        basePath={`/admin/t/${encodeURIComponent(tenant.slug)}/audit`}
        query={q}
        cursor={cursor}
        showTenant={false}
        refusal={refusal}
      />
    </>
  );
}
