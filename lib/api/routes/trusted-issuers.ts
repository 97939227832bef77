// /api/v1/tenants/{slug}/trusted-issuers… — the tenant's trusted issuers (actor_token; later login_hint_token)
import { z } from 'zod';
import { addTrustedIssuer, ZTrustedIssuerCreateSchema } from '@/lib/admin/add-trusted-issuer';
import { listTrustedIssuers } from '@/lib/admin/list-trusted-issuers';
import { removeTrustedIssuer } from '@/lib/admin/remove-trusted-issuer';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import type { TrustedIssuerView } from '@/lib/admin/trusted-issuer-view';
import { API_BASE_PATH } from '@/lib/api/api-http';
import { pageSchema } from '@/lib/api/pagination';
import { defineRoute, type ApiRoute } from '@/lib/api/route';
import { ZErrorSchemas } from '@/lib/api/schemas';

const TAGS = ['Trusted issuers'];

export const ZTrustedIssuerSchema = z
  .object({
    id: z.string().meta({ description: 'The trusted issuer’s id in this API (`/trusted-issuers/{id}`).' }),
    issuer: z.string().meta({ description: 'The `iss` its tokens carry.' }),
    jwks: z
      .object({ keys: z.array(z.record(z.string(), z.unknown())) })
      .nullable()
      .meta({ description: 'Its public keys, when given inline (else null).' }),
    jwks_uri: z.string().nullable().meta({ description: 'Where its keys are fetched from, when given so (else null).' }),
    created_at: z.iso.datetime().meta({ description: 'When the issuer was added.' }),
  })
  .meta({ title: 'TrustedIssuer' }) satisfies z.ZodType<TrustedIssuerView>;

export const TRUSTED_ISSUER_ROUTES: readonly ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/tenants/{slug}/trusted-issuers',
    operationId: 'listTrustedIssuers',
    summary: 'List a tenant’s trusted issuers',
    description:
      'Issuers whose JWTs the tenant accepts: an `actor_token` at bc-authorize naming the agent acting for the user. ' +
      'Oldest first, in one page (a tenant holds at most 200).',
    tags: TAGS,
    responses: {
      200: { description: 'Every trusted issuer of the tenant.', schema: pageSchema(ZTrustedIssuerSchema, 'TrustedIssuerPage') },
    },
    handler: async ({ db, principal, params }) => ({
      status: 200,
      body: { data: await listTrustedIssuers(db, principal, { tenantSlug: params.slug }), next_cursor: null },
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/tenants/{slug}/trusted-issuers',
    operationId: 'addTrustedIssuer',
    summary: 'Trust an issuer',
    description:
      '`issuer` and exactly one of `jwks` (public keys only: a private key member is refused) or `jwks_uri` (https; ' +
      'no loopback, private or link-local address unless ALLOW_HTTP_LOOPBACK_CALLBACKS admits http loopback).',
    tags: TAGS,
    body: { schema: ZTrustedIssuerCreateSchema, description: 'The issuer and its keys.' },
    responses: {
      201: { description: 'The trusted issuer.', schema: ZTrustedIssuerSchema },
      409: { description: 'The tenant already trusts this issuer.', schema: ZErrorSchemas.conflict },
    },
    handler: async ({ db, principal, params, body }) => {
      // Access before validation, as every other tenant route.
      await requireTenantAccess(db, principal, params.slug);
      const created = await addTrustedIssuer(db, principal, { tenantSlug: params.slug, input: body });

      return {
        status: 201,
        body: created,
        headers: { Location: `${API_BASE_PATH}/tenants/${params.slug}/trusted-issuers/${created.id}` },
      };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/tenants/{slug}/trusted-issuers/{id}',
    operationId: 'removeTrustedIssuer',
    summary: 'Stop trusting an issuer',
    description:
      'Its tokens are refused from the next request on. Idempotent: 204 whether or not the tenant trusted it (404 for an ' +
      'unknown tenant).',
    tags: TAGS,
    responses: { 204: { description: 'The issuer is no longer trusted.' } },
    handler: async ({ db, principal, params }) => {
      await removeTrustedIssuer(db, principal, { tenantSlug: params.slug, id: params.id });

      return { status: 204 };
    },
  }),
];
