import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { API_KEY_VIEW_COLUMNS, toApiKeyView, type ApiKeyView } from '@/lib/admin/list-api-keys';
import { recordAdminEvent } from '@/lib/admin/audit';
import { AdminError, invalidInput } from '@/lib/admin/errors';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireOwner, requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { actorLabel, type Principal } from '@/lib/auth/principal';
import { ZDisplayNameSchema } from '@/lib/clients/client-metadata';
import type { Db } from '@/lib/db/client';
import { randomToken, sha256Base64Url } from '@/lib/oauth/crypto';
import { TENANT_SLUG_PATTERN } from '@/lib/tenants/issuer';

/** Every Management API key starts with this, so a leaked one is recognisable (secret scanners, logs). */
export const API_KEY_PREFIX = 'bck_';

/** Random bytes of a key: 256 bits. */
const API_KEY_BYTES = 32;

/** How many leading characters of a key are kept in clear (`bck_` and 8 more), to recognise it in lists. */
const API_KEY_DISPLAY_PREFIX_LENGTH = API_KEY_PREFIX.length + 8;

/** A new key: its name, and the tenant it is limited to (absent or null: every tenant, owners only). */
export const ZApiKeyCreateSchema = z
  .strictObject({
    name: ZDisplayNameSchema,
    tenant: z
      .string({ error: 'must be a tenant slug, or null for every tenant' })
      .regex(TENANT_SLUG_PATTERN, { error: 'must be a tenant slug, e.g. "acme", or null for every tenant' })
      .nullable()
      .optional(),
  })
  .meta({ title: 'ApiKeyCreate' });
export type TApiKeyCreate = z.input<typeof ZApiKeyCreateSchema>;

export type CreateApiKeyOptions = {
  /** Unvalidated display name; trimmed, 1–100 characters. */
  name: string;
  /** The tenant the key is limited to; absent or null for a key that reaches every tenant. */
  tenantSlug?: string | null;
};

/** A new key: its view plus `key` itself, shown this once (only its SHA-256 is stored). */
export type CreatedApiKey = { key: string } & ApiKeyView;

/**
 * Creates a Management API key. The key is `bck_` + 256 random bits
 * (base64url); only its SHA-256 and its first 12 characters are stored, and
 * the key is returned this once. A key for every tenant may only be created
 * by an owner (or an all-tenant key, or the CLI); a key for one tenant by
 * anyone who may access that tenant. The key and its audit record
 * (`api_key_created`, never the key or its hash) are written in one transaction.
 *
 * @throws AdminError `invalid_input` for a bad name or tenant slug, or an unknown tenant (on `tenant`); `forbidden` for an all-tenant key asked by a non-owner or a tenant out of reach.
 */
export const createApiKey = async (db: Db, principal: Principal, options: CreateApiKeyOptions): Promise<CreatedApiKey> => {
  const input = parseInputOrThrow(ZApiKeyCreateSchema, { name: options.name, tenant: options.tenantSlug ?? null });
  const tenant = input.tenant ? await requireTenantOrInvalid(db, principal, input.tenant) : null;
  if (!tenant) requireOwner(principal, 'create API keys for every tenant');

  const key = `${API_KEY_PREFIX}${randomToken(API_KEY_BYTES)}`;
  const id = randomUUID();
  const view = await db.$transaction(async (tx) => {
    const row = await tx.apiKey.create({
      data: {
        id,
        name: input.name,
        keyHash: sha256Base64Url(key),
        prefix: key.slice(0, API_KEY_DISPLAY_PREFIX_LENGTH),
        tenantId: tenant?.id ?? null,
        createdBy: actorLabel(principal),
      },
      select: API_KEY_VIEW_COLUMNS,
    });
    const created = toApiKeyView(row);
    await recordAdminEvent(tx, {
      principal,
      type: 'api_key_created',
      tenantId: tenant?.id ?? null,
      change: { target: id, before: null, after: { name: created.name, tenant: created.tenant, prefix: created.prefix } },
    });

    return created;
  });

  const { id: _id, ...rest } = view;

  return { id, key, ...rest };
};

/** The tenant a new key is for: an unknown slug is a bad `tenant` field here, not a missing resource. */
const requireTenantOrInvalid = async (db: Db, principal: Principal, slug: string) => {
  try {
    return await requireTenantAccess(db, principal, slug);
  } catch (error) {
    if (error instanceof AdminError && error.code === 'not_found') {
      throw invalidInput([{ path: 'tenant', message: `names no tenant (got ${JSON.stringify(slug)})` }]);
    }
    throw error;
  }
};
