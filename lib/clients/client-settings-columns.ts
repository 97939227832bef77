import type { ClientMetadata } from '@/lib/clients/client-metadata';
import type { Client } from '@/lib/generated/sqlite/client';

/** The Client columns that hold its settings, as stored (unvalidated). */
export type ClientSettingColumns = Pick<
  Client,
  | 'name'
  | 'tokenEndpointAuthMethod'
  | 'grantTypes'
  | 'deliveryMode'
  | 'notificationEndpoint'
  | 'bindingMessagePolicy'
  | 'bindingMessageMaxLength'
  | 'bindingMessageCharset'
  | 'pollInterval'
  | 'longPollTimeout'
  | 'idTokenSignedResponseAlg'
  | 'minRequestedExpiry'
  | 'maxRequestedExpiry'
  | 'defaultRequestedExpiry'
  | 'accessTokenLifetime'
  | 'idTokenLifetime'
  | 'refreshTokenLifetime'
  | 'authorizationDetailsTypes'
  | 'jwks'
  | 'jwksUri'
  | 'tlsClientAuthSubjectDn'
  | 'tokenEndpointAuthSigningAlg'
  | 'requestSigningAlg'
  | 'userCodeParameter'
  | 'fapiCiba'
  | 'idTokenHintGracePeriod'
  | 'requirePasskeyApproval'
>;

/** Prisma `select` of exactly the settings columns (never the secret hash). */
export const CLIENT_SETTING_COLUMNS = {
  name: true,
  tokenEndpointAuthMethod: true,
  grantTypes: true,
  deliveryMode: true,
  notificationEndpoint: true,
  bindingMessagePolicy: true,
  bindingMessageMaxLength: true,
  bindingMessageCharset: true,
  pollInterval: true,
  longPollTimeout: true,
  idTokenSignedResponseAlg: true,
  minRequestedExpiry: true,
  maxRequestedExpiry: true,
  defaultRequestedExpiry: true,
  accessTokenLifetime: true,
  idTokenLifetime: true,
  refreshTokenLifetime: true,
  authorizationDetailsTypes: true,
  jwks: true,
  jwksUri: true,
  tlsClientAuthSubjectDn: true,
  tokenEndpointAuthSigningAlg: true,
  requestSigningAlg: true,
  userCodeParameter: true,
  fapiCiba: true,
  idTokenHintGracePeriod: true,
  requirePasskeyApproval: true,
} as const satisfies Record<keyof ClientSettingColumns, true>;

/** Settings as columns: what a row stores for `metadata` (grant types space-separated). */
export const toClientSettingColumns = (metadata: ClientMetadata) => ({
  name: metadata.client_name,
  tokenEndpointAuthMethod: metadata.token_endpoint_auth_method,
  grantTypes: metadata.grant_types.join(' '),
  deliveryMode: metadata.backchannel_token_delivery_mode,
  notificationEndpoint: metadata.backchannel_client_notification_endpoint,
  bindingMessagePolicy: metadata.binding_message_policy,
  bindingMessageMaxLength: metadata.binding_message_max_length,
  bindingMessageCharset: metadata.binding_message_charset,
  pollInterval: metadata.backchannel_poll_interval,
  longPollTimeout: metadata.backchannel_long_poll_timeout,
  idTokenSignedResponseAlg: metadata.id_token_signed_response_alg,
  minRequestedExpiry: metadata.min_requested_expiry,
  maxRequestedExpiry: metadata.max_requested_expiry,
  defaultRequestedExpiry: metadata.default_requested_expiry,
  accessTokenLifetime: metadata.access_token_lifetime,
  idTokenLifetime: metadata.id_token_lifetime,
  refreshTokenLifetime: metadata.refresh_token_lifetime,
  authorizationDetailsTypes: metadata.authorization_details_types.join(' '),
  jwks: metadata.jwks === null ? null : JSON.stringify(metadata.jwks),
  jwksUri: metadata.jwks_uri,
  tlsClientAuthSubjectDn: metadata.tls_client_auth_subject_dn,
  tokenEndpointAuthSigningAlg: metadata.token_endpoint_auth_signing_alg,
  requestSigningAlg: metadata.backchannel_authentication_request_signing_alg,
  userCodeParameter: metadata.backchannel_user_code_parameter,
  fapiCiba: metadata.fapi_ciba,
  idTokenHintGracePeriod: metadata.id_token_hint_grace_period,
  requirePasskeyApproval: metadata.require_passkey_approval,
});

/** A stored JSON column: its value, or the text itself when it is not JSON (the schema then refuses it). */
const parseJsonColumn = (text: string | null): unknown => {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

/**
 * Columns as metadata names, values as stored: a candidate for
 * ZClientMetadataSchema, which decides whether they are valid.
 */
export const toUncheckedClientMetadata = (columns: ClientSettingColumns): Record<keyof ClientMetadata, unknown> => ({
  client_name: columns.name,
  token_endpoint_auth_method: columns.tokenEndpointAuthMethod,
  grant_types: columns.grantTypes.split(' ').filter(Boolean),
  backchannel_token_delivery_mode: columns.deliveryMode,
  backchannel_client_notification_endpoint: columns.notificationEndpoint,
  binding_message_policy: columns.bindingMessagePolicy,
  binding_message_max_length: columns.bindingMessageMaxLength,
  binding_message_charset: columns.bindingMessageCharset,
  backchannel_poll_interval: columns.pollInterval,
  backchannel_long_poll_timeout: columns.longPollTimeout,
  id_token_signed_response_alg: columns.idTokenSignedResponseAlg,
  min_requested_expiry: columns.minRequestedExpiry,
  max_requested_expiry: columns.maxRequestedExpiry,
  default_requested_expiry: columns.defaultRequestedExpiry,
  access_token_lifetime: columns.accessTokenLifetime,
  id_token_lifetime: columns.idTokenLifetime,
  refresh_token_lifetime: columns.refreshTokenLifetime,
  authorization_details_types: columns.authorizationDetailsTypes.split(' ').filter(Boolean),
  jwks: parseJsonColumn(columns.jwks),
  jwks_uri: columns.jwksUri,
  tls_client_auth_subject_dn: columns.tlsClientAuthSubjectDn,
  token_endpoint_auth_signing_alg: columns.tokenEndpointAuthSigningAlg,
  backchannel_authentication_request_signing_alg: columns.requestSigningAlg,
  backchannel_user_code_parameter: columns.userCodeParameter,
  fapi_ciba: columns.fapiCiba,
  id_token_hint_grace_period: columns.idTokenHintGracePeriod,
  require_passkey_approval: columns.requirePasskeyApproval,
});
