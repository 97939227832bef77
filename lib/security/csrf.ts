import { createHmac } from 'node:crypto';
import { getEnv } from '@/lib/env';
import { constantEquals } from '@/lib/oauth/crypto';

/**
 * Stateless CSRF tokens: HMAC-SHA256(AUTH_SECRET, `<purpose>:<binding>`),
 * base64url. `binding` ties the token to one resource (for the approval
 * form: the approval link's tokenHash), `purpose` to one form, so a token
 * minted for one cannot be replayed against another.
 */
export const csrfTokenFor = (purpose: string, binding: string): string =>
  createHmac('sha256', getEnv().authSecret).update(`${purpose}:${binding}`, 'utf8').digest('base64url');

/** Constant-time check of a presented CSRF token; any non-string or empty value fails. */
export const verifyCsrfToken = (purpose: string, binding: string, token: unknown): boolean => {
  if (typeof token !== 'string' || token.length === 0 || token.length > 128) return false;

  return constantEquals(csrfTokenFor(purpose, binding), token);
};

type HeaderSource = Pick<Headers, 'get'>;

const originOf = (value: string): string | null => {
  try {
    return new URL(value).origin;
  } catch {
    return null;
  }
};

/**
 * Defence in depth next to the CSRF token: a state-changing POST must come
 * from our own origin. Accepted when
 * - `Origin` is present and equals APP_URL's origin, or
 * - `Origin` is absent and `Referer` is present with APP_URL's origin, or
 * - `Sec-Fetch-Site: same-origin` (set by the browser, not forgeable by a
 *   page). This also covers pages with `referrer: no-referrer`, for which
 *   browsers send `Origin: null` on POST (Fetch §3.1 "append a request
 *   Origin header"), like our approval page.
 * Anything else (no headers at all, another origin, `Origin: null` alone) is rejected.
 */
export const isSameOriginPost = (headers: HeaderSource, appUrl: string): boolean => {
  const expected = originOf(appUrl);
  if (expected === null) return false;
  if (headers.get('sec-fetch-site')?.trim().toLowerCase() === 'same-origin') return true;
  const origin = headers.get('origin');
  if (origin !== null) return origin.trim() === expected;
  const referer = headers.get('referer');
  if (referer !== null) return originOf(referer.trim()) === expected;

  return false;
};
