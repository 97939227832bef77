import type { BackchannelTokenDeliveryMode, BindingMessageCharset, BindingMessagePolicy } from '@/lib/clients/client-metadata';
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
  /** SHA-256 of the client secret, base64url. */
  secretHash: string;
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
