import {
  MTLS_AUTH_METHODS,
  type BackchannelTokenDeliveryMode,
  type BindingMessageCharset,
  type BindingMessagePolicy,
  type ClientSigningAlg,
} from '@/lib/clients/client-metadata';
import { toClientSettingColumns, type ClientSettingColumns } from '@/lib/clients/client-settings-columns';
import { parseClientSettings } from '@/lib/clients/parse-client-settings';
import type { Client } from '@/lib/generated/sqlite/client';
import type { ClientAuthMethod } from '@/lib/oauth/client-auth/registry';
import type { SigningAlg } from '@/lib/oauth/signing-keys';

/**
 * A client as the protocol endpoints read it: the stored columns (Prisma
 * names), every setting validated and narrowed by toClientRecord.
 */
export type ClientRecord = {
  /** Primary key; requests reference it. */
  id: string;
  /** The public client_id. */
  clientId: string;
  tenantId: string;
  name: string;
  /** SHA-256 of the client secret, base64url; null for a client without one (key-based methods). */
  secretHash: string | null;
  tokenEndpointAuthMethod: ClientAuthMethod;
  /** Space-separated; read it with grantTypesOf. */
  grantTypes: string;
  deliveryMode: BackchannelTokenDeliveryMode;
  /** backchannel_client_notification_endpoint: set for ping and push clients (CIBA §4). */
  notificationEndpoint: string | null;
  bindingMessagePolicy: BindingMessagePolicy;
  bindingMessageMaxLength: number;
  bindingMessageCharset: BindingMessageCharset;
  minRequestedExpiry: number;
  maxRequestedExpiry: number;
  defaultRequestedExpiry: number;
  pollInterval: number;
  /** Seconds a pending poll is held open for the decision (CIBA §10.1 long polling); 0 = off. */
  longPollTimeout: number;
  idTokenSignedResponseAlg: SigningAlg;
  accessTokenLifetime: number;
  idTokenLifetime: number;
  refreshTokenLifetime: number;
  /** RFC 9396: the authorization-details types it may request, space-separated; read with authorizationDetailsTypesOf. */
  authorizationDetailsTypes: string;
  /** The client's public keys inline: a JWKS document (JSON text, validated); null when none or at jwksUri. */
  jwks: string | null;
  /** Where the client's public keys are fetched (lib/clients/client-keys.ts). */
  jwksUri: string | null;
  /** tls_client_auth: the subject DN its certificate must have (RFC 8705 §2.1.2). */
  tlsClientAuthSubjectDn: string | null;
  /** private_key_jwt: the one alg its assertions may use; null = any of CLIENT_SIGNING_ALGS. */
  tokenEndpointAuthSigningAlg: ClientSigningAlg | null;
  /** Set: every bc-authorize request must be a request object signed with this alg (CIBA §7.1.1); null: optional. */
  requestSigningAlg: ClientSigningAlg | null;
  /** backchannel_user_code_parameter: bc-authorize must carry the user's user_code (CIBA §7.1.2). */
  userCodeParameter: boolean;
  /** The FAPI-CIBA profile (FAPI-CIBA §5.2.2). */
  fapiCiba: boolean;
  /** Seconds past its exp an id_token_hint is still accepted. */
  idTokenHintGracePeriod: number;
  /** require_passkey_approval: approving on the emailed page needs the user's passkey when they enrolled one. */
  requirePasskeyApproval: boolean;
};

/** A Client row as the store reads it: identity, secret hash and settings columns (extra columns are ignored). */
export type ClientRow = Pick<Client, 'id' | 'clientId' | 'tenantId' | 'secretHash'> & ClientSettingColumns;

/**
 * The record of a stored client, its settings checked against the client
 * metadata schema.
 *
 * @throws InvalidStoredClientError when a setting column holds a value the schema refuses.
 */
export const toClientRecord = (row: ClientRow): ClientRecord => ({
  id: row.id,
  clientId: row.clientId,
  tenantId: row.tenantId,
  secretHash: row.secretHash,
  ...toClientSettingColumns(parseClientSettings(row)),
});

/** The authorization-details types the client may request (stored space-separated). */
export const authorizationDetailsTypesOf = (client: Pick<ClientRecord, 'authorizationDetailsTypes'>): string[] =>
  client.authorizationDetailsTypes.split(' ').filter(Boolean);

/** The client's grant types (stored space-separated). */
export const grantTypesOf = (client: Pick<ClientRecord, 'grantTypes'>): string[] => client.grantTypes.split(' ').filter(Boolean);

/** Whether the client's access tokens are bound to its TLS client certificate (RFC 8705 §3): every mutual-TLS client's are. */
export const hasCertificateBoundTokens = (client: Pick<ClientRecord, 'tokenEndpointAuthMethod'>): boolean =>
  MTLS_AUTH_METHODS.includes(client.tokenEndpointAuthMethod);
