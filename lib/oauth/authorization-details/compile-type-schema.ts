/**
 * The JSON Schema (draft 2020-12) of an authorization-details type (RFC 9396
 * §2: each type defines its own fields), compiled with Ajv once per schema
 * text and cached for the process: bc-authorize validates every item against
 * its type's compiled schema.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';

/** A schema's JSON text may be at most this long. */
export const TYPE_SCHEMA_MAX_BYTES = 64 * 1024;

/** Compiled schemas kept (by their JSON text); the cache is emptied when it grows past this. */
const CACHE_LIMIT = 500;

const compiled = new Map<string, ValidateFunction>();

/**
 * A fresh Ajv per schema: a schema's `$id` must not collide with another
 * tenant's. Strict mode refuses unknown keywords (a typo would otherwise
 * validate nothing); no remote `$ref` is ever fetched (no loadSchema).
 */
const newAjv = () =>
  new Ajv2020({ allErrors: false, strict: true, strictTypes: false, strictTuples: false, strictRequired: false, logger: false });

/**
 * Compiles a schema (already parsed JSON), or says why it cannot be: not an
 * object (or boolean), or not a valid draft 2020-12 schema.
 */
export const compileTypeSchema = (schema: unknown): { ok: true; validate: ValidateFunction } | { ok: false; message: string } => {
  if (typeof schema !== 'boolean' && (typeof schema !== 'object' || schema === null || Array.isArray(schema))) {
    return { ok: false, message: 'must be a JSON Schema (a JSON object)' };
  }
  const key = JSON.stringify(schema);
  if (Buffer.byteLength(key) > TYPE_SCHEMA_MAX_BYTES) {
    return { ok: false, message: `must be at most ${TYPE_SCHEMA_MAX_BYTES} bytes of JSON` };
  }
  const hit = compiled.get(key);
  if (hit) return { ok: true, validate: hit };
  try {
    const validate = newAjv().compile(schema as object);
    if (compiled.size >= CACHE_LIMIT) compiled.clear();
    compiled.set(key, validate);

    return { ok: true, validate };
  } catch (error) {
    return { ok: false, message: `is not a valid JSON Schema (draft 2020-12): ${(error as Error).message}` };
  }
};

/** Characters a path segment of an error may show (a property name the client chose, cut short). */
const showKey = (key: string): string => {
  // eslint-disable-next-line no-control-regex -- control characters never reach a description
  const clean = key.replace(/[\u0000-\u001f\u007f"\\]/g, '?');

  return clean.length > 40 ? `${clean.slice(0, 39)}…` : clean;
};

/** `/instructedAmount/amount` → `.instructedAmount.amount`; `/actions/0` → `.actions[0]`. */
const pointerToPath = (pointer: string): string =>
  pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((segment) => (/^\d+$/.test(segment) ? `[${segment}]` : `.${showKey(segment)}`))
    .join('');

/**
 * An Ajv error as `<prefix>.<field>: <message>`, naming the failing field
 * (for a missing or extra property, that property) and never the value:
 * Ajv's messages describe the rule, not the data (verbose is off).
 */
export const describeSchemaError = (prefix: string, error: ErrorObject): string => {
  const path = `${prefix}${pointerToPath(error.instancePath)}`;
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required' && typeof params.missingProperty === 'string') {
    return `${path}.${showKey(params.missingProperty)}: is required`;
  }
  if (error.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    return `${path}.${showKey(params.additionalProperty)}: is not allowed`;
  }
  if (error.keyword === 'unevaluatedProperties' && typeof params.unevaluatedProperty === 'string') {
    return `${path}.${showKey(params.unevaluatedProperty)}: is not allowed`;
  }

  return `${path}: ${error.message ?? 'is invalid'}`;
};
