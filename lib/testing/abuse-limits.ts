import { updateTenant } from '@/lib/admin/update-tenant';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';

/**
 * Turns bc-authorize's abuse limits off for a tenant made with the product's
 * defaults (5 requests a minute per user…): for tests of other rules, which
 * make more. The limits themselves: lib/ciba/admission.test.ts.
 */
export const turnOffAbuseLimits = async (db: Db, slug: string): Promise<void> => {
  await updateTenant(db, CLI_PRINCIPAL, {
    slug,
    settings: { rate_limit_per_user: 0, rate_limit_per_tenant: 0, max_pending_requests: 0, rate_limit_per_agent: 0 },
  });
};
