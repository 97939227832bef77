import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashUserCode, USER_CODE_SCRYPT, verifyUserCode } from '@/lib/ciba/user-code-hash';

// User codes (CIBA §7.1.2) are stored as a slow password hash (scrypt), never plain.

describe('hashUserCode / verifyUserCode (CIBA §7.1.2 user_code storage)', () => {
  it('stores scrypt$N$r$p$salt$hash with a fresh 16-byte salt, and verifies only the right code', async () => {
    const stored = await hashUserCode('7391-kite');
    const [prefix, N, r, p, salt, hash] = stored.split('$');
    expect([prefix, Number(N), Number(r), Number(p)]).toEqual(['scrypt', USER_CODE_SCRYPT.N, USER_CODE_SCRYPT.r, 1]);
    expect(Buffer.from(salt, 'base64url')).toHaveLength(16);
    expect(Buffer.from(hash, 'base64url')).toHaveLength(32);
    expect(stored).not.toContain('7391-kite');
    expect(await hashUserCode('7391-kite')).not.toBe(stored);
    expect(await verifyUserCode('7391-kite', stored)).toEqual({ ok: true, needsRehash: false });
    expect(await verifyUserCode('7391-kitf', stored)).toEqual({ ok: false, needsRehash: false });
    expect(await verifyUserCode('', stored)).toEqual({ ok: false, needsRehash: false });
  });

  it('verifies the legacy SHA-256 values and asks for a rehash on success', async () => {
    const legacy = createHash('sha256').update('open sesame').digest('base64url');
    expect(await verifyUserCode('open sesame', legacy)).toEqual({ ok: true, needsRehash: true });
    expect(await verifyUserCode('open sesamE', legacy)).toEqual({ ok: false, needsRehash: false });
  });

  it('asks for a rehash of a hash with weaker parameters', async () => {
    const { scrypt } = await import('node:crypto');
    const salt = Buffer.alloc(16, 7);
    const key = await new Promise<Buffer>((resolve, reject) =>
      scrypt('1234', salt, 32, { N: 1024, r: 8, p: 1 }, (error, derived) => (error ? reject(error) : resolve(derived))),
    );
    const weak = ['scrypt', 1024, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
    expect(await verifyUserCode('1234', weak)).toEqual({ ok: true, needsRehash: true });
  });

  it('never matches a malformed or absurd stored value, and never throws', async () => {
    for (const stored of [
      '',
      'scrypt$',
      'scrypt$3$8$1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA',
      `scrypt$${2 ** 30}$8$1$AAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA`,
      'plain',
    ]) {
      expect(await verifyUserCode('1234', stored)).toEqual({ ok: false, needsRehash: false });
    }
  });

  it('does not block the event loop while hashing (scrypt runs on the thread pool)', async () => {
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 1);
    const started = performance.now();
    await Promise.all([hashUserCode('a-code'), hashUserCode('b-code')]);
    const elapsed = performance.now() - started;
    clearInterval(timer);
    // A synchronous hash would let no timer run at all until it returned.
    expect(ticks).toBeGreaterThan(Math.min(5, elapsed / 10));
  });
});
