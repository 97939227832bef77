import { beforeEach, describe, expect, it } from 'vitest';
import { csrfTokenFor, isSameOriginPost, verifyCsrfToken } from '@/lib/security/csrf';

const resetEnv = (authSecret: string) => {
  process.env.AUTH_SECRET = authSecret;
  process.env.BACKCHANNEL_KEY_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64url');
  (globalThis as { backchannelEnv?: unknown }).backchannelEnv = undefined;
};

beforeEach(() => resetEnv('test-secret-one'));

describe('csrfTokenFor / verifyCsrfToken', () => {
  it('is a deterministic base64url HMAC bound to purpose and binding', () => {
    const token = csrfTokenFor('ciba-approval', 'hash-1');

    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(csrfTokenFor('ciba-approval', 'hash-1')).toBe(token);
    expect(verifyCsrfToken('ciba-approval', 'hash-1', token)).toBe(true);
  });

  it.each([
    ['another binding', 'ciba-approval', 'hash-2'],
    ['another purpose', 'other-form', 'hash-1'],
  ])('rejects a token presented for %s', (_label, purpose, binding) => {
    const token = csrfTokenFor('ciba-approval', 'hash-1');

    expect(verifyCsrfToken(purpose, binding, token)).toBe(false);
  });

  it('rejects tokens made with another AUTH_SECRET', () => {
    const token = csrfTokenFor('ciba-approval', 'hash-1');
    resetEnv('test-secret-two');

    expect(verifyCsrfToken('ciba-approval', 'hash-1', token)).toBe(false);
  });

  it.each([[undefined], [null], [''], [42], [['x']], ['x'.repeat(10_000)], ['not-the-token']])('rejects %j', (value) => {
    expect(verifyCsrfToken('ciba-approval', 'hash-1', value)).toBe(false);
  });
});

describe('isSameOriginPost', () => {
  const appUrl = 'https://op.example.test';
  const check = (headers: Record<string, string>) => isSameOriginPost(new Headers(headers), appUrl);

  it.each([
    ['matching Origin', { origin: 'https://op.example.test' }],
    ['Sec-Fetch-Site: same-origin', { 'sec-fetch-site': 'same-origin' }],
    [
      'Origin: null from a no-referrer page, with Sec-Fetch-Site: same-origin',
      { origin: 'null', 'sec-fetch-site': 'same-origin' },
    ],
    ['no Origin, matching Referer', { referer: 'https://op.example.test/t/acme/approve/x' }],
  ])('accepts %s', (_label, headers) => {
    expect(check(headers)).toBe(true);
  });

  it.each([
    ['no headers at all', {}],
    ['another origin', { origin: 'https://evil.example' }],
    ['another scheme', { origin: 'http://op.example.test' }],
    ['another port', { origin: 'https://op.example.test:8443' }],
    ['Origin: null alone', { origin: 'null' }],
    ['cross-site fetch metadata', { 'sec-fetch-site': 'cross-site' }],
    ['same-site (a sibling subdomain) is not same-origin', { 'sec-fetch-site': 'same-site', origin: 'https://a.example.test' }],
    ['no Origin, foreign Referer', { referer: 'https://evil.example/op.example.test' }],
    ['no Origin, malformed Referer', { referer: 'not a url' }],
    ['mismatching Origin wins over a matching Referer', { origin: 'https://evil.example', referer: 'https://op.example.test/' }],
  ])('rejects %s', (_label, headers) => {
    expect(check(headers)).toBe(false);
  });

  it('compares with the origin of an APP_URL that has a path', () => {
    expect(isSameOriginPost(new Headers({ origin: 'https://op.example.test' }), 'https://op.example.test/backchannel')).toBe(
      true,
    );
  });
});
