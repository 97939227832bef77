import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * How a user code (CIBA §7.1.2) is stored: a slow password hash, never the
 * code. `scrypt$<N>$<r>$<p>$<salt>$<hash>` (salt and hash base64url), so the
 * parameters can be raised later without breaking stored codes.
 *
 * N = 2^14, r = 8, p = 1 (16 MiB, about 55 ms per hash on the 2-core
 * development machine under load, 2026-12): slow enough that a leaked table
 * costs an attacker real work per guess, fast enough for bc-authorize. scrypt
 * runs on libuv's thread pool (the async form only), so it never blocks the
 * event loop.
 */
export const USER_CODE_SCRYPT = { N: 2 ** 14, r: 8, p: 1, saltBytes: 16, keyBytes: 32 } as const;

const PREFIX = 'scrypt';

/** Largest cost we accept from a stored hash (a corrupt row must not make us allocate gigabytes). */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

const scryptAsync = (code: string, salt: Buffer, keyBytes: number, options: ScryptOptions): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    scrypt(code.normalize('NFC'), salt, keyBytes, options, (error, key) => (error ? reject(error) : resolve(key))),
  );

/** scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is raised to fit what we ask for. */
const maxmemOf = (N: number, r: number) => 256 * N * r;

/** Hashes a user code with a fresh 16-byte salt: `scrypt$N$r$p$salt$hash`. */
export const hashUserCode = async (code: string): Promise<string> => {
  const { N, r, p, saltBytes, keyBytes } = USER_CODE_SCRYPT;
  const salt = randomBytes(saltBytes);
  const key = await scryptAsync(code, salt, keyBytes, { N, r, p, maxmem: maxmemOf(N, r) });

  return [PREFIX, N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
};

type ParsedScrypt = { N: number; r: number; p: number; salt: Buffer; key: Buffer };

const parseScrypt = (stored: string): ParsedScrypt | null => {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== PREFIX) return null;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const salt = Buffer.from(parts[4], 'base64url');
  const key = Buffer.from(parts[5], 'base64url');
  const valid =
    Number.isInteger(N) &&
    N > 1 &&
    N <= MAX_N &&
    (N & (N - 1)) === 0 &&
    Number.isInteger(r) &&
    r >= 1 &&
    r <= MAX_R &&
    Number.isInteger(p) &&
    p >= 1 &&
    p <= MAX_P &&
    salt.length >= 8 &&
    key.length >= 16 &&
    key.length <= 64;

  return valid ? { N, r, p, salt, key } : null;
};

/** A legacy value: SHA-256 of the code, base64url (43 characters), as stored before the slow hash. */
const LEGACY_SHA256 = /^[A-Za-z0-9_-]{43}$/;

export type UserCodeVerification = {
  ok: boolean;
  /** The code matched a value in an old format (SHA-256) or with weaker parameters: store `hashUserCode(code)` instead. */
  needsRehash: boolean;
};

/**
 * Verifies a user code against its stored hash in constant time (for a given
 * stored value). Accepts the current scrypt format and the legacy SHA-256
 * values stored before it, which succeed with `needsRehash` so the caller
 * replaces them on this successful use. A malformed stored value never
 * matches. Never throws for bad input.
 */
export const verifyUserCode = async (code: string, stored: string): Promise<UserCodeVerification> => {
  const parsed = parseScrypt(stored);
  if (parsed) {
    const { N, r, p, salt, key } = parsed;
    const candidate = await scryptAsync(code, salt, key.length, { N, r, p, maxmem: maxmemOf(N, r) });
    const ok = timingSafeEqual(candidate, key);
    const current = USER_CODE_SCRYPT;

    return { ok, needsRehash: ok && (N < current.N || r < current.r || p < current.p) };
  }
  if (LEGACY_SHA256.test(stored)) {
    // SHA-256 of the code as it was stored (no normalisation then); compared in constant time.
    const candidate = createHash('sha256').update(code, 'utf8').digest();
    const ok = timingSafeEqual(candidate, Buffer.from(stored, 'base64url'));

    return { ok, needsRehash: ok };
  }

  return { ok: false, needsRehash: false };
};

/**
 * A stand-in verification with the current parameters, for an attempt that
 * has no stored code to check (or must fail anyway): the answer takes as
 * long as a real one, so timing does not tell a locked or code-less user apart.
 */
export const burnUserCodeVerification = async (code: string): Promise<void> => {
  const { N, r, p, saltBytes, keyBytes } = USER_CODE_SCRYPT;
  await scryptAsync(code, Buffer.alloc(saltBytes), keyBytes, { N, r, p, maxmem: maxmemOf(N, r) });
};
