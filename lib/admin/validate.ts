import { AdminError } from '@/lib/admin/errors';
import { TENANT_SLUG_PATTERN } from '@/lib/tenants/issuer';

/** Display names (tenant, client, user): trimmed, 1–100 characters. */
export const NAME_MAX_LENGTH = 100;

/** RFC 5321 limits: 254 characters in all, 64 in the local part. */
const EMAIL_MAX_LENGTH = 254;
const EMAIL_LOCAL_MAX_LENGTH = 64;
/** Dot-atom local part (RFC 5322 atext, no quoted strings). */
const EMAIL_LOCAL_PATTERN = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
/** Two or more DNS labels; the last one alphabetic (or an IDN xn-- label). */
const EMAIL_DOMAIN_PATTERN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

const invalid = (message: string): AdminError => new AdminError('invalid_input', message);

/** A tenant slug, exactly as given (slugs are never normalised, so the issuer is what the operator typed). */
export const parseTenantSlug = (value: unknown): string => {
  if (typeof value !== 'string' || !TENANT_SLUG_PATTERN.test(value)) {
    throw invalid(
      `Tenant slug ${JSON.stringify(value)} is invalid: use 1–63 lower-case letters, digits and inner hyphens (e.g. "acme").`,
    );
  }

  return value;
};

/** A required display name: trimmed, 1–100 characters, no control characters. */
export const parseName = (value: unknown, field: string): string => {
  if (typeof value !== 'string') throw invalid(`${field} is required.`);
  const name = value.trim();
  const length = [...name].length;
  if (length === 0 || length > NAME_MAX_LENGTH) {
    throw invalid(`${field} must be 1–${NAME_MAX_LENGTH} characters after trimming (got ${length}).`);
  }
  if (CONTROL_CHARACTERS.test(name)) throw invalid(`${field} must not contain control characters.`);

  return name;
};

/** An optional display name: absent or blank means none (null); otherwise as `parseName`. */
export const parseOptionalName = (value: unknown, field: string): string | null => {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' && value.trim() === '') return null;

  return parseName(value, field);
};

/**
 * An email address, trimmed and lower-cased (how it is stored and compared).
 * Deliberately stricter than RFC 5322: dot-atom local part, a DNS domain with
 * at least two labels, no quoted strings, comments or IP literals.
 */
export const parseEmail = (value: unknown): string => {
  if (typeof value !== 'string') throw invalid('Email is required.');
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
  if (!isValid) throw invalid(`Email ${JSON.stringify(value)} is not a valid address (expected e.g. alice@example.com).`);

  return email;
};

/** One value of a closed set, with a message that lists the allowed values. */
export const parseOneOf = <T extends string>(value: unknown, allowed: readonly T[], field: string): T => {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalid(`${field} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)}).`);
  }

  return value as T;
};
