import type { ValidateFunction } from 'ajv/dist/2020';
import { compileTypeSchema } from '@/lib/oauth/authorization-details/compile-type-schema';
import {
  ZDisplayTemplateSchema,
  type DisplayTemplate,
  type TypeDisplay,
} from '@/lib/oauth/authorization-details/display-template';

/** An AuthorizationType row as stored (JSON columns as text). */
export type AuthorizationTypeRow = {
  type: string;
  title: string | null;
  schema: string;
  template: string | null;
  partialApproval: boolean;
};

/**
 * A tenant's authorization-details type as the protocol uses it: its schema
 * compiled (null if the stored schema no longer compiles: its items are then
 * refused), its template parsed (null: generic display).
 */
export type AuthorizationTypeRecord = TypeDisplay & {
  partialApproval: boolean;
  validate: ValidateFunction | null;
};

/** A tenant's types by name. */
export type AuthorizationTypeSet = ReadonlyMap<string, AuthorizationTypeRecord>;

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/** The template of a stored type, or null when it has none (or a stored one no longer parses). */
export const parseStoredTemplate = (text: string | null): DisplayTemplate | null => {
  if (text === null) return null;
  const parsed = ZDisplayTemplateSchema.safeParse(parseJson(text));

  return parsed.success ? parsed.data : null;
};

export const toAuthorizationTypeRecord = (row: AuthorizationTypeRow): AuthorizationTypeRecord => {
  const compiled = compileTypeSchema(parseJson(row.schema));

  return {
    type: row.type,
    title: row.title,
    template: parseStoredTemplate(row.template),
    partialApproval: row.partialApproval,
    validate: compiled.ok ? compiled.validate : null,
  };
};

export const toAuthorizationTypeSet = (rows: readonly AuthorizationTypeRow[]): AuthorizationTypeSet =>
  new Map(rows.map((row) => [row.type, toAuthorizationTypeRecord(row)]));
