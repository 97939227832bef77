import 'server-only';
import { isAdminError } from '@/lib/admin/errors';
import { listAuditEvents, type AuditEventView } from '@/lib/admin/list-audit-events';
import type { Page } from '@/lib/admin/page-cursor';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';

/**
 * One page of the audit log for a console page: a query the log refuses
 * (a bad cursor, a search too long) becomes a message and an empty page;
 * every other error propagates (the page decides what a refused tenant shows).
 */
export const loadAuditPage = async (
  db: Db,
  principal: Principal,
  options: { tenantSlug?: string; q?: string; cursor?: string },
): Promise<{ page: Page<AuditEventView>; refusal: string | null }> => {
  try {
    return { page: await listAuditEvents(db, principal, options), refusal: null };
  } catch (error) {
    if (isAdminError(error) && error.code === 'invalid_input')
      return { page: { data: [], next_cursor: null }, refusal: error.message };
    throw error;
  }
};
