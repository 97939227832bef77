import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@/lib/admin/create-tenant';
import { listSigningKeys } from '@/lib/admin/list-signing-keys';
import { retireSigningKey } from '@/lib/admin/retire-signing-key';
import { rotateSigningKey } from '@/lib/admin/rotate-signing-key';
import { expectAdminError } from '@/lib/admin/test-helpers';
import { CLI_PRINCIPAL, type Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { getTenantKeys, KEY_PUBLISH_DELAY_MS, RETIRED_KEY_PUBLISHED_FOR_MS } from '@/lib/oauth/signing-keys';
import { call } from '@/lib/testing/protocol-client';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;
let acmeId: string;
let globexId: string;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  ({ id: acmeId } = await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' }));
  ({ id: globexId } = await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' }));
  // The tenants' first keys have been published for an hour.
  await db.signingKey.updateMany({ data: { createdAt: new Date(Date.now() - 3_600_000) } });
});

afterAll(async () => {
  await cleanup();
});

const tenantAdminOf = (tenantId: string): Principal => ({
  kind: 'admin',
  id: 'admin-a',
  email: 'a@admin.test',
  role: 'tenant-admin',
  tenantIds: new Set([tenantId]),
});

const epoch = async () => (await db.settingsEpoch.findUniqueOrThrow({ where: { id: 1 } })).epoch;

/** The tenant's JWKS as a relying party fetches it (the request also observes the settings epoch). */
const jwksKids = async (slug: string): Promise<string[]> => {
  const result = await call({
    method: 'GET',
    path: `/t/${slug}/.well-known/jwks.json`,
    headers: {},
    body: Buffer.alloc(0),
    receivedAt: new Date(),
  });

  return (result.json.keys as { kid: string }[]).map((key) => key.kid);
};

const signingKid = async (tenantId: string, alg: 'RS256' | 'ES256' | 'PS256') => {
  return (await getTenantKeys(db, tenantId)).signing.get(alg)?.kid;
};

const lastAudit = async (type: string) => {
  const event = await db.event.findFirstOrThrow({ where: { type }, orderBy: { id: 'desc' } });

  return { ...event, detail: JSON.parse(event.detail!) as Record<string, unknown> };
};

/** Pretends the key was published `minutes` ago. */
const publishedAgo = async (kid: string, minutes: number) =>
  db.signingKey.update({ where: { kid }, data: { createdAt: new Date(Date.now() - minutes * 60_000) } });

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );

describe('listSigningKeys', () => {
  it("lists a tenant's keys with status and dates, and never private material", async () => {
    const keys = await listSigningKeys(db, tenantAdminOf(acmeId), { tenantSlug: 'acme' });

    expect(keys.map((key) => key.alg)).toEqual(['ES256', 'EdDSA', 'PS256', 'RS256']);
    expect(keys[0]).toEqual({
      kid: expect.any(String),
      alg: 'ES256',
      status: 'active',
      signing: true,
      created_at: expect.any(String),
      signs_from: expect.any(String),
      retired_at: null,
      published_until: null,
    });
    const stored = await db.signingKey.findMany({ where: { tenantId: acmeId } });
    const listed = JSON.stringify(keys);
    for (const row of stored) expect(listed).not.toContain(row.encryptedPrivateJwk);
    expect(listed).not.toMatch(/"d"|private|jwk/i);
  });

  it('refuses a tenant admin of acme on globex (forbidden), an unknown tenant (not_found) and any parameter', async () => {
    await expectAdminError(listSigningKeys(db, tenantAdminOf(acmeId), { tenantSlug: 'globex' }), 'forbidden');
    await expectAdminError(listSigningKeys(db, CLI_PRINCIPAL, { tenantSlug: 'nope' }), 'not_found');
    expect(await errorOf(listSigningKeys(db, CLI_PRINCIPAL, { tenantSlug: 'acme', alg: 'RS256' } as never))).toMatchObject({
      code: 'invalid_input',
      fields: [{ path: 'alg', message: 'is not a setting this server knows' }],
    });
  });
});

describe('rotateSigningKey and retireSigningKey', () => {
  it('publishes a rotated key at once, signs with the old one for 5 more minutes, bumps the epoch and records it', async () => {
    const old = await signingKid(acmeId, 'RS256');
    const epochBefore = await epoch();
    const rotated = await rotateSigningKey(db, tenantAdminOf(acmeId), { tenantSlug: 'acme', alg: 'RS256' });

    expect(rotated).toEqual({
      kid: expect.any(String),
      alg: 'RS256',
      status: 'active',
      signing: false,
      created_at: expect.any(String),
      signs_from: new Date(Date.parse(rotated.created_at) + KEY_PUBLISH_DELAY_MS).toISOString(),
      retired_at: null,
      published_until: null,
    });
    expect(await epoch()).toBe(epochBefore + 1);
    expect(await jwksKids('acme')).toEqual(expect.arrayContaining([old, rotated.kid]));
    expect(await signingKid(acmeId, 'RS256')).toBe(old);
    const listed = await listSigningKeys(db, CLI_PRINCIPAL, { tenantSlug: 'acme' });
    expect(listed.filter((key) => key.alg === 'RS256').map((key) => [key.kid, key.signing])).toEqual([
      [rotated.kid, false],
      [old, true],
    ]);

    const audit = await lastAudit('signing_key_rotated');
    expect(audit).toMatchObject({ tenantId: acmeId, actor: 'admin:admin-a' });
    expect(audit.detail).toEqual({
      target: rotated.kid,
      before: { alg: 'RS256', signing_kid: old },
      after: { alg: 'RS256', kid: rotated.kid, signs_from: rotated.signs_from },
    });
  });

  it('refuses to retire the signing key before its successor has been published for 5 minutes, then retires it', async () => {
    const [successor, old] = (await listSigningKeys(db, CLI_PRINCIPAL, { tenantSlug: 'acme' })).filter(
      (key) => key.alg === 'RS256',
    );
    await expectAdminError(
      retireSigningKey(db, CLI_PRINCIPAL, { tenantSlug: 'acme', kid: old.kid }),
      'conflict',
      new RegExp(`still signs: its successor is published but signs only from ${successor.signs_from!.replace(/\./g, '\\.')}`),
    );
    expect((await db.signingKey.findUniqueOrThrow({ where: { kid: old.kid } })).retiredAt).toBeNull();

    await publishedAgo(successor.kid, 6);
    const epochBefore = await epoch();
    const retired = await retireSigningKey(db, tenantAdminOf(acmeId), { tenantSlug: 'acme', kid: old.kid });
    expect(retired).toMatchObject({ kid: old.kid, status: 'retiring', signing: false, signs_from: null });
    expect(Date.parse(retired.published_until!) - Date.parse(retired.retired_at!)).toBe(RETIRED_KEY_PUBLISHED_FOR_MS);
    expect(await epoch()).toBe(epochBefore + 1);
    expect(await jwksKids('acme')).toEqual(expect.arrayContaining([old.kid, successor.kid]));
    expect(await signingKid(acmeId, 'RS256')).toBe(successor.kid);

    const audit = await lastAudit('signing_key_retired');
    expect(audit).toMatchObject({ tenantId: acmeId, actor: 'admin:admin-a' });
    expect(audit.detail).toEqual({
      target: old.kid,
      before: { alg: 'RS256', status: 'active' },
      after: { alg: 'RS256', status: 'retiring', published_until: retired.published_until },
    });

    await expectAdminError(
      retireSigningKey(db, CLI_PRINCIPAL, { tenantSlug: 'acme', kid: old.kid }),
      'conflict',
      /already retired/,
    );
  });

  it('refuses to retire the only active key of an alg', async () => {
    const es256 = (await listSigningKeys(db, CLI_PRINCIPAL, { tenantSlug: 'acme' })).find((key) => key.alg === 'ES256')!;
    const epochBefore = await epoch();
    await expectAdminError(
      retireSigningKey(db, CLI_PRINCIPAL, { tenantSlug: 'acme', kid: es256.kid }),
      'conflict',
      /only active ES256 key of tenant "acme": rotate first/,
    );
    expect(await epoch()).toBe(epochBefore);
  });

  it('retires a key that does not sign (a rotation undone) at once', async () => {
    const signing = await signingKid(acmeId, 'PS256');
    const rotated = await rotateSigningKey(db, CLI_PRINCIPAL, { tenantSlug: 'acme', alg: 'PS256' });
    expect(await retireSigningKey(db, CLI_PRINCIPAL, { tenantSlug: 'acme', kid: rotated.kid })).toMatchObject({
      status: 'retiring',
    });
    expect(await jwksKids('acme')).toContain(rotated.kid);
    expect(await signingKid(acmeId, 'PS256')).toBe(signing);
  });

  it('keeps each tenant to itself: another tenant’s key is not_found, another tenant forbidden', async () => {
    const globexKey = (await listSigningKeys(db, CLI_PRINCIPAL, { tenantSlug: 'globex' }))[0];
    await expectAdminError(
      retireSigningKey(db, CLI_PRINCIPAL, { tenantSlug: 'acme', kid: globexKey.kid }),
      'not_found',
      /No signing key/,
    );
    await expectAdminError(
      retireSigningKey(db, tenantAdminOf(acmeId), { tenantSlug: 'globex', kid: globexKey.kid }),
      'forbidden',
    );
    await expectAdminError(rotateSigningKey(db, tenantAdminOf(acmeId), { tenantSlug: 'globex', alg: 'RS256' }), 'forbidden');
    await expectAdminError(rotateSigningKey(db, CLI_PRINCIPAL, { tenantSlug: 'nope', alg: 'RS256' }), 'not_found');
    expect(await db.signingKey.count({ where: { tenantId: globexId } })).toBe(4);
  });

  it.each<[Record<string, unknown>, string, RegExp]>([
    [{ alg: 'HS256' }, 'alg', /must be one of RS256, ES256, PS256, EdDSA \(got "HS256"\)/],
    [{}, 'alg', /must be one of/],
    [{ alg: 'RS256', kid: 'x' }, 'kid', /not a setting/],
  ])('refuses to rotate with %j', async (input, path, message) => {
    const error = await errorOf(rotateSigningKey(db, CLI_PRINCIPAL, { tenantSlug: 'acme', ...input } as never));
    expect(error).toMatchObject({ code: 'invalid_input', fields: [{ path, message: expect.stringMatching(message) }] });
  });

  it.each<[Record<string, unknown>, RegExp]>([
    [{}, /is required/],
    [{ kid: '' }, /is required/],
    [{ kid: 7 }, /must be text/],
  ])('refuses to retire with %j', async (input, message) => {
    const error = await errorOf(retireSigningKey(db, CLI_PRINCIPAL, { tenantSlug: 'acme', ...input } as never));
    expect(error).toMatchObject({ code: 'invalid_input', fields: [{ path: 'kid', message: expect.stringMatching(message) }] });
  });
});
