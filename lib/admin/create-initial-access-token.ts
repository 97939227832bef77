import { randomUUID } from 'node:crypto';
import { recordAdminEvent } from '@/lib/admin/audit';
import {
  INITIAL_ACCESS_TOKEN_VIEW_COLUMNS,
  toInitialAccessTokenView,
  ZInitialAccessTokenCreateSchema,
  type InitialAccessTokenView,
} from '@/lib/admin/initial-access-token-view';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { randomToken, sha256Base64Url } from '@/lib/oauth/crypto';

/** Every initial access token starts with this, so a leaked one is recognisable (secret scanners, logs). */
export const INITIAL_ACCESS_TOKEN_PREFIX = 'bcit_';

export type CreateInitialAccessTokenOptions = {
  tenantSlug: string;
  /** Unvalidated (ZInitialAccessTokenCreateSchema): `name`, optional `expires_in` seconds and `uses`. */
  input: unknown;
  /** The moment of creation (default: now); `expires_in` counts from it. */
  now?: Date;
};

/** A new token: its view plus `token` itself, shown this once (only its SHA-256 is stored). */
export type CreatedInitialAccessToken = { token: string } & InitialAccessTokenView;

/**
 * Creates an initial access token (RFC 7591 §3): the bearer credential a
 * client presents at the tenant's registration endpoint. `bcit_` + 256
 * random bits (base64url); only its SHA-256 is stored and the token is
 * returned this once. The token and its audit record
 * (`initial_access_token_created`, never the token or its hash) share one
 * transaction. Creating one does not open registration: the tenant's
 * `dynamic_registration` switch does.
 *
 * @throws AdminError `invalid_input` for a bad name, lifetime or number of uses; `not_found` for an unknown tenant; `forbidden` for one out of the principal's reach.
 */
export const createInitialAccessToken = async (
  db: Db,
  principal: Principal,
  options: CreateInitialAccessTokenOptions,
): Promise<CreatedInitialAccessToken> => {
  const tenant = await requireTenantAccess(db, principal, options.tenantSlug);
  const input = parseInputOrThrow(ZInitialAccessTokenCreateSchema, options.input);
  const now = options.now ?? new Date();
  const token = `${INITIAL_ACCESS_TOKEN_PREFIX}${randomToken(32)}`;

  const view = await db.$transaction(async (tx) => {
    const row = await tx.initialAccessToken.create({
      data: {
        id: randomUUID(),
        tenantId: tenant.id,
        name: input.name,
        tokenHash: sha256Base64Url(token),
        createdAt: now,
        expiresAt: input.expires_in === undefined ? null : new Date(now.getTime() + input.expires_in * 1000),
        usesLeft: input.uses ?? null,
      },
      select: INITIAL_ACCESS_TOKEN_VIEW_COLUMNS,
    });
    const created = toInitialAccessTokenView(row, now);
    await recordAdminEvent(tx, {
      principal,
      type: 'initial_access_token_created',
      tenantId: tenant.id,
      change: {
        target: created.id,
        before: null,
        after: { name: created.name, expires_at: created.expires_at, uses_left: created.uses_left },
      },
      at: now,
    });

    return created;
  });

  return { token, ...view };
};
