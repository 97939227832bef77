// /api/v1/tenants, /api/v1/tenants/{slug} — contract.md, Management API
import { z } from 'zod';
import { createTenant } from '@/lib/admin/create-tenant';
import { deleteTenant } from '@/lib/admin/delete-tenant';
import { getTenant } from '@/lib/admin/get-tenant';
import { listTenants } from '@/lib/admin/list-tenants';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { updateTenant, ZTenantUpdateSchema } from '@/lib/admin/update-tenant';
import { API_BASE_PATH } from '@/lib/api/api-http';
import { pageOfList, pageSchema, ZPageQuerySchema } from '@/lib/api/pagination';
import { defineRoute, type ApiRoute } from '@/lib/api/route';
import {
  ZErrorSchemas,
  ZTenantCreateSchema,
  ZTenantSummarySchema,
  ZTenantViewSchema,
  type TenantSummaryView,
} from '@/lib/api/schemas';

const TAGS = ['Tenants'];

/** Tenants are listed by (created_at, slug). */
const ZTenantPositionSchema = z.tuple([z.string(), z.string()]);

const ZForceParamSchema = z
  .enum(['true', 'false'], { error: 'must be true or false' })
  .optional()
  .transform((value) => value === 'true')
  .meta({ type: 'boolean', default: false, description: 'Delete even while requests are pending (they are deleted with it).' });

export const TENANT_ROUTES: readonly ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/tenants',
    operationId: 'listTenants',
    summary: 'List tenants',
    description: 'The tenants the key may see (every tenant for an all-tenant key), oldest first.',
    tags: TAGS,
    query: ZPageQuerySchema,
    responses: { 200: { description: 'A page of tenants.', schema: pageSchema(ZTenantSummarySchema, 'TenantPage') } },
    handler: async ({ db, principal, query }) => {
      const tenants: TenantSummaryView[] = (await listTenants(db, principal)).map(({ id, slug, name, issuer, createdAt }) => ({
        id,
        slug,
        name,
        issuer,
        created_at: createdAt.toISOString(),
      }));

      return {
        status: 200,
        body: pageOfList(tenants, {
          query,
          sortKeyOf: (tenant): [string, string] => [tenant.created_at, tenant.slug],
          keySchema: ZTenantPositionSchema,
        }),
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/tenants',
    operationId: 'createTenant',
    summary: 'Create a tenant',
    description: 'Creates a tenant (an OpenID Provider at `<APP_URL>/t/<slug>`) with its signing keys. All-tenant keys only.',
    tags: TAGS,
    body: { schema: ZTenantCreateSchema, description: 'The new tenant.' },
    responses: {
      201: { description: 'The tenant, with its default settings.', schema: ZTenantViewSchema },
      409: { description: 'The slug is taken.', schema: ZErrorSchemas.conflict },
    },
    handler: async ({ db, principal, body }) => {
      const input = parseInputOrThrow(ZTenantCreateSchema, body);
      const tenant = await createTenant(db, principal, input);

      return { status: 201, body: tenant, headers: { Location: `${API_BASE_PATH}/tenants/${tenant.slug}` } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/tenants/{slug}',
    operationId: 'getTenant',
    summary: 'Get a tenant',
    tags: TAGS,
    responses: { 200: { description: 'The tenant and its settings.', schema: ZTenantViewSchema } },
    handler: async ({ db, principal, params }) => ({ status: 200, body: await getTenant(db, principal, { slug: params.slug }) }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/tenants/{slug}',
    operationId: 'updateTenant',
    summary: 'Change a tenant’s settings',
    description: 'Any subset of the settings; the others keep their value. The slug never changes.',
    tags: TAGS,
    body: { schema: ZTenantUpdateSchema, description: 'The settings to change.' },
    responses: { 200: { description: 'The tenant as changed.', schema: ZTenantViewSchema } },
    handler: async ({ db, principal, params, body }) => ({
      status: 200,
      body: await updateTenant(db, principal, { slug: params.slug, settings: body ?? {} }),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/tenants/{slug}',
    operationId: 'deleteTenant',
    summary: 'Delete a tenant',
    description:
      'Deletes the tenant and everything in it (clients, users, requests, keys, events). All-tenant keys only. ' +
      'Refused with 409 while requests are pending, unless `?force=true`. Idempotent: 204 whether or not the tenant existed.',
    tags: TAGS,
    query: z.object({ force: ZForceParamSchema }),
    responses: {
      204: { description: 'The tenant is gone.' },
      409: { description: 'Requests are pending (and `force` is not set).', schema: ZErrorSchemas.conflict },
    },
    handler: async ({ db, principal, params, query }) => {
      await deleteTenant(db, principal, { slug: params.slug, force: query.force });

      return { status: 204 };
    },
  }),
];
