import { z } from 'zod';
import { eventPositionOf, eventsBefore, ZEventCursorSchema } from '@/lib/admin/event-cursor';
import { EVENT_VIEW_COLUMNS, toEventViews, type EventView } from '@/lib/admin/event-view';
import { decodePageCursor, pageOf, ZPageCursorSchema, ZPageLimitSchema, type Page } from '@/lib/admin/page-cursor';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { ZResourceIdSchema } from '@/lib/admin/user-fields';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { EVENT_TYPES } from '@/lib/events/event-types';

/** The query of an event list: filters and a page. */
export const ZListEventsSchema = z
  .strictObject({
    type: z.enum(EVENT_TYPES, { error: (issue) => `is not an event type (got ${JSON.stringify(issue.input)})` }).optional(),
    request_id: ZResourceIdSchema.optional(),
    limit: ZPageLimitSchema,
    cursor: ZPageCursorSchema,
  })
  .meta({ title: 'ListEventsQuery' });
export type TListEvents = z.input<typeof ZListEventsSchema>;

export type ListEventsOptions = { tenantSlug: string } & TListEvents;

/**
 * A tenant's events, newest first (by time, then id), one page at a time,
 * optionally of one type or one request: request events and the tenant's
 * administrative events (those carry `actor`). Read on the (tenantId,
 * createdAt) index, or (requestId, createdAt) for one request.
 *
 * @throws AdminError `invalid_input` for a bad filter, limit or cursor; `not_found` for an unknown tenant; `forbidden` for one out of reach.
 */
export const listEvents = async (db: Db, principal: Principal, options: ListEventsOptions): Promise<Page<EventView>> => {
  const { tenantSlug, ...query } = options;
  const tenant = await requireTenantAccess(db, principal, tenantSlug);
  const { type, request_id: requestId, limit, cursor } = parseInputOrThrow(ZListEventsSchema, query);
  const position = decodePageCursor(ZEventCursorSchema, cursor);

  const rows = await db.event.findMany({
    where: {
      tenantId: tenant.id,
      ...(type === undefined ? {} : { type }),
      ...(requestId === undefined ? {} : { requestId }),
      ...eventsBefore(position),
    },
    select: EVENT_VIEW_COLUMNS,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
  });
  const page = pageOf(rows, { limit, toView: (row) => row, positionOf: eventPositionOf });

  return { data: await toEventViews(db, page.data), next_cursor: page.next_cursor };
};
