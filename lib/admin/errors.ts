/**
 * Errors of the admin domain (provisioning tenants, clients and users), for
 * the CLI, the console and the Management API. Deliberately separate from
 * the OAuth errors in lib/oauth/errors.ts: these messages are written for an
 * operator and may name the offending value.
 */
export type AdminErrorCode =
  /** A referenced tenant or client does not exist (or belongs to another tenant). Retrying will not help. */
  | 'not_found'
  /** A unique value (tenant slug, user email in a tenant) is already taken, or the resource's state forbids the change. */
  | 'conflict'
  /** The principal may not do this (another tenant's resource, an owner-only operation). */
  | 'forbidden'
  /** Input failed validation: `fields` says which fields and why (the API's `validation_failed`). */
  | 'invalid_input';

/**
 * Why one input field was refused. `path` is the field's name in the
 * operation's input (dotted for nested values, e.g. `grant_types.1`; empty for
 * the input as a whole); `message` is a fragment without a subject ("must be
 * …"), so each door can prefix its own name for the field.
 */
export type AdminFieldError = { path: string; message: string };

export class AdminError extends Error {
  override readonly name = 'AdminError';
  readonly code: AdminErrorCode;
  /** Per-field reasons; at least one for `invalid_input`, none otherwise. */
  readonly fields: readonly AdminFieldError[];

  constructor(code: AdminErrorCode, message: string, fields: readonly AdminFieldError[] = []) {
    super(message);
    this.code = code;
    this.fields = fields;
  }
}

/** `invalid_input` for these fields; the message lists each as `path: message`. */
export const invalidInput = (fields: readonly AdminFieldError[]): AdminError =>
  new AdminError('invalid_input', fields.map(({ path, message }) => (path ? `${path}: ${message}` : message)).join('; '), fields);

export const isAdminError = (error: unknown): error is AdminError => error instanceof AdminError;

/**
 * True for Prisma's unique-constraint violation (P2002). Checked by code, not
 * by class, so it holds for both generated clients (SQLite and PostgreSQL).
 */
export const isUniqueViolation = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
