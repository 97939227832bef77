import { clientNotFound } from '@/lib/admin/client-not-found';
import { recordAdminEvent } from '@/lib/admin/audit';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { randomToken, sha256Base64Url } from '@/lib/oauth/crypto';
import { bumpSettingsEpoch } from '@/lib/store/settings-epoch';

export type RotateClientSecretOptions = {
  tenantSlug: string;
  /** The client_id; a client of another tenant is not found. */
  clientId: string;
};

/** The new secret, shown this once (only its hash is stored). */
export type RotatedClientSecret = { client_id: string; client_secret: string };

/**
 * Replaces a client's secret with a new random one (256 bits). The old secret
 * stops working at every process's next protocol request: the write and the
 * settings-epoch bump share one transaction. There is no overlap period.
 *
 * @throws AdminError `not_found` for an unknown tenant or client; `forbidden` for a tenant out of the principal's reach.
 */
export const rotateClientSecret = async (
  db: Db,
  principal: Principal,
  options: RotateClientSecretOptions,
): Promise<RotatedClientSecret> => {
  const tenant = await requireTenantAccess(db, principal, options.tenantSlug);
  const clientSecret = randomToken(32);
  await db.$transaction(async (tx) => {
    await bumpSettingsEpoch(tx);
    const { count } = await tx.client.updateMany({
      where: { tenantId: tenant.id, clientId: options.clientId },
      data: { secretHash: sha256Base64Url(clientSecret) },
    });
    if (count === 0) throw clientNotFound(tenant.slug, options.clientId);
    await recordAdminEvent(tx, {
      principal,
      type: 'client_secret_rotated',
      tenantId: tenant.id,
      change: { target: options.clientId, before: null, after: null },
    });
  });

  return { client_id: options.clientId, client_secret: clientSecret };
};
