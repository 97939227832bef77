import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@/lib/admin/create-tenant';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { CLIENT_SETTING_BOUNDS } from '@/lib/clients/client-metadata';
import type { Db } from '@/lib/db/client';
import {
  generateSigningKeyRow,
  generateSigningKeyRows,
  getTenantKeys,
  isKeyPublished,
  KEY_PUBLISH_DELAY_MS,
  nextKeyChangeAt,
  RETIRED_KEY_PUBLISHED_FOR_MS,
  selectSigningKid,
  type SigningKeyTimes,
} from '@/lib/oauth/signing-keys';
import { bumpSettingsEpoch } from '@/lib/store/settings-epoch';
import { call } from '@/lib/testing/protocol-client';
import { useTestDatabase } from '@/lib/testing/test-database';

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

/** A new RS256 key replaces the active one (retired at once), written straight to the table. */
const replaceRs256Key = async (options: { bump: boolean }): Promise<string> => {
  const rs256 = (await generateSigningKeyRows(tenantId)).find((row) => row.alg === 'RS256')!;
  await db.$transaction(async (tx) => {
    if (options.bump) await bumpSettingsEpoch(tx);
    await tx.signingKey.updateMany({ where: { tenantId, alg: 'RS256', retiredAt: null }, data: { retiredAt: new Date() } });
    await tx.signingKey.create({ data: rs256 });
  });

  return rs256.kid;
};

const MINUTE = 60_000;
const at = (minutes: number) => new Date(Date.UTC(2030, 0, 1) + minutes * MINUTE);
const key = (kid: string, createdMinute: number, retiredMinute: number | null = null, alg = 'RS256'): SigningKeyTimes => ({
  kid,
  alg,
  createdAt: at(createdMinute),
  retiredAt: retiredMinute === null ? null : at(retiredMinute),
});

describe('the publication and signing rules', () => {
  it('publishes a new key KEY_PUBLISH_DELAY_MS (5 minutes) before it signs; the previous key signs meanwhile', () => {
    expect(KEY_PUBLISH_DELAY_MS).toBe(5 * MINUTE);
    const keys = [key('old', 0), key('new', 100), key('es', 0, null, 'ES256')];

    expect(selectSigningKid(keys, 'RS256', at(100))).toBe('old');
    expect(selectSigningKid(keys, 'RS256', new Date(at(105).getTime() - 1))).toBe('old');
    expect(selectSigningKid(keys, 'RS256', at(105))).toBe('new');
    expect(selectSigningKid(keys, 'ES256', at(100))).toBe('es');
    expect(selectSigningKid(keys, 'PS256', at(100))).toBeNull();
  });

  it("signs with a tenant's first key at once, as no key preceded it; with several too young, the oldest", () => {
    expect(selectSigningKid([key('first', 0)], 'RS256', at(0))).toBe('first');
    expect(selectSigningKid([key('b', 1), key('a', 0)], 'RS256', at(2))).toBe('a');
  });

  it('never signs with a retired key, and prefers the newest of several published keys', () => {
    expect(selectSigningKid([key('old', 0), key('mid', 10, 30), key('new', 20)], 'RS256', at(40))).toBe('new');
    expect(selectSigningKid([key('old', 0), key('mid', 10)], 'RS256', at(40))).toBe('mid');
    expect(selectSigningKid([key('gone', 0, 10)], 'RS256', at(11))).toBeNull();
  });

  it('keeps a retired key published for the longest token lifetime, then drops it', () => {
    expect(RETIRED_KEY_PUBLISHED_FOR_MS).toBe(CLIENT_SETTING_BOUNDS.tokenLifetime.max * 1000);
    const retired = key('retired', 0, 60);
    expect(isKeyPublished(key('active', 0), at(1e6))).toBe(true);
    expect(isKeyPublished(retired, new Date(at(60).getTime() + RETIRED_KEY_PUBLISHED_FOR_MS - 1))).toBe(true);
    expect(isKeyPublished(retired, new Date(at(60).getTime() + RETIRED_KEY_PUBLISHED_FOR_MS))).toBe(false);
  });

  it('names the next moment the answers change on their own', () => {
    const keys = [key('old', 0), key('new', 100), key('retired', 0, 50)];
    expect(nextKeyChangeAt(keys, at(101))).toEqual(at(105));
    expect(nextKeyChangeAt(keys, at(105))).toEqual(new Date(at(50).getTime() + RETIRED_KEY_PUBLISHED_FOR_MS));
    expect(nextKeyChangeAt(keys, at(50 + 24 * 60))).toBeNull();
  });
});

describe('tenant key cache', () => {
  it('keeps serving imported keys while the settings epoch stands, and reloads once it moves', async () => {
    const before = await jwksKids();
    expect(before).toHaveLength(4);
    const cached = await getTenantKeys(db, tenantId);

    const unseen = await replaceRs256Key({ bump: false });
    expect(await jwksKids()).toEqual(before);
    expect(await getTenantKeys(db, tenantId)).toBe(cached);

    const rotated = await replaceRs256Key({ bump: true });
    const after = await jwksKids();
    expect(after).toContain(rotated);
    expect(after).toEqual([...before, unseen, rotated].sort());
    expect((await getTenantKeys(db, tenantId)).signing.get('RS256')?.kid).toBe(rotated);
  });

  it('publishes a rotated key at once and signs with it once it has been published for 5 minutes, reloading on its own', async () => {
    const { id: globexId } = await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
    const createdAt = new Date();
    await db.signingKey.updateMany({
      where: { tenantId: globexId },
      data: { createdAt: new Date(createdAt.getTime() - 60 * MINUTE) },
    });
    const current = (await db.signingKey.findFirstOrThrow({ where: { tenantId: globexId, alg: 'ES256' } })).kid;
    const row = await generateSigningKeyRow(globexId, 'ES256');
    await db.$transaction(async (tx) => {
      await bumpSettingsEpoch(tx);
      await tx.signingKey.create({ data: { ...row, createdAt } });
    });
    await jwksKids();

    const published = await getTenantKeys(db, globexId, createdAt);
    expect(published.jwks.keys.map((jwk) => jwk.kid)).toEqual(expect.arrayContaining([current, row.kid]));
    expect(published.signing.get('ES256')?.kid).toBe(current);
    expect(published.refreshAt).toEqual(new Date(createdAt.getTime() + KEY_PUBLISH_DELAY_MS));
    expect(await getTenantKeys(db, globexId, new Date(createdAt.getTime() + KEY_PUBLISH_DELAY_MS - 1))).toBe(published);

    const signing = await getTenantKeys(db, globexId, new Date(createdAt.getTime() + KEY_PUBLISH_DELAY_MS));
    expect(signing).not.toBe(published);
    expect(signing.signing.get('ES256')?.kid).toBe(row.kid);
    expect(signing.jwks.keys.map((jwk) => jwk.kid)).toEqual(expect.arrayContaining([current, row.kid]));
  });

  it('drops a retired key from the JWKS once the longest token lifetime has passed since its retirement', async () => {
    const retiredAt = new Date();
    const row = await generateSigningKeyRow(tenantId, 'PS256');
    await db.$transaction(async (tx) => {
      await bumpSettingsEpoch(tx);
      await tx.signingKey.create({ data: { ...row, createdAt: new Date(retiredAt.getTime() - 60 * MINUTE), retiredAt } });
    });
    await jwksKids();

    const kidsAt = async (moment: number) =>
      (await getTenantKeys(db, tenantId, new Date(moment))).jwks.keys.map((jwk) => jwk.kid);
    expect(await kidsAt(retiredAt.getTime() + RETIRED_KEY_PUBLISHED_FOR_MS - 1)).toContain(row.kid);
    expect(await kidsAt(retiredAt.getTime() + RETIRED_KEY_PUBLISHED_FOR_MS)).not.toContain(row.kid);
  });
});
