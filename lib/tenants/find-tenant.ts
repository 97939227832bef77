import type { Db } from '@/lib/db/client';
import { TENANT_SLUG_PATTERN } from '@/lib/tenants/issuer';

export type TenantRecord = { id: string; slug: string; name: string };

/** The tenant with this slug, or null (also for anything that cannot be a slug). */
export const findTenantBySlug = async (db: Db, slug: string): Promise<TenantRecord | null> => {
  if (!TENANT_SLUG_PATTERN.test(slug)) return null;

  return db.tenant.findUnique({ where: { slug }, select: { id: true, slug: true, name: true } });
};
