import { z } from 'zod';
import { EVENT_VIEW_COLUMNS, toEventViews, type EventView } from '@/lib/admin/event-view';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requestNotFound } from '@/lib/admin/request-not-found';
import { REQUEST_VIEW_COLUMNS, toRequestView, type RequestView } from '@/lib/admin/request-view';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { ZResourceIdSchema } from '@/lib/admin/user-fields';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import type { AuthorizationDetail } from '@/lib/oauth/authorization-details/parse-authorization-details';
import { parseGrantedAuthorizationDetails } from '@/lib/oauth/tokens';

/** Which request: its id. */
export const ZGetRequestSchema = z.strictObject({ id: ZResourceIdSchema }).meta({ title: 'GetRequest' });
export type TGetRequest = z.input<typeof ZGetRequestSchema>;

export type GetRequestOptions = { tenantSlug: string } & TGetRequest;

export type RequestDetailView = RequestView & {
  /** RFC 9396: the authorization_details the client asked for, null when it asked for none. */
  authorization_details: AuthorizationDetail[] | null;
  /** Those the user granted (all, or a subset), set by the approval; null before it and without details. */
  granted_authorization_details: AuthorizationDetail[] | null;
  events: EventView[];
};

/** A stored authorization_details column (a JSON array validated at bc-authorize), null when it holds none. */
const parseDetails = (stored: string | null): AuthorizationDetail[] | null =>
  parseGrantedAuthorizationDetails(stored) as AuthorizationDetail[] | null;

/**
 * One CIBA request of a tenant with its timeline: every event about it,
 * oldest first (read on the (requestId, createdAt) index).
 *
 * @throws AdminError `invalid_input` for a malformed id; `not_found` for an unknown tenant or a request not in it; `forbidden` for a tenant out of reach.
 */
export const getRequest = async (db: Db, principal: Principal, options: GetRequestOptions): Promise<RequestDetailView> => {
  const { tenantSlug, ...input } = options;
  const tenant = await requireTenantAccess(db, principal, tenantSlug);
  const { id } = parseInputOrThrow(ZGetRequestSchema, input);
  const now = new Date();
  const request = await db.backchannelRequest.findFirst({
    where: { id, tenantId: tenant.id },
    select: { ...REQUEST_VIEW_COLUMNS, authorizationDetails: true, grantedAuthorizationDetails: true },
  });
  if (!request) throw requestNotFound(tenant.slug, id);
  const events = await db.event.findMany({
    where: { requestId: id, tenantId: tenant.id },
    select: EVENT_VIEW_COLUMNS,
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });

  return {
    ...toRequestView(request, now),
    authorization_details: parseDetails(request.authorizationDetails),
    granted_authorization_details: parseDetails(request.grantedAuthorizationDetails),
    events: await toEventViews(db, events),
  };
};
