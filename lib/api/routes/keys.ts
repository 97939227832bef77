// /api/v1/tenants/{slug}/keys… — contract.md, Management API
import { z } from 'zod';
import { listSigningKeys } from '@/lib/admin/list-signing-keys';
import { retireSigningKey } from '@/lib/admin/retire-signing-key';
import { invalidInput } from '@/lib/admin/errors';
import { rotateSigningKey, ZRotateSigningKeySchema, type TRotateSigningKey } from '@/lib/admin/rotate-signing-key';
import type { SigningKeyView } from '@/lib/admin/signing-key-view';
import { pageOfList, pageSchema, ZPageQuerySchema } from '@/lib/api/pagination';
import { defineRoute, type ApiRoute } from '@/lib/api/route';
import { ZErrorSchemas } from '@/lib/api/schemas';

const TAGS = ['Signing keys'];

const timestamp = (description: string) => z.iso.datetime().meta({ description });

export const ZSigningKeySchema = z
  .object({
    kid: z.string(),
    alg: z.string(),
    status: z.enum(['active', 'retiring', 'retired']).meta({
      description:
        'active: published, signing or ready to; retiring: retired, still published for tokens it signed; retired: gone.',
    }),
    signing: z.boolean().meta({ description: 'Whether it signs new tokens of its alg now.' }),
    created_at: timestamp('When it was created and published in the JWKS.'),
    signs_from: timestamp('When an active key may sign: 5 minutes after it was published.').nullable(),
    retired_at: timestamp('When it was retired.').nullable(),
    published_until: timestamp(
      'When a retired key leaves the JWKS (the longest token lifetime after its retirement).',
    ).nullable(),
  })
  .meta({ title: 'SigningKey' }) satisfies z.ZodType<SigningKeyView>;

/** Keys are listed by alg, newest first: (alg, −created_at in ms, kid). */
const ZKeyPositionSchema = z.tuple([z.string(), z.number(), z.string()]);

/**
 * A JSON body that must be an object (absent: empty).
 *
 * @throws AdminError `invalid_input` on the path "" for any other JSON value.
 */
const objectBody = (body: unknown): Record<string, unknown> => {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalidInput([{ path: '', message: 'must be a JSON object' }]);

  return body as Record<string, unknown>;
};

export const KEY_ROUTES: readonly ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/tenants/{slug}/keys',
    operationId: 'listSigningKeys',
    summary: 'List a tenant’s signing keys',
    description: 'Every key, retired ones included, by alg and newest first. Never private material.',
    tags: TAGS,
    query: ZPageQuerySchema,
    responses: { 200: { description: 'A page of keys.', schema: pageSchema(ZSigningKeySchema, 'SigningKeyPage') } },
    handler: async ({ db, principal, params, query }) => ({
      status: 200,
      body: pageOfList(await listSigningKeys(db, principal, { tenantSlug: params.slug }), {
        query,
        sortKeyOf: (key): [string, number, string] => [key.alg, -Date.parse(key.created_at), key.kid],
        keySchema: ZKeyPositionSchema,
      }),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/tenants/{slug}/keys/rotate',
    operationId: 'rotateSigningKey',
    summary: 'Rotate a signing key',
    description:
      'Adds a key for `alg`: published in the JWKS at once, it signs from 5 minutes later; the previous key signs until then ' +
      'and stays published until it is retired.',
    tags: TAGS,
    body: { schema: ZRotateSigningKeySchema, description: 'The algorithm.' },
    responses: { 201: { description: 'The new key.', schema: ZSigningKeySchema } },
    handler: async ({ db, principal, params, body }) => ({
      status: 201,
      body: await rotateSigningKey(db, principal, { ...(objectBody(body) as TRotateSigningKey), tenantSlug: params.slug }),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/tenants/{slug}/keys/{kid}/retire',
    operationId: 'retireSigningKey',
    summary: 'Retire a signing key',
    description:
      'It signs nothing more and leaves the JWKS once the longest token lifetime (one day) has passed. Refused for the ' +
      'only active key of its alg, and for the signing key while its successor is younger than 5 minutes.',
    tags: TAGS,
    responses: {
      200: { description: 'The retired key.', schema: ZSigningKeySchema },
      409: { description: 'The key is retired already, or may not be retired yet.', schema: ZErrorSchemas.conflict },
    },
    handler: async ({ db, principal, params }) => ({
      status: 200,
      body: await retireSigningKey(db, principal, { tenantSlug: params.slug, kid: params.kid }),
    }),
  }),
];
