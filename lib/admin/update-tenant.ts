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

/** The longest wait between the push and the approval email: an hour. */
export const EMAIL_FALLBACK_MAX_SECONDS = 3600;

const fallbackMessage = (issue: { input?: unknown }) =>
  `must be a whole number of seconds from 0 (email at once) to ${EMAIL_FALLBACK_MAX_SECONDS} (got ${JSON.stringify(issue.input) ?? typeof issue.input})`;

/** A change to a tenant's settings: any subset. The slug (part of the issuer) never changes. */
export const ZTenantUpdateSchema = z
  .strictObject({
    name: ZDisplayNameSchema,
    rate_limit_per_user: limit(TENANT_LIMIT_BOUNDS.rate_limit_per_user, 'requests per minute'),
    rate_limit_per_tenant: limit(TENANT_LIMIT_BOUNDS.rate_limit_per_tenant, 'requests per minute'),
    max_pending_requests: limit(TENANT_LIMIT_BOUNDS.max_pending_requests, 'requests'),
    rate_limit_per_agent: limit(TENANT_LIMIT_BOUNDS.rate_limit_per_agent, 'requests per minute'),
    email_channel_enabled: z.boolean({ error: 'must be true or false' }),
    /** Web Push to the users' enrolled authenticators (lib/ciba/notification-channels.ts). */
    push_channel_enabled: z.boolean({ error: 'must be true or false' }),
    /** Push first, the approval email this many seconds later while the request is still pending (0 = at once). */
    email_fallback_seconds: z
      .int({ error: fallbackMessage })
      .min(0, { error: fallbackMessage })
      .max(EMAIL_FALLBACK_MAX_SECONDS, { error: fallbackMessage }),
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
 * Both notification channels off is refused (no user could be asked).
 *
 * @throws AdminError `invalid_input` (one field error per refused setting, a default above the maximum, or both channels off); `not_found` for an unknown tenant; `forbidden` for one out of the principal's reach.
 */
export const updateTenant = async (db: Db, principal: Principal, options: UpdateTenantOptions): Promise<TenantView> => {
  const changes = parseInputOrThrow(ZTenantUpdateSchema, options.settings);
  const tenant = await requireTenantAccess(db, principal, options.slug);

  return db.$transaction(async (tx) => {
    await bumpSettingsEpoch(tx);
    const before = toTenantView(await tx.tenant.findUniqueOrThrow({ where: { id: tenant.id }, select: TENANT_VIEW_COLUMNS }));
    if (
      !(changes.email_channel_enabled ?? before.email_channel_enabled) &&
      !(changes.push_channel_enabled ?? before.push_channel_enabled)
    ) {
      // No channel would reach the users: every request would be refused. Blame the switch that moved.
      const pushMoved = changes.push_channel_enabled === false && before.push_channel_enabled;
      throw invalidInput([
        {
          path: pushMoved || changes.email_channel_enabled === undefined ? 'push_channel_enabled' : 'email_channel_enabled',
          message: 'cannot be off while the other notification channel is off too: users could not be asked to approve',
        },
      ]);
    }
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
          emailFallbackSeconds: changes.email_fallback_seconds,
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
