import { createDecipheriv, createECDH, hkdfSync, randomBytes } from 'node:crypto';
import { Agent, createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeProtectedHeader, importJWK, jwtVerify, type JWTPayload } from 'jose';
import { createCertificateFactory } from '@/lib/testing/test-certificates';

/**
 * A browser's side of a Web Push subscription, made with node:crypto: the
 * P-256 key pair and the auth secret (RFC 8291 §2), and what the browser
 * hands the application server (`keys`, base64url).
 */
export type TestSubscriber = {
  keys: { p256dh: string; auth: string };
  /** Decrypts an aes128gcm body (RFC 8188) sent to this subscription (RFC 8291 §3.4). */
  decrypt: (body: Buffer) => Buffer;
};

const hkdf = (ikm: Buffer, salt: Buffer, info: Buffer, length: number): Buffer =>
  Buffer.from(hkdfSync('sha256', ikm, salt, info, length));

export const createTestSubscriber = (): TestSubscriber => {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const uaPublic = ecdh.getPublicKey();
  const authSecret = randomBytes(16);

  return {
    keys: { p256dh: uaPublic.toString('base64url'), auth: authSecret.toString('base64url') },
    decrypt: (body) => {
      // RFC 8188 §2.1 header: salt (16) | rs (uint32) | idlen (1) | keyid (the sender's public key, RFC 8291 §4).
      const salt = body.subarray(0, 16);
      const recordSize = body.readUInt32BE(16);
      const idLength = body[20];
      const asPublic = body.subarray(21, 21 + idLength);
      const records = body.subarray(21 + idLength);
      if (idLength !== 65) throw new Error(`keyid is ${idLength} bytes, not an uncompressed P-256 point`);
      if (records.length > recordSize) throw new Error('more than one record');
      // RFC 8291 §3.3–3.4: IKM from the ECDH secret and the auth secret, then the RFC 8188 key and nonce.
      const ecdhSecret = ecdh.computeSecret(asPublic);
      const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
      const ikm = hkdf(ecdhSecret, authSecret, keyInfo, 32);
      const cek = hkdf(ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16);
      const nonce = hkdf(ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12);
      const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
      decipher.setAuthTag(records.subarray(records.length - 16));
      const padded = Buffer.concat([decipher.update(records.subarray(0, records.length - 16)), decipher.final()]);
      // RFC 8188 §2: the last record ends with the delimiter 0x02, then zero padding.
      let end = padded.length - 1;
      while (end >= 0 && padded[end] === 0) end -= 1;
      if (padded[end] !== 2) throw new Error('the last record has no 0x02 padding delimiter');

      return padded.subarray(0, end);
    },
  };
};

/** One push a push service received: the headers that matter and the verified VAPID token. */
export type ReceivedPush = {
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** RFC 8292 §3: the `k` parameter (the application server's public key) and the verified JWT's claims. */
  vapid: { k: string; claims: JWTPayload } | { error: string };
};

export type TestPushService = {
  /** https://127.0.0.1:<port> — the `aud` of VAPID tokens for it. */
  origin: string;
  /** A subscription endpoint on this service. */
  endpoint: (name: string) => string;
  /** Trusts the service's self-signed certificate (for createWebPushHandler). */
  agent: Agent;
  received: ReceivedPush[];
  /** The next answers, one status per push; default 201 Created. */
  respondWith: (...statuses: number[]) => void;
  close: () => Promise<void>;
};

/** RFC 8292 §3.1: `Authorization: vapid t=<JWT>, k=<public key>`, verified with `k` (ES256, RFC 8292 §2). */
const verifyVapid = async (authorization: string | undefined, origin: string): Promise<ReceivedPush['vapid']> => {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? '');
  if (!match) return { error: `not a vapid Authorization header: ${authorization}` };
  const [, token, k] = match;
  const point = Buffer.from(k, 'base64url');
  if (point.length !== 65 || point[0] !== 4) return { error: 'k is not an uncompressed P-256 point' };
  if (decodeProtectedHeader(token).alg !== 'ES256') return { error: 'the token is not ES256' };
  const key = await importJWK(
    { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') },
    'ES256',
  );
  try {
    const { payload } = await jwtVerify(token, key, { audience: origin, algorithms: ['ES256'] });

    return { k, claims: payload };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
};

/**
 * A real push service (RFC 8030 §5) on 127.0.0.1 over HTTPS with a
 * self-signed certificate: records each push with its verified VAPID token
 * and answers 201 (or the statuses queued with respondWith).
 */
export const startTestPushService = async (): Promise<TestPushService> => {
  const certificate = createCertificateFactory().selfSigned('/CN=push.localhost', { serverName: 'localhost' });
  const received: ReceivedPush[] = [];
  const answers: number[] = [];
  let origin = '';
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    received.push({
      path: request.url ?? '',
      headers: request.headers,
      body: Buffer.concat(chunks),
      vapid: await verifyVapid(request.headers.authorization, origin),
    });
    const status = answers.shift() ?? 201;
    response.writeHead(status, status === 201 ? { location: `${origin}/messages/${received.length}` } : {});
    response.end(status === 201 ? '' : `status ${status}`);
  };
  const server: Server = createServer({ cert: certificate.cert, key: certificate.key }, (request, response) => {
    void handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const agent = new Agent({ ca: certificate.cert });

  return {
    origin,
    endpoint: (name) => `${origin}/push/${name}`,
    agent,
    received,
    respondWith: (...statuses) => answers.push(...statuses),
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
