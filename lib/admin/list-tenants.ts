import { isOwnerLike, type Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { issuerFor } from '@/lib/tenants/issuer';

export type TenantSummary = { id: string; slug: string; name: string; issuer: string; createdAt: Date };

const reachableTenantIds = (principal: Principal): string[] => {
  if (principal.kind === 'admin') return [...principal.tenantIds];

  return principal.kind === 'api_key' && principal.tenantId !== null ? [principal.tenantId] : [];
};

/** The tenants the principal may see (every one for owners), oldest first. */
export const listTenants = async (db: Db, principal: Principal): Promise<TenantSummary[]> => {
  const tenants = await db.tenant.findMany({
    where: isOwnerLike(principal) ? {} : { id: { in: reachableTenantIds(principal) } },
    select: { id: true, slug: true, name: true, createdAt: true },
    orderBy: [{ createdAt: 'asc' }, { slug: 'asc' }],
  });

  return tenants.map((tenant) => ({ ...tenant, issuer: issuerFor(tenant.slug) }));
};
