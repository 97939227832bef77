import { clientNotFound } from '@/lib/admin/client-not-found';
import { CLIENT_VIEW_COLUMNS, toClientView, type ClientView } from '@/lib/admin/client-view';
import { recordAdminEvent } from '@/lib/admin/audit';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireAllowedClientUrls } from '@/lib/admin/require-allowed-client-urls';
import { requireKnownAuthorizationTypes } from '@/lib/admin/require-known-authorization-types';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { readTenantApplicationSettings, requireWithinTenantCeiling } from '@/lib/admin/tenant-application-settings';
import type { Principal } from '@/lib/auth/principal';
import { usesClientSecret, ZClientMetadataSchema, ZClientMetadataUpdateSchema } from '@/lib/clients/client-metadata';
import { toClientSettingColumns, toUncheckedClientMetadata } from '@/lib/clients/client-settings-columns';
import type { Db } from '@/lib/db/client';
import { randomToken, sha256Base64Url } from '@/lib/oauth/crypto';
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
 * A change to a client_secret_* method from one without a secret issues a
 * secret, returned this once as `client_secret`; a change away from one
 * deletes the secret.
 *
 * @throws AdminError `invalid_input` (one field error per refused setting); `not_found` for an unknown tenant or client; `forbidden` for a tenant out of the principal's reach.
 */
export const updateClient = async (
  db: Db,
  principal: Principal,
  options: UpdateClientOptions,
): Promise<ClientView & { client_secret?: string }> => {
  const changes = Object.fromEntries(
    Object.entries(parseInputOrThrow(ZClientMetadataUpdateSchema, options.metadata)).filter(([, value]) => value !== undefined),
  );
  const tenant = await requireTenantAccess(db, principal, options.tenantSlug);
  await requireAllowedClientUrls({
    backchannel_client_notification_endpoint: changes.backchannel_client_notification_endpoint as string | null | undefined,
    jwks_uri: changes.jwks_uri as string | null | undefined,
  });

  return db.$transaction(async (tx) => {
    await bumpSettingsEpoch(tx);
    const current = await tx.client.findFirst({
      where: { tenantId: tenant.id, clientId: options.clientId },
      select: { ...CLIENT_VIEW_COLUMNS, secretHash: true },
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
    // A secret exists exactly while the method uses one: a new one is issued (and shown once) on a switch to a
    // client_secret_* method; a switch away drops it, so no unused credential lingers.
    const needsSecret = usesClientSecret(metadata.token_endpoint_auth_method);
    const clientSecret = needsSecret && current.secretHash === null ? randomToken(32) : undefined;
    const secretHash = needsSecret ? (clientSecret === undefined ? current.secretHash : sha256Base64Url(clientSecret)) : null;
    const updated = await tx.client.update({
      where: { clientId: current.clientId },
      data: { ...toClientSettingColumns(metadata), secretHash },
      select: CLIENT_VIEW_COLUMNS,
    });

    return clientSecret === undefined ? toClientView(updated) : { ...toClientView(updated), client_secret: clientSecret };
  });
};
