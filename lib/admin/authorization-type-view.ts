/**
 * A tenant's authorization-details types (RFC 9396) as every admin door
 * (CLI, console, Management API) sees and writes them: the one input schema
 * and the one view.
 */
import { z } from 'zod';
import { AdminError } from '@/lib/admin/errors';
import { ZDisplayNameSchema } from '@/lib/clients/client-metadata';
import { compileTypeSchema } from '@/lib/oauth/authorization-details/compile-type-schema';
import { ZDisplayTemplateSchema, type DisplayTemplate } from '@/lib/oauth/authorization-details/display-template';
import { parseStoredTemplate } from '@/lib/oauth/authorization-details/authorization-type-record';
import { AUTHORIZATION_TYPE_NAME_HINT, AUTHORIZATION_TYPE_NAME_PATTERN } from '@/lib/oauth/authorization-details/type-name';

export const ZAuthorizationTypeNameSchema = z
  .string({ error: 'is required' })
  .regex(AUTHORIZATION_TYPE_NAME_PATTERN, { error: AUTHORIZATION_TYPE_NAME_HINT });

/** A JSON Schema (draft 2020-12) for the whole item, `type` included; compiled to be sure it is one. */
const ZTypeSchemaSchema = z
  .union([z.record(z.string(), z.unknown()), z.boolean()], { error: 'must be a JSON Schema (a JSON object)' })
  .check((context) => {
    const compiled = compileTypeSchema(context.value);
    if (!compiled.ok) context.issues.push({ code: 'custom', input: context.value, message: compiled.message });
  })
  .meta({ description: 'A JSON Schema (draft 2020-12) that each item of this type must satisfy, `type` included.' });

const FIELDS = {
  title: ZDisplayNameSchema.nullable().meta({
    description: 'What the user reads as the item’s heading (default: the type name).',
  }),
  schema: ZTypeSchemaSchema,
  template: ZDisplayTemplateSchema.nullable().meta({
    description:
      'How items are shown: `{ "summary"?, "fields": [{ "field", "label", "kind": "money|masked|date|list|text" }] }`; null: every field, generically.',
  }),
  partial_approval: z
    .boolean({ error: 'must be true or false' })
    .meta({ description: 'Whether the user may approve items of this type one by one (default true).' }),
};

export const ZAuthorizationTypeCreateSchema = z
  .strictObject({
    type: ZAuthorizationTypeNameSchema,
    title: FIELDS.title.optional(),
    schema: FIELDS.schema,
    template: FIELDS.template.optional(),
    partial_approval: FIELDS.partial_approval.optional(),
  })
  .meta({ title: 'AuthorizationTypeCreate' });
export type TAuthorizationTypeCreate = z.input<typeof ZAuthorizationTypeCreateSchema>;

export const ZAuthorizationTypeUpdateSchema = z
  .strictObject({
    title: FIELDS.title.optional(),
    schema: FIELDS.schema.optional(),
    template: FIELDS.template.optional(),
    partial_approval: FIELDS.partial_approval.optional(),
  })
  .meta({ title: 'AuthorizationTypeUpdate' });
export type TAuthorizationTypeUpdate = z.input<typeof ZAuthorizationTypeUpdateSchema>;

export type AuthorizationTypeView = {
  type: string;
  title: string | null;
  schema: unknown;
  template: DisplayTemplate | null;
  partial_approval: boolean;
  created_at: string;
  updated_at: string;
};

export const AUTHORIZATION_TYPE_VIEW_COLUMNS = {
  type: true,
  title: true,
  schema: true,
  template: true,
  partialApproval: true,
  createdAt: true,
  updatedAt: true,
} as const;

type ViewRow = {
  type: string;
  title: string | null;
  schema: string;
  template: string | null;
  partialApproval: boolean;
  createdAt: Date;
  updatedAt: Date;
};

export const toAuthorizationTypeView = (row: ViewRow): AuthorizationTypeView => ({
  type: row.type,
  title: row.title,
  schema: JSON.parse(row.schema) as unknown,
  template: parseStoredTemplate(row.template),
  partial_approval: row.partialApproval,
  created_at: row.createdAt.toISOString(),
  updated_at: row.updatedAt.toISOString(),
});

/** The settings an audit record shows (the schema and template in full: no secret in them). */
export const auditedAuthorizationType = (view: AuthorizationTypeView): Record<string, unknown> => {
  const { created_at: _created, updated_at: _updated, ...settings } = view;

  return settings;
};

/** `not_found` for a type the tenant does not have. */
export const authorizationTypeNotFound = (tenantSlug: string, type: string): AdminError =>
  new AdminError('not_found', `No authorization type ${JSON.stringify(type)} in tenant "${tenantSlug}".`);
