import 'server-only';
import { pageOrRefusal } from '@/components/console/or-refusal';
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
): Promise<{ page: Page<AuditEventView>; refusal: string | null }> => pageOrRefusal(listAuditEvents(db, principal, options));
