import { z } from 'zod';
import { recordAdminEvent } from '@/lib/admin/audit';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { SIGNING_KEY_VIEW_COLUMNS, toSigningKeyView, type SigningKeyView } from '@/lib/admin/signing-key-view';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { generateSigningKeyRow, selectSigningKid, SIGNING_ALGS } from '@/lib/oauth/signing-keys';
import { bumpSettingsEpoch } from '@/lib/store/settings-epoch';

/** Which algorithm gets a new key. */
export const ZRotateSigningKeySchema = z
  .strictObject({
    alg: z.enum(SIGNING_ALGS, {
      error: (issue) => `must be one of ${SIGNING_ALGS.join(', ')} (got ${JSON.stringify(issue.input) ?? 'nothing'})`,
    }),
  })
  .meta({ title: 'RotateSigningKey' });
export type TRotateSigningKey = z.input<typeof ZRotateSigningKeySchema>;

export type RotateSigningKeyOptions = { tenantSlug: string } & TRotateSigningKey;

/**
 * Adds a new signing key for `alg` to a tenant. It is published in the JWKS
 * at once and signs only once it has been published for KEY_PUBLISH_DELAY_MS
 * (lib/oauth/signing-keys.ts); until then the previous key signs. The
 * previous key stays published until it is retired (retire-signing-key).
 * The key is generated before the write (no lock held meanwhile); the write,
 * a settings-epoch bump (the protocol's key cache reloads) and the audit
 * record share one transaction.
 *
 * @throws AdminError `invalid_input` for an unsupported alg; `not_found` for an unknown tenant; `forbidden` for one out of reach.
 */
export const rotateSigningKey = async (
  db: Db,
  principal: Principal,
  options: RotateSigningKeyOptions,
): Promise<SigningKeyView> => {
  const { tenantSlug, ...input } = options;
  const tenant = await requireTenantAccess(db, principal, tenantSlug);
  const { alg } = parseInputOrThrow(ZRotateSigningKeySchema, input);
  const row = await generateSigningKeyRow(tenant.id, alg);

  return db.$transaction(async (tx) => {
    await bumpSettingsEpoch(tx);
    const now = new Date();
    const before = await tx.signingKey.findMany({ where: { tenantId: tenant.id, alg }, select: SIGNING_KEY_VIEW_COLUMNS });
    const created = await tx.signingKey.create({ data: { ...row, createdAt: now }, select: SIGNING_KEY_VIEW_COLUMNS });
    const view = toSigningKeyView(created, [...before, created], now);
    await recordAdminEvent(tx, {
      principal,
      type: 'signing_key_rotated',
      tenantId: tenant.id,
      change: {
        target: created.kid,
        before: { alg, signing_kid: selectSigningKid(before, alg, now) },
        after: { alg, kid: created.kid, signs_from: view.signs_from },
      },
      at: now,
    });

    return view;
  });
};
