import { invalidInput } from '@/lib/admin/errors';
import { CLIENT_VIEW_COLUMNS, toClientView } from '@/lib/admin/client-view';
import { recordAdminEvent } from '@/lib/admin/audit';
import type { Principal } from '@/lib/auth/principal';
import type { BindingMessagePolicy, ClientMetadata } from '@/lib/clients/client-metadata';
import { toClientSettingColumns } from '@/lib/clients/client-settings-columns';
import type { Db } from '@/lib/db/client';

type Tx = Pick<Db, 'tenant' | 'client' | 'event'>;

/**
 * A tenant's settings for its applications (TENANT_APPLICATION_SETTINGS_SHAPE):
 * what a new application starts from, and the ceiling of every
 * application's maximum requested expiry (CIBA §7.1 requested_expiry).
 */
export type TenantApplicationSettings = {
  default_requested_expiry: number;
  max_requested_expiry: number;
  backchannel_poll_interval: number;
  binding_message_policy: BindingMessagePolicy;
};

/** Prisma `select` of a tenant's application settings. */
export const TENANT_APPLICATION_SETTINGS_COLUMNS = {
  defaultRequestedExpiry: true,
  maxRequestedExpiry: true,
  pollInterval: true,
  bindingMessagePolicy: true,
} as const;

type TenantApplicationSettingsRow = {
  defaultRequestedExpiry: number;
  maxRequestedExpiry: number;
  pollInterval: number;
  bindingMessagePolicy: string;
};

export const toTenantApplicationSettings = (row: TenantApplicationSettingsRow): TenantApplicationSettings => ({
  default_requested_expiry: row.defaultRequestedExpiry,
  max_requested_expiry: row.maxRequestedExpiry,
  backchannel_poll_interval: row.pollInterval,
  binding_message_policy: row.bindingMessagePolicy === 'required' ? 'required' : 'optional',
});

/** The tenant's application settings, read in the transaction that depends on them. */
export const readTenantApplicationSettings = async (tx: Tx, tenantId: string): Promise<TenantApplicationSettings> =>
  toTenantApplicationSettings(
    await tx.tenant.findUniqueOrThrow({ where: { id: tenantId }, select: TENANT_APPLICATION_SETTINGS_COLUMNS }),
  );

/**
 * An application's settings must stay under its tenant's ceiling.
 *
 * @throws AdminError `invalid_input` on `max_requested_expiry` when it exceeds the tenant's maximum.
 */
export const requireWithinTenantCeiling = (metadata: Pick<ClientMetadata, 'max_requested_expiry'>, ceiling: number): void => {
  if (metadata.max_requested_expiry > ceiling) {
    throw invalidInput([
      {
        path: 'max_requested_expiry',
        message: `must be at most the tenant's maximum requested expiry (${ceiling} seconds), got ${metadata.max_requested_expiry}`,
      },
    ]);
  }
};

/**
 * Lowers every application of the tenant whose requested-expiry bounds
 * exceed `ceiling` down to it (maximum, and minimum and default when they
 * exceed it too), each recorded in the audit log as a `client_updated` by
 * `principal`. Runs in the tenant update's transaction, after its
 * settings-epoch bump. Resolves to the client_ids changed.
 */
export const capApplicationsAtCeiling = async (
  tx: Tx,
  principal: Principal,
  tenantId: string,
  ceiling: number,
): Promise<string[]> => {
  const over = await tx.client.findMany({
    where: { tenantId, maxRequestedExpiry: { gt: ceiling } },
    select: CLIENT_VIEW_COLUMNS,
    orderBy: { clientId: 'asc' },
  });
  for (const client of over) {
    const { client_id: _clientId, client_id_issued_at: _issuedAt, ...before } = toClientView(client);
    const after: ClientMetadata = {
      ...before,
      max_requested_expiry: ceiling,
      default_requested_expiry: Math.min(before.default_requested_expiry, ceiling),
      min_requested_expiry: Math.min(before.min_requested_expiry, ceiling),
    };
    await tx.client.update({ where: { clientId: client.clientId }, data: toClientSettingColumns(after) });
    await recordAdminEvent(tx, {
      principal,
      type: 'client_updated',
      tenantId,
      change: { target: client.clientId, before, after },
    });
  }

  return over.map((client) => client.clientId);
};
