import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant } from '@/lib/admin/create-tenant';
import { createHttpLayer, readClientCertificate, type FallbackHandler } from '@/lib/http/http-layer';
import { useTestDatabase } from '@/lib/testing/test-database';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });

    return true;
  } catch {
    console.warn('http-layer TLS tests skipped: no openssl to make test certificates');

    return false;
  }
})();

type Reply = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

const send = (request: typeof httpRequest | typeof httpsRequest, options: RequestOptions, body?: Buffer) =>
  new Promise<Reply>((resolve, reject) => {
    const outgoing = request(options, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString() }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });

/** Echoes the client certificate the layer saw, for paths that are not protocol endpoints. */
const echoCertificate: FallbackHandler = async (request, response) => {
  response.end(JSON.stringify(readClientCertificate(request.socket) ?? null));
};

let cleanup: () => Promise<void>;

beforeAll(async () => {
  let db;
  ({ db, cleanup } = await useTestDatabase());
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' });
});

afterAll(async () => cleanup());

describe('plain HTTP layer', () => {
  it('serves revocation and introspection itself (client authentication first: 401 invalid_client)', async () => {
    const server = createHttpLayer({ fallback: async (_request, response) => void response.end('next') });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      for (const path of ['/t/acme/revoke', '/t/acme/introspect']) {
        const body = Buffer.from('token=abc');
        const reply = await send(
          httpRequest,
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path,
            headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length },
          },
          body,
        );
        expect({ status: reply.status, error: JSON.parse(reply.body).error }).toEqual({ status: 401, error: 'invalid_client' });
      }
    } finally {
      server.close();
    }
  });

  it('refuses a body over the limit whole (400 invalid_request), never a truncated one', async () => {
    const server = createHttpLayer({ fallback: async (_request, response) => void response.end('next') });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const body = Buffer.from(`scope=openid&login_hint=a%40b.c&padding=${'x'.repeat(100_000)}`);
      const reply = await send(
        httpRequest,
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/t/acme/bc-authorize',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length },
        },
        body,
      );
      expect(reply.status).toBe(400);
      expect(JSON.parse(reply.body).error).toBe('invalid_request');
      expect((await send(httpRequest, { host: '127.0.0.1', port, path: '/' })).body).toBe('next');
    } finally {
      server.close();
    }
  });
});

describe('plain HTTP layer: security headers and screening', () => {
  let server: ReturnType<typeof createHttpLayer>;
  let port: number;
  const fallbackCalls: string[] = [];

  beforeAll(async () => {
    server = createHttpLayer({
      fallback: async (request, response) => {
        fallbackCalls.push(`${request.method} ${request.url}`);
        response.end('next');
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ({ port } = server.address() as AddressInfo);
  });

  afterAll(() => server.close());

  const request = (method: string, path: string) => send(httpRequest, { host: '127.0.0.1', port, method, path, agent: false });

  it('answers protocol and Management API responses with the non-page security headers, no HSTS over plain HTTP', async () => {
    for (const reply of [
      await request('GET', '/t/acme/.well-known/openid-configuration'),
      await request('GET', '/api/v1/tenants'),
    ]) {
      expect(reply.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'same-origin',
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      });
      expect(reply.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it.each([
    ['TRACE', '/t/beta/nope', 405, '405 Method Not Allowed: The method TRACE is not allowed.\n'],
    ['GET', '/t/alpha/approve/%ff', 400, '400 Bad Request: The path has an invalid percent-escape.\n'],
    ['POST', '/t/alpha/approve/%ff/decision', 400, '400 Bad Request: The path has an invalid percent-escape.\n'],
  ])('refuses %s %s with %i before Next.js sees it', async (method, path, status, body) => {
    fallbackCalls.length = 0;
    const reply = await request(method, path);

    expect(reply).toMatchObject({ status, body });
    expect(reply.headers).toMatchObject({
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    });
    if (status === 405) expect(reply.headers.allow).toBe('GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS');
    expect(fallbackCalls).toEqual([]);
  });

  it('answers CONNECT with a 405, then closes', async () => {
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      let data = '';
      socket.on('data', (chunk: Buffer) => (data += chunk.toString()));
      socket.on('error', reject);
      socket.on('close', () => resolve(data));
      socket.write('CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\n');
    });

    expect(reply).toMatch(
      /^HTTP\/1\.1 405 Method Not Allowed\r\n[\s\S]*\r\n\r\n405 Method Not Allowed: The method CONNECT is not allowed\.\n$/,
    );
  });

  it('leaves the protocol router to answer its own methods (OAuth JSON 405)', async () => {
    const reply = await request('TRACE', '/t/acme/bc-authorize');

    expect(reply.status).toBe(405);
    expect(JSON.parse(reply.body).error).toBe('invalid_request');
  });
});

describe.runIf(hasOpenssl)('TLS termination with client certificates (for mutual TLS)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'backchannel-tls-'));
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  let server: ReturnType<typeof createHttpLayer>;
  let port: number;

  beforeAll(async () => {
    openssl('req', '-x509', ...ecKey, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=Test CA');
    writeFileSync(file('server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    for (const [name, subject, ext] of [
      ['server', '/CN=localhost', ['-extfile', 'server.ext']],
      ['client', '/CN=client-one', []],
    ] as const) {
      openssl('req', ...ecKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
      openssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        `${name}.pem`,
        '-days',
        '1',
        ...ext,
      );
    }
    openssl('req', '-x509', ...ecKey, '-keyout', 'self.key', '-out', 'self.pem', '-days', '1', '-subj', '/CN=self-signed');
    server = createHttpLayer({
      fallback: echoCertificate,
      tls: { certFile: file('server.pem'), keyFile: file('server.key'), caFile: file('ca.pem') },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ({ port } = server.address() as AddressInfo);
  });

  afterAll(() => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string, client?: 'client' | 'self') =>
    send(httpsRequest, {
      host: '127.0.0.1',
      port,
      path,
      ca: readFileSync(file('ca.pem')),
      servername: 'localhost',
      ...(client ? { cert: readFileSync(file(`${client}.pem`)), key: readFileSync(file(`${client}.key`)) } : {}),
      agent: false,
    });

  it('serves the protocol endpoints over HTTPS', async () => {
    const reply = await get('/t/acme/.well-known/openid-configuration', 'client');
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body).issuer).toBe('http://localhost:3999/t/acme');
  });

  it('sends HSTS on every response over TLS', async () => {
    for (const path of ['/t/acme/.well-known/openid-configuration', '/api/v1/tenants', '/whoami']) {
      expect((await get(path)).headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
    }
  });

  it('sees a CA-signed client certificate as chain-verified', async () => {
    const certificate = JSON.parse((await get('/whoami', 'client')).body);
    expect(certificate).toMatchObject({
      subject: 'CN=client-one',
      chainVerified: true,
      fingerprint256: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/),
    });
    expect(certificate.pem).toContain('BEGIN CERTIFICATE');
  });

  it('accepts a self-signed client certificate, marked unverified, and no certificate at all', async () => {
    expect(JSON.parse((await get('/whoami', 'self')).body)).toMatchObject({ subject: 'CN=self-signed', chainVerified: false });
    expect(JSON.parse((await get('/whoami')).body)).toBeNull();
  });
});
