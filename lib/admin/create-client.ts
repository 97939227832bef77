import { randomUUID } from 'node:crypto';
import { CLIENT_VIEW_COLUMNS, toClientView, type ClientView } from '@/lib/admin/client-view';
import { recordAdminEvent } from '@/lib/admin/audit';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireAllowedClientUrls } from '@/lib/admin/require-allowed-client-urls';
import { requireKnownAuthorizationTypes } from '@/lib/admin/require-known-authorization-types';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { readTenantApplicationSettings, requireWithinTenantCeiling } from '@/lib/admin/tenant-application-settings';
import type { Principal } from '@/lib/auth/principal';
import {
  CLIENT_METADATA_DEFAULTS,
  FAPI_CLIENT_DEFAULTS,
  usesClientSecret,
  ZClientMetadataCreateSchema,
  ZClientMetadataSchema,
} from '@/lib/clients/client-metadata';
import { toClientSettingColumns } from '@/lib/clients/client-settings-columns';
import type { Db } from '@/lib/db/client';
import { randomToken, sha256Base64Url } from '@/lib/oauth/crypto';
import { bumpSettingsEpoch } from '@/lib/store/settings-epoch';

export type CreateClientOptions = {
  tenantSlug: string;
  /**
   * Unvalidated client metadata (ZClientMetadataCreateSchema): `client_name`
   * and any other setting; the rest take CLIENT_METADATA_DEFAULTS.
   */
  metadata: unknown;
  /**
   * Dynamic client registration (RFC 7591 §3): `consume` runs first in the
   * client's transaction (it takes one use of the initial access token, and
   * throws to refuse), so a refused registration uses nothing and a used-up
   * token registers nothing; the client also gets a registration access
   * token (RFC 7592 §1), returned this once as `registration_access_token`
   * (only its SHA-256 is stored).
   */
  registration?: { consume: (tx: Pick<Db, 'initialAccessToken'>) => Promise<void> };
};

/**
 * A new client: its view plus `client_secret`, shown this once (only its
 * hash is stored) — only for a client_secret_* method; a client that
 * authenticates with its keys or certificate has no secret.
 */
export type CreatedClient = { client_id: string; client_secret?: string } & ClientView;

/** A client made by dynamic registration: its registration access token, shown this once. */
export type RegisteredClient = CreatedClient & { registration_access_token?: string };

const withoutUndefined = <T extends object>(value: T): Partial<T> =>
  Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;

/**
 * A random client_id (128 bits, base64url) that does not start with "-": such
 * a value reads as an option on a command line (`--client-id -x…` is refused
 * as ambiguous), so it is drawn again (1 in 64; the entropy barely changes).
 */
const newClientId = (): string => {
  for (;;) {
    const clientId = randomToken(16);
    if (!clientId.startsWith('-')) return clientId;
  }
};

/**
 * Registers a client in a tenant. Settings it leaves out take the tenant's
 * application settings, then CLIENT_METADATA_DEFAULTS; its maximum requested
 * expiry may not exceed the tenant's. A FAPI-CIBA client's
 * left-out settings take the profile's choices (FAPI_CLIENT_DEFAULTS) first.
 * The client_id (128 bits) and, for a client_secret_* method, the
 * client_secret (256 bits) are random; the secret is returned once, in
 * plaintext, and only its SHA-256 is stored. The settings epoch is bumped in the same transaction.
 *
 * @throws AdminError `invalid_input` (one field error per refused setting); `not_found` for an unknown tenant; `forbidden` for a tenant out of the principal's reach.
 */
export const createClient = async (db: Db, principal: Principal, options: CreateClientOptions): Promise<RegisteredClient> => {
  const input = withoutUndefined(parseInputOrThrow(ZClientMetadataCreateSchema, options.metadata));
  const tenant = await requireTenantAccess(db, principal, options.tenantSlug);
  await requireAllowedClientUrls({
    backchannel_client_notification_endpoint: input.backchannel_client_notification_endpoint,
    jwks_uri: input.jwks_uri,
  });

  const clientId = newClientId();
  let clientSecret: string | undefined;
  const registrationAccessToken = options.registration ? randomToken(32) : undefined;
  const row = await db.$transaction(async (tx) => {
    await options.registration?.consume(tx);
    await bumpSettingsEpoch(tx);
    const tenantSettings = await readTenantApplicationSettings(tx, tenant.id);
    const profileDefaults = input.fapi_ciba === true ? FAPI_CLIENT_DEFAULTS : {};
    const metadata = parseInputOrThrow(ZClientMetadataSchema, {
      ...CLIENT_METADATA_DEFAULTS,
      ...tenantSettings,
      ...profileDefaults,
      ...input,
    });
    clientSecret = usesClientSecret(metadata.token_endpoint_auth_method) ? randomToken(32) : undefined;
    requireWithinTenantCeiling(metadata, tenantSettings.max_requested_expiry);
    await requireKnownAuthorizationTypes(tx, tenant.id, metadata.authorization_details_types);
    await recordAdminEvent(tx, {
      principal,
      type: 'client_created',
      tenantId: tenant.id,
      change: { target: clientId, before: null, after: metadata },
    });

    return tx.client.create({
      data: {
        id: randomUUID(),
        tenantId: tenant.id,
        clientId,
        secretHash: clientSecret === undefined ? null : sha256Base64Url(clientSecret),
        registrationAccessTokenHash: registrationAccessToken === undefined ? null : sha256Base64Url(registrationAccessToken),
        ...toClientSettingColumns(metadata),
      },
      select: CLIENT_VIEW_COLUMNS,
    });
  });

  const { client_id, ...view } = toClientView(row);
  const created: CreatedClient =
    clientSecret === undefined ? { client_id, ...view } : { client_id, client_secret: clientSecret, ...view };

  return registrationAccessToken === undefined ? created : { ...created, registration_access_token: registrationAccessToken };
};
