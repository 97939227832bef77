import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Db } from '@/lib/db/client';
import { getEnv } from '@/lib/env';
import { randomToken } from '@/lib/oauth/crypto';
import { seal, unseal } from '@/lib/security/sealed-box';
import { observedSettingsEpoch } from '@/lib/store/settings-epoch';

/**
 * Signing algorithms a tenant holds a key for. RS256 is the default (OIDC
 * Core §15.1); EdDSA is Ed25519 (RFC 8037: an OKP key).
 */
export const SIGNING_ALGS = ['RS256', 'ES256', 'PS256', 'EdDSA'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];
export const DEFAULT_SIGNING_ALG: SigningAlg = 'RS256';

export const isSigningAlg = (value: string): value is SigningAlg => (SIGNING_ALGS as readonly string[]).includes(value);

/** The private JWK sealed under the key-encryption key, the kid bound as associated data (one key row cannot take another's). */
const encryptPrivateJwk = (jwk: JWK, kid: string, keyEncryptionKey: Buffer): string =>
  seal(JSON.stringify(jwk), kid, keyEncryptionKey);

export const decryptPrivateJwk = (envelope: string, kid: string, keyEncryptionKey: Buffer): JWK => {
  const plaintext = unseal(envelope, kid, keyEncryptionKey);
  if (plaintext === null) {
    throw new Error(
      `Signing key ${kid} cannot be decrypted: BACKCHANNEL_KEY_ENCRYPTION_KEY (or data/key-encryption-key) is not the key it was encrypted with.`,
    );
  }

  return JSON.parse(plaintext) as JWK;
};

const generateKeyParams = (alg: SigningAlg) =>
  alg === 'ES256'
    ? { extractable: true }
    : alg === 'EdDSA'
      ? { extractable: true, crv: 'Ed25519' }
      : { extractable: true, modulusLength: 2048 };

/**
 * A new key is published in the JWKS this long before it signs, so relying
 * parties that cached the JWKS have fetched it before they meet a token it
 * signed (rotation: publish first, sign later).
 */
export const KEY_PUBLISH_DELAY_MS = 5 * 60 * 1000;

/**
 * A retired key stays in the JWKS this long after its retirement: the
 * longest token lifetime a client may have (CLIENT_SETTING_BOUNDS.tokenLifetime.max,
 * one day), so every token it signed can be verified until it expires.
 */
export const RETIRED_KEY_PUBLISHED_FOR_MS = 24 * 60 * 60 * 1000;

/** The row for a fresh key of `alg`, its private half encrypted. */
export const generateSigningKeyRow = async (tenantId: string, alg: SigningAlg) => {
  const { keyEncryptionKey } = getEnv();
  const { publicKey, privateKey } = await generateKeyPair(alg, generateKeyParams(alg));
  const kid = randomToken(12);
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg };

  return {
    id: randomUUID(),
    tenantId,
    kid,
    alg,
    publicJwk: JSON.stringify(publicJwk),
    encryptedPrivateJwk: encryptPrivateJwk(privateJwk, kid, keyEncryptionKey),
  };
};

/**
 * The primary key of a tenant's first key for `alg` when it is generated on
 * first need rather than at tenant creation (a tenant created before the alg
 * was supported). A fixed id makes that insert race-free: of two instances
 * that find the key missing at once, one inserts and the other's insert
 * hits the primary key and does nothing.
 */
export const bootstrapSigningKeyId = (tenantId: string, alg: SigningAlg): string => `bootstrap:${alg}:${tenantId}`;

/** The rows for a fresh key of each supported algorithm, private halves encrypted. */
export const generateSigningKeyRows = async (tenantId: string) =>
  Promise.all(SIGNING_ALGS.map((alg) => generateSigningKeyRow(tenantId, alg)));

/** What the publication and signing rules read of a key. */
export type SigningKeyTimes = { kid: string; alg: string; createdAt: Date; retiredAt: Date | null };

/** Whether the key is in the tenant's JWKS at `now`: until RETIRED_KEY_PUBLISHED_FOR_MS after its retirement. */
export const isKeyPublished = (key: Pick<SigningKeyTimes, 'retiredAt'>, now: Date): boolean =>
  key.retiredAt === null || key.retiredAt.getTime() + RETIRED_KEY_PUBLISHED_FOR_MS > now.getTime();

const byAge = (a: SigningKeyTimes, b: SigningKeyTimes): number =>
  a.createdAt.getTime() - b.createdAt.getTime() || (a.kid < b.kid ? -1 : a.kid > b.kid ? 1 : 0);

/**
 * The kid of the key that signs for `alg` at `now`: the newest unretired key
 * of that alg published at least KEY_PUBLISH_DELAY_MS ago; a newer one is
 * only published. When none is that old (a tenant's first keys, which no key
 * preceded), the oldest unretired key signs. Null when the alg has no
 * unretired key.
 */
export const selectSigningKid = (keys: readonly SigningKeyTimes[], alg: string, now: Date): string | null => {
  const active = keys.filter((key) => key.alg === alg && key.retiredAt === null).sort(byAge);
  if (active.length === 0) return null;
  const signable = active.filter((key) => key.createdAt.getTime() + KEY_PUBLISH_DELAY_MS <= now.getTime());

  return (signable.length > 0 ? signable[signable.length - 1] : active[0]).kid;
};

/**
 * The next moment after `now` at which the rules above give another answer
 * for these keys without any write (a new key starts signing, a retired one
 * leaves the JWKS), or null if there is none.
 */
export const nextKeyChangeAt = (keys: readonly SigningKeyTimes[], now: Date): Date | null => {
  const moments = keys
    .map((key) =>
      key.retiredAt === null
        ? key.createdAt.getTime() + KEY_PUBLISH_DELAY_MS
        : key.retiredAt.getTime() + RETIRED_KEY_PUBLISHED_FOR_MS,
    )
    .filter((moment) => moment > now.getTime());

  return moments.length > 0 ? new Date(Math.min(...moments)) : null;
};

export type TenantKeys = {
  /** The signing key for each algorithm (selectSigningKid). */
  signing: Map<SigningAlg, { kid: string; privateKey: CryptoKey }>;
  /** Public JWKs of every published key (unretired, or retired less than RETIRED_KEY_PUBLISHED_FOR_MS ago): the tenant's JWKS. */
  jwks: { keys: JWK[] };
  /** When these keys must be reloaded although the settings epoch stands (nextKeyChangeAt); null: never. */
  refreshAt: Date | null;
};

/** Keys per tenant, tagged with the settings epoch observed when their load began. */
const keyCache = new Map<string, { epoch: number | undefined; refreshAt?: Date | null; keys: Promise<TenantKeys> }>();

const readPublishedKeyRows = (db: Db, tenantId: string, now: Date) =>
  db.signingKey.findMany({
    where: { tenantId, OR: [{ retiredAt: null }, { retiredAt: { gt: new Date(now.getTime() - RETIRED_KEY_PUBLISHED_FOR_MS) } }] },
    orderBy: [{ createdAt: 'desc' }, { kid: 'desc' }],
  });

const isUniqueViolation = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';

/**
 * Gives a tenant a key for each supported alg it has no unretired key for
 * (a tenant created before EdDSA was supported): the new key is published
 * and signs at once, as a tenant's first keys do. Race-free across
 * instances through bootstrapSigningKeyId. Resolves true when it wrote.
 */
const addMissingKeys = async (db: Db, tenantId: string, rows: readonly SigningKeyTimes[]): Promise<boolean> => {
  const missing = SIGNING_ALGS.filter((alg) => !rows.some((row) => row.alg === alg && row.retiredAt === null));
  for (const alg of missing) {
    const row = await generateSigningKeyRow(tenantId, alg);
    try {
      await db.signingKey.create({ data: { ...row, id: bootstrapSigningKeyId(tenantId, alg) } });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }

  return missing.length > 0;
};

const loadTenantKeys = async (db: Db, tenantId: string, now: Date): Promise<TenantKeys> => {
  let rows = await readPublishedKeyRows(db, tenantId, now);
  if (rows.length > 0 && (await addMissingKeys(db, tenantId, rows))) rows = await readPublishedKeyRows(db, tenantId, now);
  const { keyEncryptionKey } = getEnv();
  const signing = new Map<SigningAlg, { kid: string; privateKey: CryptoKey }>();
  for (const alg of SIGNING_ALGS) {
    const kid = selectSigningKid(rows, alg, now);
    const row = rows.find((candidate) => candidate.kid === kid);
    if (!row) continue;
    const privateKey = (await importJWK(decryptPrivateJwk(row.encryptedPrivateJwk, row.kid, keyEncryptionKey), alg)) as CryptoKey;
    signing.set(alg, { kid: row.kid, privateKey });
  }

  return {
    signing,
    jwks: { keys: rows.filter((row) => isKeyPublished(row, now)).map((row) => JSON.parse(row.publicJwk) as JWK) },
    refreshAt: nextKeyChangeAt(rows, now),
  };
};

/**
 * A tenant's keys, decrypted and imported once and cached until the settings
 * epoch moves or the keys' own schedule changes the answer (a new key starts
 * signing, a retired one leaves the JWKS): a key change (rotation,
 * retirement) bumps the epoch in its transaction, and the next protocol
 * request, which reads the epoch anyway, makes the next call here reload. No
 * query while the epoch and the schedule stand.
 */
export const getTenantKeys = (db: Db, tenantId: string, now: Date = new Date()): Promise<TenantKeys> => {
  const epoch = observedSettingsEpoch();
  const cached = keyCache.get(tenantId);
  const due = (refreshAt: Date | null | undefined) => refreshAt != null && refreshAt.getTime() <= now.getTime();
  if (cached && cached.epoch === epoch && !due(cached.refreshAt)) return cached.keys;
  const entry: { epoch: number | undefined; refreshAt?: Date | null; keys: Promise<TenantKeys> } = {
    epoch,
    keys: loadTenantKeys(db, tenantId, now),
  };
  keyCache.set(tenantId, entry);
  entry.keys.then(
    (keys) => {
      entry.refreshAt = keys.refreshAt;
    },
    () => {
      if (keyCache.get(tenantId) === entry) keyCache.delete(tenantId);
    },
  );

  return entry.keys;
};
