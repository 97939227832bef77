import { z } from 'zod';
import { ADMIN_VIEW_COLUMNS, toAdminView, type AdminView } from '@/lib/admin/admin-view';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireOwner } from '@/lib/admin/require-tenant-access';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';

/** The list of administrators takes no parameters. */
export const ZListAdminsSchema = z.strictObject({}).meta({ title: 'ListAdminsQuery' });

/**
 * Every administrator, by email, with role and memberships. Owner-only.
 *
 * @throws AdminError `forbidden` unless the principal is owner-like.
 */
export const listAdmins = async (db: Db, principal: Principal, options: Record<string, never> = {}): Promise<AdminView[]> => {
  requireOwner(principal, 'list administrators');
  parseInputOrThrow(ZListAdminsSchema, options);
  const admins = await db.admin.findMany({ select: ADMIN_VIEW_COLUMNS, orderBy: { email: 'asc' } });

  return admins.map(toAdminView);
};
