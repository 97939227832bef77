import { randomUUID } from 'node:crypto';
import { recordAdminEvent } from '@/lib/admin/audit';
import {
  AUTHORIZATION_TYPE_VIEW_COLUMNS,
  auditedAuthorizationType,
  toAuthorizationTypeView,
  ZAuthorizationTypeCreateSchema,
  type AuthorizationTypeView,
} from '@/lib/admin/authorization-type-view';
import { AdminError, isUniqueViolation } from '@/lib/admin/errors';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { bumpSettingsEpoch } from '@/lib/store/settings-epoch';

export type CreateAuthorizationTypeOptions = {
  tenantSlug: string;
  /** Unvalidated (ZAuthorizationTypeCreateSchema): `type`, `schema`, and optionally `title`, `template`, `partial_approval`. */
  input: unknown;
};

/**
 * Defines an authorization-details type in a tenant (RFC 9396 §2): its JSON
 * Schema is compiled (a schema that does not compile is refused), its
 * display template checked. The write, the settings-epoch bump (every
 * protocol cache reloads the tenant's types) and the audit record share one
 * transaction.
 *
 * @throws AdminError `invalid_input` (per field); `conflict` when the tenant has this type already; `not_found` / `forbidden` for the tenant.
 */
export const createAuthorizationType = async (
  db: Db,
  principal: Principal,
  options: CreateAuthorizationTypeOptions,
): Promise<AuthorizationTypeView> => {
  const input = parseInputOrThrow(ZAuthorizationTypeCreateSchema, options.input);
  const tenant = await requireTenantAccess(db, principal, options.tenantSlug);
  try {
    return await db.$transaction(async (tx) => {
      await bumpSettingsEpoch(tx);
      const row = await tx.authorizationType.create({
        data: {
          id: randomUUID(),
          tenantId: tenant.id,
          type: input.type,
          title: input.title ?? null,
          schema: JSON.stringify(input.schema),
          template: input.template ? JSON.stringify(input.template) : null,
          partialApproval: input.partial_approval ?? true,
        },
        select: AUTHORIZATION_TYPE_VIEW_COLUMNS,
      });
      const view = toAuthorizationTypeView(row);
      await recordAdminEvent(tx, {
        principal,
        type: 'authorization_type_created',
        tenantId: tenant.id,
        change: { target: view.type, before: null, after: auditedAuthorizationType(view) },
      });

      return view;
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AdminError(
        'conflict',
        `Tenant "${tenant.slug}" already has an authorization type ${JSON.stringify(input.type)}.`,
      );
    }
    throw error;
  }
};
