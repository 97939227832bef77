import type { Db } from '@/lib/db/client';
import { TENANT_SLUG_PATTERN } from '@/lib/tenants/issuer';

/**
 * A tenant as the protocol endpoints see it: identity, bc-authorize's
 * abuse limits (lib/ciba/admission.ts; each 0 for none) and its
 * notification channels (lib/ciba/notification-channels.ts).
 */
export type TenantRecord = {
  id: string;
  slug: string;
  name: string;
  rateLimitPerUser: number;
  rateLimitPerTenant: number;
  maxPendingRequests: number;
  /** bc-authorize requests per minute per agent (an actor_token's issuer and sub). */
  rateLimitPerAgent: number;
  /** Dynamic client registration (RFC 7591) is open, to holders of an initial access token. */
  dynamicRegistration: boolean;
  /** The approval email channel is on. */
  emailChannelEnabled: boolean;
  /** The Web Push channel (the enrolled authenticator) is on. */
  pushChannelEnabled: boolean;
  /** Push first, the approval email this many seconds later while still pending (0 = both at once). */
  emailFallbackSeconds: number;
};

/** Prisma `select` of a TenantRecord. */
export const TENANT_RECORD_COLUMNS = {
  id: true,
  slug: true,
  name: true,
  rateLimitPerUser: true,
  rateLimitPerTenant: true,
  maxPendingRequests: true,
  rateLimitPerAgent: true,
  dynamicRegistration: true,
  emailChannelEnabled: true,
  pushChannelEnabled: true,
  emailFallbackSeconds: true,
} as const;

/** The tenant with this slug, or null (also for anything that cannot be a slug). */
export const findTenantBySlug = async (db: Db, slug: string): Promise<TenantRecord | null> => {
  if (!TENANT_SLUG_PATTERN.test(slug)) return null;

  return db.tenant.findUnique({ where: { slug }, select: TENANT_RECORD_COLUMNS });
};
