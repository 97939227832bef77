// /api/v1/tenants/{slug}/events — contract.md, Management API (items {"id","type","time","request_id","client_id","user_id","detail"})
import { z } from 'zod';
import type { EventView } from '@/lib/admin/event-view';
import { listEvents, ZListEventsSchema } from '@/lib/admin/list-events';
import { pageSchema } from '@/lib/api/pagination';
import { defineRoute, type ApiRoute } from '@/lib/api/route';

/** An event as the API serves it. */
export const ZEventSchema = z
  .object({
    id: z.string(),
    type: z
      .string()
      .meta({ description: 'Auth0’s log event names where one exists (`ciba_start_succeeded`, …), `ciba_<verb>` otherwise.' }),
    time: z.iso.datetime(),
    request_id: z.string().nullable(),
    client_id: z.string().nullable().meta({ description: 'The OAuth client_id (null once the client is deleted).' }),
    user_id: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()).nullable().meta({ description: 'What happened, per type.' }),
    actor: z
      .string()
      .optional()
      .meta({ description: 'Administrative events only: who made the change (`admin:<id>`, `api_key:<id>` or `cli`).' }),
  })
  .meta({ title: 'Event' }) satisfies z.ZodType<EventView>;

export const EVENT_ROUTES: readonly ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/tenants/{slug}/events',
    operationId: 'listEvents',
    summary: 'List a tenant’s events',
    description:
      'Newest first: request events and the tenant’s administrative changes; optionally of one `type` or `request_id`.',
    tags: ['Events'],
    query: ZListEventsSchema,
    responses: { 200: { description: 'A page of events.', schema: pageSchema(ZEventSchema, 'EventPage') } },
    handler: async ({ db, principal, params, query }) => ({
      status: 200,
      body: await listEvents(db, principal, { tenantSlug: params.slug, ...query }),
    }),
  }),
];
