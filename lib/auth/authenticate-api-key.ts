import { timingSafeEqual } from 'node:crypto';
import { API_KEY_PREFIX } from '@/lib/admin/create-api-key';
import type { Principal } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { log } from '@/lib/log';
import { sha256Base64Url } from '@/lib/oauth/crypto';

/** `Authorization: Bearer <token>` (RFC 6750 §2.1): the scheme case-insensitive, the token a token68. */
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*) *$/i;

/** What a key created by createApiKey looks like: `bck_` + 43 base64url characters (256 bits). */
const API_KEY_SHAPE = new RegExp(`^${API_KEY_PREFIX}[A-Za-z0-9_-]{43}$`);

/** `lastUsedAt` is written at most this often per key, so a busy script does not turn reads into writes. */
export const API_KEY_LAST_USED_RESOLUTION_MS = 60_000;

const sameHash = (a: string, b: string): boolean => {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');

  return left.length === right.length && timingSafeEqual(left, right);
};

/** Notes that the key was used, unless that was noted less than a minute ago (one conditional write, race-free). */
const touchLastUsed = async (db: Db, id: string, now: Date): Promise<void> => {
  const staleBefore = new Date(now.getTime() - API_KEY_LAST_USED_RESOLUTION_MS);
  try {
    await db.apiKey.updateMany({
      where: { id, revokedAt: null, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: staleBefore } }] },
      data: { lastUsedAt: now },
    });
  } catch (error) {
    log.warn({ err: error, apiKeyId: id }, 'could not record when an API key was last used');
  }
};

/**
 * The principal a Management API request authenticates as, from its
 * `Authorization` header: `Bearer bck_…`. The key is looked up by its SHA-256
 * (a unique index: one indexed read, whatever the number of keys) and the
 * stored hash compared in constant time. Null — the caller answers 401 — for
 * a missing or malformed header, an unknown key, or a revoked one. Records
 * `lastUsedAt`, at most once a minute per key.
 */
export const authenticateApiKey = async (
  db: Db,
  authorization: string | undefined,
  now: Date = new Date(),
): Promise<Extract<Principal, { kind: 'api_key' }> | null> => {
  const token = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
  if (token === undefined || !API_KEY_SHAPE.test(token)) return null;
  const presentedHash = sha256Base64Url(token);
  const key = await db.apiKey.findUnique({
    where: { keyHash: presentedHash },
    select: { id: true, name: true, tenantId: true, keyHash: true, revokedAt: true, lastUsedAt: true },
  });
  if (!key || !sameHash(key.keyHash, presentedHash) || key.revokedAt !== null) return null;
  if (key.lastUsedAt === null || now.getTime() - key.lastUsedAt.getTime() >= API_KEY_LAST_USED_RESOLUTION_MS) {
    await touchLastUsed(db, key.id, now);
  }

  return { kind: 'api_key', id: key.id, name: key.name, tenantId: key.tenantId };
};
