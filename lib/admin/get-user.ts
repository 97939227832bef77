import { z } from 'zod';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { ZResourceIdSchema } from '@/lib/admin/user-fields';
import { userNotFound } from '@/lib/admin/user-not-found';
import { toUserView, USER_VIEW_COLUMNS, type UserView } from '@/lib/admin/user-view';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { isRequestExpired, type RequestStatus } from '@/lib/store/request-lifecycle';

/** How many of a user's requests `getUser` shows, newest first. */
export const USER_RECENT_REQUESTS = 10;

/** Which user: its id. */
export const ZGetUserSchema = z.strictObject({ id: ZResourceIdSchema }).meta({ title: 'GetUser' });
export type TGetUser = z.input<typeof ZGetUserSchema>;

export type GetUserOptions = { tenantSlug: string } & TGetUser;

/** One of a user's recent requests, as the user's page lists it. */
export type UserRecentRequest = {
  id: string;
  /** The request's status now (a pending request past its expiry is `expired`). */
  status: RequestStatus;
  client_name: string;
  scope: string;
  binding_message: string | null;
  created_at: string;
};

export type UserDetailView = UserView & { recent_requests: UserRecentRequest[] };

/**
 * One user of a tenant with its most recent requests (at most
 * USER_RECENT_REQUESTS, newest first, read on the (userId, createdAt) index).
 *
 * @throws AdminError `invalid_input` for a malformed id; `not_found` for an unknown tenant or a user not in it; `forbidden` for a tenant out of reach.
 */
export const getUser = async (db: Db, principal: Principal, options: GetUserOptions): Promise<UserDetailView> => {
  const { tenantSlug, ...input } = options;
  const tenant = await requireTenantAccess(db, principal, tenantSlug);
  const { id } = parseInputOrThrow(ZGetUserSchema, input);
  const user = await db.user.findFirst({ where: { id, tenantId: tenant.id }, select: USER_VIEW_COLUMNS });
  if (!user) throw userNotFound(tenant.slug, id);

  const now = new Date();
  const requests = await db.backchannelRequest.findMany({
    where: { userId: user.id },
    select: {
      id: true,
      status: true,
      expiresAt: true,
      scope: true,
      bindingMessage: true,
      createdAt: true,
      client: { select: { name: true } },
    },
    orderBy: { createdAt: 'desc' },
    take: USER_RECENT_REQUESTS,
  });

  return {
    ...toUserView(user),
    recent_requests: requests.map((request) => ({
      id: request.id,
      status: isRequestExpired(request, now) ? 'expired' : request.status,
      client_name: request.client.name,
      scope: request.scope,
      binding_message: request.bindingMessage,
      created_at: request.createdAt.toISOString(),
    })),
  };
};
