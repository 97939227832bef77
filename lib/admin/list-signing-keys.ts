import { z } from 'zod';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { SIGNING_KEY_VIEW_COLUMNS, toSigningKeyView, type SigningKeyView } from '@/lib/admin/signing-key-view';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';

/** The list of a tenant's keys takes no parameters. */
export const ZListSigningKeysSchema = z.strictObject({}).meta({ title: 'ListSigningKeysQuery' });

export type ListSigningKeysOptions = { tenantSlug: string };

/**
 * Every signing key of a tenant, retired ones included, by algorithm and
 * newest first: kid, alg, status, whether it signs, and its dates. Never
 * private material.
 *
 * @throws AdminError `not_found` for an unknown tenant; `forbidden` for one out of reach.
 */
export const listSigningKeys = async (
  db: Db,
  principal: Principal,
  options: ListSigningKeysOptions,
): Promise<SigningKeyView[]> => {
  const { tenantSlug, ...input } = options;
  const tenant = await requireTenantAccess(db, principal, tenantSlug);
  parseInputOrThrow(ZListSigningKeysSchema, input);
  const keys = await db.signingKey.findMany({
    where: { tenantId: tenant.id },
    select: SIGNING_KEY_VIEW_COLUMNS,
    orderBy: [{ alg: 'asc' }, { createdAt: 'desc' }, { kid: 'desc' }],
  });
  const now = new Date();

  return keys.map((key) => toSigningKeyView(key, keys, now));
};
