import { recordAdminEvent } from '@/lib/admin/audit';
import {
  AUTHORIZATION_TYPE_VIEW_COLUMNS,
  auditedAuthorizationType,
  authorizationTypeNotFound,
  toAuthorizationTypeView,
  ZAuthorizationTypeUpdateSchema,
  type AuthorizationTypeView,
} from '@/lib/admin/authorization-type-view';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { bumpSettingsEpoch } from '@/lib/store/settings-epoch';

/**
 * Changes an authorization-details type (any of title, schema, template,
 * partial_approval; null clears title or template). Requests already made
 * keep what they asked for; the approval page shows them with the type as it
 * is now. One transaction with the settings-epoch bump and the audit record.
 *
 * @throws AdminError `invalid_input` (per field); `not_found` for an unknown tenant or type; `forbidden` for a tenant out of reach.
 */
export const updateAuthorizationType = async (
  db: Db,
  principal: Principal,
  options: { tenantSlug: string; type: string; input: unknown },
): Promise<AuthorizationTypeView> => {
  const changes = parseInputOrThrow(ZAuthorizationTypeUpdateSchema, options.input ?? {});
  const tenant = await requireTenantAccess(db, principal, options.tenantSlug);

  return db.$transaction(async (tx) => {
    await bumpSettingsEpoch(tx);
    const current = await tx.authorizationType.findFirst({
      where: { tenantId: tenant.id, type: options.type },
      select: { id: true, ...AUTHORIZATION_TYPE_VIEW_COLUMNS },
    });
    if (!current) throw authorizationTypeNotFound(tenant.slug, options.type);
    const row = await tx.authorizationType.update({
      where: { id: current.id },
      data: {
        ...(changes.title !== undefined ? { title: changes.title } : {}),
        ...(changes.schema !== undefined ? { schema: JSON.stringify(changes.schema) } : {}),
        ...(changes.template !== undefined
          ? { template: changes.template === null ? null : JSON.stringify(changes.template) }
          : {}),
        ...(changes.partial_approval !== undefined ? { partialApproval: changes.partial_approval } : {}),
      },
      select: AUTHORIZATION_TYPE_VIEW_COLUMNS,
    });
    const view = toAuthorizationTypeView(row);
    await recordAdminEvent(tx, {
      principal,
      type: 'authorization_type_updated',
      tenantId: tenant.id,
      change: {
        target: view.type,
        before: auditedAuthorizationType(toAuthorizationTypeView(current)),
        after: auditedAuthorizationType(view),
      },
    });

    return view;
  });
};
