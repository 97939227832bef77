import type { Db } from '@/lib/db/client';
import { issuerFor } from '@/lib/tenants/issuer';

export type TenantSummary = { id: string; slug: string; name: string; issuer: string; createdAt: Date };

/** Every tenant, oldest first. */
export const listTenants = async (db: Db): Promise<TenantSummary[]> => {
  const tenants = await db.tenant.findMany({
    select: { id: true, slug: true, name: true, createdAt: true },
    orderBy: [{ createdAt: 'asc' }, { slug: 'asc' }],
  });

  return tenants.map((tenant) => ({ ...tenant, issuer: issuerFor(tenant.slug) }));
};
