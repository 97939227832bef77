import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import type { Db } from '@/lib/db/client';
import { getEnv } from '@/lib/env';
import { randomToken } from '@/lib/oauth/crypto';
import { seal, unseal } from '@/lib/security/sealed-box';
import { observedSettingsEpoch } from '@/lib/store/settings-epoch';

/** Signing algorithms a tenant holds a key for. RS256 is the default (OIDC Core §15.1). */
export const SIGNING_ALGS = ['RS256', 'ES256', 'PS256'] as const;
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
  alg === 'ES256' ? { extractable: true } : { extractable: true, modulusLength: 2048 };

/** The rows for a fresh key of each supported algorithm, private halves encrypted. */
export const generateSigningKeyRows = async (tenantId: string) => {
  const { keyEncryptionKey } = getEnv();

  return Promise.all(
    SIGNING_ALGS.map(async (alg) => {
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
    }),
  );
};

export type TenantKeys = {
  /** The active signing key for each algorithm. */
  signing: Map<SigningAlg, { kid: string; privateKey: CryptoKey }>;
  /** Public JWKs of every non-retired key: the tenant's JWKS. */
  jwks: { keys: JWK[] };
};

/** Keys per tenant, tagged with the settings epoch observed when their load began. */
const keyCache = new Map<string, { epoch: number | undefined; keys: Promise<TenantKeys> }>();

const loadTenantKeys = async (db: Db, tenantId: string): Promise<TenantKeys> => {
  const rows = await db.signingKey.findMany({
    where: { tenantId, retiredAt: null },
    orderBy: { createdAt: 'desc' },
  });
  const { keyEncryptionKey } = getEnv();
  const signing = new Map<SigningAlg, { kid: string; privateKey: CryptoKey }>();
  for (const row of rows) {
    if (!isSigningAlg(row.alg) || signing.has(row.alg)) continue;
    const privateKey = (await importJWK(
      decryptPrivateJwk(row.encryptedPrivateJwk, row.kid, keyEncryptionKey),
      row.alg,
    )) as CryptoKey;
    signing.set(row.alg, { kid: row.kid, privateKey });
  }

  return { signing, jwks: { keys: rows.map((row) => JSON.parse(row.publicJwk) as JWK) } };
};

/**
 * A tenant's keys, decrypted and imported once and cached until the settings
 * epoch moves: a key change (rotation, retirement) bumps the epoch in its
 * transaction, and the next protocol request, which reads the epoch anyway,
 * makes the next call here reload. No query while the epoch stands.
 */
export const getTenantKeys = (db: Db, tenantId: string): Promise<TenantKeys> => {
  const epoch = observedSettingsEpoch();
  const cached = keyCache.get(tenantId);
  if (cached && cached.epoch === epoch) return cached.keys;
  const entry = { epoch, keys: loadTenantKeys(db, tenantId) };
  keyCache.set(tenantId, entry);
  entry.keys.catch(() => {
    if (keyCache.get(tenantId) === entry) keyCache.delete(tenantId);
  });

  return entry.keys;
};
