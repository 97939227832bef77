// POST <issuer>/register — OAuth 2.0 Dynamic Client Registration (RFC 7591 §3) with CIBA metadata (CIBA §4)
import { createClient } from '@/lib/admin/create-client';
import type { RegistrationPrincipal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { jsonResponse, type ProtocolRequest, type ProtocolResponse } from '@/lib/http/protocol-http';
import { notFound } from '@/lib/oauth/errors';
import { asRegistrationOperation } from '@/lib/oauth/registration/registration-errors';
import {
  defaultRegisteredClientName,
  parseRegistrationBody,
  registrationResponseBody,
  toClientMetadataInput,
} from '@/lib/oauth/registration/registration-metadata';
import {
  consumeInitialAccessToken,
  readRegistrationBearer,
  verifyInitialAccessToken,
} from '@/lib/oauth/registration/registration-token';
import type { TenantRecord } from '@/lib/tenants/find-tenant';
import { endpointsFor } from '@/lib/tenants/issuer';

/** A client's configuration endpoint (RFC 7592 §1): `<issuer>/register/<client_id>`. */
export const registrationClientUri = (tenantSlug: string, clientId: string): string =>
  `${endpointsFor(tenantSlug).registration}/${encodeURIComponent(clientId)}`;

/**
 * The registration endpoint exists only while the tenant's
 * `dynamic_registration` switch is on: otherwise 404, as an unknown endpoint.
 */
export const requireDynamicRegistration = (tenant: TenantRecord): void => {
  if (!tenant.dynamicRegistration) throw notFound();
};

/**
 * Registers a client (RFC 7591 §3.1) for the holder of one of the tenant's
 * initial access tokens: token first (401 invalid_token), then the metadata
 * (400 invalid_client_metadata), validated and stored by createClient — the
 * same schema and function as the console, CLI and API — with a principal
 * naming the token, so the audit log shows "dynamic registration (<token
 * name>)". One use of the token is taken in the client's transaction. The
 * answer (201, RFC 7591 §3.2.1) carries the client's metadata, its
 * client_secret for a client_secret_* method, its registration access token
 * and configuration endpoint.
 */
export const registerClient = async (
  db: Db,
  options: { tenant: TenantRecord; request: ProtocolRequest },
): Promise<ProtocolResponse> => {
  const { tenant, request } = options;
  requireDynamicRegistration(tenant);
  const now = request.receivedAt;
  const token = await verifyInitialAccessToken(db, {
    tenantId: tenant.id,
    token: readRegistrationBearer(request.headers.authorization),
    now,
  });
  const metadata = toClientMetadataInput(parseRegistrationBody(request), {
    defaultName: defaultRegisteredClientName(token.name),
  });
  const principal: RegistrationPrincipal = {
    kind: 'registration',
    via: 'initial_access_token',
    id: token.id,
    name: token.name,
    tenantId: tenant.id,
  };
  const created = await asRegistrationOperation(() =>
    createClient(db, principal, {
      tenantSlug: tenant.slug,
      metadata,
      registration: { consume: (tx) => consumeInitialAccessToken(tx, token, now) },
    }),
  );
  const { client_secret: clientSecret, registration_access_token: registrationAccessToken, ...view } = created;
  const location = registrationClientUri(tenant.slug, view.client_id);

  return jsonResponse(
    201,
    registrationResponseBody(view, { registrationClientUri: location, clientSecret, registrationAccessToken }),
    { noStore: true, headers: { Location: location } },
  );
};
