import { createClient, SUPPORTED_GRANT_TYPES } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { listClients } from '@/lib/admin/list-clients';
import { listTenants } from '@/lib/admin/list-tenants';
import { listUsers } from '@/lib/admin/list-users';
import type { Db } from '@/lib/db/client';
import { formatFields, formatTable } from './format';
import { UsageError } from './usage-error';

type OptionSpec = {
  /** Placeholder shown in help, e.g. "<slug>". */
  value: string;
  description: string;
  required?: boolean;
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
  run: (db: Db, values: OptionValues) => Promise<unknown>;
  /** Human-readable rendering of `run`'s result (the default output). */
  formatHuman: (result: never) => string;
};

/** The value of a required option (the runner has already checked presence). */
const required = (values: OptionValues, name: string): string => values[name] as string;

const TENANT_OPTION: OptionSpec = { value: '<slug>', description: 'The tenant (its slug).', required: true };

/** `--grant-types a,b` → ['a', 'b']; `none` → [] (a client without any grant). */
export const parseGrantTypesOption = (raw: string | undefined): string[] | undefined => {
  if (raw === undefined) return undefined;
  if (raw.trim() === 'none') return [];
  const values = raw.split(',').map((value) => value.trim());
  if (values.some((value) => value === '')) {
    throw new UsageError('--grant-types needs a comma-separated list of grant types, or "none".', 'client create');
  }

  return values;
};

export const COMMANDS: Record<string, Record<string, CommandSpec>> = {
  tenant: {
    create: {
      summary: 'Create a tenant (an OpenID Provider at <APP_URL>/t/<slug>) and its signing keys.',
      options: {
        slug: { value: '<slug>', description: 'Lower-case letters, digits and inner hyphens, 1–63 characters.', required: true },
        name: { value: '<name>', description: 'Display name, 1–100 characters.', required: true },
      },
      examples: ['backchannel tenant create --slug acme --name "Acme Corp"'],
      run: (db, values) => createTenant(db, { slug: required(values, 'slug'), name: required(values, 'name') }),
      formatHuman: (tenant: Awaited<ReturnType<typeof createTenant>>) =>
        `Created tenant "${tenant.slug}" with RS256, ES256 and PS256 signing keys.\n` +
        formatFields([
          ['id', tenant.id],
          ['slug', tenant.slug],
          ['name', tenant.name],
          ['issuer', tenant.issuer],
        ]),
    },
    list: {
      summary: 'List every tenant.',
      options: {},
      examples: ['backchannel tenant list'],
      run: (db) => listTenants(db),
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
      summary: 'Register a poll-mode CIBA client in a tenant. Prints its client_secret once.',
      options: {
        tenant: TENANT_OPTION,
        name: { value: '<name>', description: 'Display name, 1–100 characters.', required: true },
        'auth-method': {
          value: '<method>',
          description: 'client_secret_basic (default) or client_secret_post.',
        },
        'binding-message': {
          value: '<policy>',
          description: 'required or optional (default): whether bc-authorize must carry a binding_message.',
        },
        'grant-types': {
          value: '<list>',
          description: `Comma-separated; supported: ${SUPPORTED_GRANT_TYPES.join(', ')} (the default). "none" for no grant.`,
        },
      },
      examples: [
        'backchannel client create --tenant acme --name "Support desk"',
        'backchannel client create --tenant acme --name "Kiosk" --auth-method client_secret_post --binding-message required',
      ],
      run: (db, values) =>
        createClient(db, {
          tenantSlug: required(values, 'tenant'),
          name: required(values, 'name'),
          authMethod: values['auth-method'],
          bindingMessage: values['binding-message'],
          grantTypes: parseGrantTypesOption(values['grant-types']),
        }),
      formatHuman: (client: Awaited<ReturnType<typeof createClient>>) =>
        `Created client "${client.name}" in tenant "${client.tenant}".\n` +
        formatFields([
          ['client_id', client.client_id],
          ['client_secret', client.client_secret],
          ['token_endpoint_auth_method', client.token_endpoint_auth_method],
          ['grant_types', client.grant_types],
          ['backchannel_token_delivery_mode', client.backchannel_token_delivery_mode],
          ['binding_message_policy', client.binding_message_policy],
        ]) +
        '\n\nThe client secret is shown only this once: it is stored hashed and cannot be recovered. Save it now.',
    },
    list: {
      summary: "List a tenant's clients (secrets are never shown).",
      options: { tenant: TENANT_OPTION },
      examples: ['backchannel client list --tenant acme'],
      run: (db, values) => listClients(db, { tenantSlug: required(values, 'tenant') }),
      formatHuman: (clients: Awaited<ReturnType<typeof listClients>>) =>
        formatTable(
          ['CLIENT_ID', 'NAME', 'AUTH METHOD', 'BINDING MESSAGE', 'GRANT TYPES'],
          clients.map((client) => [
            client.client_id,
            client.name,
            client.token_endpoint_auth_method,
            client.binding_message_policy,
            client.grant_types,
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
        createUser(db, { tenantSlug: required(values, 'tenant'), email: required(values, 'email'), name: values.name }),
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
      run: (db, values) => listUsers(db, { tenantSlug: required(values, 'tenant') }),
      formatHuman: (users: Awaited<ReturnType<typeof listUsers>>) =>
        formatTable(
          ['EMAIL', 'NAME', 'SUB'],
          users.map((user) => [user.email, user.name, user.sub]),
          'No users in this tenant yet.',
        ),
    },
  },
};
