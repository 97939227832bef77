import { recordAdminEvent } from '@/lib/admin/audit';
import { releaseUnfinishedRequests } from '@/lib/admin/release-unfinished-requests';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import type { Principal } from '@/lib/auth/principal';
import { CLIENT_SETTING_COLUMNS, toUncheckedClientMetadata } from '@/lib/clients/client-settings-columns';
import type { Db } from '@/lib/db/client';
import { bumpSettingsEpoch } from '@/lib/store/settings-epoch';

export type DeleteClientOptions = {
  tenantSlug: string;
  /** The client_id; a client of another tenant is not found (and so not deleted). */
  clientId: string;
};

/** Whether this call deleted the client (false: there was no such client in the tenant). */
export type DeleteClientResult = { deleted: boolean };

/**
 * Deletes a client and, with it, its requests (and so the tokens they can
 * still yield): from every process's next protocol request on, the client
 * does not exist. Idempotent: deleting a client that is not there is no
 * error. The deletion, the settings-epoch bump (first, as in every settings
 * change) and the audit record (`client_deleted`, its settings before) share
 * one transaction.
 *
 * @throws AdminError `not_found` for an unknown tenant; `forbidden` for a tenant out of the principal's reach.
 */
export const deleteClient = async (db: Db, principal: Principal, options: DeleteClientOptions): Promise<DeleteClientResult> => {
  const tenant = await requireTenantAccess(db, principal, options.tenantSlug);

  return db.$transaction(async (tx) => {
    await bumpSettingsEpoch(tx);
    const client = await tx.client.findFirst({
      where: { tenantId: tenant.id, clientId: options.clientId },
      select: { id: true, clientId: true, ...CLIENT_SETTING_COLUMNS },
    });
    if (!client) return { deleted: false };
    await releaseUnfinishedRequests(tx, tenant.id, { clientId: client.id });
    await tx.client.delete({ where: { id: client.id }, select: { id: true } });
    await recordAdminEvent(tx, {
      principal,
      type: 'client_deleted',
      tenantId: tenant.id,
      change: { target: client.clientId, before: toUncheckedClientMetadata(client), after: null },
    });

    return { deleted: true };
  });
};
