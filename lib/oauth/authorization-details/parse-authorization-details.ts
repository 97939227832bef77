import type { AuthorizationTypeSet } from '@/lib/oauth/authorization-details/authorization-type-record';
import { describeSchemaError } from '@/lib/oauth/authorization-details/compile-type-schema';
import { invalidAuthorizationDetails } from '@/lib/oauth/errors';

/** The most bytes the `authorization_details` parameter may hold (UTF-8). */
export const AUTHORIZATION_DETAILS_MAX_BYTES = 16 * 1024;
/** The most items it may list. */
export const AUTHORIZATION_DETAILS_MAX_ITEMS = 50;

/** One item of authorization_details (RFC 9396 §2): an object with at least a `type`. */
export type AuthorizationDetail = { type: string } & Record<string, unknown>;

/** The form parameter's text, parsed: at most AUTHORIZATION_DETAILS_MAX_BYTES of JSON. */
const parseJsonText = (raw: string): unknown => {
  if (Buffer.byteLength(raw, 'utf8') > AUTHORIZATION_DETAILS_MAX_BYTES) {
    throw invalidAuthorizationDetails(`authorization_details is too large (at most ${AUTHORIZATION_DETAILS_MAX_BYTES} bytes).`);
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw invalidAuthorizationDetails('authorization_details is not valid JSON.');
  }
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `authorization_details` as the request carries it: the form parameter's
 * JSON text, or — in a signed request (CIBA §7.1.1) — the request object's
 * claim, already parsed JSON (an array, never a string holding one).
 */
export type AuthorizationDetailsInput = string | { claim: unknown };

/**
 * The `authorization_details` parameter of bc-authorize (RFC 9396 §2, §5;
 * CIBA §7.1 takes any authorization request parameter): a JSON array of 1 to
 * AUTHORIZATION_DETAILS_MAX_ITEMS objects, each with a `type` of the
 * client's tenant that the client is registered for (`allowedTypes`) and
 * valid against that type's JSON Schema. Absent: null.
 *
 * @throws invalid_authorization_details (400), its description naming the
 * failing item and field (`authorization_details[1].instructedAmount.amount:
 * must be string`), never a value.
 * @see https://www.rfc-editor.org/rfc/rfc9396#section-5
 */
export const parseAuthorizationDetails = (
  raw: AuthorizationDetailsInput | undefined,
  { allowedTypes, types }: { allowedTypes: readonly string[]; types: AuthorizationTypeSet },
): AuthorizationDetail[] | null => {
  if (raw === undefined) return null;
  const parsed = typeof raw === 'string' ? parseJsonText(raw) : raw.claim;
  if (typeof raw !== 'string' && Buffer.byteLength(JSON.stringify(parsed) ?? '', 'utf8') > AUTHORIZATION_DETAILS_MAX_BYTES) {
    throw invalidAuthorizationDetails(`authorization_details is too large (at most ${AUTHORIZATION_DETAILS_MAX_BYTES} bytes).`);
  }
  if (!Array.isArray(parsed)) throw invalidAuthorizationDetails('authorization_details must be a JSON array of objects.');
  if (parsed.length === 0) throw invalidAuthorizationDetails('authorization_details must list at least one item.');
  if (parsed.length > AUTHORIZATION_DETAILS_MAX_ITEMS) {
    throw invalidAuthorizationDetails(`authorization_details lists too many items (at most ${AUTHORIZATION_DETAILS_MAX_ITEMS}).`);
  }

  return parsed.map((item: unknown, index): AuthorizationDetail => {
    const at = `authorization_details[${index}]`;
    if (!isRecord(item)) throw invalidAuthorizationDetails(`${at}: must be an object.`);
    if (typeof item.type !== 'string' || item.type === '') throw invalidAuthorizationDetails(`${at}.type: is required.`);
    const type = types.get(item.type);
    if (!type) throw invalidAuthorizationDetails(`${at}.type: unknown authorization details type.`);
    if (!allowedTypes.includes(item.type)) {
      throw invalidAuthorizationDetails(`${at}.type: this client may not request this type.`);
    }
    if (!type.validate) throw invalidAuthorizationDetails(`${at}.type: this type cannot be used at the moment.`);
    if (!type.validate(item)) {
      const [error] = type.validate.errors ?? [];
      throw invalidAuthorizationDetails(error ? `${describeSchemaError(at, error)}.` : `${at}: is invalid.`);
    }

    return item as AuthorizationDetail;
  });
};
