import { readFileSync } from 'node:fs';
import type { AuthorizationTypeView } from '@/lib/admin/authorization-type-view';
import type { ClientView } from '@/lib/admin/client-view';
import { createAuthorizationType } from '@/lib/admin/create-authorization-type';
import { deleteAuthorizationType } from '@/lib/admin/delete-authorization-type';
import { listAuthorizationTypes } from '@/lib/admin/list-authorization-types';
import { updateAuthorizationType } from '@/lib/admin/update-authorization-type';
import type { TenantView } from '@/lib/admin/tenant-view';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { createApiKey } from '@/lib/admin/create-api-key';
import { createInitialAccessToken } from '@/lib/admin/create-initial-access-token';
import type { InitialAccessTokenView } from '@/lib/admin/initial-access-token-view';
import { listInitialAccessTokens } from '@/lib/admin/list-initial-access-tokens';
import { revokeInitialAccessToken } from '@/lib/admin/revoke-initial-access-token';
import { createAdmin, type TCreateAdmin } from '@/lib/admin/create-admin';
import { DEVELOPMENT_EMAILS_LIMIT, listDevelopmentEmails, type DevelopmentEmailView } from '@/lib/admin/list-development-emails';
import { listClients } from '@/lib/admin/list-clients';
import { listTenants } from '@/lib/admin/list-tenants';
import { listUsers } from '@/lib/admin/list-users';
import { PAGE_LIMIT } from '@/lib/admin/page-cursor';
import type { UserView } from '@/lib/admin/user-view';
import { rotateClientSecret } from '@/lib/admin/rotate-client-secret';
import { setUserBlocked } from '@/lib/admin/set-user-blocked';
import {
  listAuthenticatorDevices,
  revokeAuthenticatorDevice,
  sendAuthenticatorEnrollment,
} from '@/lib/admin/authenticator-devices';
import { setUserCode } from '@/lib/admin/set-user-code';
import { updateClient } from '@/lib/admin/update-client';
import { updateTenant } from '@/lib/admin/update-tenant';
import { AdminError } from '@/lib/admin/errors';
import { addTrustedIssuer } from '@/lib/admin/add-trusted-issuer';
import { listTrustedIssuers } from '@/lib/admin/list-trusted-issuers';
import { removeTrustedIssuer } from '@/lib/admin/remove-trusted-issuer';
import type { TrustedIssuerView } from '@/lib/admin/trusted-issuer-view';
import {
  BINDING_MESSAGE_POLICIES,
  CLIENT_METADATA_DEFAULTS,
  CLIENT_SETTING_BOUNDS,
  CLIENT_SIGNING_ALGS,
  SUPPORTED_DELIVERY_MODES,
  SUPPORTED_GRANT_TYPES,
  type ClientMetadata,
} from '@/lib/clients/client-metadata';
import type { Db } from '@/lib/db/client';
import { backupSqliteDatabase, POSTGRES_BACKUP_REFUSAL, type SqliteBackupResult } from '@/lib/db/backup-sqlite';
import { getBaseEnv, getEnv, sqliteFilePath } from '@/lib/env';
import { CLIENT_AUTH_METHODS } from '@/lib/oauth/client-auth';
import { SIGNING_ALGS } from '@/lib/oauth/signing-keys';
import { formatFields, formatTable } from './format';
import { UsageError } from './usage-error';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';

type OptionSpec = {
  /** Placeholder shown in help, e.g. "<slug>". */
  value: string;
  description: string;
  /** A flag without a value (e.g. --fapi). */
  flag?: boolean;
  required?: boolean;
  /** The input field this option sets, when it is not the option's own name (error messages name the option). */
  field?: string;
};

type OptionValues = Record<string, string | undefined>;

/**
 * One `backchannel <resource> <action>` command. Every option takes a string
 * value; `--json` and `--help` are added to every command by the runner.
 */
export type CommandSpec = {
  summary: string;
  options: Record<string, OptionSpec>;
  examples: string[];
  /** Runs the command; throws UsageError for a malformed option value. */
  run: (db: Db, values: OptionValues) => Promise<unknown>;
  /** Human-readable rendering of `run`'s result (the default output). */
  formatHuman: (result: never) => string;
  /**
   * false: the command reads the database file itself (backup), so the runner
   * neither applies migrations nor opens the Prisma client first.
   */
  opensDatabase?: false;
};

/** The value of a required option (the runner has already checked presence). */
const required = (values: OptionValues, name: string): string => values[name] as string;

const TENANT_OPTION: OptionSpec = { value: '<slug>', description: 'The tenant (its slug).', required: true };
const CLIENT_ID_OPTION: OptionSpec = { value: '<client_id>', description: 'The client (its client_id).', required: true };

/** `--grant-types a,b` → ['a', 'b']; `none` → [] (a client without any grant). */
const parseGrantTypesOption = (raw: string): string[] => {
  if (raw.trim() === 'none') return [];
  const values = raw.split(',').map((value) => value.trim());
  if (values.some((value) => value === '')) {
    throw new UsageError('--grant-types needs a comma-separated list of grant types, or "none".');
  }

  return values;
};

/** `--poll-interval 10` → 10: a whole number; its range is the schema's to check. */
const parseSecondsOption =
  (flag: string) =>
  (raw: string): number => {
    if (!/^-?[0-9]+$/.test(raw.trim()))
      throw new UsageError(`--${flag} needs a whole number of seconds, not ${JSON.stringify(raw)}.`);

    return Number(raw.trim());
  };

/** `--jwks '{"keys":[…]}'` → the JWKS object; "none" → null. Whether it is a valid public key set is the schema's to check. */
const parseJwksOption = (raw: string): unknown => {
  if (raw.trim() === 'none') return null;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new UsageError('--jwks needs a JWKS document as JSON, e.g. \'{"keys":[{"kty":"EC",…}]}\', or "none".');
  }
};

/** "none" → null (the setting is removed); anything else as given, trimmed. */
const noneOrText = (raw: string): string | null => (raw.trim() === 'none' ? null : raw.trim());

type ClientSettingOption = OptionSpec & { field: keyof ClientMetadata; parse?: (raw: string) => unknown };

const { pollInterval, refreshTokenLifetime, longPollTimeout, idTokenHintGracePeriod } = CLIENT_SETTING_BOUNDS;

/** The client settings the CLI sets, flag → client metadata name (contract.md). */
const CLIENT_SETTING_OPTIONS: Record<string, ClientSettingOption> = {
  name: { field: 'client_name', value: '<name>', description: 'Display name, 1–100 characters (client_name).' },
  'auth-method': {
    field: 'token_endpoint_auth_method',
    value: '<method>',
    description: `${CLIENT_AUTH_METHODS.join(' or ')} (token_endpoint_auth_method; default ${CLIENT_METADATA_DEFAULTS.token_endpoint_auth_method}).`,
  },
  'grant-types': {
    field: 'grant_types',
    value: '<list>',
    description: `Comma-separated; supported: ${SUPPORTED_GRANT_TYPES.join(', ')} (the default). "none" for no grant.`,
    parse: parseGrantTypesOption,
  },
  'delivery-mode': {
    field: 'backchannel_token_delivery_mode',
    value: '<mode>',
    description: `${SUPPORTED_DELIVERY_MODES.join(', ')} (backchannel_token_delivery_mode; default ${CLIENT_METADATA_DEFAULTS.backchannel_token_delivery_mode}). ping and push need --notification-endpoint.`,
  },
  'notification-endpoint': {
    field: 'backchannel_client_notification_endpoint',
    value: '<url>',
    description:
      'backchannel_client_notification_endpoint: where ping and push callbacks are POSTed; https:// only, not resolving to a loopback, private or link-local address (plain-http loopback URLs with ALLOW_HTTP_LOOPBACK_CALLBACKS=true). "none" removes it.',
    parse: (raw) => (raw.trim() === 'none' ? null : raw.trim()),
  },
  'binding-message': {
    field: 'binding_message_policy',
    value: '<policy>',
    description: `${BINDING_MESSAGE_POLICIES.join(' or ')} (binding_message_policy; default ${CLIENT_METADATA_DEFAULTS.binding_message_policy}): whether bc-authorize must carry a binding_message.`,
  },
  'id-token-alg': {
    field: 'id_token_signed_response_alg',
    value: '<alg>',
    description: `${SIGNING_ALGS.join(', ')} (id_token_signed_response_alg; default ${CLIENT_METADATA_DEFAULTS.id_token_signed_response_alg}).`,
  },
  'poll-interval': {
    field: 'backchannel_poll_interval',
    value: '<seconds>',
    description: `Minimum seconds between polls, ${pollInterval.min}–${pollInterval.max} (backchannel_poll_interval; default ${CLIENT_METADATA_DEFAULTS.backchannel_poll_interval}).`,
    parse: parseSecondsOption('poll-interval'),
  },
  'refresh-token-lifetime': {
    field: 'refresh_token_lifetime',
    value: '<seconds>',
    description: `Seconds a refresh token stays usable after it is issued (each use rotates it), ${refreshTokenLifetime.min}–${refreshTokenLifetime.max} (refresh_token_lifetime; default ${CLIENT_METADATA_DEFAULTS.refresh_token_lifetime}, 30 days).`,
    parse: parseSecondsOption('refresh-token-lifetime'),
  },
  'authorization-details-types': {
    field: 'authorization_details_types',
    value: '<list>',
    description:
      'Comma-separated authorization-details types of the tenant (authorization-type create) the client may request in authorization_details (authorization_details_types; default none). "none" for none.',
    parse: (raw) =>
      raw.trim() === 'none'
        ? []
        : raw
            .split(',')
            .map((value) => value.trim())
            .filter(Boolean),
  },
  'long-poll': {
    field: 'backchannel_long_poll_timeout',
    value: '<seconds>',
    description: `Long polling: hold a pending poll up to this many seconds for the decision, ${longPollTimeout.min}–${longPollTimeout.max}; 0 = off (backchannel_long_poll_timeout; default ${CLIENT_METADATA_DEFAULTS.backchannel_long_poll_timeout}; poll mode only).`,
    parse: parseSecondsOption('long-poll'),
  },
  jwks: {
    field: 'jwks',
    value: '<json>',
    description:
      'The client\'s public keys as a JWKS document (jwks): for private_key_jwt, self_signed_tls_client_auth and signed requests. "none" removes them.',
    parse: parseJwksOption,
  },
  'jwks-uri': {
    field: 'jwks_uri',
    value: '<url>',
    description:
      'Where the client publishes its public keys (jwks_uri), instead of --jwks: https:// only, not resolving to a private address (loopback with ALLOW_HTTP_LOOPBACK_CALLBACKS=true). "none" removes it.',
    parse: noneOrText,
  },
  'tls-subject-dn': {
    field: 'tls_client_auth_subject_dn',
    value: '<dn>',
    description:
      'tls_client_auth: the subject DN its certificate must have, e.g. "CN=desk.example.com,O=Example" (tls_client_auth_subject_dn). "none" removes it.',
    parse: noneOrText,
  },
  'auth-signing-alg': {
    field: 'token_endpoint_auth_signing_alg',
    value: '<alg>',
    description: `private_key_jwt: the one alg its client assertions may use, ${CLIENT_SIGNING_ALGS.join(', ')} (token_endpoint_auth_signing_alg; default any). "none" for any.`,
    parse: noneOrText,
  },
  'user-code': {
    field: 'backchannel_user_code_parameter',
    value: 'on|off',
    description: "Whether bc-authorize must carry the user's user_code (backchannel_user_code_parameter; default off).",
    parse: (raw) => {
      if (raw === 'on') return true;
      if (raw === 'off') return false;
      throw new UsageError(`--user-code is "on" or "off", not ${JSON.stringify(raw)}.`);
    },
  },
  'id-token-hint-grace': {
    field: 'id_token_hint_grace_period',
    value: '<seconds>',
    description: `Seconds past its exp an id_token_hint is still accepted, ${idTokenHintGracePeriod.min}–${idTokenHintGracePeriod.max} (id_token_hint_grace_period; default 0).`,
    parse: parseSecondsOption('id-token-hint-grace'),
  },
  'require-passkey': {
    field: 'require_passkey_approval',
    value: 'on|off',
    description:
      "Approval of its requests on the emailed page also needs the user's passkey whenever they enrolled an authenticator (require_passkey_approval; default off).",
    parse: (raw) => {
      if (raw === 'on') return true;
      if (raw === 'off') return false;
      throw new UsageError(`--require-passkey is "on" or "off", not ${JSON.stringify(raw)}.`);
    },
  },
  fapi: {
    field: 'fapi_ciba',
    value: '',
    flag: true,
    description:
      "The FAPI-CIBA profile (fapi_ciba): private_key_jwt or mutual TLS, signed requests (PS256 or ES256), a required binding message, no push mode. Settings left out take the profile's choices; one that contradicts it is refused.",
    parse: () => true,
  },
};

/**
 * Client settings whose flags need more than a one-to-one mapping:
 * `--signed-requests required|optional` with `--request-alg` set one field
 * (backchannel_authentication_request_signing_alg).
 */
const SIGNED_REQUEST_OPTIONS: Record<string, OptionSpec> = {
  'signed-requests': {
    field: 'backchannel_authentication_request_signing_alg',
    value: 'required|optional',
    description: `Whether every bc-authorize request must be a signed request object (CIBA §7.1.1); required sets backchannel_authentication_request_signing_alg to --request-alg (default PS256). Signed requests are verified with --jwks/--jwks-uri; with optional, signed requests are still accepted.`,
  },
  'request-alg': {
    value: '<alg>',
    description: `${CLIENT_SIGNING_ALGS.join(', ')}: the alg signed requests must use (backchannel_authentication_request_signing_alg; implies --signed-requests required).`,
  },
};

/** The alg `--signed-requests`/`--request-alg` ask for: a value, null (optional), or undefined (not given). */
const signedRequestAlgFrom = (values: OptionValues): string | null | undefined => {
  const policy = values['signed-requests'];
  const alg = values['request-alg'];
  if (policy === undefined) return alg;
  if (policy === 'optional') {
    if (alg !== undefined) throw new UsageError('--request-alg needs --signed-requests required (or no --signed-requests).');

    return null;
  }
  if (policy === 'required') return alg ?? 'PS256';
  throw new UsageError(`--signed-requests is "required" or "optional", not ${JSON.stringify(policy)}.`);
};

/** The client metadata the given setting options ask for (options not given are left out). */
const clientMetadataFrom = (values: OptionValues): Partial<Record<keyof ClientMetadata, unknown>> => {
  const signedRequestAlg = signedRequestAlgFrom(values);

  const entries: [keyof ClientMetadata, unknown][] = Object.entries(CLIENT_SETTING_OPTIONS).flatMap(([name, option]) => {
    const raw = values[name];

    return raw === undefined ? [] : [[option.field, option.parse ? option.parse(raw) : raw] as [keyof ClientMetadata, unknown]];
  });
  if (signedRequestAlg !== undefined) entries.push(['backchannel_authentication_request_signing_alg', signedRequestAlg]);

  return Object.fromEntries(entries);
};

const formatClient = (client: Partial<ClientView> & { client_secret?: string }): string =>
  formatFields(
    Object.entries(client).map(([label, value]): [string, unknown] =>
      label === 'client_id_issued_at' ? [label, new Date((value as number) * 1000)] : [label, value],
    ),
  );

const SECRET_SHOWN_ONCE = 'The client secret is shown only this once: it is stored hashed and cannot be recovered. Save it now.';

const formatTenant = (tenant: TenantView): string => formatFields(Object.entries(tenant));

/** `--max-pending 10` → 10: a whole number (its range is the schema's to check). */
const wholeNumberOption =
  (flag: string) =>
  (raw: string): number => {
    if (!/^-?[0-9]+$/.test(raw.trim())) throw new UsageError(`--${flag} needs a whole number, not ${JSON.stringify(raw)}.`);

    return Number(raw.trim());
  };

/** `--email-channel on|off` → true | false. */
const onOffOption =
  (flag: string) =>
  (raw: string): boolean => {
    if (raw === 'on') return true;
    if (raw === 'off') return false;
    throw new UsageError(`--${flag} is "on" or "off", not ${JSON.stringify(raw)}.`);
  };

type TenantSettingOption = OptionSpec & { field: string; parse?: (raw: string) => unknown };

/** The tenant settings the CLI sets, flag → setting name (contract.md). */
const TENANT_SETTING_OPTIONS: Record<string, TenantSettingOption> = {
  name: { field: 'name', value: '<name>', description: 'Display name, 1–100 characters.' },
  'rate-limit-per-user': {
    field: 'rate_limit_per_user',
    value: '<n>',
    description: 'bc-authorize requests per minute per user (default 5; 0 = off).',
    parse: wholeNumberOption('rate-limit-per-user'),
  },
  'rate-limit-per-tenant': {
    field: 'rate_limit_per_tenant',
    value: '<n>',
    description: 'bc-authorize requests per minute for the tenant (default 500; 0 = off).',
    parse: wholeNumberOption('rate-limit-per-tenant'),
  },
  'rate-limit-per-agent': {
    field: 'rate_limit_per_agent',
    value: '<n>',
    description: 'bc-authorize requests per minute per agent named by an actor_token (default 20; 0 = off).',
    parse: wholeNumberOption('rate-limit-per-agent'),
  },
  'max-pending': {
    field: 'max_pending_requests',
    value: '<n>',
    description: 'Requests pending at once (default 5000; 0 = off).',
    parse: wholeNumberOption('max-pending'),
  },
  'email-channel': {
    field: 'email_channel_enabled',
    value: 'on|off',
    description: 'Approval links by email.',
    parse: onOffOption('email-channel'),
  },
  'dynamic-registration': {
    field: 'dynamic_registration',
    value: 'on|off',
    description: 'Dynamic client registration (RFC 7591) at <issuer>/register, with an initial access token (default off).',
    parse: onOffOption('dynamic-registration'),
  },
  'require-passkey': {
    field: 'require_passkey_approval',
    value: 'on|off',
    description:
      "Approval on the emailed page also needs the user's passkey whenever they enrolled an authenticator (require_passkey_approval; default off).",
    parse: onOffOption('require-passkey'),
  },
  'push-channel': {
    field: 'push_channel_enabled',
    value: 'on|off',
    description:
      "Web Push to the users' enrolled authenticators: pushed first, the approval email after --email-fallback-delay (default off).",
    parse: onOffOption('push-channel'),
  },
  'email-fallback-delay': {
    field: 'email_fallback_seconds',
    value: '<seconds>',
    description:
      'With both channels on, the approval email follows a push this many seconds later if the request is still pending, 0–3600 (default 30; 0 = at once).',
    parse: wholeNumberOption('email-fallback-delay'),
  },
  'default-expiry': {
    field: 'default_requested_expiry',
    value: '<seconds>',
    description: 'default_requested_expiry of new applications (default 300).',
    parse: wholeNumberOption('default-expiry'),
  },
  'max-expiry': {
    field: 'max_requested_expiry',
    value: '<seconds>',
    description:
      "max_requested_expiry of new applications, and every application's ceiling (default 259200; lowering it lowers theirs).",
    parse: wholeNumberOption('max-expiry'),
  },
  'poll-interval': {
    field: 'backchannel_poll_interval',
    value: '<seconds>',
    description: 'backchannel_poll_interval of new applications (default 5).',
    parse: wholeNumberOption('poll-interval'),
  },
  'binding-message': {
    field: 'binding_message_policy',
    value: '<policy>',
    description: 'required or optional: binding_message_policy of new applications (default optional).',
  },
};

/** Every user of the tenant, page after page of the domain's list. */
const listAllUsers = async (db: Db, tenantSlug: string): Promise<UserView[]> => {
  const users: UserView[] = [];
  let cursor: string | undefined;
  do {
    const page = await listUsers(db, CLI_PRINCIPAL, { tenantSlug, limit: PAGE_LIMIT.max, cursor });
    users.push(...page.data);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);

  return users;
};

const tenantSettingsFrom = (values: OptionValues): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(TENANT_SETTING_OPTIONS).flatMap(([name, option]) => {
      const raw = values[name];

      return raw === undefined ? [] : [[option.field, option.parse ? option.parse(raw) : raw]];
    }),
  );

/** `--schema-file x.json` → the parsed JSON of the file. */
const readJsonFile = (flag: string, path: string): unknown => {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--${flag}: cannot read ${JSON.stringify(path)} (${(error as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UsageError(`--${flag}: ${JSON.stringify(path)} is not valid JSON.`);
  }
};

/** The authorization-type input the given options ask for (options not given are left out). */
const authorizationTypeInputFrom = (values: OptionValues): Record<string, unknown> => ({
  ...(values['schema-file'] === undefined ? {} : { schema: readJsonFile('schema-file', values['schema-file']) }),
  ...(values['template-file'] === undefined
    ? {}
    : { template: values['template-file'] === 'none' ? null : readJsonFile('template-file', values['template-file']) }),
  ...(values.title === undefined ? {} : { title: values.title === '' ? null : values.title }),
  ...(values.partial === undefined ? {} : { partial_approval: onOffOption('partial')(values.partial) }),
});

const AUTHORIZATION_TYPE_OPTIONS: Record<string, OptionSpec> = {
  title: { value: '<text>', description: 'What the user reads as the item’s heading (default: the type name).' },
  partial: {
    value: 'on|off',
    description: 'on (default): the user may approve items of this type one by one; off: always with the whole request.',
    field: 'partial_approval',
  },
  'template-file': {
    value: '<file.json>',
    description:
      'The display template: {"summary"?: "Payment of {instructedAmount}", "fields": [{"field": "instructedAmount", "label": "Amount", "kind": "money|masked|date|list|text"}]}. Without one, every field is shown generically.',
    field: 'template',
  },
};

const formatAuthorizationType = (view: AuthorizationTypeView): string =>
  formatFields([
    ['type', view.type],
    ['title', view.title ?? '—'],
    ['partial_approval', view.partial_approval ? 'on' : 'off'],
    ['template', view.template ? `${view.template.fields.length} field(s)` : 'none (generic display)'],
  ]);

export const COMMANDS: Record<string, Record<string, CommandSpec>> = {
  'authorization-type': {
    create: {
      summary: 'Define an authorization-details type (RFC 9396) of a tenant: its JSON Schema, display and partial approval.',
      options: {
        tenant: TENANT_OPTION,
        type: { value: '<name>', description: 'The type name clients put in authorization_details[].type.', required: true },
        'schema-file': {
          value: '<file.json>',
          description: 'A JSON Schema (draft 2020-12) for the whole item, `type` included.',
          required: true,
          field: 'schema',
        },
        ...AUTHORIZATION_TYPE_OPTIONS,
      },
      examples: [
        'backchannel authorization-type create --tenant acme --type payment_initiation --schema-file payment.json --title "Payment" --template-file payment-template.json',
        'backchannel authorization-type create --tenant acme --type account_information --schema-file accounts.json --partial off',
      ],
      run: (db, values) =>
        createAuthorizationType(db, CLI_PRINCIPAL, {
          tenantSlug: required(values, 'tenant'),
          input: { type: required(values, 'type'), ...authorizationTypeInputFrom(values) },
        }),
      formatHuman: (view: AuthorizationTypeView) =>
        `Created authorization type "${view.type}".\n${formatAuthorizationType(view)}`,
    },
    update: {
      summary: 'Change an authorization-details type; every server applies it at its next request.',
      options: {
        tenant: TENANT_OPTION,
        type: { value: '<name>', description: 'The type to change.', required: true },
        'schema-file': { value: '<file.json>', description: 'A new JSON Schema (draft 2020-12).', field: 'schema' },
        ...AUTHORIZATION_TYPE_OPTIONS,
      },
      examples: ['backchannel authorization-type update --tenant acme --type payment_initiation --partial off'],
      run: (db, values) =>
        updateAuthorizationType(db, CLI_PRINCIPAL, {
          tenantSlug: required(values, 'tenant'),
          type: required(values, 'type'),
          input: authorizationTypeInputFrom(values),
        }),
      formatHuman: (view: AuthorizationTypeView) =>
        `Updated authorization type "${view.type}".\n${formatAuthorizationType(view)}`,
    },
    list: {
      summary: "List a tenant's authorization-details types.",
      options: { tenant: TENANT_OPTION },
      examples: ['backchannel authorization-type list --tenant acme'],
      run: (db, values) => listAuthorizationTypes(db, CLI_PRINCIPAL, { tenantSlug: required(values, 'tenant') }),
      formatHuman: (views: AuthorizationTypeView[]) =>
        formatTable(
          ['TYPE', 'TITLE', 'PARTIAL', 'TEMPLATE'],
          views.map((view) => [view.type, view.title ?? '—', view.partial_approval ? 'on' : 'off', view.template ? 'yes' : 'no']),
          'No authorization types yet. Define one with: backchannel authorization-type create --tenant <slug> --type <name> --schema-file <file.json>',
        ),
    },
    delete: {
      summary: 'Delete an authorization-details type: items of it are refused from the next request on.',
      options: { tenant: TENANT_OPTION, type: { value: '<name>', description: 'The type to delete.', required: true } },
      examples: ['backchannel authorization-type delete --tenant acme --type payment_initiation'],
      run: (db, values) =>
        deleteAuthorizationType(db, CLI_PRINCIPAL, { tenantSlug: required(values, 'tenant'), type: required(values, 'type') }),
      formatHuman: (result: { deleted: boolean }) =>
        result.deleted ? 'Deleted the authorization type.' : 'There was no such authorization type: nothing to delete.',
    },
  },
  tenant: {
    create: {
      summary: 'Create a tenant (an OpenID Provider at <APP_URL>/t/<slug>) and its signing keys.',
      options: {
        slug: { value: '<slug>', description: 'Lower-case letters, digits and inner hyphens, 1–63 characters.', required: true },
        name: { value: '<name>', description: 'Display name, 1–100 characters.', required: true },
      },
      examples: ['backchannel tenant create --slug acme --name "Acme Corp"'],
      run: (db, values) => createTenant(db, CLI_PRINCIPAL, { slug: required(values, 'slug'), name: required(values, 'name') }),
      formatHuman: (tenant: Awaited<ReturnType<typeof createTenant>>) =>
        `Created tenant "${tenant.slug}" with RS256, ES256 and PS256 signing keys.\n${formatTenant(tenant)}`,
    },
    update: {
      summary: "Change a tenant's settings (the slug, part of the issuer, never changes).",
      options: {
        slug: { value: '<slug>', description: 'The tenant to change.', required: true },
        ...TENANT_SETTING_OPTIONS,
      },
      examples: [
        'backchannel tenant update --slug acme --name "Acme Corporation"',
        'backchannel tenant update --slug acme --rate-limit-per-user 10 --max-pending 0 --email-channel on',
        'backchannel tenant update --slug acme --push-channel on --email-fallback-delay 60',
      ],
      run: (db, values) =>
        updateTenant(db, CLI_PRINCIPAL, { slug: required(values, 'slug'), settings: tenantSettingsFrom(values) }),
      formatHuman: (tenant: Awaited<ReturnType<typeof updateTenant>>) =>
        `Updated tenant "${tenant.slug}".\n${formatTenant(tenant)}`,
    },
    list: {
      summary: 'List every tenant.',
      options: {},
      examples: ['backchannel tenant list'],
      run: (db) => listTenants(db, CLI_PRINCIPAL),
      formatHuman: (tenants: Awaited<ReturnType<typeof listTenants>>) =>
        formatTable(
          ['SLUG', 'NAME', 'ISSUER', 'ID'],
          tenants.map((tenant) => [tenant.slug, tenant.name, tenant.issuer, tenant.id]),
          'No tenants yet. Create one with: backchannel tenant create --slug <slug> --name <name>',
        ),
    },
  },
  client: {
    create: {
      summary: 'Register a CIBA client in a tenant. Prints its client_secret once.',
      options: {
        tenant: TENANT_OPTION,
        ...CLIENT_SETTING_OPTIONS,
        ...SIGNED_REQUEST_OPTIONS,
        name: { ...CLIENT_SETTING_OPTIONS.name, required: true },
      },
      examples: [
        'backchannel client create --tenant acme --name "Support desk"',
        'backchannel client create --tenant acme --name "Kiosk" --auth-method client_secret_post --binding-message required',
      ],
      run: (db, values) =>
        createClient(db, CLI_PRINCIPAL, { tenantSlug: required(values, 'tenant'), metadata: clientMetadataFrom(values) }),
      formatHuman: (client: Awaited<ReturnType<typeof createClient>>) =>
        `Created client "${client.client_name}".\n${formatClient(client)}\n\n${SECRET_SHOWN_ONCE}`,
    },
    update: {
      summary: "Change a client's settings; every server applies them at its next request.",
      options: { tenant: TENANT_OPTION, 'client-id': CLIENT_ID_OPTION, ...CLIENT_SETTING_OPTIONS, ...SIGNED_REQUEST_OPTIONS },
      examples: [
        'backchannel client update --tenant acme --client-id <client_id> --binding-message required',
        'backchannel client update --tenant acme --client-id <client_id> --poll-interval 10 --id-token-alg ES256',
        'backchannel client update --tenant acme --client-id <client_id> --long-poll 25',
      ],
      run: (db, values) =>
        updateClient(db, CLI_PRINCIPAL, {
          tenantSlug: required(values, 'tenant'),
          clientId: required(values, 'client-id'),
          metadata: clientMetadataFrom(values),
        }),
      formatHuman: (client: Awaited<ReturnType<typeof updateClient>>) =>
        `Updated client "${client.client_name}".\n${formatClient(client)}`,
    },
    'rotate-secret': {
      summary: "Replace a client's secret; the old one stops working at once. Prints the new one once.",
      options: { tenant: TENANT_OPTION, 'client-id': CLIENT_ID_OPTION },
      examples: ['backchannel client rotate-secret --tenant acme --client-id <client_id>'],
      run: (db, values) =>
        rotateClientSecret(db, CLI_PRINCIPAL, {
          tenantSlug: required(values, 'tenant'),
          clientId: required(values, 'client-id'),
        }),
      formatHuman: (rotated: Awaited<ReturnType<typeof rotateClientSecret>>) =>
        `Rotated the secret; the old one no longer works.\n${formatClient(rotated)}\n\n${SECRET_SHOWN_ONCE}`,
    },
    list: {
      summary: "List a tenant's clients (secrets are never shown).",
      options: { tenant: TENANT_OPTION },
      examples: ['backchannel client list --tenant acme'],
      run: (db, values) => listClients(db, CLI_PRINCIPAL, { tenantSlug: required(values, 'tenant') }),
      formatHuman: (clients: Awaited<ReturnType<typeof listClients>>) =>
        formatTable(
          ['CLIENT_ID', 'NAME', 'AUTH METHOD', 'GRANT TYPES', 'MODE', 'BINDING MESSAGE', 'ID TOKEN ALG', 'POLL', 'LONG POLL'],
          clients.map((client) => [
            client.client_id,
            client.client_name,
            client.token_endpoint_auth_method,
            client.grant_types,
            client.backchannel_token_delivery_mode,
            client.binding_message_policy,
            client.id_token_signed_response_alg,
            client.backchannel_poll_interval,
            client.backchannel_long_poll_timeout,
          ]),
          'No clients in this tenant yet.',
        ),
    },
  },
  user: {
    create: {
      summary: 'Create an end-user in a tenant.',
      options: {
        tenant: TENANT_OPTION,
        email: { value: '<email>', description: 'Stored trimmed and lower-cased; unique in the tenant.', required: true },
        name: { value: '<name>', description: 'Display name (optional), 1–100 characters.' },
      },
      examples: ['backchannel user create --tenant acme --email alice@example.com --name "Alice Doe"'],
      run: (db, values) =>
        createUser(db, CLI_PRINCIPAL, {
          tenantSlug: required(values, 'tenant'),
          email: required(values, 'email'),
          name: values.name,
        }),
      formatHuman: (user: Awaited<ReturnType<typeof createUser>>) =>
        `Created user ${user.email} in tenant "${user.tenant}".\n` +
        formatFields([
          ['id', user.id],
          ['sub', user.sub],
          ['email', user.email],
          ['name', user.name],
        ]),
    },
    list: {
      summary: "List a tenant's users.",
      options: { tenant: TENANT_OPTION },
      examples: ['backchannel user list --tenant acme'],
      run: (db, values) => listAllUsers(db, required(values, 'tenant')),
      formatHuman: (users: UserView[]) =>
        formatTable(
          ['EMAIL', 'NAME', 'SUB'],
          users.map((user) => [user.email, user.name, user.sub]),
          'No users in this tenant yet.',
        ),
    },
    'set-code': {
      summary: "Set a user's user code (CIBA user_code), which clients that require one must send; only its hash is stored.",
      options: {
        tenant: TENANT_OPTION,
        email: { value: '<email>', description: 'The user (by email).', required: true },
        code: { value: '<code>', description: '4–64 printable characters, no leading or trailing space.', required: true },
      },
      examples: ['backchannel user set-code --tenant acme --email alice@example.com --code 7391-kite'],
      run: (db, values) =>
        setUserCode(db, CLI_PRINCIPAL, {
          tenantSlug: required(values, 'tenant'),
          email: required(values, 'email'),
          code: required(values, 'code'),
        }),
      formatHuman: (result: Awaited<ReturnType<typeof setUserCode>>) =>
        `Set the user code of user ${result.id}; only its hash is stored.`,
    },
    block: {
      summary:
        'Block a user: it can no longer be named by a hint (unknown_user_id), its unfinished requests are cancelled, and no tokens are issued for it.',
      options: { tenant: TENANT_OPTION, email: { value: '<email>', description: 'The user (by email).', required: true } },
      examples: ['backchannel user block --tenant acme --email alice@example.com'],
      run: (db, values) =>
        setUserBlocked(db, CLI_PRINCIPAL, {
          tenantSlug: required(values, 'tenant'),
          email: required(values, 'email'),
          blocked: true,
        }),
      formatHuman: (result: Awaited<ReturnType<typeof setUserBlocked>>) =>
        `Blocked user ${result.id}; ${result.cancelled_requests} unfinished ${result.cancelled_requests === 1 ? 'request' : 'requests'} cancelled.`,
    },
    unblock: {
      summary: 'Unblock a user: it may be named by a hint again.',
      options: { tenant: TENANT_OPTION, email: { value: '<email>', description: 'The user (by email).', required: true } },
      examples: ['backchannel user unblock --tenant acme --email alice@example.com'],
      run: (db, values) =>
        setUserBlocked(db, CLI_PRINCIPAL, {
          tenantSlug: required(values, 'tenant'),
          email: required(values, 'email'),
          blocked: false,
        }),
      formatHuman: (result: Awaited<ReturnType<typeof setUserBlocked>>) => `Unblocked user ${result.id}.`,
    },
    'enrol-authenticator': {
      summary:
        'Email the user a single-use link (24 hours) that enrols the authenticator app on the device it is opened on (passkey + Web Push). Sent through the outbox by the running server.',
      options: { tenant: TENANT_OPTION, email: { value: '<email>', description: 'The user (by email).', required: true } },
      examples: ['backchannel user enrol-authenticator --tenant acme --email alice@example.com'],
      run: (db, values) =>
        sendAuthenticatorEnrollment(db, CLI_PRINCIPAL, {
          tenantSlug: required(values, 'tenant'),
          email: required(values, 'email'),
        }),
      formatHuman: (result: Awaited<ReturnType<typeof sendAuthenticatorEnrollment>>) =>
        `Queued an authenticator enrolment link for ${result.email} (expires ${result.expires_at}).`,
    },
    authenticators: {
      summary: "List a user's enrolled authenticators.",
      options: { tenant: TENANT_OPTION, email: { value: '<email>', description: 'The user (by email).', required: true } },
      examples: ['backchannel user authenticators --tenant acme --email alice@example.com'],
      run: (db, values) =>
        listAuthenticatorDevices(db, CLI_PRINCIPAL, { tenantSlug: required(values, 'tenant'), email: required(values, 'email') }),
      formatHuman: (devices: Awaited<ReturnType<typeof listAuthenticatorDevices>>) =>
        formatTable(
          ['ID', 'NAME', 'ENROLLED', 'LAST USED', 'PUSH'],
          devices.map((device) => [device.id, device.name, device.created_at, device.last_used_at, device.push ? 'on' : 'off']),
          'No authenticators enrolled.',
        ),
    },
    'revoke-authenticator': {
      summary: "Revoke one of a user's authenticators: its passkey can no longer sign in or approve, its sessions end.",
      options: {
        tenant: TENANT_OPTION,
        email: { value: '<email>', description: 'The user (by email).', required: true },
        device: { value: '<id>', description: 'The device id (see `user authenticators`).', required: true },
      },
      examples: ['backchannel user revoke-authenticator --tenant acme --email alice@example.com --device <id>'],
      run: async (db, values) => {
        const deviceId = required(values, 'device');
        await revokeAuthenticatorDevice(db, CLI_PRINCIPAL, {
          tenantSlug: required(values, 'tenant'),
          email: required(values, 'email'),
          deviceId,
        });

        return { id: deviceId, revoked: true };
      },
      formatHuman: (result: { id: string }) => `Revoked authenticator ${result.id}.`,
    },
  },
  'login-hint-issuer': {
    add: {
      summary:
        "Trust an issuer of JWTs for this tenant (an agent's actor_token at bc-authorize), with its public keys inline or at a jwks_uri.",
      options: {
        tenant: TENANT_OPTION,
        issuer: { value: '<iss>', description: 'The iss its tokens carry; unique in the tenant.', required: true },
        jwks: { value: '<json>', description: 'Its public keys: a JWKS document {"keys":[…]} (no private key members).' },
        'jwks-uri': {
          value: '<url>',
          description: 'Where it publishes its keys (https; fetched and cached). Give --jwks or --jwks-uri.',
          field: 'jwks_uri',
        },
      },
      examples: [
        'backchannel login-hint-issuer add --tenant acme --issuer https://agents.example --jwks-uri https://agents.example/jwks.json',
        `backchannel login-hint-issuer add --tenant acme --issuer https://agents.example --jwks '{"keys":[{"kty":"EC",…}]}'`,
      ],
      run: (db, values) => {
        let jwks: unknown;
        if (values.jwks !== undefined) {
          try {
            jwks = JSON.parse(values.jwks);
          } catch {
            throw new UsageError('--jwks must be a JSON JWKS document: {"keys":[…]}.');
          }
        }

        return addTrustedIssuer(db, CLI_PRINCIPAL, {
          tenantSlug: required(values, 'tenant'),
          input: {
            issuer: required(values, 'issuer'),
            ...(jwks === undefined ? {} : { jwks }),
            ...(values['jwks-uri'] === undefined ? {} : { jwks_uri: values['jwks-uri'] }),
          },
        });
      },
      formatHuman: (issuer: TrustedIssuerView) =>
        `Trusted issuer ${issuer.issuer}.
` +
        formatFields([
          ['id', issuer.id],
          ['issuer', issuer.issuer],
          ['keys', issuer.jwks_uri ?? `${issuer.jwks?.keys.length ?? 0} inline`],
        ]),
    },
    list: {
      summary: 'List the issuers a tenant trusts.',
      options: { tenant: TENANT_OPTION },
      examples: ['backchannel login-hint-issuer list --tenant acme'],
      run: (db, values) => listTrustedIssuers(db, CLI_PRINCIPAL, { tenantSlug: required(values, 'tenant') }),
      formatHuman: (issuers: TrustedIssuerView[]) =>
        formatTable(
          ['ISSUER', 'KEYS', 'ID'],
          issuers.map((issuer) => [issuer.issuer, issuer.jwks_uri ?? `${issuer.jwks?.keys.length ?? 0} inline`, issuer.id]),
          'This tenant trusts no issuer yet.',
        ),
    },
    remove: {
      summary: 'Stop trusting an issuer: its tokens are refused from the next request on.',
      options: { tenant: TENANT_OPTION, issuer: { value: '<iss>', description: 'The issuer to remove.', required: true } },
      examples: ['backchannel login-hint-issuer remove --tenant acme --issuer https://agents.example'],
      run: async (db, values) => {
        const tenantSlug = required(values, 'tenant');
        const issuer = required(values, 'issuer');
        const removed = await removeTrustedIssuer(db, CLI_PRINCIPAL, { tenantSlug, issuer });
        if (!removed) throw new AdminError('not_found', `Tenant "${tenantSlug}" does not trust issuer ${issuer}.`);

        return removed;
      },
      formatHuman: (removed: { id: string; issuer: string }) => `No longer trusting ${removed.issuer}.`,
    },
  },
  'api-key': {
    create: {
      summary: 'Create a Management API key (/api/v1) for every tenant, or for one. Prints the key once.',
      options: {
        name: { value: '<name>', description: 'Display name, 1–100 characters.', required: true },
        tenant: { value: '<slug>', description: 'The only tenant the key reaches (default: every tenant).' },
      },
      examples: ['backchannel api-key create --name "Deploy bot"', 'backchannel api-key create --name "Acme CI" --tenant acme'],
      run: (db, values) => createApiKey(db, CLI_PRINCIPAL, { name: required(values, 'name'), tenantSlug: values.tenant }),
      formatHuman: (created: Awaited<ReturnType<typeof createApiKey>>) =>
        `Created API key "${created.name}" for ${created.tenant === null ? 'every tenant' : `tenant "${created.tenant}"`}.\n` +
        `${formatFields(Object.entries(created))}\n\n` +
        'The key is shown only this once: it is stored hashed and cannot be recovered. Save it now.',
    },
  },
  'initial-access-token': {
    create: {
      summary: 'Create an initial access token for dynamic client registration (RFC 7591) in a tenant. Prints the token once.',
      options: {
        tenant: TENANT_OPTION,
        name: { value: '<name>', description: 'What it is for, 1–100 characters.', required: true },
        'expires-in': {
          value: '<seconds>',
          description: 'Lifetime, 60 to 31536000 seconds (default: no expiry).',
          field: 'expires_in',
        },
        uses: { value: '<n>', description: 'Registrations it may make, 1 to 1000000 (default: no limit).' },
      },
      examples: ['backchannel initial-access-token create --tenant acme --name "Bank partners" --expires-in 86400 --uses 1'],
      run: (db, values) =>
        createInitialAccessToken(db, CLI_PRINCIPAL, {
          tenantSlug: required(values, 'tenant'),
          input: {
            name: required(values, 'name'),
            ...(values['expires-in'] === undefined ? {} : { expires_in: wholeNumberOption('expires-in')(values['expires-in']) }),
            ...(values.uses === undefined ? {} : { uses: wholeNumberOption('uses')(values.uses) }),
          },
        }),
      formatHuman: (created: Awaited<ReturnType<typeof createInitialAccessToken>>) =>
        `Created initial access token "${created.name}" for tenant "${created.tenant}".\n` +
        `${formatFields(Object.entries(created))}\n\n` +
        'The token is shown only this once: it is stored hashed and cannot be recovered. Save it now.\n' +
        'Registration is open only while the tenant has --dynamic-registration on.',
    },
    list: {
      summary: "List a tenant's initial access tokens (never the tokens themselves).",
      options: { tenant: TENANT_OPTION },
      examples: ['backchannel initial-access-token list --tenant acme'],
      run: (db, values) => listInitialAccessTokens(db, CLI_PRINCIPAL, { tenantSlug: required(values, 'tenant') }),
      formatHuman: (tokens: InitialAccessTokenView[]) =>
        formatTable(
          ['NAME', 'STATUS', 'USES LEFT', 'EXPIRES', 'ID'],
          tokens.map((token) => [
            token.name,
            token.status,
            token.uses_left === null ? 'unlimited' : String(token.uses_left),
            token.expires_at ?? 'never',
            token.id,
          ]),
          'This tenant has no initial access token yet.',
        ),
    },
    revoke: {
      summary: 'Revoke an initial access token: it registers nothing from the next request on (its clients stay).',
      options: { tenant: TENANT_OPTION, id: { value: '<id>', description: 'The token’s id (as listed).', required: true } },
      examples: ['backchannel initial-access-token revoke --tenant acme --id 6f1c…'],
      run: async (db, values) => {
        const id = required(values, 'id');
        const result = await revokeInitialAccessToken(db, CLI_PRINCIPAL, { tenantSlug: required(values, 'tenant'), id });

        return { id, ...result };
      },
      formatHuman: (result: { id: string; revoked: boolean }) =>
        result.revoked ? `Revoked initial access token ${result.id}.` : `Initial access token ${result.id} was already revoked.`,
    },
  },
  admin: {
    create: {
      summary: 'Invite a console administrator: they sign in at /admin with a magic link sent to this address.',
      options: {
        email: { value: '<email>', description: 'Their email address (stored lower-cased).', required: true },
        role: { value: 'owner|tenant-admin', description: 'owner: everything; tenant-admin (default): only --tenant.' },
        tenant: { value: '<slug>', description: 'The tenant a tenant admin manages.', field: 'tenantSlugs' },
      },
      examples: [
        'backchannel admin create --email ops@example.com --tenant acme',
        'backchannel admin create --email cto@example.com --role owner',
      ],
      run: (db, values) =>
        createAdmin(db, CLI_PRINCIPAL, {
          email: required(values, 'email'),
          role: values.role as TCreateAdmin['role'],
          tenantSlugs: values.tenant === undefined ? [] : [values.tenant],
        }),
      formatHuman: (admin: Awaited<ReturnType<typeof createAdmin>>) =>
        `Invited ${admin.email} (${admin.role}${admin.tenants.length > 0 ? ` of ${admin.tenants.join(', ')}` : ''}).\n` +
        formatFields([
          ['id', admin.id],
          ['email', admin.email],
          ['role', admin.role],
          ['tenants', admin.tenants.join(', ')],
        ]),
    },
  },
  outbox: {
    list: {
      summary:
        "List a tenant's approval emails that went to the development outbox (no RESEND_API_KEY), newest first, with each link while its request is pending.",
      options: {
        tenant: TENANT_OPTION,
        limit: {
          value: '<n>',
          description: `How many, 1–${DEVELOPMENT_EMAILS_LIMIT.max} (default ${DEVELOPMENT_EMAILS_LIMIT.default}).`,
        },
      },
      examples: ['backchannel outbox list --tenant acme', 'backchannel outbox list --tenant acme --limit 1 --json'],
      run: (db, values) =>
        listDevelopmentEmails(db, CLI_PRINCIPAL, {
          tenantSlug: required(values, 'tenant'),
          ...(values.limit === undefined ? {} : { limit: values.limit }),
        }),
      formatHuman: (emails: DevelopmentEmailView[]) =>
        formatTable(
          ['SENT', 'TO', 'REQUEST', 'LINK'],
          emails.map((email) => [email.sent_at, email.to, email.request.status, email.approval_url ?? '—']),
          getEnv().resendApiKey
            ? 'Nothing here: RESEND_API_KEY is set, so emails go to Resend.'
            : 'No approval emails in the development outbox of this tenant yet.',
        ),
    },
  },
};

/**
 * Commands that are one word, `backchannel <command> [options]` (no resource
 * and action): operations on the installation rather than on a resource.
 */
export const TOP_LEVEL_COMMANDS: Record<string, CommandSpec> = {
  backup: {
    summary:
      'Copy the SQLite database to a file, online and consistent (SQLite’s backup API) while the server runs; PostgreSQL: use pg_dump.',
    options: {
      to: {
        value: '<file>',
        description: 'The backup file to write (mode 0600). Refused if it exists, unless --force.',
        required: true,
      },
      force: { value: '', flag: true, description: 'Overwrite the file if it exists.' },
    },
    examples: [
      'backchannel backup --to /var/backups/backchannel-$(date +%F).db',
      'backchannel backup --to nightly.db --force --json',
    ],
    opensDatabase: false,
    run: async (_db, values) => {
      const { databaseKind, databaseUrl } = getBaseEnv();
      if (databaseKind === 'postgres') throw new Error(POSTGRES_BACKUP_REFUSAL);

      return backupSqliteDatabase({
        databasePath: sqliteFilePath(databaseUrl),
        to: required(values, 'to'),
        force: values.force === 'true',
      });
    },
    formatHuman: (result: SqliteBackupResult) =>
      `Backed up ${result.source} to ${result.path} (${result.bytes} bytes, ${result.pages} pages).\n` +
      'Keep the key-encryption key (BACKCHANNEL_KEY_ENCRYPTION_KEY or the data directory’s key-encryption-key file) with it: a restore needs the same one.',
  },
};

/** The option of `spec` that sets input field `path` (its first segment), as `--name`; else the path itself. */
export const optionForField = (spec: CommandSpec, path: string): string => {
  const field = path.split('.')[0];
  const option = Object.entries(spec.options).find(([name, candidate]) => (candidate.field ?? name) === field);

  return option ? `--${option[0]}` : path;
};
