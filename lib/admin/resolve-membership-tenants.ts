import { invalidInput } from '@/lib/admin/errors';
import type { AdminRole } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';

type TenantReader = Pick<Db, 'tenant'>;

/**
 * The tenants of an admin's memberships, by slug: every slug must name a
 * tenant, and an owner (who reaches every tenant) takes none.
 *
 * @throws AdminError `invalid_input` on `tenantSlugs` (or `tenantSlugs.<i>` for an unknown slug).
 */
export const resolveMembershipTenants = async (
  db: TenantReader,
  role: AdminRole,
  slugs: readonly string[],
): Promise<{ id: string; slug: string }[]> => {
  if (role === 'owner' && slugs.length > 0) {
    throw invalidInput([{ path: 'tenantSlugs', message: 'must be empty for an owner, who reaches every tenant' }]);
  }
  if (slugs.length === 0) return [];
  const tenants = await db.tenant.findMany({ where: { slug: { in: [...slugs] } }, select: { id: true, slug: true } });
  const found = new Set(tenants.map((tenant) => tenant.slug));
  const unknown = slugs.flatMap((slug, index) =>
    found.has(slug) ? [] : [{ path: `tenantSlugs.${index}`, message: `names no tenant (got ${JSON.stringify(slug)})` }],
  );
  if (unknown.length > 0) throw invalidInput(unknown);

  return tenants;
};
