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
import { z } from 'zod';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import { notificationEndpointFormProblem } from '@/lib/ciba/notification-endpoint';
import { CLIENT_AUTH_METHODS } from '@/lib/oauth/client-auth/registry';
import { SIGNING_ALGS } from '@/lib/oauth/signing-keys';
import { AUTHORIZATION_TYPE_NAME_HINT, AUTHORIZATION_TYPE_NAME_PATTERN } from '@/lib/oauth/authorization-details/type-name';

/** Display names (tenants, clients, users): at most this many characters after trimming. */
const NAME_MAX_LENGTH = 100;

/** Values the contract names that are not built yet: refused with "not supported yet", never ignored. */
const PLANNED_AUTH_METHODS = ['private_key_jwt', 'tls_client_auth', 'self_signed_tls_client_auth'];
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

/** Every setting, without defaults: the shape of a stored client and of an update. */
const CLIENT_METADATA_SHAPE = {
  client_name: ZDisplayNameSchema,
  token_endpoint_auth_method: oneOf(CLIENT_AUTH_METHODS, PLANNED_AUTH_METHODS),
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

/** A complete, valid set of client settings: what a stored client must satisfy. */
export const ZClientMetadataSchema = ZClientMetadataObject.check(checkExpiryOrder)
  .check(checkNotificationEndpointPresent)
  .check(checkLongPollMode);
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
} as const satisfies Omit<ClientMetadata, 'client_name'>;

/** A registration: `client_name` and any other setting; the rest take CLIENT_METADATA_DEFAULTS. */
export const ZClientMetadataCreateSchema = ZClientMetadataObject.partial()
  .extend({ client_name: CLIENT_METADATA_SHAPE.client_name })
  .meta({ title: 'ClientMetadataCreate' });
export type TClientMetadataCreate = z.input<typeof ZClientMetadataCreateSchema>;

/** A change: any subset of the settings. */
export const ZClientMetadataUpdateSchema = ZClientMetadataObject.partial().meta({ title: 'ClientMetadataUpdate' });
export type TClientMetadataUpdate = z.input<typeof ZClientMetadataUpdateSchema>;
