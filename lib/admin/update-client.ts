import { clientNotFound } from '@/lib/admin/client-not-found';
import { CLIENT_VIEW_COLUMNS, toClientView, type ClientView } from '@/lib/admin/client-view';
import { recordAdminEvent } from '@/lib/admin/audit';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireAllowedNotificationEndpoint } from '@/lib/admin/require-allowed-notification-endpoint';
import { requireKnownAuthorizationTypes } from '@/lib/admin/require-known-authorization-types';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { readTenantApplicationSettings, requireWithinTenantCeiling } from '@/lib/admin/tenant-application-settings';
import type { Principal } from '@/lib/auth/principal';
import { ZClientMetadataSchema, ZClientMetadataUpdateSchema } from '@/lib/clients/client-metadata';
import { toClientSettingColumns, toUncheckedClientMetadata } from '@/lib/clients/client-settings-columns';
import type { Db } from '@/lib/db/client';
import { bumpSettingsEpoch } from '@/lib/store/settings-epoch';

export type UpdateClientOptions = {
  tenantSlug: string;
  /** The client_id; a client of another tenant is not found. */
  clientId: string;
  /** Unvalidated: any subset of the client metadata (ZClientMetadataUpdateSchema). Absent settings keep their value. */
  metadata: unknown;
};

/**
 * Changes a client's settings. The changes are validated alone, then the
 * resulting settings as a whole (e.g. the requested-expiry bounds together);
 * nothing is written unless both pass; the maximum requested expiry may not
 * exceed the tenant's. The write and the settings-epoch bump
 * share one transaction, so every process's next protocol request sees the
 * change. The bump comes first: it serialises concurrent settings changes, so
 * none is lost.
 *
 * @throws AdminError `invalid_input` (one field error per refused setting); `not_found` for an unknown tenant or client; `forbidden` for a tenant out of the principal's reach.
 */
export const updateClient = async (db: Db, principal: Principal, options: UpdateClientOptions): Promise<ClientView> => {
  const changes = Object.fromEntries(
    Object.entries(parseInputOrThrow(ZClientMetadataUpdateSchema, options.metadata)).filter(([, value]) => value !== undefined),
  );
  const tenant = await requireTenantAccess(db, principal, options.tenantSlug);
  await requireAllowedNotificationEndpoint(changes.backchannel_client_notification_endpoint as string | null | undefined);

  return db.$transaction(async (tx) => {
    await bumpSettingsEpoch(tx);
    const current = await tx.client.findFirst({
      where: { tenantId: tenant.id, clientId: options.clientId },
      select: CLIENT_VIEW_COLUMNS,
    });
    if (!current) throw clientNotFound(tenant.slug, options.clientId);
    const before = toUncheckedClientMetadata(current);
    const metadata = parseInputOrThrow(ZClientMetadataSchema, { ...before, ...changes });
    requireWithinTenantCeiling(metadata, (await readTenantApplicationSettings(tx, tenant.id)).max_requested_expiry);
    // Only the types named in this change: a type deleted since stays listed until changed (it can no longer be requested).
    await requireKnownAuthorizationTypes(tx, tenant.id, changes.authorization_details_types as string[] | undefined);
    await recordAdminEvent(tx, {
      principal,
      type: 'client_updated',
      tenantId: tenant.id,
      change: { target: current.clientId, before, after: metadata },
    });
    const updated = await tx.client.update({
      where: { clientId: current.clientId },
      data: toClientSettingColumns(metadata),
      select: CLIENT_VIEW_COLUMNS,
    });

    return toClientView(updated);
  });
};
