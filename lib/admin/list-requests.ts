import { z } from 'zod';
import { decodePageCursor, pageOf, ZPageCursorSchema, ZPageLimitSchema, type Page } from '@/lib/admin/page-cursor';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { REQUEST_VIEW_COLUMNS, toRequestView, type RequestView } from '@/lib/admin/request-view';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { ZResourceIdSchema } from '@/lib/admin/user-fields';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { REQUEST_STATUSES, UNFINISHED_STATUSES, type RequestStatus } from '@/lib/store/request-lifecycle';

/** The query of a request list: filters and a page. */
export const ZListRequestsSchema = z
  .strictObject({
    /** The status now (a request past its expiry counts as expired, as everywhere). */
    status: z.enum(REQUEST_STATUSES, { error: `must be one of ${REQUEST_STATUSES.join(', ')}` }).optional(),
    /** The OAuth client_id of the client that made the requests. */
    client_id: z.string({ error: 'must be text' }).max(200, { error: 'is not a client_id this server gives out' }).optional(),
    /** The id of the user the requests concern. */
    user_id: ZResourceIdSchema.optional(),
    limit: ZPageLimitSchema,
    cursor: ZPageCursorSchema,
  })
  .meta({ title: 'ListRequestsQuery' });
export type TListRequests = z.input<typeof ZListRequestsSchema>;

export type ListRequestsOptions = { tenantSlug: string } & TListRequests;

const ZRequestCursorSchema = z.strictObject({ id: z.string() });

/** The stored statuses that have status `status` now, by THE expiry rule (isRequestExpired). */
const whereStatusNow = (status: RequestStatus | undefined, now: Date) => {
  if (status === undefined) return {};
  if (status === 'expired') {
    return { OR: [{ status: 'expired' as const }, { status: { in: [...UNFINISHED_STATUSES] }, expiresAt: { lte: now } }] };
  }
  if ((UNFINISHED_STATUSES as readonly RequestStatus[]).includes(status)) return { status, expiresAt: { gt: now } };

  return { status };
};

/**
 * A tenant's CIBA requests, newest first (request ids are UUIDv7, so id order
 * is creation order), one page at a time, optionally only those with a
 * status, of a client or of a user. The cursor is the page's last id.
 *
 * @throws AdminError `invalid_input` for a bad filter, limit or cursor; `not_found` for an unknown tenant; `forbidden` for one out of reach.
 */
export const listRequests = async (db: Db, principal: Principal, options: ListRequestsOptions): Promise<Page<RequestView>> => {
  const { tenantSlug, ...query } = options;
  const tenant = await requireTenantAccess(db, principal, tenantSlug);
  const { status, client_id: clientId, user_id: userId, limit, cursor } = parseInputOrThrow(ZListRequestsSchema, query);
  const before = decodePageCursor(ZRequestCursorSchema, cursor)?.id;
  const now = new Date();

  const rows = await db.backchannelRequest.findMany({
    where: {
      tenantId: tenant.id,
      ...whereStatusNow(status, now),
      ...(clientId === undefined ? {} : { client: { clientId } }),
      ...(userId === undefined ? {} : { userId }),
      ...(before === undefined ? {} : { id: { lt: before } }),
    },
    select: REQUEST_VIEW_COLUMNS,
    orderBy: { id: 'desc' },
    take: limit + 1,
  });

  return pageOf(rows, { limit, toView: (row) => toRequestView(row, now), positionOf: (row) => ({ id: row.id }) });
};
