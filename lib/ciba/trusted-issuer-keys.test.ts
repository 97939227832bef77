// Fetching a trusted issuer's jwks_uri (lib/ciba/trusted-issuer-keys.ts): the notification
// endpoint's SSRF rules, a size limit, no redirects, public keys only — against a real local server.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchJwks, IssuerKeysUnavailable, JWKS_MAX_BYTES } from '@/lib/ciba/trusted-issuer-keys';
import { publicJwksProblem } from '@/lib/ciba/public-jwks';

let server: Server;
let origin: string;
let publicJwk: Record<string, unknown>;
let privateJwk: Record<string, unknown>;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1' };
  privateJwk = { ...(await exportJWK(pair.privateKey)), kid: 'k1' };
  server = createServer((request, response) => {
    switch (request.url) {
      case '/jwks':
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
        break;
      case '/private':
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [privateJwk] }));
        break;
      case '/huge':
        response.writeHead(200, { 'content-type': 'application/json' }).end(`{"keys":[],"pad":"${'x'.repeat(JWKS_MAX_BYTES)}"}`);
        break;
      case '/slow':
        // Headers, then a body that never ends.
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"keys":');
        break;
      case '/redirect':
        response.writeHead(302, { location: '/jwks' }).end();
        break;
      default:
        response.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const refusal = async (uri: string, allowHttpLoopback = true) => {
  const error = await fetchJwks(uri, { allowHttpLoopback }).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(IssuerKeysUnavailable);

  return (error as Error).message;
};

describe('fetchJwks', () => {
  it('reads a public key set from an http loopback uri when the switch allows it', async () => {
    expect(await fetchJwks(`${origin}/jwks`, { allowHttpLoopback: true })).toEqual({ keys: [publicJwk] });
  });

  it.each<[string, string, RegExp]>([
    ['a private key', '/private', /private member "d"/],
    ['a document over the size limit', '/huge', /larger than 65536 bytes/],
    ['a redirect (never followed)', '/redirect', /HTTP 302 \(redirects are never followed\)/],
    ['an error status', '/missing', /HTTP 404/],
    ['a body that never ends (the deadline)', '/slow', /no answer within 3000 ms/],
  ])('refuses %s', async (_name, path, message) => {
    expect(await refusal(`${origin}${path}`)).toMatch(message);
  });

  it('refuses loopback without the switch, and private or link-local addresses always', async () => {
    expect(await refusal(`${origin}/jwks`, false)).toMatch(/not allowed/);
    expect(await refusal('https://10.0.0.1/jwks')).toMatch(/loopback, private or link-local/);
    expect(await refusal('https://169.254.169.254/jwks')).toMatch(/loopback, private or link-local/);
  });
});

describe('publicJwksProblem', () => {
  it.each<[unknown, RegExp | null]>([
    [{ keys: [{ kty: 'RSA', n: 'x', e: 'AQAB' }] }, null],
    [{ keys: [] }, /non-empty/],
    [[], /JWKS object/],
    [{ keys: [{ kty: 'oct', k: 'c2VjcmV0' }] }, /kty "oct"/],
    [{ keys: [{ kty: 'RSA', n: 'x', e: 'AQAB', p: 'y' }] }, /private member "p"/],
  ])('%j → %s', (value, problem) => {
    const found = publicJwksProblem(value);
    if (problem === null) expect(found).toBeNull();
    else expect(found).toMatch(problem);
  });
});
