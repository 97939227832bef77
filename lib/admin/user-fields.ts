import { z } from 'zod';
import { isAdminError } from '@/lib/admin/errors';
import { parseEmail, parseOptionalName } from '@/lib/admin/validate';
import { hashUserCode } from '@/lib/ciba/user-code-hash';

/**
 * zod schemas of the user fields, with exactly the rules of `create-user`
 * (parseEmail, parseOptionalName): one rule, whichever operation applies it.
 */

const fromParser =
  <T>(parse: (value: unknown) => T) =>
  (value: unknown, context: z.core.$RefinementCtx): T => {
    try {
      return parse(value);
    } catch (error) {
      if (!isAdminError(error)) throw error;
      for (const field of error.fields) context.issues.push({ code: 'custom', input: value, message: field.message });

      return z.NEVER;
    }
  };

/** An email address: trimmed and lower-cased (how it is stored), at most 254 characters, dot-atom@dns.domain. */
export const ZUserEmailSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') })
  .transform(fromParser(parseEmail));

/** A display name: 1–100 characters after trimming; null, absent or blank means none. */
export const ZUserNameSchema = z
  .string({ error: 'must be text or null' })
  .nullable()
  .transform(fromParser((value) => parseOptionalName(value, 'name')));

/**
 * A new user, as the Management API takes it: the fields create-user
 * validates (with the same rules), no others.
 */
export const ZUserCreateSchema = z
  .strictObject({ email: ZUserEmailSchema, name: ZUserNameSchema.optional() })
  .meta({ title: 'UserCreate' });

/** A database id (of a user, request, admin …): opaque text. An id that names nothing is `not_found`, not invalid. */
export const ZResourceIdSchema = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') })
  .min(1, { error: 'is required' })
  .max(200, { error: 'is not an id this server gives out (at most 200 characters)' });

/** Lengths of a user code (CIBA §7.1 user_code). */
export const USER_CODE_LENGTH = { min: 4, max: 64 } as const;

/** Printable characters: no control characters, nothing invisible at either end. */
// eslint-disable-next-line no-control-regex
const NON_PRINTABLE = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * A user code (CIBA §7.1 user_code): 4–64 printable characters, no leading
 * or trailing space. Stored only as a slow hash (`userCodeHashOf`).
 */
export const ZUserCodeSchema = z.string({ error: 'must be text (or null to clear the code)' }).check((context) => {
  const length = [...context.value].length;
  const message =
    length < USER_CODE_LENGTH.min || length > USER_CODE_LENGTH.max
      ? `must be ${USER_CODE_LENGTH.min}–${USER_CODE_LENGTH.max} characters (got ${length})`
      : NON_PRINTABLE.test(context.value)
        ? 'must contain printable characters only'
        : context.value.trim() !== context.value
          ? 'must not begin or end with a space'
          : null;
  if (message) context.issues.push({ code: 'custom', input: context.value, message });
});

/** How a user code is stored (User.userCodeHash): scrypt with a random salt (lib/ciba/user-code-hash.ts). */
export const userCodeHashOf = (code: string): Promise<string> => hashUserCode(code);

/**
 * A `.check` for schemas that name a user by `id` or by `email`: exactly one
 * of them (reported on `id`).
 */
export const checkOneUserReference = <T extends { id?: string; email?: string }>(context: z.core.ParsePayload<T>): void => {
  if ((context.value.id === undefined) === (context.value.email === undefined)) {
    context.issues.push({
      code: 'custom',
      input: context.value,
      path: ['id'],
      message: 'give the user by id or by email (one of them)',
    });
  }
};
