import { z } from 'zod';
import { recordAdminEvent } from '@/lib/admin/audit';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { TENANT_VIEW_COLUMNS, tenantSettingsOf, toTenantView, type TenantView } from '@/lib/admin/tenant-view';
import type { Principal } from '@/lib/auth/principal';
import { TENANT_APPLICATION_SETTINGS_SHAPE, ZDisplayNameSchema } from '@/lib/clients/client-metadata';
import { invalidInput } from '@/lib/admin/errors';
import { capApplicationsAtCeiling } from '@/lib/admin/tenant-application-settings';
import type { Db } from '@/lib/db/client';
import { bumpSettingsEpoch } from '@/lib/store/settings-epoch';

/** Upper bounds of the tenant limits (0 turns a limit off). */
export const TENANT_LIMIT_BOUNDS = {
  rate_limit_per_user: 10_000,
  rate_limit_per_tenant: 1_000_000,
  max_pending_requests: 10_000_000,
  rate_limit_per_agent: 10_000,
} as const;

const limit = (max: number, unit: string) => {
  const message = (issue: { input?: unknown }) =>
    `must be a whole number of ${unit} from 0 (no limit) to ${max} (got ${JSON.stringify(issue.input) ?? typeof issue.input})`;

  return z.int({ error: message }).min(0, { error: message }).max(max, { error: message });
};

/** A change to a tenant's settings: any subset. The slug (part of the issuer) never changes. */
export const ZTenantUpdateSchema = z
  .strictObject({
    name: ZDisplayNameSchema,
    rate_limit_per_user: limit(TENANT_LIMIT_BOUNDS.rate_limit_per_user, 'requests per minute'),
    rate_limit_per_tenant: limit(TENANT_LIMIT_BOUNDS.rate_limit_per_tenant, 'requests per minute'),
    max_pending_requests: limit(TENANT_LIMIT_BOUNDS.max_pending_requests, 'requests'),
    rate_limit_per_agent: limit(TENANT_LIMIT_BOUNDS.rate_limit_per_agent, 'requests per minute'),
    email_channel_enabled: z.boolean({ error: 'must be true or false' }),
    /** The push authenticator is not built yet: it cannot be turned on. */
    push_channel_enabled: z.literal(false, {
      error: 'cannot be turned on yet: the push authenticator is not built (only false is accepted)',
    }),
    /** Dynamic client registration (RFC 7591) at `<issuer>/register`, for holders of an initial access token. */
    dynamic_registration: z.boolean({ error: 'must be true or false' }),
    /**
     * Approval on the emailed page also needs the user's passkey (a WebAuthn
     * assertion bound to the request) whenever the user has enrolled an authenticator.
     */
    require_passkey_approval: z.boolean({ error: 'must be true or false' }),
    /** Defaults of new applications; max_requested_expiry also caps every application's. */
    ...TENANT_APPLICATION_SETTINGS_SHAPE,
  })
  .partial()
  .meta({ title: 'TenantUpdate' });
export type TTenantUpdate = z.input<typeof ZTenantUpdateSchema>;

export type UpdateTenantOptions = {
  slug: string;
  /** Unvalidated: any subset of the tenant's settings (ZTenantUpdateSchema). */
  settings: unknown;
};

export type { TenantView };

/**
 * Changes a tenant's settings, in one transaction with a settings-epoch bump
 * (the protocol endpoints cache tenants and clients) and its audit record.
 * Lowering `max_requested_expiry` lowers every application above it to it
 * in the same transaction (each audited as a client_updated), so no
 * application outlives the tenant's ceiling.
 *
 * @throws AdminError `invalid_input` (one field error per refused setting, or a default above the maximum); `not_found` for an unknown tenant; `forbidden` for one out of the principal's reach.
 */
export const updateTenant = async (db: Db, principal: Principal, options: UpdateTenantOptions): Promise<TenantView> => {
  const changes = parseInputOrThrow(ZTenantUpdateSchema, options.settings);
  const tenant = await requireTenantAccess(db, principal, options.slug);

  return db.$transaction(async (tx) => {
    await bumpSettingsEpoch(tx);
    const before = toTenantView(await tx.tenant.findUniqueOrThrow({ where: { id: tenant.id }, select: TENANT_VIEW_COLUMNS }));
    const defaultExpiry = changes.default_requested_expiry ?? before.default_requested_expiry;
    const maxExpiry = changes.max_requested_expiry ?? before.max_requested_expiry;
    if (defaultExpiry > maxExpiry) {
      // Blame the setting that moved (a form sends both, one of them unchanged).
      const maxMoved = maxExpiry !== before.max_requested_expiry && defaultExpiry === before.default_requested_expiry;
      throw invalidInput([
        maxMoved
          ? {
              path: 'max_requested_expiry',
              message: `must be at least default_requested_expiry (${defaultExpiry}), got ${maxExpiry}`,
            }
          : {
              path: 'default_requested_expiry',
              message: `must be at most max_requested_expiry (${maxExpiry}), got ${defaultExpiry}`,
            },
      ]);
    }
    const updated = toTenantView(
      await tx.tenant.update({
        where: { id: tenant.id },
        data: {
          name: changes.name,
          rateLimitPerUser: changes.rate_limit_per_user,
          rateLimitPerTenant: changes.rate_limit_per_tenant,
          maxPendingRequests: changes.max_pending_requests,
          rateLimitPerAgent: changes.rate_limit_per_agent,
          emailChannelEnabled: changes.email_channel_enabled,
          pushChannelEnabled: changes.push_channel_enabled,
          dynamicRegistration: changes.dynamic_registration,
          requirePasskeyApproval: changes.require_passkey_approval,
          defaultRequestedExpiry: changes.default_requested_expiry,
          maxRequestedExpiry: changes.max_requested_expiry,
          pollInterval: changes.backchannel_poll_interval,
          bindingMessagePolicy: changes.binding_message_policy,
        },
        select: TENANT_VIEW_COLUMNS,
      }),
    );
    await recordAdminEvent(tx, {
      principal,
      type: 'tenant_updated',
      tenantId: tenant.id,
      change: { target: tenant.slug, before: tenantSettingsOf(before), after: tenantSettingsOf(updated) },
    });
    if (maxExpiry < before.max_requested_expiry) await capApplicationsAtCeiling(tx, principal, tenant.id, maxExpiry);

    return updated;
  });
};
