import {
  TENANT_APPLICATION_SETTINGS_COLUMNS,
  toTenantApplicationSettings,
  type TenantApplicationSettings,
} from '@/lib/admin/tenant-application-settings';
import { TENANT_RECORD_COLUMNS, type TenantRecord } from '@/lib/tenants/find-tenant';
import { issuerFor } from '@/lib/tenants/issuer';

/**
 * A tenant as every admin door shows it: identity, issuer and settings
 * (snake_case, as the CLI's and the Management API's JSON).
 */
export type TenantView = {
  id: string;
  slug: string;
  name: string;
  issuer: string;
  /** bc-authorize requests per minute per hinted user; 0 = no limit. */
  rate_limit_per_user: number;
  /** bc-authorize requests per minute for the tenant; 0 = no limit. */
  rate_limit_per_tenant: number;
  /** Requests pending at once; 0 = no limit. */
  max_pending_requests: number;
  /** bc-authorize requests per minute per agent (actor_token); 0 = no limit. */
  rate_limit_per_agent: number;
  email_channel_enabled: boolean;
  push_channel_enabled: boolean;
  /** Push first: the approval email follows this many seconds later if the request is still pending (0 = at once). */
  email_fallback_seconds: number;
  /** Dynamic client registration (RFC 7591) at `<issuer>/register`, with an initial access token; off by default. */
  dynamic_registration: boolean;
  /** The emailed approval page needs the user's passkey whenever they enrolled one; off by default. */
  require_passkey_approval: boolean;
  created_at: string;
} & TenantApplicationSettings;

/** Prisma `select` of what a TenantView needs. */
export const TENANT_VIEW_COLUMNS = {
  ...TENANT_RECORD_COLUMNS,
  requirePasskeyApproval: true,
  createdAt: true,
  ...TENANT_APPLICATION_SETTINGS_COLUMNS,
} as const;

export type TenantViewRow = TenantRecord & {
  requirePasskeyApproval: boolean;
  createdAt: Date;
} & Parameters<typeof toTenantApplicationSettings>[0];

export const toTenantView = (row: TenantViewRow): TenantView => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  issuer: issuerFor(row.slug),
  rate_limit_per_user: row.rateLimitPerUser,
  rate_limit_per_tenant: row.rateLimitPerTenant,
  max_pending_requests: row.maxPendingRequests,
  rate_limit_per_agent: row.rateLimitPerAgent,
  email_channel_enabled: row.emailChannelEnabled,
  push_channel_enabled: row.pushChannelEnabled,
  email_fallback_seconds: row.emailFallbackSeconds,
  dynamic_registration: row.dynamicRegistration,
  require_passkey_approval: row.requirePasskeyApproval,
  ...toTenantApplicationSettings(row),
  created_at: row.createdAt.toISOString(),
});

/** The settings part of a view (what the audit log records before and after a change). */
export const tenantSettingsOf = ({ id: _id, issuer: _issuer, created_at: _createdAt, ...settings }: TenantView) => settings;
