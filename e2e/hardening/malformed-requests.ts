// A deterministic corpus of malformed HTTP requests across every route kind, as raw bytes (so
// invalid escapes, methods and headers go out exactly as written), and a raw sender.
import { connect } from 'node:net';

/** mulberry32: a small seeded generator, so a failure can be replayed from its index. */
const seeded = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;

  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const METHODS = ['GET', 'GET', 'HEAD', 'POST', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE', 'PROPFIND', 'M-SEARCH'];

/** Route kinds, `$` standing for a mutated segment. */
const PATHS = [
  // pages
  '/',
  '/$',
  '/t/acme/approve/$',
  '/t/$/approve/$',
  '/t/acme/approve/done?outcome=$',
  '/t/acme/approve/$/decision',
  '/admin/sign-in',
  '/admin/sign-in/confirm?token=$',
  '/admin/sign-in/check-email',
  // console
  '/admin',
  '/admin/$',
  '/admin/t/$',
  '/admin/t/acme/requests/$',
  '/admin/t/acme/applications/$',
  '/admin/t/acme/requests/live',
  // Management API, Auth.js
  '/api/v1/tenants',
  '/api/v1/tenants/$',
  '/api/v1/tenants/acme/clients/$',
  '/api/v1/$',
  '/api/auth/$',
  '/api/auth/callback/resend?token=$',
  // protocol endpoints
  '/t/acme/.well-known/openid-configuration',
  '/t/$/.well-known/jwks.json',
  '/t/acme/bc-authorize',
  '/t/acme/oauth/token',
  '/t/$/userinfo',
  '/t/acme/$',
  // framework
  '/_next/$',
  '/_next/static/$',
  '/_next/image?url=$',
];

const SEGMENTS = [
  '%ff',
  '%',
  '%zz',
  '%e2%82',
  '%c0%af',
  '%00',
  '%2e%2e',
  '..',
  '%2F',
  'a;b',
  '~',
  '*',
  'x'.repeat(2_000),
  'caf%C3%A9',
  '\u00e9',
  'abc?x=%ff',
  '%25ff',
  '$ACTION_ID_0',
  'index.html',
  '',
];

/** Header lines (without CRLF) that Next.js, Auth.js or our routers read. */
const HEADERS = [
  'RSC: 1',
  'Next-Action: 00ff',
  'Next-Action: %ff',
  'Next-Action: 7f8a9b0c1d2e3f405162738495a6b7c8d9e0f1a2b3',
  'Next-Router-State-Tree: %ff',
  'Next-Router-State-Tree: ["",{"children":["x",{}]}]',
  'Next-Router-Prefetch: 1',
  'Next-Router-Segment-Prefetch: /%ff',
  'Next-Url: /%ff',
  'Origin: not a url',
  'Origin: null',
  'Origin: http://evil.example',
  'Referer: %ff',
  'Cookie: authjs.session-token=%ff; authjs.csrf-token=',
  'Cookie: =; ;;',
  'Authorization: Bearer %ff',
  'Authorization: Basic ####',
  'Authorization: Basic ' + Buffer.from('%ff:%zz').toString('base64'),
  'Accept: text/x-component',
  'Accept: */*;q=garbage',
  'Accept-Encoding: br;q=x, gzip;q=-1',
  'Accept-Language: ' + 'x'.repeat(500),
  'If-None-Match: *',
  'If-Modified-Since: yesterday',
  'Range: bytes=garbage',
  'X-Forwarded-Host: evil.example',
  'X-Forwarded-Proto: gopher',
  'X-Forwarded-For: not-an-ip',
  'X-Request-Id: ' + 'r'.repeat(300),
  'X-Middleware-Subrequest: middleware:middleware:middleware:middleware:middleware',
  'Purpose: prefetch',
  'Upgrade: websocket',
];

/** Bodies, each with the content type it claims (not necessarily what it is). */
const BODIES: [contentType: string | null, body: string][] = [
  [null, ''],
  ['application/x-www-form-urlencoded', '%ff=%zz&&=&grant_type=%'],
  ['application/x-www-form-urlencoded', 'decision=approve&csrf_token=x'],
  ['multipart/form-data; boundary=x', 'x'],
  ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="$ACTION_ID_abc"\r\n\r\n\r\n--x--\r\n'],
  ['multipart/form-data', '--\r\n'],
  ['application/json', '{"a":'],
  ['application/json', '[]'],
  ['text/plain;charset=utf-8', '["$K1"]'],
  ['text/x-component', '\u0000\u0001'],
  ['application/jwt', 'a.b.c'],
];

/** One raw request: `Connection: close` and a correct Content-Length, everything else as generated. */
export type MalformedRequest = { label: string; bytes: Buffer };

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)];

/** `count` requests from `seed`; the same arguments always give the same requests. */
export const malformedRequests = (count: number, seed = 9): MalformedRequest[] => {
  const random = seeded(seed);
  const requests: MalformedRequest[] = [];
  for (let index = 0; index < count; index++) {
    const method = pick(random, METHODS);
    const path = pick(random, PATHS).replace(/\$/g, () => pick(random, SEGMENTS));
    const headers: string[] = [];
    const headerCount = Math.floor(random() * 4);
    for (let n = 0; n < headerCount; n++) headers.push(pick(random, HEADERS));
    const [contentType, body] = method === 'GET' || method === 'HEAD' ? BODIES[0] : pick(random, BODIES);
    if (contentType) headers.push(`Content-Type: ${contentType}`);
    const bodyBytes = Buffer.from(body, 'utf8');
    const head =
      `${method} ${path} HTTP/1.1\r\nHost: localhost\r\n` +
      headers.map((line) => `${line}\r\n`).join('') +
      `Content-Length: ${bodyBytes.length}\r\nConnection: close\r\n\r\n`;
    requests.push({
      label: `#${index} ${method} ${path.slice(0, 120)} [${headers.join(' | ').slice(0, 300)}]`,
      // latin1: a non-ASCII character in the request line goes out as one raw byte.
      bytes: Buffer.concat([Buffer.from(head, 'latin1'), bodyBytes]),
    });
  }

  return requests;
};

/** Sends the bytes on a new connection; resolves with the status code, or null when the server closed without one. */
export const sendRaw = (port: number, bytes: Buffer, timeoutMs = 15_000): Promise<number | null> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let head = '';
    const done = (status: number | null) => {
      socket.destroy();
      resolve(status);
    };
    socket.setTimeout(timeoutMs, () => done(null));
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3}) /.exec(head);
      if (status) done(Number(status[1]));
      else if (head.length > 64) done(null);
    });
    socket.on('error', () => done(null));
    socket.on('close', () => done(null));
    socket.write(bytes);
  });
