import { invalidInput } from '@/lib/admin/errors';
import { ZDisplayNameSchema } from '@/lib/clients/client-metadata';
import { TENANT_SLUG_PATTERN } from '@/lib/tenants/issuer';

/** RFC 5321 limits: 254 characters in all, 64 in the local part. */
const EMAIL_MAX_LENGTH = 254;
const EMAIL_LOCAL_MAX_LENGTH = 64;
/** Dot-atom local part (RFC 5322 atext, no quoted strings). */
const EMAIL_LOCAL_PATTERN = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
/** Two or more DNS labels; the last one alphabetic (or an IDN xn-- label). */
const EMAIL_DOMAIN_PATTERN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/**
 * A tenant slug, exactly as given (slugs are never normalised, so the issuer is what the operator typed).
 *
 * @throws AdminError `invalid_input` on the field `path`.
 */
export const parseTenantSlug = (value: unknown, path = 'slug'): string => {
  if (typeof value !== 'string' || !TENANT_SLUG_PATTERN.test(value)) {
    throw invalidInput([
      {
        path,
        message: `must be 1–63 lower-case letters, digits and inner hyphens, e.g. "acme" (got ${JSON.stringify(value)})`,
      },
    ]);
  }

  return value;
};

/**
 * A required display name (ZDisplayNameSchema): trimmed, 1–100 characters, no control characters.
 *
 * @throws AdminError `invalid_input` on the field `path`.
 */
export const parseName = (value: unknown, path: string): string => {
  const result = ZDisplayNameSchema.safeParse(value);
  if (!result.success) throw invalidInput(result.error.issues.map((issue) => ({ path, message: issue.message })));

  return result.data;
};

/** An optional display name: absent or blank means none (null); otherwise as `parseName`. */
export const parseOptionalName = (value: unknown, path: string): string | null => {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' && value.trim() === '') return null;

  return parseName(value, path);
};

/**
 * An email address, trimmed and lower-cased (how it is stored and compared).
 * Deliberately stricter than RFC 5322: dot-atom local part, a DNS domain with
 * at least two labels, no quoted strings, comments or IP literals.
 *
 * @throws AdminError `invalid_input` on the field `email`.
 */
export const parseEmail = (value: unknown): string => {
  if (typeof value !== 'string') throw invalidInput([{ path: 'email', message: 'is required' }]);
  const email = value.trim().toLowerCase();
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const isValid =
    at > 0 &&
    email.length <= EMAIL_MAX_LENGTH &&
    local.length <= EMAIL_LOCAL_MAX_LENGTH &&
    EMAIL_LOCAL_PATTERN.test(local) &&
    EMAIL_DOMAIN_PATTERN.test(domain);
  if (!isValid) {
    throw invalidInput([
      { path: 'email', message: `${JSON.stringify(value)} is not a valid address (expected e.g. alice@example.com)` },
    ]);
  }

  return email;
};
