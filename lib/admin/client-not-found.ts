import { AdminError } from '@/lib/admin/errors';

/** `not_found` for a client_id the tenant does not have (a client of another tenant included). */
export const clientNotFound = (tenantSlug: string, clientId: string): AdminError =>
  new AdminError('not_found', `No client ${JSON.stringify(clientId)} in tenant "${tenantSlug}".`);
