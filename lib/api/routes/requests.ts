// /api/v1/tenants/{slug}/requests… — contract.md, Management API (cancel answers 204)
import { z } from 'zod';
import { cancelRequest } from '@/lib/admin/cancel-request';
import { getRequest, type RequestDetailView } from '@/lib/admin/get-request';
import { listRequests, ZListRequestsSchema } from '@/lib/admin/list-requests';
import type { RequestView } from '@/lib/admin/request-view';
import { pageSchema } from '@/lib/api/pagination';
import { defineRoute, type ApiRoute } from '@/lib/api/route';
import { ZEventSchema } from '@/lib/api/routes/events';
import { ZErrorSchemas } from '@/lib/api/schemas';
import { REQUEST_STATUSES } from '@/lib/store/request-lifecycle';

const TAGS = ['Requests'];

const timestamp = (description: string) => z.iso.datetime().meta({ description });

export const ZRequestSchema = z
  .object({
    id: z.string(),
    status: z
      .enum(REQUEST_STATUSES)
      .meta({ description: 'The status now: past its expiry, an unfinished request is `expired`.' }),
    client_id: z.string().meta({ description: 'The OAuth client_id of the client that made the request.' }),
    client_name: z.string(),
    user: z.object({ id: z.string(), email: z.string() }),
    scope: z.string(),
    binding_message: z.string().nullable(),
    created_at: timestamp('When bc-authorize accepted the request.'),
    expires_at: timestamp('When the request expires unless finished.'),
    decided_at: timestamp('When it was approved, denied, cancelled or expired.').nullable(),
    poll_count: z.int().meta({ description: 'Token-endpoint polls so far.' }),
    agent: z
      .object({
        iss: z.string(),
        sub: z.string(),
        name: z.string().nullable(),
        acting_for: z.string().nullable(),
      })
      .nullable()
      .meta({ description: 'The agent acting for the user (a verified `actor_token`), null without one.' }),
  })
  .meta({ title: 'Request' }) satisfies z.ZodType<RequestView>;

const ZAuthorizationDetailsSchema = z.array(z.looseObject({ type: z.string() })).nullable();

export const ZRequestDetailSchema = ZRequestSchema.extend({
  authorization_details: ZAuthorizationDetailsSchema.meta({
    description: 'The `authorization_details` the client asked for (RFC 9396), null when it asked for none.',
  }),
  granted_authorization_details: ZAuthorizationDetailsSchema.meta({
    description: 'Those the user granted (every item, or the subset left ticked), null before approval and without details.',
  }),
  events: z.array(ZEventSchema).meta({ description: 'What happened to the request, oldest first.' }),
}).meta({ title: 'RequestDetail' }) satisfies z.ZodType<RequestDetailView>;

export const REQUEST_ROUTES: readonly ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/tenants/{slug}/requests',
    operationId: 'listRequests',
    summary: 'List a tenant’s CIBA requests',
    description: 'Newest first; optionally only those with a `status` (as now), of a `client_id`, or of a `user_id`.',
    tags: TAGS,
    query: ZListRequestsSchema,
    responses: { 200: { description: 'A page of requests.', schema: pageSchema(ZRequestSchema, 'RequestPage') } },
    handler: async ({ db, principal, params, query }) => ({
      status: 200,
      body: await listRequests(db, principal, { tenantSlug: params.slug, ...query }),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/tenants/{slug}/requests/{id}',
    operationId: 'getRequest',
    summary: 'Get a CIBA request',
    description: 'With its timeline: every event about it, oldest first.',
    tags: TAGS,
    responses: { 200: { description: 'The request.', schema: ZRequestDetailSchema } },
    handler: async ({ db, principal, params }) => ({
      status: 200,
      body: await getRequest(db, principal, { tenantSlug: params.slug, id: params.id }),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/tenants/{slug}/requests/{id}/cancel',
    operationId: 'cancelRequest',
    summary: 'Cancel a CIBA request',
    description: 'A pending or approved (not yet redeemed) request: the client’s next poll gets `access_denied`.',
    tags: TAGS,
    responses: {
      204: { description: 'The request is cancelled.' },
      409: { description: 'The request is finished already (`already <status>`).', schema: ZErrorSchemas.conflict },
    },
    handler: async ({ db, principal, params }) => {
      await cancelRequest(db, principal, { tenantSlug: params.slug, id: params.id });

      return { status: 204 };
    },
  }),
];
