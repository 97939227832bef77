import { MAX_REQUESTED_EXPIRY_DIGITS } from '@/lib/ciba/constants';
import { invalidRequest } from '@/lib/oauth/errors';

export type ExpiryPolicy = { minRequestedExpiry: number; maxRequestedExpiry: number; defaultRequestedExpiry: number };

/**
 * The request's lifetime in seconds (CIBA §7.1 requested_expiry, §7.3
 * expires_in): the client's `requested_expiry` — a positive integer, which in
 * a form is its decimal string — clamped to the client's bounds, or the
 * client's default when absent.
 *
 * @throws invalid_request for anything but a positive decimal integer.
 */
export const resolveExpiresIn = (requestedExpiry: string | undefined, policy: ExpiryPolicy): number => {
  const clamp = (seconds: number) => Math.min(Math.max(seconds, policy.minRequestedExpiry), policy.maxRequestedExpiry);
  if (requestedExpiry === undefined) return clamp(policy.defaultRequestedExpiry);
  const digits = requestedExpiry;
  if (!/^[0-9]+$/.test(digits)) {
    throw invalidRequest('requested_expiry must be a positive integer number of seconds.');
  }
  const significant = digits.replace(/^0+(?=\d)/, '');
  if (significant.length > MAX_REQUESTED_EXPIRY_DIGITS) return policy.maxRequestedExpiry;
  const seconds = Number(significant);
  if (seconds <= 0) throw invalidRequest('requested_expiry must be a positive integer number of seconds.');

  return clamp(seconds);
};
