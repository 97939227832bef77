import { randomUUID } from 'node:crypto';
import { AdminError, isUniqueViolation } from '@/lib/admin/errors';
import { parseName, parseTenantSlug } from '@/lib/admin/validate';
import type { Db } from '@/lib/db/client';
import { generateSigningKeyRows } from '@/lib/oauth/signing-keys';
import { issuerFor } from '@/lib/tenants/issuer';

export type CreateTenantOptions = {
  /** Unvalidated; must match TENANT_SLUG_PATTERN. Becomes part of the issuer and is never changed. */
  slug: string;
  /** Unvalidated display name; trimmed, 1–100 characters. */
  name: string;
};

export type CreatedTenant = { id: string; slug: string; name: string; issuer: string };

/**
 * Creates a tenant (its own OpenID Provider, issuer `<APP_URL>/t/<slug>`)
 * together with one signing key per supported algorithm, private halves
 * encrypted. Tenant and keys are written in one nested create, so a tenant
 * never exists without keys. The keys are generated before the write, so no
 * database lock is held during key generation.
 *
 * @throws AdminError `invalid_input` for a bad slug or name, `conflict` when the slug is taken.
 */
export const createTenant = async (db: Db, options: CreateTenantOptions): Promise<CreatedTenant> => {
  const slug = parseTenantSlug(options.slug);
  const name = parseName(options.name, 'name');
  const conflict = () => new AdminError('conflict', `A tenant with slug "${slug}" already exists.`);

  const existing = await db.tenant.findUnique({ where: { slug }, select: { id: true } });
  if (existing) throw conflict();

  const id = randomUUID();
  const keyRows = await generateSigningKeyRows(id);
  try {
    await db.tenant.create({
      data: {
        id,
        slug,
        name,
        signingKeys: { create: keyRows.map(({ tenantId: _tenantId, ...row }) => row) },
      },
      select: { id: true },
    });
  } catch (error) {
    // A concurrent create won the race for the slug.
    if (isUniqueViolation(error)) throw conflict();
    throw error;
  }

  return { id, slug, name, issuer: issuerFor(slug) };
};
