// /api/v1/tenants/{slug}/initial-access-tokens… — initial access tokens for dynamic client registration (RFC 7591 §3)
import { createInitialAccessToken } from '@/lib/admin/create-initial-access-token';
import { ZInitialAccessTokenCreateSchema } from '@/lib/admin/initial-access-token-view';
import { listInitialAccessTokens } from '@/lib/admin/list-initial-access-tokens';
import { revokeInitialAccessToken } from '@/lib/admin/revoke-initial-access-token';
import { defineRoute, type ApiRoute } from '@/lib/api/route';
import { ZCreatedInitialAccessTokenSchema, ZInitialAccessTokenViewSchema } from '@/lib/api/schemas';
import { z } from 'zod';

const TAGS = ['Initial access tokens'];

export const INITIAL_ACCESS_TOKEN_ROUTES: readonly ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/tenants/{slug}/initial-access-tokens',
    operationId: 'listInitialAccessTokens',
    summary: 'List a tenant’s initial access tokens',
    description: 'Newest first, with their status (revoked, expired and used-up ones included). Never a token or its hash.',
    tags: TAGS,
    responses: {
      200: {
        description: 'The tokens.',
        schema: z.object({ data: z.array(ZInitialAccessTokenViewSchema) }).meta({ title: 'InitialAccessTokenList' }),
      },
    },
    handler: async ({ db, principal, params }) => ({
      status: 200,
      body: { data: await listInitialAccessTokens(db, principal, { tenantSlug: params.slug }) },
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/tenants/{slug}/initial-access-tokens',
    operationId: 'createInitialAccessToken',
    summary: 'Create an initial access token',
    description:
      'The bearer token a client presents at `<issuer>/register` (RFC 7591 §3) while the tenant’s `dynamic_registration` is on. ' +
      '`expires_in` (seconds) and `uses` are optional (absent: no limit). The token is shown this once.',
    tags: TAGS,
    body: { schema: ZInitialAccessTokenCreateSchema, description: 'The token’s name and limits.' },
    responses: { 201: { description: 'The token, shown this once.', schema: ZCreatedInitialAccessTokenSchema } },
    handler: async ({ db, principal, params, body }) => ({
      status: 201,
      body: await createInitialAccessToken(db, principal, { tenantSlug: params.slug, input: body ?? {} }),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/tenants/{slug}/initial-access-tokens/{id}',
    operationId: 'revokeInitialAccessToken',
    summary: 'Revoke an initial access token',
    description:
      'The token registers nothing from the next request on; clients it registered stay. 204 also for a token revoked before; ' +
      '404 for a token not of this tenant.',
    tags: TAGS,
    responses: { 204: { description: 'The token is revoked.' } },
    handler: async ({ db, principal, params }) => {
      await revokeInitialAccessToken(db, principal, { tenantSlug: params.slug, id: params.id });

      return { status: 204 };
    },
  }),
];
