import { z } from 'zod';
import type { CreatedTenant } from '@/lib/admin/create-tenant';
import { getTenantOrThrow } from '@/lib/admin/get-tenant-or-throw';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { ZDisplayNameSchema } from '@/lib/clients/client-metadata';
import type { Db } from '@/lib/db/client';
import { bumpSettingsEpoch } from '@/lib/store/settings-epoch';
import { issuerFor } from '@/lib/tenants/issuer';

/** A change to a tenant's settings: any subset. The slug (part of the issuer) never changes. */
const ZTenantUpdateSchema = z.strictObject({ name: ZDisplayNameSchema }).partial().meta({ title: 'TenantUpdate' });
export type TTenantUpdate = z.input<typeof ZTenantUpdateSchema>;

export type UpdateTenantOptions = {
  slug: string;
  /** Unvalidated: any subset of the tenant's settings (ZTenantUpdateSchema). */
  settings: unknown;
};

export type TenantView = CreatedTenant;

/**
 * Changes a tenant's settings, in one transaction with a settings-epoch bump
 * (the protocol endpoints cache tenants).
 *
 * @throws AdminError `invalid_input` (one field error per refused setting); `not_found` for an unknown tenant.
 */
export const updateTenant = async (db: Db, options: UpdateTenantOptions): Promise<TenantView> => {
  const changes = parseInputOrThrow(ZTenantUpdateSchema, options.settings);
  const tenant = await getTenantOrThrow(db, options.slug);
  const updated = await db.$transaction(async (tx) => {
    await bumpSettingsEpoch(tx);

    return tx.tenant.update({ where: { id: tenant.id }, data: changes, select: { id: true, slug: true, name: true } });
  });

  return { ...updated, issuer: issuerFor(updated.slug) };
};
