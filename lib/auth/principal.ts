import type { Actor } from '@/lib/events/event-types';

/** An administrator's role: owners may do everything, tenant admins only what concerns their tenants. */
export const ADMIN_ROLES = ['owner', 'tenant-admin'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

/**
 * Who performs an administrative operation, as established by the door it
 * came through: a console session, a Management API key, or the local shell
 * (the CLI runs with the database's own credentials, so it may do everything).
 * Every operation in lib/admin takes one and checks it next to the data.
 */
export type Principal =
  | { kind: 'admin'; id: string; email: string; role: AdminRole; tenantIds: ReadonlySet<string> }
  | { kind: 'api_key'; id: string; name: string; tenantId: string | null }
  | { kind: 'cli' };

export const CLI_PRINCIPAL: Principal = { kind: 'cli' };

/** True for a principal that sees every tenant and may do owner-only operations (tenants, admins, all-tenant keys). */
export const isOwnerLike = (principal: Principal): boolean =>
  principal.kind === 'cli' ||
  (principal.kind === 'admin' && principal.role === 'owner') ||
  (principal.kind === 'api_key' && principal.tenantId === null);

/** Whether the principal may see and change tenant `tenantId` and everything in it. */
export const mayAccessTenant = (principal: Principal, tenantId: string): boolean => {
  if (isOwnerLike(principal)) return true;
  if (principal.kind === 'admin') return principal.tenantIds.has(tenantId);

  return principal.kind === 'api_key' && principal.tenantId === tenantId;
};

/** The `actor` column of the events the principal causes: `admin:<id>`, `api_key:<id>` or `cli`. */
export const actorLabel = (principal: Principal): string =>
  principal.kind === 'cli' ? 'cli' : `${principal.kind}:${principal.id}`;

/** The principal as a request event names who completed a request (e.g. a cancel). */
export const eventActorOf = (principal: Principal): Actor =>
  principal.kind === 'cli' ? { kind: 'cli' } : { kind: principal.kind, id: principal.id };
