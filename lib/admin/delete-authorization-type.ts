import { recordAdminEvent } from '@/lib/admin/audit';
import {
  auditedAuthorizationType,
  AUTHORIZATION_TYPE_VIEW_COLUMNS,
  toAuthorizationTypeView,
} from '@/lib/admin/authorization-type-view';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { bumpSettingsEpoch } from '@/lib/store/settings-epoch';

/**
 * Deletes an authorization-details type. From every process's next protocol
 * request on, items of this type are refused (unknown type), even from
 * clients that still list it. Idempotent: `{ deleted: false }` when the
 * tenant had no such type.
 *
 * @throws AdminError `not_found` for an unknown tenant; `forbidden` for a tenant out of reach.
 */
export const deleteAuthorizationType = async (
  db: Db,
  principal: Principal,
  options: { tenantSlug: string; type: string },
): Promise<{ deleted: boolean }> => {
  const tenant = await requireTenantAccess(db, principal, options.tenantSlug);

  return db.$transaction(async (tx) => {
    await bumpSettingsEpoch(tx);
    const current = await tx.authorizationType.findFirst({
      where: { tenantId: tenant.id, type: options.type },
      select: { id: true, ...AUTHORIZATION_TYPE_VIEW_COLUMNS },
    });
    if (!current) return { deleted: false };
    await tx.authorizationType.delete({ where: { id: current.id }, select: { id: true } });
    await recordAdminEvent(tx, {
      principal,
      type: 'authorization_type_deleted',
      tenantId: tenant.id,
      change: { target: current.type, before: auditedAuthorizationType(toAuthorizationTypeView(current)), after: null },
    });

    return { deleted: true };
  });
};
