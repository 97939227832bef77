import { clientNotFound } from '@/lib/admin/client-not-found';
import { recordAdminEvent } from '@/lib/admin/audit';
import { invalidInput } from '@/lib/admin/errors';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import type { Principal } from '@/lib/auth/principal';
import { usesClientSecret } from '@/lib/clients/client-metadata';
import type { Db } from '@/lib/db/client';
import type { ClientAuthMethod } from '@/lib/oauth/client-auth/methods';
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
 * @throws AdminError `invalid_input` for a client without a secret (a key or certificate method); `not_found` for an unknown tenant or client; `forbidden` for a tenant out of the principal's reach.
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
    const current = await tx.client.findFirst({
      where: { tenantId: tenant.id, clientId: options.clientId },
      select: { id: true, tokenEndpointAuthMethod: true },
    });
    if (!current) throw clientNotFound(tenant.slug, options.clientId);
    if (!usesClientSecret(current.tokenEndpointAuthMethod as ClientAuthMethod)) {
      throw invalidInput([
        {
          path: 'token_endpoint_auth_method',
          message: `is ${current.tokenEndpointAuthMethod}: this client authenticates with its keys or certificate and has no secret to rotate`,
        },
      ]);
    }
    await tx.client.update({ where: { id: current.id }, data: { secretHash: sha256Base64Url(clientSecret) } });
    await recordAdminEvent(tx, {
      principal,
      type: 'client_secret_rotated',
      tenantId: tenant.id,
      change: { target: options.clientId, before: null, after: null },
    });
  });

  return { client_id: options.clientId, client_secret: clientSecret };
};
