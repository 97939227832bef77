import type { Actor } from '@/lib/events/event-types';

/** An administrator's role: owners may do everything, tenant admins only what concerns their tenants. */
export const ADMIN_ROLES = ['owner', 'tenant-admin'] as const;
export type AdminRole = (typeof ADMIN_ROLES)[number];

/**
 * Dynamic client registration (RFC 7591, RFC 7592) acting in one tenant: a
 * client registering itself with an initial access token (`via`
 * `initial_access_token`, `id` the token's id, `name` its name), or a
 * registered client reading, changing or deleting itself with its
 * registration access token (`via` `registration_access_token`, `id` its
 * client_id). It reaches its tenant only; the registration endpoint limits it
 * to the one client.
 */
export type RegistrationPrincipal = {
  kind: 'registration';
  via: 'initial_access_token' | 'registration_access_token';
  id: string;
  name: string;
  tenantId: string;
};

/**
 * Who performs an administrative operation, as established by the door it
 * came through: a console session, a Management API key, the local shell
 * (the CLI runs with the database's own credentials, so it may do everything),
 * or dynamic client registration.
 * Every operation in lib/admin takes one and checks it next to the data.
 */
export type Principal =
  | { kind: 'admin'; id: string; email: string; role: AdminRole; tenantIds: ReadonlySet<string> }
  | { kind: 'api_key'; id: string; name: string; tenantId: string | null }
  | { kind: 'cli' }
  | RegistrationPrincipal;

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

  return (principal.kind === 'api_key' || principal.kind === 'registration') && principal.tenantId === tenantId;
};

/** Actor label prefixes of dynamic registration: by an initial access token's id, by a client_id. */
export const REGISTRATION_ACTOR_PREFIX = {
  initial_access_token: 'registration:',
  registration_access_token: 'registration_client:',
};

/**
 * The `actor` column of the events the principal causes: `admin:<id>`,
 * `api_key:<id>`, `cli`, `registration:<initial access token id>` or
 * `registration_client:<client_id>`.
 */
export const actorLabel = (principal: Principal): string => {
  if (principal.kind === 'cli') return 'cli';
  if (principal.kind === 'registration') return `${REGISTRATION_ACTOR_PREFIX[principal.via]}${principal.id}`;

  return `${principal.kind}:${principal.id}`;
};

/** The principal as a request event names who completed a request (e.g. a cancel; registration never completes one). */
export const eventActorOf = (principal: Principal): Actor => {
  if (principal.kind === 'cli') return { kind: 'cli' };
  if (principal.kind === 'registration') return { kind: 'system' };

  return { kind: principal.kind, id: principal.id };
};
