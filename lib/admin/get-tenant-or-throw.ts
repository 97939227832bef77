import { AdminError } from '@/lib/admin/errors';
import type { Db } from '@/lib/db/client';
import { findTenantBySlug, type TenantRecord } from '@/lib/tenants/find-tenant';

/** The tenant with this slug; `not_found` when there is none (or the slug cannot exist). */
export const getTenantOrThrow = async (db: Db, tenantSlug: string): Promise<TenantRecord> => {
  const tenant = await findTenantBySlug(db, tenantSlug);
  if (!tenant) throw new AdminError('not_found', `No tenant with slug ${JSON.stringify(tenantSlug)}.`);

  return tenant;
};
