import {
  INITIAL_ACCESS_TOKEN_VIEW_COLUMNS,
  toInitialAccessTokenView,
  type InitialAccessTokenView,
} from '@/lib/admin/initial-access-token-view';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';

/** Most tokens listed: a tenant is not expected to hold more (revoke the old ones). */
const LIST_LIMIT = 500;

/**
 * A tenant's initial access tokens, newest first, revoked, expired and used
 * up ones included (with their status): never a token or its hash.
 *
 * @throws AdminError `not_found` for an unknown tenant; `forbidden` for one out of the principal's reach.
 */
export const listInitialAccessTokens = async (
  db: Db,
  principal: Principal,
  options: { tenantSlug: string; now?: Date },
): Promise<InitialAccessTokenView[]> => {
  const tenant = await requireTenantAccess(db, principal, options.tenantSlug);
  const rows = await db.initialAccessToken.findMany({
    where: { tenantId: tenant.id },
    select: INITIAL_ACCESS_TOKEN_VIEW_COLUMNS,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: LIST_LIMIT,
  });
  const now = options.now ?? new Date();

  return rows.map((row) => toInitialAccessTokenView(row, now));
};
