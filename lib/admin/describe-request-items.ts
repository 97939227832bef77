import type { RequestDetailView } from '@/lib/admin/get-request';
import type { Db } from '@/lib/db/client';
import { parseStoredTemplate } from '@/lib/oauth/authorization-details/authorization-type-record';
import { renderAuthorizationDetail, type DisplayedItem } from '@/lib/oauth/authorization-details/display-template';

/**
 * One requested authorization_details item (RFC 9396) as the console shows a
 * request: through its type's display template, as the user saw it, and
 * whether the approval granted it (null while nothing was granted: pending,
 * denied, cancelled or expired).
 */
export type RequestItemView = { index: number; type: string; display: DisplayedItem; granted: boolean | null };

/**
 * The items of a request read with getRequest (which checked the admin's
 * access to `tenantId`), described with the tenant's types as they are now.
 * An item counts as granted while the granted array holds an equal item not
 * matched already (the approval copies the chosen items as they were asked).
 */
export const describeRequestItems = async (
  db: Db,
  tenantId: string,
  request: Pick<RequestDetailView, 'authorization_details' | 'granted_authorization_details'>,
): Promise<RequestItemView[]> => {
  const requested = request.authorization_details ?? [];
  if (requested.length === 0) return [];
  const rows = await db.authorizationType.findMany({
    where: { tenantId, type: { in: [...new Set(requested.map((item) => item.type))] } },
    select: { type: true, title: true, template: true },
  });
  const types = new Map(rows.map((row) => [row.type, { ...row, template: parseStoredTemplate(row.template) }]));
  const grantedLeft = new Map<string, number>();
  for (const item of request.granted_authorization_details ?? []) {
    const key = JSON.stringify(item);
    grantedLeft.set(key, (grantedLeft.get(key) ?? 0) + 1);
  }

  return requested.map((item, index) => {
    let granted: boolean | null = null;
    if (request.granted_authorization_details !== null) {
      const key = JSON.stringify(item);
      const left = grantedLeft.get(key) ?? 0;
      granted = left > 0;
      if (granted) grantedLeft.set(key, left - 1);
    }

    return { index, type: item.type, display: renderAuthorizationDetail(item, types.get(item.type)), granted };
  });
};
