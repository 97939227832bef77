import 'server-only';
import { notFound } from 'next/navigation';
import { isAdminError } from '@/lib/admin/errors';

/**
 * What a console page shows for a tenant or resource it cannot open: one
 * "not found" page (HTTP 404) both for what does not exist and for what is
 * out of the admin's reach (AdminError `not_found` or `forbidden`), so a page
 * tells nothing about another tenant. Other errors propagate.
 */
export const orNotFound = async <T>(load: Promise<T>): Promise<T> => {
  try {
    return await load;
  } catch (error) {
    if (isAdminError(error) && (error.code === 'not_found' || error.code === 'forbidden')) notFound();
    throw error;
  }
};
