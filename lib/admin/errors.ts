/**
 * Errors of the admin domain (provisioning tenants, clients and users), for
 * the CLI and the console. Deliberately separate from the OAuth errors in
 * lib/oauth/errors.ts: these messages are written for an operator and may
 * name the offending value.
 */
export type AdminErrorCode =
  /** A referenced tenant (or other record) does not exist. Callers show the message; retrying will not help. */
  | 'not_found'
  /** A unique value (tenant slug, user email in a tenant) is already taken. */
  | 'conflict'
  /** An input failed validation; the message says which field and why. */
  | 'invalid_input';

export const ADMIN_ERROR_CODES: readonly AdminErrorCode[] = ['not_found', 'conflict', 'invalid_input'];

export class AdminError extends Error {
  override readonly name = 'AdminError';
  readonly code: AdminErrorCode;

  constructor(code: AdminErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export const isAdminError = (error: unknown): error is AdminError => error instanceof AdminError;

/**
 * True for Prisma's unique-constraint violation (P2002). Checked by code, not
 * by class, so it holds for both generated clients (SQLite and PostgreSQL).
 */
export const isUniqueViolation = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
