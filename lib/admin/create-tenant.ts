import { randomUUID } from 'node:crypto';
import { recordAdminEvent } from '@/lib/admin/audit';
import { AdminError, isUniqueViolation } from '@/lib/admin/errors';
import { requireOwner } from '@/lib/admin/require-tenant-access';
import { TENANT_VIEW_COLUMNS, tenantSettingsOf, toTenantView, type TenantView } from '@/lib/admin/tenant-view';
import { parseName, parseTenantSlug } from '@/lib/admin/validate';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { generateSigningKeyRows } from '@/lib/oauth/signing-keys';

export type CreateTenantOptions = {
  /** Unvalidated; must match TENANT_SLUG_PATTERN. Becomes part of the issuer and is never changed. */
  slug: string;
  /** Unvalidated display name; trimmed, 1–100 characters. */
  name: string;
};

export type CreatedTenant = TenantView;

/**
 * Creates a tenant (its own OpenID Provider, issuer `<APP_URL>/t/<slug>`)
 * with default settings and one signing key per supported algorithm, private
 * halves encrypted. Tenant, keys and the audit record are written in one
 * transaction, so a tenant never exists without keys. The keys are generated
 * before the write, so no database lock is held during key generation.
 *
 * @throws AdminError `forbidden` unless the principal is owner-like; `invalid_input` for a bad slug or name; `conflict` when the slug is taken.
 */
export const createTenant = async (db: Db, principal: Principal, options: CreateTenantOptions): Promise<CreatedTenant> => {
  requireOwner(principal, 'create tenants');
  const slug = parseTenantSlug(options.slug);
  const name = parseName(options.name, 'name');
  const conflict = () => new AdminError('conflict', `A tenant with slug "${slug}" already exists.`);

  const existing = await db.tenant.findUnique({ where: { slug }, select: { id: true } });
  if (existing) throw conflict();

  const id = randomUUID();
  const keyRows = await generateSigningKeyRows(id);
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.tenant.create({
        data: { id, slug, name, signingKeys: { create: keyRows.map(({ tenantId: _tenantId, ...row }) => row) } },
        select: TENANT_VIEW_COLUMNS,
      });
      const view = toTenantView(row);
      await recordAdminEvent(tx, {
        principal,
        type: 'tenant_created',
        tenantId: id,
        change: { target: slug, before: null, after: tenantSettingsOf(view) },
      });

      return view;
    });
  } catch (error) {
    // A concurrent create won the race for the slug.
    if (isUniqueViolation(error)) throw conflict();
    throw error;
  }
};
