import { expect } from 'vitest';
import { AdminError, type AdminErrorCode } from '@/lib/admin/errors';

/** Asserts that `promise` rejects with an AdminError of `code` (and a message matching `message`). */
export const expectAdminError = async (promise: Promise<unknown>, code: AdminErrorCode, message?: RegExp): Promise<void> => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AdminError);
  expect((error as AdminError).code).toBe(code);
  if (message) expect((error as AdminError).message).toMatch(message);
};
