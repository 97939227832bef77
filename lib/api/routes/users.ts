// /api/v1/tenants/{slug}/users… — contract.md, Management API
import { z } from 'zod';
import { createUser } from '@/lib/admin/create-user';
import { deleteUser } from '@/lib/admin/delete-user';
import { invalidInput } from '@/lib/admin/errors';
import { getUser, type UserDetailView } from '@/lib/admin/get-user';
import { importUsers, type ImportUsersReport, type TImportUsers } from '@/lib/admin/import-users';
import { listUsers, ZListUsersSchema } from '@/lib/admin/list-users';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { updateUser, ZUserUpdateSchema } from '@/lib/admin/update-user';
import { ZUserCreateSchema } from '@/lib/admin/user-fields';
import type { UserView } from '@/lib/admin/user-view';
import { ApiHttpError } from '@/lib/api/api-errors';
import { API_BASE_PATH, MAX_API_BODY_BYTES, type ApiRequest } from '@/lib/api/api-http';
import { pageSchema } from '@/lib/api/pagination';
import { readJsonBody } from '@/lib/api/read-json-body';
import { defineRoute, type ApiRoute } from '@/lib/api/route';
import { ZErrorSchemas } from '@/lib/api/schemas';
import { REQUEST_STATUSES } from '@/lib/store/request-lifecycle';

const TAGS = ['Users'];

const timestamp = (description: string) => z.iso.datetime().meta({ description });

export const ZUserSchema = z
  .object({
    id: z.string().meta({ description: 'The user’s id in this API (`/users/{id}`).' }),
    sub: z.string().meta({ description: 'The stable subject identifier in the tenant’s tokens.' }),
    email: z.string(),
    email_verified: z.boolean(),
    name: z.string().nullable(),
    has_user_code: z.boolean().meta({ description: 'Whether a user code is set (the code itself is never shown).' }),
    user_code_locked_until: z.iso.datetime().nullable().meta({
      description:
        'Until when the user code is locked after 5 wrong codes in a row (bc-authorize answers invalid_user_code meanwhile); null when not locked. Setting a code lifts the lock.',
    }),
    blocked: z.boolean().meta({
      description: 'A blocked user cannot be named by a hint (bc-authorize answers unknown_user_id) and is never issued tokens.',
    }),
    created_at: timestamp('When the user was created.'),
    updated_at: timestamp('When the user was last changed.'),
  })
  .meta({ title: 'User' }) satisfies z.ZodType<UserView>;

export const ZUserDetailSchema = ZUserSchema.extend({
  recent_requests: z
    .array(
      z.object({
        id: z.string(),
        status: z.enum(REQUEST_STATUSES),
        client_name: z.string(),
        scope: z.string(),
        binding_message: z.string().nullable(),
        created_at: timestamp('When the request was made.'),
      }),
    )
    .meta({ description: 'The user’s 10 most recent requests, newest first.' }),
}).meta({ title: 'UserDetail' }) satisfies z.ZodType<UserDetailView>;

export const ZImportReportSchema = z
  .object({
    created: z.int().meta({ description: 'Users created.' }),
    failed: z.array(
      z.object({
        row: z
          .int()
          .meta({ description: 'The CSV line number (the header is line 1), or the position in the JSON array, from 1.' }),
        email: z.string().nullable(),
        errors: z.array(z.object({ path: z.string(), message: z.string() })),
      }),
    ),
  })
  .meta({ title: 'UserImportReport' }) satisfies z.ZodType<ImportUsersReport>;

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

const isCsv = (request: ApiRequest): boolean =>
  request.headers['content-type']?.split(';')[0].trim().toLowerCase() === 'text/csv';

/**
 * The import as `{format, content}`: a JSON body as is, or a `text/csv` body as its content.
 *
 * @throws ApiHttpError 413 over MAX_API_BODY_BYTES, 415 for a body neither JSON nor CSV; AdminError `invalid_input` for CSV that is not UTF-8.
 */
const importInputOf = (request: ApiRequest): Record<string, unknown> => {
  if (!isCsv(request)) return objectBody(readJsonBody(request));
  if (request.body.length > MAX_API_BODY_BYTES) throw new ApiHttpError(413, { error: 'payload_too_large' });
  try {
    return { format: 'csv', content: new TextDecoder('utf-8', { fatal: true }).decode(request.body) };
  } catch {
    throw invalidInput([{ path: 'content', message: 'must be UTF-8 text' }]);
  }
};

export const USER_ROUTES: readonly ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/tenants/{slug}/users',
    operationId: 'listUsers',
    summary: 'List a tenant’s users',
    description: 'By email. `search` matches an email prefix (case-insensitive) or an exact `sub`.',
    tags: TAGS,
    query: ZListUsersSchema,
    responses: { 200: { description: 'A page of users.', schema: pageSchema(ZUserSchema, 'UserPage') } },
    handler: async ({ db, principal, params, query }) => ({
      status: 200,
      body: await listUsers(db, principal, { tenantSlug: params.slug, ...query }),
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/tenants/{slug}/users',
    operationId: 'createUser',
    summary: 'Create a user',
    description: 'The `sub` is random and never changes. The email is stored trimmed and lower-cased.',
    tags: TAGS,
    body: { schema: ZUserCreateSchema, description: 'The new user.' },
    responses: {
      201: { description: 'The user.', schema: ZUserDetailSchema },
      409: { description: 'A user of the tenant has this email.', schema: ZErrorSchemas.conflict },
    },
    handler: async ({ db, principal, params, body }) => {
      // Access before validation, as every other tenant route: a key of another tenant learns nothing about its input.
      await requireTenantAccess(db, principal, params.slug);
      const input = parseInputOrThrow(ZUserCreateSchema, body);
      const created = await createUser(db, principal, { tenantSlug: params.slug, ...input });

      return {
        status: 201,
        body: await getUser(db, principal, { tenantSlug: params.slug, id: created.id }),
        headers: { Location: `${API_BASE_PATH}/tenants/${params.slug}/users/${created.id}` },
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/tenants/{slug}/users/import',
    operationId: 'importUsers',
    summary: 'Import users from CSV or JSON',
    description:
      'A JSON body `{"format":"csv"|"json","content":"…"}`, or the CSV itself with `Content-Type: text/csv`. CSV needs a ' +
      'header row naming `email` and any of `name`, `email_verified`; JSON is an array of such objects. Every row is ' +
      'checked like a created user; the valid rows are created together, the others reported by row. At most 10,000 ' +
      'rows; through this API at most 1 MiB.',
    tags: TAGS,
    responses: {
      200: { description: 'How many users were created, and why each other row was not.', schema: ZImportReportSchema },
      400: {
        description: 'The file as a whole cannot be imported (`content`) or the input is invalid.',
        schema: ZErrorSchemas.validation_failed,
      },
      409: {
        description: 'Users with some of these emails were created meanwhile; nothing was imported.',
        schema: ZErrorSchemas.conflict,
      },
      413: { description: 'The body is larger than 1 MiB.', schema: ZErrorSchemas.payload_too_large },
      415: {
        description: 'The body is neither `application/json` nor `text/csv`.',
        schema: ZErrorSchemas.unsupported_media_type,
      },
    },
    handler: async ({ db, principal, params, request }) => {
      const input = importInputOf(request) as TImportUsers;

      return { status: 200, body: await importUsers(db, principal, { ...input, tenantSlug: params.slug }) };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/tenants/{slug}/users/{id}',
    operationId: 'getUser',
    summary: 'Get a user',
    description: 'With the user’s 10 most recent requests.',
    tags: TAGS,
    responses: { 200: { description: 'The user.', schema: ZUserDetailSchema } },
    handler: async ({ db, principal, params }) => ({
      status: 200,
      body: await getUser(db, principal, { tenantSlug: params.slug, id: params.id }),
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/tenants/{slug}/users/{id}',
    operationId: 'updateUser',
    summary: 'Change a user',
    description:
      'Any of `name`, `email`, `email_verified`, `user_code` (null clears it; only its hash is stored), `blocked` ' +
      '(true cancels the user’s unfinished requests; their clients’ next poll gets access_denied, and no tokens are ' +
      'issued for a request approved before the block).',
    tags: TAGS,
    body: { schema: ZUserUpdateSchema, description: 'The fields to change.' },
    responses: {
      200: { description: 'The user as changed.', schema: ZUserSchema },
      409: { description: 'Another user of the tenant has this email.', schema: ZErrorSchemas.conflict },
    },
    handler: async ({ db, principal, params, body }) => ({
      status: 200,
      body: await updateUser(db, principal, { tenantSlug: params.slug, id: params.id, changes: body ?? {} }),
    }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/tenants/{slug}/users/{id}',
    operationId: 'deleteUser',
    summary: 'Delete a user',
    description:
      'Deletes the user and its requests. Idempotent: 204 whether or not the user existed (404 for an unknown tenant).',
    tags: TAGS,
    responses: { 204: { description: 'The user is gone.' } },
    handler: async ({ db, principal, params }) => {
      await deleteUser(db, principal, { tenantSlug: params.slug, id: params.id });

      return { status: 204 };
    },
  }),
];
