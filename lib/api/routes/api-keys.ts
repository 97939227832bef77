// /api/v1/api-keys, /api/v1/api-keys/{id} — Management API keys (not in contract.md's list; docs/management-api.md)
import { z } from 'zod';
import { createApiKey, ZApiKeyCreateSchema } from '@/lib/admin/create-api-key';
import { listApiKeys } from '@/lib/admin/list-api-keys';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { revokeApiKey } from '@/lib/admin/revoke-api-key';
import { decodeCursor, pageOf, pageSchema, ZPageQuerySchema } from '@/lib/api/pagination';
import { defineRoute, type ApiRoute } from '@/lib/api/route';
import { ZApiKeyViewSchema, ZCreatedApiKeySchema } from '@/lib/api/schemas';

const TAGS = ['API keys'];

/** Keys are listed by (created_at, id), read page by page from the database. */
const ZApiKeyPositionSchema = z.tuple([z.iso.datetime(), z.string().max(100)]);

export const API_KEY_ROUTES: readonly ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api-keys',
    operationId: 'listApiKeys',
    summary: 'List API keys',
    description:
      'The keys the caller may see, revoked ones included, oldest first: every key for an all-tenant key, ' +
      'the keys of its tenant for a tenant key. Never a key or its hash.',
    tags: TAGS,
    query: ZPageQuerySchema,
    responses: { 200: { description: 'A page of API keys.', schema: pageSchema(ZApiKeyViewSchema, 'ApiKeyPage') } },
    handler: async ({ db, principal, query }) => {
      const after = decodeCursor(query.cursor, ZApiKeyPositionSchema);
      const keys = await listApiKeys(db, principal, {
        take: query.limit + 1,
        after: after && { created_at: after[0], id: after[1] },
      });

      return { status: 200, body: pageOf(keys, { limit: query.limit, positionOf: (key) => [key.created_at, key.id] }) };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api-keys',
    operationId: 'createApiKey',
    summary: 'Create an API key',
    description:
      'A key for one tenant (`tenant`: its slug), or for every tenant (`tenant` absent or null: all-tenant keys only). ' +
      'The key is shown this once.',
    tags: TAGS,
    body: { schema: ZApiKeyCreateSchema, description: 'The new key’s name and reach.' },
    responses: { 201: { description: 'The key, shown this once.', schema: ZCreatedApiKeySchema } },
    handler: async ({ db, principal, body }) => {
      const input = parseInputOrThrow(ZApiKeyCreateSchema, body);

      return { status: 201, body: await createApiKey(db, principal, { name: input.name, tenantSlug: input.tenant }) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api-keys/{id}',
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key',
    description:
      'The key authenticates nothing from the next request on. Idempotent: 204 whether or not it existed or was revoked.',
    tags: TAGS,
    responses: { 204: { description: 'The key is revoked.' } },
    handler: async ({ db, principal, params }) => {
      await revokeApiKey(db, principal, { id: params.id });

      return { status: 204 };
    },
  }),
];
