/**
 * Schemas of what the Management API answers, for its OpenAPI document (the
 * request schemas are the domain's own: ZTenantUpdateSchema,
 * ZClientMetadataCreateSchema, …). Each is typed against the view it
 * describes, so a view that changes without its schema does not compile; the
 * API tests also parse real answers with them. A schema's `title` names its
 * component in the document.
 */
import { z } from 'zod';
import type { AuthorizationTypeView } from '@/lib/admin/authorization-type-view';
import type { CreatedApiKey } from '@/lib/admin/create-api-key';
import { ZDisplayTemplateSchema } from '@/lib/oauth/authorization-details/display-template';
import type { CreatedClient } from '@/lib/admin/create-client';
import type { CreatedInitialAccessToken } from '@/lib/admin/create-initial-access-token';
import type { InitialAccessTokenView } from '@/lib/admin/initial-access-token-view';
import type { ApiKeyView } from '@/lib/admin/list-api-keys';
import type { TenantView } from '@/lib/admin/tenant-view';
import type { ClientView } from '@/lib/admin/client-view';
import type { RotatedClientSecret } from '@/lib/admin/rotate-client-secret';
import { ZClientMetadataSchema, ZDisplayNameSchema } from '@/lib/clients/client-metadata';
import { TENANT_SLUG_PATTERN } from '@/lib/tenants/issuer';

const timestamp = (description: string) => z.iso.datetime().meta({ description });

/** A field error: `path` names the field (dotted for nested values; empty for the body as a whole). */
const ZFieldErrorSchema = z.object({ path: z.string(), message: z.string() });

export const ZErrorSchemas = {
  unauthorized: z.object({ error: z.literal('unauthorized') }).meta({ title: 'UnauthorizedError' }),
  forbidden: z.object({ error: z.literal('forbidden') }).meta({ title: 'ForbiddenError' }),
  not_found: z.object({ error: z.literal('not_found') }).meta({ title: 'NotFoundError' }),
  validation_failed: z
    .object({ error: z.literal('validation_failed'), fields: z.array(ZFieldErrorSchema).min(1) })
    .meta({ title: 'ValidationFailedError' }),
  conflict: z.object({ error: z.literal('conflict'), message: z.string() }).meta({ title: 'ConflictError' }),
  method_not_allowed: z.object({ error: z.literal('method_not_allowed') }).meta({ title: 'MethodNotAllowedError' }),
  payload_too_large: z.object({ error: z.literal('payload_too_large') }).meta({ title: 'PayloadTooLargeError' }),
  unsupported_media_type: z
    .object({ error: z.literal('unsupported_media_type'), message: z.string() })
    .meta({ title: 'UnsupportedMediaTypeError' }),
  server_error: z.object({ error: z.literal('server_error') }).meta({ title: 'ServerError' }),
} as const;

/** `POST /tenants`: the tenant's slug (part of its issuer, never changed) and display name. */
export const ZTenantCreateSchema = z
  .strictObject({
    slug: z
      .string({ error: 'must be a slug, e.g. "acme"' })
      .regex(TENANT_SLUG_PATTERN, { error: 'must be 1–63 lower-case letters, digits and inner hyphens, e.g. "acme"' }),
    name: ZDisplayNameSchema,
  })
  .meta({ title: 'TenantCreate' });

export const ZTenantViewSchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    issuer: z.url().meta({ description: 'The tenant’s issuer: `<APP_URL>/t/<slug>`.' }),
    rate_limit_per_user: z.int().meta({ description: 'bc-authorize requests per minute per user; 0 = no limit.' }),
    rate_limit_per_tenant: z.int().meta({ description: 'bc-authorize requests per minute for the tenant; 0 = no limit.' }),
    max_pending_requests: z.int().meta({ description: 'Requests pending at once; 0 = no limit.' }),
    rate_limit_per_agent: z
      .int()
      .meta({ description: 'bc-authorize requests per minute per agent (actor_token issuer and sub); 0 = no limit.' }),
    email_channel_enabled: z.boolean().meta({ description: 'Approval links are emailed to the users.' }),
    push_channel_enabled: z.boolean().meta({
      description: 'Users with an enrolled authenticator that subscribed to Web Push are notified by push first.',
    }),
    email_fallback_seconds: z.int().meta({
      description:
        'Seconds: with both channels on and a push sent, the approval email follows this much later if the request is still pending (0 = at once).',
    }),
    dynamic_registration: z.boolean().meta({
      description: 'Dynamic client registration (RFC 7591) at `<issuer>/register`, with an initial access token.',
    }),
    require_passkey_approval: z.boolean().meta({
      description:
        'Approval on the emailed page also needs the user’s passkey (a WebAuthn assertion bound to the request) whenever the user has enrolled an authenticator.',
    }),
    default_requested_expiry: z.int().meta({ description: 'Seconds: the default_requested_expiry of new applications.' }),
    max_requested_expiry: z.int().meta({
      description: 'Seconds: the max_requested_expiry of new applications, and the ceiling of every application’s.',
    }),
    backchannel_poll_interval: z.int().meta({ description: 'Seconds: the poll interval of new applications.' }),
    binding_message_policy: z
      .enum(['required', 'optional'])
      .meta({ description: 'The binding-message policy of new applications.' }),
    created_at: timestamp('When the tenant was created.'),
  })
  .meta({ title: 'Tenant' }) satisfies z.ZodType<TenantView>;

/** A tenant in a list: identity and issuer (GET /tenants/{slug} has its settings). */
export const ZTenantSummarySchema = ZTenantViewSchema.pick({
  id: true,
  slug: true,
  name: true,
  issuer: true,
  created_at: true,
}).meta({
  title: 'TenantSummary',
});
export type TenantSummaryView = z.output<typeof ZTenantSummarySchema>;

export const ZClientViewSchema = z
  .object({
    client_id: z.string(),
    client_id_issued_at: z.int().meta({ description: 'When the client was registered, in seconds since the epoch (RFC 7591).' }),
    ...ZClientMetadataSchema.shape,
  })
  .meta({ title: 'Client' }) satisfies z.ZodType<ClientView>;

export const ZCreatedClientSchema = ZClientViewSchema.extend({
  client_secret: z.string().meta({ description: 'Shown this once: only its hash is stored.' }),
}).meta({ title: 'ClientWithSecret' }) satisfies z.ZodType<CreatedClient>;

export const ZAuthorizationTypeViewSchema = z
  .object({
    type: z.string(),
    title: z.string().nullable(),
    schema: z.unknown().meta({ description: 'The JSON Schema (draft 2020-12) each item of this type satisfies.' }),
    template: ZDisplayTemplateSchema.nullable().meta({ description: 'How items are shown; null: generically.' }),
    partial_approval: z.boolean(),
    created_at: timestamp('When the type was defined.'),
    updated_at: timestamp('When it last changed.'),
  })
  .meta({ title: 'AuthorizationType' }) satisfies z.ZodType<AuthorizationTypeView>;

export const ZClientSecretSchema = z
  .object({ client_id: z.string(), client_secret: z.string().meta({ description: 'Shown this once.' }) })
  .meta({ title: 'ClientSecret' }) satisfies z.ZodType<RotatedClientSecret>;

export const ZApiKeyViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    tenant: z.string().nullable().meta({ description: 'The only tenant the key reaches; null: every tenant.' }),
    prefix: z.string().meta({ description: 'The key’s first 12 characters, to recognise it.' }),
    created_by: z.string().nullable().meta({ description: '`admin:<id>`, `api_key:<id>` or `cli`.' }),
    created_at: timestamp('When the key was created.'),
    last_used_at: timestamp('When the key last authenticated a request (to the minute).').nullable(),
    revoked_at: timestamp('When the key was revoked.').nullable(),
  })
  .meta({ title: 'ApiKey' }) satisfies z.ZodType<ApiKeyView>;

export const ZCreatedApiKeySchema = ZApiKeyViewSchema.extend({
  key: z.string().meta({ description: 'The key (`bck_…`), shown this once: only its hash is stored.' }),
}).meta({ title: 'ApiKeyWithKey' }) satisfies z.ZodType<CreatedApiKey>;

export const ZInitialAccessTokenViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    tenant: z.string().meta({ description: 'The tenant the token registers clients in.' }),
    created_at: timestamp('When the token was created.'),
    expires_at: timestamp('When it stops working; null: never.').nullable(),
    uses_left: z.int().nullable().meta({ description: 'Registrations it may still make; null: no limit.' }),
    revoked_at: timestamp('When it was revoked.').nullable(),
    status: z.enum(['active', 'expired', 'used_up', 'revoked']).meta({ description: 'Whether it can still register a client.' }),
  })
  .meta({ title: 'InitialAccessToken' }) satisfies z.ZodType<InitialAccessTokenView>;

export const ZCreatedInitialAccessTokenSchema = ZInitialAccessTokenViewSchema.extend({
  token: z.string().meta({ description: 'The token (`bcit_…`), shown this once: only its hash is stored.' }),
}).meta({ title: 'InitialAccessTokenWithToken' }) satisfies z.ZodType<CreatedInitialAccessToken>;
