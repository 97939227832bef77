import { z } from 'zod';
import { recordAdminEvent } from '@/lib/admin/audit';
import { AdminError } from '@/lib/admin/errors';
import { parseInputOrThrow } from '@/lib/admin/parse-input-or-throw';
import { requireTenantAccess } from '@/lib/admin/require-tenant-access';
import { SIGNING_KEY_VIEW_COLUMNS, toSigningKeyView, type SigningKeyView } from '@/lib/admin/signing-key-view';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { KEY_PUBLISH_DELAY_MS, selectSigningKid } from '@/lib/oauth/signing-keys';
import { bumpSettingsEpoch } from '@/lib/store/settings-epoch';

/** Which key: its kid. */
export const ZRetireSigningKeySchema = z
  .strictObject({
    kid: z
      .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') })
      .min(1, { error: 'is required' })
      .max(200, { error: 'is not a kid this server gives out' }),
  })
  .meta({ title: 'RetireSigningKey' });
export type TRetireSigningKey = z.input<typeof ZRetireSigningKeySchema>;

export type RetireSigningKeyOptions = { tenantSlug: string } & TRetireSigningKey;

/**
 * Retires a signing key: it signs nothing more at once, and stays in the
 * JWKS for RETIRED_KEY_PUBLISHED_FOR_MS (the longest token lifetime) so the
 * tokens it signed can be verified until they expire; then it leaves the
 * JWKS on its own. Refused while it is the only unretired key of its alg, and
 * while it signs and no other key of its alg has been published for
 * KEY_PUBLISH_DELAY_MS (a successor signs only once published that long).
 * One transaction with a settings-epoch bump (first: it also serialises
 * concurrent retirements) and the audit record.
 *
 * @throws AdminError `invalid_input` for a malformed kid; `not_found` for an unknown tenant or a key not in it; `forbidden` for a tenant out of reach; `conflict` for a key already retired, the last key of its alg, or a signing key whose successor is not published long enough yet.
 */
export const retireSigningKey = async (
  db: Db,
  principal: Principal,
  options: RetireSigningKeyOptions,
): Promise<SigningKeyView> => {
  const { tenantSlug, ...input } = options;
  const tenant = await requireTenantAccess(db, principal, tenantSlug);
  const { kid } = parseInputOrThrow(ZRetireSigningKeySchema, input);

  return db.$transaction(async (tx) => {
    await bumpSettingsEpoch(tx);
    const now = new Date();
    const key = await tx.signingKey.findFirst({ where: { tenantId: tenant.id, kid }, select: SIGNING_KEY_VIEW_COLUMNS });
    if (!key) throw new AdminError('not_found', `No signing key ${JSON.stringify(kid)} in tenant "${tenant.slug}".`);
    if (key.retiredAt)
      throw new AdminError('conflict', `Signing key ${kid} is already retired (since ${key.retiredAt.toISOString()}).`);
    const keys = await tx.signingKey.findMany({ where: { tenantId: tenant.id, alg: key.alg }, select: SIGNING_KEY_VIEW_COLUMNS });
    const successors = keys.filter((other) => other.kid !== kid && other.retiredAt === null);
    if (successors.length === 0) {
      throw new AdminError(
        'conflict',
        `Signing key ${kid} is the only active ${key.alg} key of tenant "${tenant.slug}": rotate first.`,
      );
    }
    const publishedLongEnough = successors.filter((other) => other.createdAt.getTime() + KEY_PUBLISH_DELAY_MS <= now.getTime());
    if (selectSigningKid(keys, key.alg, now) === kid && publishedLongEnough.length === 0) {
      const signsFrom = new Date(Math.min(...successors.map((other) => other.createdAt.getTime())) + KEY_PUBLISH_DELAY_MS);
      throw new AdminError(
        'conflict',
        `Signing key ${kid} still signs: its successor is published but signs only from ${signsFrom.toISOString()}. Retire it after that.`,
      );
    }

    const retired = await tx.signingKey.update({ where: { kid }, data: { retiredAt: now }, select: SIGNING_KEY_VIEW_COLUMNS });
    const view = toSigningKeyView(
      retired,
      keys.map((other) => (other.kid === kid ? retired : other)),
      now,
    );
    await recordAdminEvent(tx, {
      principal,
      type: 'signing_key_retired',
      tenantId: tenant.id,
      change: {
        target: kid,
        before: { alg: key.alg, status: 'active' },
        after: { alg: key.alg, status: view.status, published_until: view.published_until },
      },
      at: now,
    });

    return view;
  });
};
