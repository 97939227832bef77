/**
 * A client's settings as OpenID client metadata (RFC 7591 §2, OIDC Dynamic
 * Client Registration §2, CIBA §4): the one schema that the CLI, the console,
 * the Management API and (later) dynamic registration validate against, and
 * that stored rows are checked with when the protocol loads them.
 *
 * Field messages are fragments without a subject ("must be …", "… is not
 * supported yet"): each door puts its own name for the field in front (the
 * metadata name in the API, the flag in the CLI).
 */
import { createPublicKey } from 'node:crypto';
import { z } from 'zod';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import { notificationEndpointFormProblem } from '@/lib/ciba/notification-endpoint';
import { publicJwksProblem } from '@/lib/ciba/public-jwks';
import { distinguishedNameProblem } from '@/lib/oauth/client-auth/distinguished-name';
import { CLIENT_AUTH_METHODS, type ClientAuthMethod } from '@/lib/oauth/client-auth/methods';
import { SIGNING_ALGS } from '@/lib/oauth/signing-keys';
import { AUTHORIZATION_TYPE_NAME_HINT, AUTHORIZATION_TYPE_NAME_PATTERN } from '@/lib/oauth/authorization-details/type-name';

/** Display names (tenants, clients, users): at most this many characters after trimming. */
const NAME_MAX_LENGTH = 100;

/**
 * Asymmetric JWS algorithms a client may sign with: client assertions
 * (RFC 7523) and authentication requests (CIBA §7.1.1, "asymmetric
 * signature"). Never `none` or HS* (a shared secret).
 */
export const CLIENT_SIGNING_ALGS = ['PS256', 'ES256', 'RS256', 'EdDSA'] as const;
export type ClientSigningAlg = (typeof CLIENT_SIGNING_ALGS)[number];

/** The algorithms the FAPI-CIBA profile allows (FAPI-CIBA §7.6 → FAPI 1.0 Part 2 §8.6). */
export const FAPI_SIGNING_ALGS = ['PS256', 'ES256'] as const satisfies readonly ClientSigningAlg[];

/** The methods that authenticate with a key the client holds, not a shared secret (FAPI 1.0 Part 2 §5.2.2-14). */
export const FAPI_AUTH_METHODS = [
  'private_key_jwt',
  'tls_client_auth',
  'self_signed_tls_client_auth',
] as const satisfies readonly ClientAuthMethod[];

/** Methods that authenticate with the client's public keys (jwks or jwks_uri). */
const KEY_AUTH_METHODS: readonly ClientAuthMethod[] = ['private_key_jwt', 'self_signed_tls_client_auth'];

/** The mutual-TLS methods (RFC 8705 §2): their access tokens are certificate-bound (§3). */
export const MTLS_AUTH_METHODS: readonly ClientAuthMethod[] = ['tls_client_auth', 'self_signed_tls_client_auth'];

/** Whether the client authenticates with a secret (and so is issued one). */
export const usesClientSecret = (method: ClientAuthMethod): boolean =>
  method === 'client_secret_basic' || method === 'client_secret_post';
/** The refresh_token grant (RFC 6749 §6): with `offline_access` granted, the CIBA grant also returns a refresh token. */
export const REFRESH_TOKEN_GRANT_TYPE = 'refresh_token';

/** Grant types a client may be registered for. */
export const SUPPORTED_GRANT_TYPES = [CIBA_GRANT_TYPE, REFRESH_TOKEN_GRANT_TYPE] as const;
export type SupportedGrantType = (typeof SUPPORTED_GRANT_TYPES)[number];

/** Every CIBA token delivery mode (CIBA §5). */
export type BackchannelTokenDeliveryMode = 'poll' | 'ping' | 'push';
export const SUPPORTED_DELIVERY_MODES = ['poll', 'ping', 'push'] as const satisfies readonly BackchannelTokenDeliveryMode[];

/** The modes in which the OP calls the client back, at its backchannel_client_notification_endpoint (CIBA §10.2, §10.3). */
export const isCallbackDeliveryMode = (mode: BackchannelTokenDeliveryMode): mode is 'ping' | 'push' => mode !== 'poll';

/** Whether bc-authorize must carry a binding_message (CIBA §7.1). */
export const BINDING_MESSAGE_POLICIES = ['required', 'optional'] as const;
export type BindingMessagePolicy = (typeof BINDING_MESSAGE_POLICIES)[number];

/**
 * Characters a binding_message may use: "restricted" = letters, digits, space
 * and + - _ . , : # (Auth0's set); "printable" = any printable Unicode text.
 */
const BINDING_MESSAGE_CHARSETS = ['restricted', 'printable'] as const;
export type BindingMessageCharset = (typeof BINDING_MESSAGE_CHARSETS)[number];

/** Inclusive bounds of the numeric settings, in characters or seconds. */
export const CLIENT_SETTING_BOUNDS = {
  bindingMessageMaxLength: { min: 1, max: 256 },
  /** CIBA §7.3 interval: the minimum seconds between polls. */
  pollInterval: { min: 1, max: 300 },
  /**
   * Long polling (CIBA §10.1): 0 (off) or the seconds a pending poll is held;
   * under the 30 s the spec recommends as the longest wait, and under the
   * HTTP layer's default request timeout.
   */
  longPollTimeout: { min: 0, max: 25 },
  /** requested_expiry (CIBA §7.1): 1 s to 72 h. */
  requestedExpiry: { min: 1, max: 259_200 },
  /** Access and ID token lifetimes: 1 minute to 1 day. */
  tokenLifetime: { min: 60, max: 86_400 },
  /** Refresh token lifetime: 1 minute to 1 year. */
  refreshTokenLifetime: { min: 60, max: 31_536_000 },
  /** How long past its exp an id_token_hint stays usable: up to 1 day. */
  idTokenHintGracePeriod: { min: 0, max: 86_400 },
} as const;

/** An input value as a message shows it: JSON, cut to a readable length. */
const show = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  const text = typeof value === 'bigint' ? `${value}n` : (JSON.stringify(value) ?? typeof value);

  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
};

const listed = (values: readonly string[]): string => (values.length === 1 ? values[0] : `one of ${values.join(', ')}`);

/**
 * One value of `supported`. A value of `planned` is refused as "not supported
 * yet" (and why, when `reason` says), so a client is never registered with a
 * setting the server would ignore.
 */
const oneOf = <const T extends readonly [string, ...string[]]>(supported: T, planned: readonly string[] = [], reason?: string) =>
  z.enum(supported, {
    error: (issue) =>
      typeof issue.input === 'string' && planned.includes(issue.input)
        ? `${issue.input} is not supported yet${reason ? `: ${reason}` : ''} (supported: ${supported.join(', ')})`
        : `must be ${listed(supported)} (got ${show(issue.input)})`,
  });

/** A whole number within `bounds`. */
const wholeNumber = (bounds: { min: number; max: number }, unit: string) => {
  const message = (issue: { input?: unknown }) =>
    `must be a whole number of ${unit} from ${bounds.min} to ${bounds.max} (got ${show(issue.input)})`;

  return z.int({ error: message }).min(bounds.min, { error: message }).max(bounds.max, { error: message });
};

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/** A display name: trimmed, 1–100 characters, no control characters. */
export const ZDisplayNameSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : `must be text (got ${show(issue.input)})`) })
  .trim()
  .check((context) => {
    const length = [...context.value].length;
    if (length === 0 || length > NAME_MAX_LENGTH) {
      context.issues.push({
        code: 'custom',
        input: context.value,
        message: `must be 1–${NAME_MAX_LENGTH} characters after trimming (got ${length})`,
      });
    } else if (CONTROL_CHARACTERS.test(context.value)) {
      context.issues.push({ code: 'custom', input: context.value, message: 'must not contain control characters' });
    }
  });

const grantTypesSchema = z
  .array(oneOf(SUPPORTED_GRANT_TYPES), {
    error: (issue) => `must be a list of grant types (got ${show(issue.input)})`,
  })
  .overwrite((grantTypes) => [...new Set(grantTypes)]);

/** RFC 9396: the authorization-details types of its tenant a client may request (each must exist: checked on write). */
const authorizationDetailsTypesSchema = z
  .array(
    z.string({ error: (issue) => `must be a type name (got ${show(issue.input)})` }).check((context) => {
      if (!AUTHORIZATION_TYPE_NAME_PATTERN.test(context.value)) {
        context.issues.push({ code: 'custom', input: context.value, message: AUTHORIZATION_TYPE_NAME_HINT });
      }
    }),
    { error: (issue) => `must be a list of authorization details types (got ${show(issue.input)})` },
  )
  .max(100, { error: 'must list at most 100 types' })
  .overwrite((types) => [...new Set(types)]);

/** Longest jwks document (as JSON) a client may register inline. */
export const CLIENT_JWKS_MAX_LENGTH = 16 * 1024;

/**
 * A client's public keys (RFC 7591 §2 `jwks`): a JWKS of public RSA, EC or
 * OKP keys that node:crypto can load, at most 16 KiB.
 */
const clientJwksSchema = z
  .record(z.string(), z.unknown(), { error: (issue) => `must be a JWKS object: {"keys":[…]} (got ${show(issue.input)})` })
  .check((context) => {
    const problem = publicJwksProblem(context.value);
    if (problem) {
      context.issues.push({ code: 'custom', input: context.value, message: problem });

      return;
    }
    if (JSON.stringify(context.value).length > CLIENT_JWKS_MAX_LENGTH) {
      context.issues.push({
        code: 'custom',
        input: context.value,
        message: `must be at most ${CLIENT_JWKS_MAX_LENGTH} characters of JSON`,
      });

      return;
    }
    const keys = (context.value as { keys: Record<string, unknown>[] }).keys;
    for (const [index, key] of keys.entries()) {
      try {
        createPublicKey({ key: key as never, format: 'jwk' });
      } catch {
        context.issues.push({ code: 'custom', input: context.value, message: `keys[${index}] is not a usable public key` });

        return;
      }
    }
  });

/** Longest tls_client_auth_subject_dn. */
const SUBJECT_DN_MAX_LENGTH = 512;

/** Every setting, without defaults: the shape of a stored client and of an update. */
const CLIENT_METADATA_SHAPE = {
  client_name: ZDisplayNameSchema,
  token_endpoint_auth_method: oneOf(CLIENT_AUTH_METHODS),
  /** Duplicates are dropped; an empty list is a client with no grant (every request is then unauthorized_client). */
  grant_types: grantTypesSchema,
  backchannel_token_delivery_mode: oneOf(SUPPORTED_DELIVERY_MODES),
  /**
   * Where ping and push callbacks go (CIBA §4); required for those modes.
   * Its form is checked here; whether its host resolves to a public address
   * (or the loopback switch admits it) at registration and at each delivery
   * (lib/ciba/notification-endpoint.ts).
   */
  backchannel_client_notification_endpoint: z
    .string({ error: (issue) => `must be an https:// URL or null (got ${show(issue.input)})` })
    .check((context) => {
      const problem = notificationEndpointFormProblem(context.value);
      if (problem) context.issues.push({ code: 'custom', input: context.value, message: problem });
    })
    .nullable(),
  binding_message_policy: oneOf(BINDING_MESSAGE_POLICIES),
  binding_message_max_length: wholeNumber(CLIENT_SETTING_BOUNDS.bindingMessageMaxLength, 'characters'),
  binding_message_charset: oneOf(BINDING_MESSAGE_CHARSETS),
  /** The minimum poll interval (CIBA §7.3 `interval`). */
  backchannel_poll_interval: wholeNumber(CLIENT_SETTING_BOUNDS.pollInterval, 'seconds'),
  /** Long polling (CIBA §10.1): how long a pending poll is held for its decision; 0 = answered at once. Poll clients only. */
  backchannel_long_poll_timeout: wholeNumber(CLIENT_SETTING_BOUNDS.longPollTimeout, 'seconds'),
  /** Only algorithms every tenant holds a key for. */
  id_token_signed_response_alg: oneOf(SIGNING_ALGS),
  min_requested_expiry: wholeNumber(CLIENT_SETTING_BOUNDS.requestedExpiry, 'seconds'),
  max_requested_expiry: wholeNumber(CLIENT_SETTING_BOUNDS.requestedExpiry, 'seconds'),
  /** expires_in when bc-authorize carries no requested_expiry. */
  default_requested_expiry: wholeNumber(CLIENT_SETTING_BOUNDS.requestedExpiry, 'seconds'),
  access_token_lifetime: wholeNumber(CLIENT_SETTING_BOUNDS.tokenLifetime, 'seconds'),
  id_token_lifetime: wholeNumber(CLIENT_SETTING_BOUNDS.tokenLifetime, 'seconds'),
  /** How long a refresh token stays usable after it is issued; every rotation issues a new one. */
  refresh_token_lifetime: wholeNumber(CLIENT_SETTING_BOUNDS.refreshTokenLifetime, 'seconds'),
  /** RFC 9396 `authorization_details_types`: the types of its tenant this client may request. */
  authorization_details_types: authorizationDetailsTypesSchema,
  /** The client's public keys, inline (RFC 7591 §2); at most one of jwks and jwks_uri. */
  jwks: clientJwksSchema.nullable(),
  /**
   * Where the client publishes its public keys (RFC 7591 §2): fetched under
   * the notification endpoint's rules (https, public addresses), cached.
   */
  jwks_uri: z
    .string({ error: (issue) => `must be an https:// URL or null (got ${show(issue.input)})` })
    .check((context) => {
      const problem = notificationEndpointFormProblem(context.value);
      if (problem) context.issues.push({ code: 'custom', input: context.value, message: problem });
    })
    .nullable(),
  /** tls_client_auth (RFC 8705 §2.1.2): the subject DN its certificate must have, RFC 4514 text. */
  tls_client_auth_subject_dn: z
    .string({ error: (issue) => `must be a distinguished name or null (got ${show(issue.input)})` })
    .trim()
    .check((context) => {
      if (context.value.length === 0 || context.value.length > SUBJECT_DN_MAX_LENGTH) {
        context.issues.push({
          code: 'custom',
          input: context.value,
          message: `must be 1–${SUBJECT_DN_MAX_LENGTH} characters, e.g. "CN=desk.example.com,O=Example"`,
        });
      } else if (CONTROL_CHARACTERS.test(context.value)) {
        context.issues.push({ code: 'custom', input: context.value, message: 'must not contain control characters' });
      } else {
        const problem = distinguishedNameProblem(context.value);
        if (problem) {
          context.issues.push({
            code: 'custom',
            input: context.value,
            message: `must be an RFC 4514 distinguished name, e.g. "CN=desk.example.com,O=Example" (${problem})`,
          });
        }
      }
    })
    .nullable(),
  /** RFC 7591 §2: the one alg its client assertions may use (private_key_jwt); null = any of CLIENT_SIGNING_ALGS. */
  token_endpoint_auth_signing_alg: oneOf(CLIENT_SIGNING_ALGS).nullable(),
  /**
   * CIBA §4: the alg of its signed authentication requests (§7.1.1). Set:
   * every request must be signed, with this alg. Null: signing is optional
   * (any of CLIENT_SIGNING_ALGS), verified with the client's keys.
   */
  backchannel_authentication_request_signing_alg: oneOf(CLIENT_SIGNING_ALGS).nullable(),
  /** CIBA §4, §7.1.2: bc-authorize must carry the user's user_code. */
  backchannel_user_code_parameter: z.boolean({ error: (issue) => `must be true or false (got ${show(issue.input)})` }),
  /** The FAPI-CIBA profile (FAPI-CIBA §5.2.2): its rules are checked with the other settings (checkFapiProfile). */
  fapi_ciba: z.boolean({ error: (issue) => `must be true or false (got ${show(issue.input)})` }),
  /** Seconds past its `exp` an id_token_hint is still accepted (CIBA §7.1); 0 = only unexpired ones. */
  id_token_hint_grace_period: wholeNumber(CLIENT_SETTING_BOUNDS.idTokenHintGracePeriod, 'seconds'),
  /**
   * Approval of this client's requests on the emailed page also needs the
   * user's passkey whenever the user has enrolled an authenticator (as the
   * tenant's require_passkey_approval, for this client only; lib/ciba/passkey-step.ts).
   */
  require_passkey_approval: z.boolean({ error: (issue) => `must be true or false (got ${show(issue.input)})` }),
};

/**
 * The settings a tenant holds for its applications (the same names and
 * bounds): the values a new application starts from; `max_requested_expiry`
 * is also the ceiling of every application's.
 */
export const TENANT_APPLICATION_SETTINGS_SHAPE = {
  default_requested_expiry: CLIENT_METADATA_SHAPE.default_requested_expiry,
  max_requested_expiry: CLIENT_METADATA_SHAPE.max_requested_expiry,
  backchannel_poll_interval: CLIENT_METADATA_SHAPE.backchannel_poll_interval,
  binding_message_policy: CLIENT_METADATA_SHAPE.binding_message_policy,
};

const ZClientMetadataObject = z.strictObject(CLIENT_METADATA_SHAPE, {
  error: (issue) =>
    issue.code === 'invalid_type' ? `must be an object of client metadata (got ${show(issue.input)})` : undefined,
});

type ExpiryBounds = { min_requested_expiry: number; max_requested_expiry: number; default_requested_expiry: number };

/** min_requested_expiry ≤ default_requested_expiry ≤ max_requested_expiry. */
const checkExpiryOrder = (context: z.core.ParsePayload<ExpiryBounds>): void => {
  const { min_requested_expiry: min, max_requested_expiry: max, default_requested_expiry: fallback } = context.value;
  if (min > max) {
    context.issues.push({
      code: 'custom',
      input: max,
      path: ['max_requested_expiry'],
      message: `must be at least min_requested_expiry (${min}), got ${max}`,
    });
  } else if (fallback < min || fallback > max) {
    context.issues.push({
      code: 'custom',
      input: fallback,
      path: ['default_requested_expiry'],
      message: `must be from min_requested_expiry (${min}) to max_requested_expiry (${max}), got ${fallback}`,
    });
  }
};

type DeliverySettings = {
  backchannel_token_delivery_mode: BackchannelTokenDeliveryMode;
  backchannel_client_notification_endpoint: string | null;
};

/** A ping or push client has a notification endpoint (CIBA §4: REQUIRED for those modes). */
const checkNotificationEndpointPresent = (context: z.core.ParsePayload<DeliverySettings>): void => {
  const { backchannel_token_delivery_mode: mode, backchannel_client_notification_endpoint: endpoint } = context.value;
  if (isCallbackDeliveryMode(mode) && endpoint === null) {
    context.issues.push({
      code: 'custom',
      input: endpoint,
      path: ['backchannel_client_notification_endpoint'],
      message: `is required when backchannel_token_delivery_mode is ${mode}`,
    });
  }
};

/** Long polling is a way of polling (CIBA §10.1): only a poll-mode client may have it. */
const checkLongPollMode = (
  context: z.core.ParsePayload<{ backchannel_long_poll_timeout: number; backchannel_token_delivery_mode: string }>,
): void => {
  const { backchannel_long_poll_timeout: timeout, backchannel_token_delivery_mode: mode } = context.value;
  if (timeout > 0 && mode !== 'poll') {
    context.issues.push({
      code: 'custom',
      input: timeout,
      path: ['backchannel_long_poll_timeout'],
      message: `must be 0 unless backchannel_token_delivery_mode is poll (it is ${mode})`,
    });
  }
};

type KeySettings = {
  token_endpoint_auth_method: ClientAuthMethod;
  jwks: Record<string, unknown> | null;
  jwks_uri: string | null;
  tls_client_auth_subject_dn: string | null;
  token_endpoint_auth_signing_alg: ClientSigningAlg | null;
  backchannel_authentication_request_signing_alg: ClientSigningAlg | null;
};

/**
 * The keys and certificate settings fit the method: keys (jwks or jwks_uri,
 * not both) for private_key_jwt, self_signed_tls_client_auth and required
 * signed requests; a subject DN for tls_client_auth and only for it; an
 * assertion alg only for private_key_jwt.
 */
const checkKeySettings = (context: z.core.ParsePayload<KeySettings>): void => {
  const settings = context.value;
  const method = settings.token_endpoint_auth_method;
  const issue = (path: keyof KeySettings, message: string) =>
    context.issues.push({ code: 'custom', input: settings[path], path: [path], message });
  if (settings.jwks !== null && settings.jwks_uri !== null)
    issue('jwks_uri', 'must be null when jwks is set (one source of keys)');
  const hasKeys = settings.jwks !== null || settings.jwks_uri !== null;
  if (!hasKeys && KEY_AUTH_METHODS.includes(method))
    issue('jwks', `is required (or jwks_uri) when token_endpoint_auth_method is ${method}`);
  if (!hasKeys && settings.backchannel_authentication_request_signing_alg !== null) {
    issue(
      'jwks',
      'is required (or jwks_uri) when backchannel_authentication_request_signing_alg is set: signed requests are verified with them',
    );
  }
  if (method === 'tls_client_auth' && settings.tls_client_auth_subject_dn === null) {
    issue('tls_client_auth_subject_dn', 'is required when token_endpoint_auth_method is tls_client_auth');
  }
  if (method !== 'tls_client_auth' && settings.tls_client_auth_subject_dn !== null) {
    issue('tls_client_auth_subject_dn', `must be null unless token_endpoint_auth_method is tls_client_auth (it is ${method})`);
  }
  if (method !== 'private_key_jwt' && settings.token_endpoint_auth_signing_alg !== null) {
    issue(
      'token_endpoint_auth_signing_alg',
      `must be null unless token_endpoint_auth_method is private_key_jwt (it is ${method})`,
    );
  }
};

type FapiSettings = KeySettings & {
  fapi_ciba: boolean;
  backchannel_token_delivery_mode: BackchannelTokenDeliveryMode;
  binding_message_policy: BindingMessagePolicy;
  id_token_signed_response_alg: string;
};

/**
 * The FAPI-CIBA profile's rules for a client (FAPI-CIBA §5.2.2, §7.6): a
 * key-based method (items 2.3: mTLS or private_key_jwt), no push mode
 * (item 3), signed requests required (item 6) with PS256 or ES256, a
 * binding message required (item 2), PS256/ES256 ID tokens and assertions.
 * A setting that contradicts the profile is refused, never overridden.
 */
const checkFapiProfile = (context: z.core.ParsePayload<FapiSettings>): void => {
  const settings = context.value;
  if (!settings.fapi_ciba) return;
  const issue = (path: keyof FapiSettings, message: string) =>
    context.issues.push({
      code: 'custom',
      input: settings[path],
      path: [path],
      message: `${message} for a FAPI-CIBA client (fapi_ciba)`,
    });
  const fapiAlg = (alg: string | null) => alg !== null && (FAPI_SIGNING_ALGS as readonly string[]).includes(alg);
  if (!(FAPI_AUTH_METHODS as readonly string[]).includes(settings.token_endpoint_auth_method)) {
    issue('token_endpoint_auth_method', `must be ${FAPI_AUTH_METHODS.join(', ')} (got ${settings.token_endpoint_auth_method})`);
  }
  if (settings.backchannel_token_delivery_mode === 'push')
    issue('backchannel_token_delivery_mode', 'must be poll or ping, never push');
  if (!fapiAlg(settings.backchannel_authentication_request_signing_alg)) {
    issue(
      'backchannel_authentication_request_signing_alg',
      `must be ${FAPI_SIGNING_ALGS.join(' or ')}: signed requests are required`,
    );
  }
  if (settings.token_endpoint_auth_signing_alg !== null && !fapiAlg(settings.token_endpoint_auth_signing_alg)) {
    issue('token_endpoint_auth_signing_alg', `must be ${FAPI_SIGNING_ALGS.join(' or ')} or null`);
  }
  if (!fapiAlg(settings.id_token_signed_response_alg)) {
    issue('id_token_signed_response_alg', `must be ${FAPI_SIGNING_ALGS.join(' or ')}`);
  }
  if (settings.binding_message_policy !== 'required') issue('binding_message_policy', 'must be required');
};

/** A complete, valid set of client settings: what a stored client must satisfy. */
export const ZClientMetadataSchema = ZClientMetadataObject.check(checkExpiryOrder)
  .check(checkNotificationEndpointPresent)
  .check(checkLongPollMode)
  // The profile's rules before the keys': a FAPI client is first told what the profile needs.
  .check(checkFapiProfile)
  .check(checkKeySettings);
export type ClientMetadata = z.output<typeof ZClientMetadataSchema>;

/** What a client gets for every setting its registration leaves out. */
export const CLIENT_METADATA_DEFAULTS = {
  token_endpoint_auth_method: 'client_secret_basic',
  grant_types: [CIBA_GRANT_TYPE],
  backchannel_token_delivery_mode: 'poll',
  backchannel_client_notification_endpoint: null,
  binding_message_policy: 'optional',
  binding_message_max_length: 64,
  binding_message_charset: 'restricted',
  backchannel_poll_interval: 5,
  backchannel_long_poll_timeout: 0,
  id_token_signed_response_alg: 'RS256',
  min_requested_expiry: 1,
  max_requested_expiry: 259_200,
  default_requested_expiry: 300,
  access_token_lifetime: 3600,
  id_token_lifetime: 3600,
  /** 30 days. */
  refresh_token_lifetime: 2_592_000,
  authorization_details_types: [],
  jwks: null,
  jwks_uri: null,
  tls_client_auth_subject_dn: null,
  token_endpoint_auth_signing_alg: null,
  backchannel_authentication_request_signing_alg: null,
  backchannel_user_code_parameter: false,
  fapi_ciba: false,
  id_token_hint_grace_period: 0,
  require_passkey_approval: false,
} as const satisfies Omit<ClientMetadata, 'client_name'>;

/**
 * What a FAPI-CIBA client gets for the settings its registration leaves out,
 * over the tenant's and the general defaults: the profile's choices (signed
 * PS256 requests, a required binding message, PS256 ID tokens). A setting
 * given explicitly is never overridden: one that contradicts the profile is
 * refused (checkFapiProfile).
 */
export const FAPI_CLIENT_DEFAULTS = {
  backchannel_authentication_request_signing_alg: 'PS256',
  binding_message_policy: 'required',
  id_token_signed_response_alg: 'PS256',
} as const satisfies Partial<ClientMetadata>;

/** A registration: `client_name` and any other setting; the rest take CLIENT_METADATA_DEFAULTS. */
export const ZClientMetadataCreateSchema = ZClientMetadataObject.partial()
  .extend({ client_name: CLIENT_METADATA_SHAPE.client_name })
  .meta({ title: 'ClientMetadataCreate' });
export type TClientMetadataCreate = z.input<typeof ZClientMetadataCreateSchema>;

/** A change: any subset of the settings. */
export const ZClientMetadataUpdateSchema = ZClientMetadataObject.partial().meta({ title: 'ClientMetadataUpdate' });
export type TClientMetadataUpdate = z.input<typeof ZClientMetadataUpdateSchema>;
