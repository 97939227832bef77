import { AdminError } from '@/lib/admin/errors';

/** `not_found` for a user the tenant does not have (a user of another tenant included). */
export const userNotFound = (tenantSlug: string, user: string): AdminError =>
  new AdminError('not_found', `No user ${JSON.stringify(user)} in tenant "${tenantSlug}".`);
