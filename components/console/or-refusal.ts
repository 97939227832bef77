import 'server-only';
import { isAdminError } from '@/lib/admin/errors';
import type { Page } from '@/lib/admin/page-cursor';

/**
 * One page of a console list: a query the list refuses (a cursor it did not
 * give out, a filter or search it does not accept — AdminError
 * `invalid_input`) becomes a message and an empty page, not an error page.
 * Every other error propagates.
 */
export const pageOrRefusal = async <T>(load: Promise<Page<T>>): Promise<{ page: Page<T>; refusal: string | null }> => {
  try {
    return { page: await load, refusal: null };
  } catch (error) {
    if (isAdminError(error) && error.code === 'invalid_input')
      return { page: { data: [], next_cursor: null }, refusal: error.message };
    throw error;
  }
};
