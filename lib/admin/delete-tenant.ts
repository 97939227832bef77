import { recordAdminEvent } from '@/lib/admin/audit';
import { AdminError } from '@/lib/admin/errors';
import { requireOwner } from '@/lib/admin/require-tenant-access';
import { TENANT_VIEW_COLUMNS, tenantSettingsOf, toTenantView } from '@/lib/admin/tenant-view';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { bumpSettingsEpoch } from '@/lib/store/settings-epoch';
import { UNFINISHED_STATUSES } from '@/lib/store/request-lifecycle';
import { TENANT_SLUG_PATTERN } from '@/lib/tenants/issuer';

export type DeleteTenantOptions = {
  slug: string;
  /** Delete even while requests are pending (they are deleted with the tenant; their clients' polls then fail). */
  force?: boolean;
  /** The moment requests are judged pending at (default: now). */
  now?: Date;
};

/** Whether this call deleted the tenant (false: there was no such tenant). */
export type DeleteTenantResult = { deleted: boolean };

/**
 * Deletes a tenant with everything in it: signing keys, clients, users,
 * requests, outbox messages, events, admin memberships and API keys of that
 * tenant. Owner-only. Refused while requests are pending (unfinished and not
 * yet expired: waiting for the user, or approved and not yet redeemed) unless
 * `force`. Idempotent: deleting a tenant that is not there is no error. The
 * check, the deletion, the settings-epoch bump and the audit record
 * (`tenant_deleted`, outside any tenant since the tenant's own events go
 * with it; target = the slug, its settings before) share one transaction.
 *
 * @throws AdminError `forbidden` unless the principal is owner-like; `conflict` while requests are pending and `force` is not set.
 */
export const deleteTenant = async (db: Db, principal: Principal, options: DeleteTenantOptions): Promise<DeleteTenantResult> => {
  requireOwner(principal, 'delete tenants');
  if (!TENANT_SLUG_PATTERN.test(options.slug)) return { deleted: false };
  if (!(await db.tenant.findUnique({ where: { slug: options.slug }, select: { id: true } }))) return { deleted: false };
  const now = options.now ?? new Date();

  return db.$transaction(async (tx) => {
    await bumpSettingsEpoch(tx);
    const row = await tx.tenant.findUnique({ where: { slug: options.slug }, select: TENANT_VIEW_COLUMNS });
    if (!row) return { deleted: false };
    const pending = await tx.backchannelRequest.count({
      where: { tenantId: row.id, status: { in: [...UNFINISHED_STATUSES] }, expiresAt: { gt: now } },
    });
    if (pending > 0 && !options.force) {
      throw new AdminError(
        'conflict',
        `Tenant "${row.slug}" has ${pending} pending request${pending === 1 ? '' : 's'}; wait for them to finish, or delete with force.`,
      );
    }
    await tx.tenant.delete({ where: { id: row.id }, select: { id: true } });
    await recordAdminEvent(tx, {
      principal,
      type: 'tenant_deleted',
      tenantId: null,
      change: { target: row.slug, before: { ...tenantSettingsOf(toTenantView(row)), pending_requests: pending }, after: null },
    });

    return { deleted: true };
  });
};
