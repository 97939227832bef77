import type { z } from 'zod';
import { invalidInput, type AdminFieldError } from '@/lib/admin/errors';

const fieldErrorsOf = (issues: readonly z.core.$ZodIssue[]): AdminFieldError[] =>
  issues.flatMap((issue): AdminFieldError[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [...issue.path, key].join('.'), message: 'is not a setting this server knows' }))
      : [{ path: issue.path.join('.'), message: issue.message }],
  );

/**
 * Validates an operation's input against its schema.
 *
 * @throws AdminError `invalid_input` with one field error per problem.
 */
export const parseInputOrThrow = <Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> => {
  const result = schema.safeParse(input);
  if (!result.success) throw invalidInput(fieldErrorsOf(result.error.issues));

  return result.data;
};
