import { invalidInput } from '@/lib/admin/errors';
import { ApiHttpError } from '@/lib/api/api-errors';
import { MAX_API_BODY_BYTES, type ApiRequest } from '@/lib/api/api-http';

/** `application/json` or any `application/*+json`, whatever its parameters. */
const isJsonContentType = (contentType: string | undefined): boolean => {
  const mediaType = contentType?.split(';')[0].trim().toLowerCase() ?? '';

  return mediaType === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(mediaType);
};

/** NUL is never meaningful in a setting, and PostgreSQL text cannot hold it: refused wherever it appears. */
const refuseNul = (key: string, value: unknown): unknown => {
  if (key.includes('\u0000') || (typeof value === 'string' && value.includes('\u0000'))) {
    throw invalidInput([{ path: '', message: 'must not contain NUL characters' }]);
  }

  return value;
};

/**
 * The JSON body of a Management API request; undefined when there is none.
 *
 * @throws ApiHttpError 413 `payload_too_large` over MAX_API_BODY_BYTES; 415 `unsupported_media_type` unless the Content-Type is JSON.
 * @throws AdminError `invalid_input` (400 validation_failed, on the path "") for a body that is not UTF-8 JSON or holds a NUL character.
 */
export const readJsonBody = (request: ApiRequest): unknown => {
  if (request.body.length === 0) return undefined;
  if (request.body.length > MAX_API_BODY_BYTES) throw new ApiHttpError(413, { error: 'payload_too_large' });
  if (!isJsonContentType(request.headers['content-type'])) {
    throw new ApiHttpError(415, { error: 'unsupported_media_type', message: 'The request body must be application/json.' });
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(request.body);
  } catch {
    throw invalidInput([{ path: '', message: 'must be UTF-8 encoded JSON' }]);
  }
  try {
    return JSON.parse(text, refuseNul) as unknown;
  } catch (error) {
    if (error instanceof SyntaxError) throw invalidInput([{ path: '', message: `must be valid JSON (${error.message})` }]);
    throw error;
  }
};
