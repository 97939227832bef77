import { SUPPORTED_ACR_VALUES, SUPPORTED_SCOPES } from '@/lib/ciba/constants';
import type { NotificationChannel } from '@/lib/ciba/notification-channels';
import { CLIENT_SIGNING_ALGS, SUPPORTED_DELIVERY_MODES, SUPPORTED_GRANT_TYPES } from '@/lib/clients/client-metadata';
import { CLIENT_AUTHENTICATORS } from '@/lib/oauth/client-auth';
import { SIGNING_ALGS } from '@/lib/oauth/signing-keys';
import { endpointsFor } from '@/lib/tenants/issuer';

/**
 * The tenant's OpenID Provider metadata (OIDC Discovery §3, CIBA §4).
 * A CIBA-only provider: no authorization endpoint; signed requests and
 * user_code for the clients registered for them; the delivery modes, grant
 * types, client authentication methods and signing algorithms are those
 * clients can be registered for; client authentication works alike at the
 * token, revocation and introspection endpoints (and bc-authorize), so each
 * lists the same methods and algorithms.
 * `registration_endpoint` only while the tenant's dynamic registration is on.
 * `backchannel_notification_channels_supported` (our extension): the values
 * of bc-authorize's `notification_channel` the tenant accepts (its channels that are on).
 */
export const buildDiscoveryDocument = (
  tenantSlug: string,
  authorizationDetailsTypes: readonly string[] = [],
  options: { dynamicRegistration?: boolean; notificationChannels?: readonly NotificationChannel[] } = {},
) => {
  const endpoints = endpointsFor(tenantSlug);
  const CLIENT_AUTH_METHODS = Object.keys(CLIENT_AUTHENTICATORS);

  return {
    issuer: endpoints.issuer,
    token_endpoint: endpoints.token,
    jwks_uri: endpoints.jwks,
    userinfo_endpoint: endpoints.userinfo,
    revocation_endpoint: endpoints.revocation,
    revocation_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    revocation_endpoint_auth_signing_alg_values_supported: [...CLIENT_SIGNING_ALGS],
    introspection_endpoint: endpoints.introspection,
    introspection_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    introspection_endpoint_auth_signing_alg_values_supported: [...CLIENT_SIGNING_ALGS],
    backchannel_authentication_endpoint: endpoints.backchannelAuthentication,
    backchannel_token_delivery_modes_supported: [...SUPPORTED_DELIVERY_MODES],
    // CIBA §4, §7.1.1: signed authentication requests, asymmetric algorithms only.
    backchannel_authentication_request_signing_alg_values_supported: [...CLIENT_SIGNING_ALGS],
    // CIBA §4, §7.1.2: clients registered with backchannel_user_code_parameter must send user_code (lib/ciba/check-user-code.ts).
    backchannel_user_code_parameter_supported: true,
    grant_types_supported: [...SUPPORTED_GRANT_TYPES],
    response_types_supported: [],
    scopes_supported: [...SUPPORTED_SCOPES],
    claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'amr', 'name', 'email', 'email_verified'],
    acr_values_supported: [...SUPPORTED_ACR_VALUES],
    subject_types_supported: ['public'],
    token_endpoint_auth_methods_supported: [...CLIENT_AUTH_METHODS],
    // private_key_jwt assertions (RFC 8414 §2; RFC 7523): the algorithms a client may sign them with, at each endpoint.
    token_endpoint_auth_signing_alg_values_supported: [...CLIENT_SIGNING_ALGS],
    id_token_signing_alg_values_supported: [...SIGNING_ALGS],
    userinfo_signing_alg_values_supported: [],
    // OIDC Discovery §3: the `request` parameter is accepted where authentication requests are
    // made — bc-authorize (CIBA §7.1.1), with the algorithms above; `request_uri` never.
    request_parameter_supported: true,
    request_object_signing_alg_values_supported: [...CLIENT_SIGNING_ALGS],
    // RFC 8705 §3.3: mutual-TLS clients' access tokens are bound to their certificate.
    tls_client_certificate_bound_access_tokens: true,
    request_uri_parameter_supported: false,
    claims_parameter_supported: false,
    // Our extension: bc-authorize's notification_channel values (lib/ciba/notification-channels.ts).
    backchannel_notification_channels_supported: [...(options.notificationChannels ?? ['email'])],
    // RFC 9396 §10: the tenant's authorization-details types.
    authorization_details_types_supported: [...authorizationDetailsTypes].sort(),
    // RFC 8414 §2 / RFC 7591 §3: only while the tenant's dynamic_registration is on (the tenant comes from the
    // settings cache, which a tenant update invalidates through the settings epoch).
    ...(options.dynamicRegistration ? { registration_endpoint: endpoints.registration } : {}),
  };
};
