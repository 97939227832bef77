import 'server-only';
import type { SelectOption } from '@/components/ui/select';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import {
  BINDING_MESSAGE_POLICIES,
  CLIENT_SETTING_BOUNDS,
  CLIENT_SIGNING_ALGS,
  FAPI_SIGNING_ALGS,
  REFRESH_TOKEN_GRANT_TYPE,
  SUPPORTED_DELIVERY_MODES,
} from '@/lib/clients/client-metadata';
import { CLIENT_AUTH_METHODS } from '@/lib/oauth/client-auth/methods';
import { SIGNING_ALGS } from '@/lib/oauth/signing-keys';

const AUTH_METHOD_LABELS: Record<string, string> = {
  client_secret_basic: 'Client secret, HTTP Basic (client_secret_basic)',
  client_secret_post: 'Client secret in the form (client_secret_post)',
  private_key_jwt: 'Signed JWT (private_key_jwt)',
  tls_client_auth: 'Mutual TLS, CA certificate (tls_client_auth)',
  self_signed_tls_client_auth: 'Mutual TLS, self-signed (self_signed_tls_client_auth)',
};

const DELIVERY_MODE_LABELS: Record<string, string> = {
  poll: 'Poll: the client polls the token endpoint',
  ping: 'Ping: the server notifies, the client fetches',
  push: 'Push: the server sends the tokens',
};

/** The values a setting's select offers: the supported ones, then the contract's planned ones, disabled. */
const optionsOf = (
  supported: readonly string[],
  planned: readonly string[],
  labels: Record<string, string> = {},
): SelectOption[] => [
  ...supported.map((value) => ({ value, label: labels[value] ?? value })),
  ...planned.map((value) => ({ value, label: `${labels[value] ?? value} — not supported yet`, disabled: true })),
];

/**
 * What the application forms offer for each enumerated client setting (from
 * the metadata schema's own lists), the CIBA grant type and the numeric bounds.
 */
export const clientSettingOptions = () => ({
  authMethods: optionsOf(CLIENT_AUTH_METHODS, [], AUTH_METHOD_LABELS),
  /** token_endpoint_auth_signing_alg: "" = any of them (null). */
  assertionAlgs: [
    { value: '', label: `Any of ${CLIENT_SIGNING_ALGS.join(', ')}` },
    ...CLIENT_SIGNING_ALGS.map((alg) => ({ value: alg, label: `${alg} only` })),
  ],
  /** backchannel_authentication_request_signing_alg: "" = signing optional (null), else required with that alg (CIBA §7.1.1). */
  requestSigning: [
    { value: '', label: 'Optional: plain or signed requests' },
    ...CLIENT_SIGNING_ALGS.map((alg) => ({ value: alg, label: `Required, signed with ${alg}` })),
  ],
  fapiSigningAlgs: FAPI_SIGNING_ALGS,
  deliveryModes: optionsOf(
    SUPPORTED_DELIVERY_MODES,
    ['ping', 'push'].filter((mode) => !(SUPPORTED_DELIVERY_MODES as readonly string[]).includes(mode)),
    DELIVERY_MODE_LABELS,
  ),
  bindingMessagePolicies: optionsOf(BINDING_MESSAGE_POLICIES, [], {
    required: 'Required: every request carries one',
    optional: 'Optional',
  }),
  bindingMessageCharsets: optionsOf(['restricted', 'printable'], [], {
    restricted: 'Restricted: letters, digits, space and + - _ . , : #',
    printable: 'Any printable text',
  }),
  idTokenAlgs: optionsOf(
    SIGNING_ALGS,
    ['EdDSA'].filter((alg) => !(SIGNING_ALGS as readonly string[]).includes(alg)),
  ),
  cibaGrantType: CIBA_GRANT_TYPE,
  refreshTokenGrantType: REFRESH_TOKEN_GRANT_TYPE,
  bounds: CLIENT_SETTING_BOUNDS,
});

export type ClientSettingOptions = ReturnType<typeof clientSettingOptions>;
