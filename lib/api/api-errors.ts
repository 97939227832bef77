import { AdminError, type AdminErrorCode, type AdminFieldError } from '@/lib/admin/errors';
import { apiJsonResponse, type ApiResponse } from '@/lib/api/api-http';

/**
 * The Management API's error bodies (contract.md, Management API). Closed:
 * every failure is answered with one of these, and nothing else (no stack,
 * no internal detail) ever reaches the client.
 */
export type ApiErrorBody =
  | { error: 'unauthorized' }
  | { error: 'forbidden' }
  | { error: 'not_found' }
  | { error: 'validation_failed'; fields: AdminFieldError[] }
  | { error: 'conflict'; message: string }
  | { error: 'method_not_allowed' }
  | { error: 'payload_too_large' }
  | { error: 'unsupported_media_type'; message: string }
  | { error: 'server_error' };

/** A failure the HTTP layer itself decides (no key, wrong method, body it cannot read), with its status and headers. */
export class ApiHttpError extends Error {
  override readonly name = 'ApiHttpError';

  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.error);
  }
}

/** 401 for a missing, malformed, unknown or revoked key (RFC 6750 §3: with `WWW-Authenticate: Bearer`). */
export const unauthorized = (): ApiHttpError =>
  new ApiHttpError(401, { error: 'unauthorized' }, { 'WWW-Authenticate': 'Bearer' });

/** 404 for a path no route serves. */
export const routeNotFound = (): ApiHttpError => new ApiHttpError(404, { error: 'not_found' });

/** 405 with the methods the path does serve. */
export const methodNotAllowed = (allowed: readonly string[]): ApiHttpError =>
  new ApiHttpError(405, { error: 'method_not_allowed' }, { Allow: allowed.join(', ') });

const ADMIN_ERROR_ANSWERS: Record<AdminErrorCode, (error: AdminError) => [number, ApiErrorBody]> = {
  invalid_input: (error) => [400, { error: 'validation_failed', fields: [...error.fields] }],
  not_found: () => [404, { error: 'not_found' }],
  forbidden: () => [403, { error: 'forbidden' }],
  conflict: (error) => [409, { error: 'conflict', message: error.message }],
};

/** Whether an error is one the API answers as such (anything else is unexpected: a 500, logged with its stack). */
export const isExpectedApiError = (error: unknown): error is ApiHttpError | AdminError =>
  error instanceof ApiHttpError || error instanceof AdminError;

/**
 * The one place errors become Management API responses: ApiHttpError as it
 * says; AdminError by code (invalid_input → 400 validation_failed with its
 * fields, not_found → 404, forbidden → 403, conflict → 409 with its message);
 * anything else → 500 `server_error` with no detail. Logging is the caller's job.
 */
export const apiErrorResponse = (error: unknown): ApiResponse => {
  if (error instanceof ApiHttpError) return apiJsonResponse(error.status, error.body, error.headers);
  if (error instanceof AdminError) {
    const [status, body] = ADMIN_ERROR_ANSWERS[error.code](error);

    return apiJsonResponse(status, body);
  }

  return apiJsonResponse(500, { error: 'server_error' });
};
