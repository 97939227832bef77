import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A URL-safe random token ([A-Za-z0-9_-]) carrying `bytes` × 8 bits of entropy. */
export const randomToken = (bytes: number): string => randomBytes(bytes).toString('base64url');

/** SHA-256 of a UTF-8 string, base64url: how every secret and one-time token is stored. */
export const sha256Base64Url = (value: string): string => createHash('sha256').update(value, 'utf8').digest('base64url');

/**
 * Constant-time string comparison. Both sides are hashed first so the
 * comparison takes the same time whatever their lengths.
 */
export const constantEquals = (a: string, b: string): boolean =>
  timingSafeEqual(createHash('sha256').update(a, 'utf8').digest(), createHash('sha256').update(b, 'utf8').digest());
