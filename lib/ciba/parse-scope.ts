import { SUPPORTED_SCOPES } from '@/lib/ciba/constants';
import { invalidRequest, invalidScope, truncate } from '@/lib/oauth/errors';

/** RFC 6749 §3.3 scope-token: 1*( %x21 / %x23-5B / %x5D-7E ). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * Validates the `scope` of a CIBA request (CIBA §7.1): required, must contain
 * `openid`, every value known. Order and repeats do not matter; the result is
 * the distinct values in canonical order.
 *
 * @throws invalid_request when absent; invalid_scope when malformed, unknown or without openid.
 */
export const parseRequestedScope = (scope: string | undefined): string[] => {
  if (scope === undefined) throw invalidRequest('The scope parameter is required.');
  const values = scope.split(' ').filter(Boolean);
  if (values.length === 0) throw invalidRequest('The scope parameter is required.');
  const malformed = values.find((value) => !SCOPE_TOKEN.test(value));
  if (malformed !== undefined) throw invalidScope('The scope parameter is malformed.');
  const unknown = values.find((value) => !(SUPPORTED_SCOPES as readonly string[]).includes(value));
  if (unknown !== undefined) throw invalidScope(`The scope "${truncate(unknown)}" is not supported.`);
  if (!values.includes('openid')) throw invalidScope('The scope must include openid.');

  return SUPPORTED_SCOPES.filter((supported) => values.includes(supported));
};
