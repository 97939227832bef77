// GET|PUT|DELETE <issuer>/register/<client_id> — the client configuration endpoint (RFC 7592 §2)
import { CLIENT_METADATA_DEFAULTS, FAPI_CLIENT_DEFAULTS } from '@/lib/clients/client-metadata';
import { deleteClient } from '@/lib/admin/delete-client';
import { getClient } from '@/lib/admin/get-client';
import { readTenantApplicationSettings } from '@/lib/admin/tenant-application-settings';
import { updateClient } from '@/lib/admin/update-client';
import type { RegistrationPrincipal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { jsonResponse, type ProtocolRequest, type ProtocolResponse } from '@/lib/http/protocol-http';
import { constantEquals, sha256Base64Url } from '@/lib/oauth/crypto';
import { invalidClientMetadata } from '@/lib/oauth/errors';
import { registrationClientUri, requireDynamicRegistration } from '@/lib/oauth/registration/register-client';
import { asRegistrationOperation } from '@/lib/oauth/registration/registration-errors';
import {
  defaultRegisteredClientName,
  parseRegistrationBody,
  registrationResponseBody,
  toClientMetadataInput,
} from '@/lib/oauth/registration/registration-metadata';
import { requireRegistrationAccess } from '@/lib/oauth/registration/registration-token';
import type { TenantRecord } from '@/lib/tenants/find-tenant';

type ConfigurationRequest = { tenant: TenantRecord; request: ProtocolRequest; clientId: string };

/** The registered client acting on itself through its registration access token. */
const selfPrincipal = (tenant: TenantRecord, clientId: string): RegistrationPrincipal => ({
  kind: 'registration',
  via: 'registration_access_token',
  id: clientId,
  name: clientId,
  tenantId: tenant.id,
});

/** Name of a client whose update leaves client_name out (RFC 7592 §2.2: an omitted field is reset). */
const DEFAULT_UPDATED_CLIENT_NAME = defaultRegisteredClientName('dynamic registration');

/**
 * RFC 7592 §2.1: the client's current metadata (200), never its secret;
 * 401 invalid_token for a missing or wrong registration access token, or
 * one of another client or tenant.
 */
export const readRegisteredClient = async (db: Db, { tenant, request, clientId }: ConfigurationRequest) => {
  requireDynamicRegistration(tenant);
  const client = await requireRegistrationAccess(db, {
    tenantId: tenant.id,
    clientId,
    authorization: request.headers.authorization,
  });
  const view = await asRegistrationOperation(() =>
    getClient(db, selfPrincipal(tenant, client.clientId), { tenantSlug: tenant.slug, clientId: client.clientId }),
  );

  return jsonResponse(
    200,
    registrationResponseBody(view, { registrationClientUri: registrationClientUri(tenant.slug, clientId) }),
    {
      noStore: true,
    },
  );
};

/**
 * RFC 7592 §2.2: replaces the client's metadata with the request's, through
 * updateClient (the same validation as every door). A field left out is
 * reset to what a new registration would get (the tenant's application
 * settings, then the defaults; a FAPI client's profile defaults), as §2.2
 * says omitted fields are deleted. `client_id` must be sent and match;
 * `client_secret`, if sent, must match the current one (a client never
 * chooses its secret). 200 with the metadata (plus a `client_secret` when
 * the change gave the client its first one).
 */
export const replaceRegisteredClient = async (
  db: Db,
  { tenant, request, clientId }: ConfigurationRequest,
): Promise<ProtocolResponse> => {
  requireDynamicRegistration(tenant);
  const client = await requireRegistrationAccess(db, {
    tenantId: tenant.id,
    clientId,
    authorization: request.headers.authorization,
  });
  const body = parseRegistrationBody(request);
  if (body.client_id !== client.clientId) {
    throw invalidClientMetadata('client_id: must be sent and be this client’s client_id (RFC 7592 §2.2)');
  }
  if (body.client_secret !== undefined) {
    const matches =
      typeof body.client_secret === 'string' &&
      client.secretHash !== null &&
      constantEquals(sha256Base64Url(body.client_secret), client.secretHash);
    if (!matches) throw invalidClientMetadata('client_secret: must be the current client_secret, or left out (RFC 7592 §2.2)');
  }
  const { client_id: _clientId, client_secret: _clientSecret, ...rest } = body;
  const input = toClientMetadataInput(rest, { defaultName: DEFAULT_UPDATED_CLIENT_NAME, update: true });
  const metadata = {
    ...CLIENT_METADATA_DEFAULTS,
    ...(await readTenantApplicationSettings(db, tenant.id)),
    ...(input.fapi_ciba === true ? FAPI_CLIENT_DEFAULTS : {}),
    ...input,
  };
  const updated = await asRegistrationOperation(() =>
    updateClient(db, selfPrincipal(tenant, client.clientId), { tenantSlug: tenant.slug, clientId: client.clientId, metadata }),
  );
  const { client_secret: clientSecret, ...view } = updated;

  return jsonResponse(
    200,
    registrationResponseBody(view, { registrationClientUri: registrationClientUri(tenant.slug, clientId), clientSecret }),
    { noStore: true },
  );
};

/**
 * RFC 7592 §2.3: deletes the client through deleteClient (its requests go
 * with it; its registration access token, stored on it, stops working).
 * 204 with no body.
 */
export const deleteRegisteredClient = async (
  db: Db,
  { tenant, request, clientId }: ConfigurationRequest,
): Promise<ProtocolResponse> => {
  requireDynamicRegistration(tenant);
  const client = await requireRegistrationAccess(db, {
    tenantId: tenant.id,
    clientId,
    authorization: request.headers.authorization,
  });
  await asRegistrationOperation(() =>
    deleteClient(db, selfPrincipal(tenant, client.clientId), { tenantSlug: tenant.slug, clientId: client.clientId }),
  );

  return { status: 204, headers: { 'Cache-Control': 'no-store', Pragma: 'no-cache' }, body: '' };
};
