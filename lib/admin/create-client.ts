import { randomUUID } from 'node:crypto';
import { AdminError } from '@/lib/admin/errors';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import { getTenantOrThrow } from '@/lib/admin/get-tenant-or-throw';
import { parseName, parseOneOf } from '@/lib/admin/validate';
import type { Db } from '@/lib/db/client';
import { CLIENT_AUTH_METHODS, type ClientAuthMethod } from '@/lib/oauth/client-auth';
import { randomToken, sha256Base64Url } from '@/lib/oauth/crypto';


/** Grant types a client may be registered for. */
export const SUPPORTED_GRANT_TYPES = [CIBA_GRANT_TYPE] as const;
export type SupportedGrantType = (typeof SUPPORTED_GRANT_TYPES)[number];

export const BINDING_MESSAGE_POLICIES = ['required', 'optional'] as const;
export type BindingMessagePolicy = (typeof BINDING_MESSAGE_POLICIES)[number];

export type CreateClientOptions = {
  tenantSlug: string;
  /** Unvalidated display name; trimmed, 1–100 characters. */
  name: string;
  /** Unvalidated; one of CLIENT_AUTH_METHODS. Default client_secret_basic. */
  authMethod?: string;
  /** Unvalidated; 'required' or 'optional'. Default 'optional'. */
  bindingMessage?: string;
  /**
   * Unvalidated; each a SUPPORTED_GRANT_TYPES value (duplicates are dropped).
   * Default: the CIBA grant only. An empty list registers a client with no
   * grant at all (every token request is then `unauthorized_client`).
   */
  grantTypes?: readonly string[];
};

/** RFC 7591-style metadata of a new client. `client_secret` exists only here: it is stored hashed. */
export type CreatedClient = {
  client_id: string;
  client_secret: string;
  name: string;
  tenant: string;
  token_endpoint_auth_method: ClientAuthMethod;
  grant_types: string[];
  backchannel_token_delivery_mode: 'poll';
  binding_message_policy: BindingMessagePolicy;
};

const parseGrantTypes = (grantTypes: readonly string[] | undefined): SupportedGrantType[] => {
  if (grantTypes === undefined) return [CIBA_GRANT_TYPE];
  const unknown = grantTypes.filter((value) => !(SUPPORTED_GRANT_TYPES as readonly string[]).includes(value));
  if (unknown.length > 0) {
    throw new AdminError(
      'invalid_input',
      `Unsupported grant type(s) ${unknown.map((value) => JSON.stringify(value)).join(', ')}; ` +
        `supported: ${SUPPORTED_GRANT_TYPES.join(', ')}.`,
    );
  }

  return [...new Set(grantTypes as readonly SupportedGrantType[])];
};

/**
 * Registers a poll-mode CIBA client in a tenant. The client_id (128 bits) and
 * client_secret (256 bits) are random; the secret is returned once, in
 * plaintext, and only its SHA-256 is stored.
 *
 * @throws AdminError `invalid_input` for a bad name, auth method, binding-message policy or grant type; `not_found` for an unknown tenant.
 */
export const createClient = async (db: Db, options: CreateClientOptions): Promise<CreatedClient> => {
  const name = parseName(options.name, 'Client name');
  const authMethod = parseOneOf(options.authMethod ?? 'client_secret_basic', CLIENT_AUTH_METHODS, 'Auth method');
  const bindingMessagePolicy = parseOneOf(
    options.bindingMessage ?? 'optional',
    BINDING_MESSAGE_POLICIES,
    'Binding message policy',
  );
  const grantTypes = parseGrantTypes(options.grantTypes);
  const tenant = await getTenantOrThrow(db, options.tenantSlug);

  const clientId = randomToken(16);
  const clientSecret = randomToken(32);
  await db.client.create({
    data: {
      id: randomUUID(),
      tenantId: tenant.id,
      clientId,
      name,
      secretHash: sha256Base64Url(clientSecret),
      tokenEndpointAuthMethod: authMethod,
      grantTypes: grantTypes.join(' '),
      deliveryMode: 'poll',
      bindingMessagePolicy,
    },
    select: { id: true },
  });

  return {
    client_id: clientId,
    client_secret: clientSecret,
    name,
    tenant: tenant.slug,
    token_endpoint_auth_method: authMethod,
    grant_types: grantTypes,
    backchannel_token_delivery_mode: 'poll',
    binding_message_policy: bindingMessagePolicy,
  };
};
