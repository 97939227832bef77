import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@/lib/admin/create-tenant';
import type { Db } from '@/lib/db/client';
import { generateSigningKeyRows, getTenantKeys } from '@/lib/oauth/signing-keys';
import { bumpSettingsEpoch } from '@/lib/store/settings-epoch';
import { call } from '@/lib/testing/protocol-client';
import { useTestDatabase } from '@/lib/testing/test-database';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';

let db: Db;
let cleanup: () => Promise<void>;
let tenantId: string;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  ({ id: tenantId } = await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme Corp' }));
});

afterAll(async () => {
  await cleanup();
});

const jwksKids = async (): Promise<string[]> => {
  const result = await call({
    method: 'GET',
    path: '/t/acme/.well-known/jwks.json',
    headers: {},
    body: Buffer.alloc(0),
    receivedAt: new Date(),
  });

  return (result.json.keys as { kid: string }[]).map((key) => key.kid).sort();
};

/** A new RS256 key replaces the active one, as key rotation will do it. */
const replaceRs256Key = async (options: { bump: boolean }): Promise<string> => {
  const rs256 = (await generateSigningKeyRows(tenantId)).find((row) => row.alg === 'RS256')!;
  await db.$transaction(async (tx) => {
    if (options.bump) await bumpSettingsEpoch(tx);
    await tx.signingKey.updateMany({ where: { tenantId, alg: 'RS256', retiredAt: null }, data: { retiredAt: new Date() } });
    await tx.signingKey.create({ data: rs256 });
  });

  return rs256.kid;
};

describe('tenant key cache', () => {
  it('keeps serving imported keys while the settings epoch stands, and reloads once it moves', async () => {
    const before = await jwksKids();
    expect(before).toHaveLength(3);
    const cached = await getTenantKeys(db, tenantId);

    const unseen = await replaceRs256Key({ bump: false });
    expect(await jwksKids()).toEqual(before);
    expect(await getTenantKeys(db, tenantId)).toBe(cached);

    const rotated = await replaceRs256Key({ bump: true });
    const after = await jwksKids();
    expect(after).toContain(rotated);
    expect(after).not.toContain(unseen);
    expect(after).toHaveLength(3);
    expect((await getTenantKeys(db, tenantId)).signing.get('RS256')?.kid).toBe(rotated);
  });
});
