import { AdminError } from '@/lib/admin/errors';

/** `not_found` for a request the tenant does not have (a request of another tenant included). */
export const requestNotFound = (tenantSlug: string, id: string): AdminError =>
  new AdminError('not_found', `No request ${JSON.stringify(id)} in tenant "${tenantSlug}".`);
