import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { summarizeJwks, summarizeJwksText } from '@/lib/clients/summarize-jwks';

const publicJwk = (type: 'rsa' | 'ec' | 'ed25519', extra: Record<string, unknown> = {}) => {
  const { publicKey } =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : type === 'ec'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('ed25519');

  return { ...publicKey.export({ format: 'jwk' }), ...extra };
};

describe('summarizeJwks', () => {
  it('describes each key by id, type, curve or size, alg, use and certificate', () => {
    const summary = summarizeJwks({
      keys: [
        publicJwk('rsa', { kid: 'rsa-1', alg: 'PS256', use: 'sig' }),
        publicJwk('ec', { kid: 'ec-1', x5c: ['MIIB…'] }),
        publicJwk('ed25519'),
      ],
    });
    expect(summary).toEqual([
      { kid: 'rsa-1', kty: 'RSA', detail: '2048 bits', alg: 'PS256', use: 'sig', hasCertificate: false, isPrivate: false },
      { kid: 'ec-1', kty: 'EC', detail: 'P-256', alg: null, use: null, hasCertificate: true, isPrivate: false },
      { kid: null, kty: 'OKP', detail: 'Ed25519', alg: null, use: null, hasCertificate: false, isPrivate: false },
    ]);
  });

  it('never echoes key material; a private key is only flagged', () => {
    const summary = summarizeJwks({ keys: [{ ...publicJwk('ec'), d: 'secret-d', kid: 'k' }] });
    expect(summary[0].isPrivate).toBe(true);
    const text = JSON.stringify(summary);
    expect(text).not.toContain('secret-d');
    expect(text).not.toMatch(/"(n|x|y|d|e)":/);
  });

  it('is empty for anything that is not a key set', () => {
    for (const value of [null, 'keys', [], {}, { keys: 'x' }]) expect(summarizeJwks(value)).toEqual([]);
    expect(summarizeJwks({ keys: [null, 3, { kty: 'RSA' }] })).toEqual([
      { kid: null, kty: 'RSA', detail: null, alg: null, use: null, hasCertificate: false, isPrivate: false },
    ]);
  });
});

describe('summarizeJwksText', () => {
  it('summarises typed JSON, or says why it is not a key set yet', () => {
    expect(summarizeJwksText('  ')).toEqual({ keys: [] });
    expect(summarizeJwksText('{"keys":')).toEqual({ problem: 'Not valid JSON yet.' });
    expect(summarizeJwksText('{"kty":"EC"}')).toEqual({ problem: 'Not a key set: expected {"keys":[…]}.' });
    expect(summarizeJwksText(JSON.stringify({ keys: [publicJwk('ec', { kid: 'a' })] }))).toMatchObject({
      keys: [{ kid: 'a', kty: 'EC', detail: 'P-256' }],
    });
  });
});
