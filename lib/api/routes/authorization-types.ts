// /api/v1/tenants/{slug}/authorization-types… — RFC 9396 authorization-details types (contract.md, Management API)
import { z } from 'zod';
import { ZAuthorizationTypeCreateSchema, ZAuthorizationTypeUpdateSchema } from '@/lib/admin/authorization-type-view';
import { createAuthorizationType } from '@/lib/admin/create-authorization-type';
import { deleteAuthorizationType } from '@/lib/admin/delete-authorization-type';
import { getAuthorizationType } from '@/lib/admin/get-authorization-type';
import { listAuthorizationTypes } from '@/lib/admin/list-authorization-types';
import { updateAuthorizationType } from '@/lib/admin/update-authorization-type';
import { API_BASE_PATH } from '@/lib/api/api-http';
import { pageOfList, pageSchema, ZPageQuerySchema } from '@/lib/api/pagination';
import { defineRoute, type ApiRoute } from '@/lib/api/route';
import { ZAuthorizationTypeViewSchema } from '@/lib/api/schemas';

const TAGS = ['Authorization types'];

/** Types are listed by name. */
const ZTypePositionSchema = z.tuple([z.string()]);

export const AUTHORIZATION_TYPE_ROUTES: readonly ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/tenants/{slug}/authorization-types',
    operationId: 'listAuthorizationTypes',
    summary: 'List a tenant’s authorization-details types',
    description: 'By name. Clients may request the types their `authorization_details_types` lists (RFC 9396).',
    tags: TAGS,
    query: ZPageQuerySchema,
    responses: {
      200: { description: 'A page of types.', schema: pageSchema(ZAuthorizationTypeViewSchema, 'AuthorizationTypePage') },
    },
    handler: async ({ db, principal, params, query }) => ({
      status: 200,
      body: pageOfList(await listAuthorizationTypes(db, principal, { tenantSlug: params.slug }), {
        query,
        sortKeyOf: (view): [string] => [view.type],
        keySchema: ZTypePositionSchema,
      }),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/tenants/{slug}/authorization-types',
    operationId: 'createAuthorizationType',
    summary: 'Define an authorization-details type',
    description:
      '`type` and `schema` (JSON Schema draft 2020-12 for the whole item, `type` included); optionally `title`, `template` (how the approval page shows items) and `partial_approval` (default true).',
    tags: TAGS,
    body: { schema: ZAuthorizationTypeCreateSchema, description: 'The type.' },
    responses: { 201: { description: 'The type as defined.', schema: ZAuthorizationTypeViewSchema } },
    handler: async ({ db, principal, params, body }) => {
      const view = await createAuthorizationType(db, principal, { tenantSlug: params.slug, input: body });

      return {
        status: 201,
        body: view,
        headers: { Location: `${API_BASE_PATH}/tenants/${params.slug}/authorization-types/${encodeURIComponent(view.type)}` },
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/tenants/{slug}/authorization-types/{type}',
    operationId: 'getAuthorizationType',
    summary: 'Get an authorization-details type',
    description: 'A type name with `/` is percent-encoded in the path (`%2F`).',
    tags: TAGS,
    responses: { 200: { description: 'The type.', schema: ZAuthorizationTypeViewSchema } },
    handler: async ({ db, principal, params }) => ({
      status: 200,
      body: await getAuthorizationType(db, principal, { tenantSlug: params.slug, type: params.type }),
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/tenants/{slug}/authorization-types/{type}',
    operationId: 'updateAuthorizationType',
    summary: 'Change an authorization-details type',
    description: 'Any of `title`, `schema`, `template`, `partial_approval` (null clears `title` or `template`).',
    tags: TAGS,
    body: { schema: ZAuthorizationTypeUpdateSchema, description: 'The fields to change.' },
    responses: { 200: { description: 'The type as changed.', schema: ZAuthorizationTypeViewSchema } },
    handler: async ({ db, principal, params, body }) => ({
      status: 200,
      body: await updateAuthorizationType(db, principal, { tenantSlug: params.slug, type: params.type, input: body ?? {} }),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/tenants/{slug}/authorization-types/{type}',
    operationId: 'deleteAuthorizationType',
    summary: 'Delete an authorization-details type',
    description:
      'Items of this type are refused from the next request on. Idempotent: 204 whether or not the type existed (404 for an unknown tenant).',
    tags: TAGS,
    responses: { 204: { description: 'The type is gone.' } },
    handler: async ({ db, principal, params }) => {
      await deleteAuthorizationType(db, principal, { tenantSlug: params.slug, type: params.type });

      return { status: 204 };
    },
  }),
];
