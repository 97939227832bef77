import { createHash, createPublicKey } from 'node:crypto';
import { createServer as createPlainServer, request as httpRequest, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { decodeJwt, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { completeBackchannelRequest } from '@/lib/ciba/complete-backchannel-request';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import { JWKS_REFETCH_COOLDOWN_MS } from '@/lib/ciba/trusted-issuer-keys';
import { getClientKeyCache } from '@/lib/clients/client-keys';
import type { Db } from '@/lib/db/client';
import { createHttpLayer } from '@/lib/http/http-layer';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { turnOffAbuseLimits } from '@/lib/testing/abuse-limits';
import { deliverOutbox, TEST_ACTOR, testStore } from '@/lib/testing/outbox';
import { startCallbackReceiver } from '@/lib/testing/callback-receiver';
import { createCertificateFactory, type TestCertificate } from '@/lib/testing/test-certificates';
import { useTestDatabase } from '@/lib/testing/test-database';

const certs = createCertificateFactory();
const server = certs.selfSigned('/CN=localhost', { serverName: 'localhost' });
const clientCa = certs.createCa('/O=Acme/CN=Acme Client CA');
const otherCa = certs.createCa('/O=Acme/CN=Acme Client CA');
const DESK_SUBJECT = '/C=SE/O=Acme\\, Inc./CN=desk+UID=7';
const DESK_DN = 'UID=7+CN=desk,O=Acme\\, Inc.,C=SE';
const desk = clientCa.issue(DESK_SUBJECT);
const renewedDesk = clientCa.issue(DESK_SUBJECT);
const wrongSubject = clientCa.issue('/C=SE/O=Acme\\, Inc./CN=kiosk+UID=7');
const foreign = otherCa.issue(DESK_SUBJECT);
const expired = clientCa.issue(DESK_SUBJECT, {
  notBefore: new Date('2020-01-01T00:00:00Z'),
  notAfter: new Date('2020-01-02T00:00:00Z'),
});
const selfSigned = certs.selfSigned('/CN=self-signed desk');
const strangerSelfSigned = certs.selfSigned('/CN=self-signed desk');

const jwkOf = (certificate: TestCertificate): JWK => ({
  ...(createPublicKey(certificate.cert).export({ format: 'jwk' }) as JWK),
  use: 'sig',
});
const thumbprint = (certificate: TestCertificate) => createHash('sha256').update(certificate.x509.raw).digest('base64url');

let db: Db;
let cleanup: () => Promise<void>;
let alice: { email: string };
let tlsClientId: string;
let selfSignedClientId: string;
let jwksUriClientId: string;
let https: Server;
let proxied: Server;
let untrustedProxy: Server;
let jwksServer: Server;
let jwksHits = 0;
const served: { keys: JWK[] } = { keys: [] };

const listen = async (layer: Server): Promise<number> => {
  await new Promise<void>((resolve) => layer.listen(0, '127.0.0.1', resolve));

  return (layer.address() as AddressInfo).port;
};
const ports: Record<'https' | 'proxied' | 'untrusted', number> = { https: 0, proxied: 0, untrusted: 0 };

type Reply = { status: number; headers: Record<string, string | string[] | undefined>; json: Record<string, unknown> };

/** A request to one of the layers: over HTTPS with (or without) a client certificate, or plain HTTP via a "proxy". */
const send = (
  path: string,
  options: {
    form?: Record<string, string>;
    certificate?: TestCertificate;
    via?: 'https' | 'proxied' | 'untrusted';
    headers?: Record<string, string>;
    method?: string;
  },
) =>
  new Promise<Reply>((resolve, reject) => {
    const via = options.via ?? 'https';
    const body = options.form ? Buffer.from(new URLSearchParams(options.form).toString()) : Buffer.alloc(0);
    const common = {
      host: '127.0.0.1',
      port: ports[via],
      method: options.method ?? 'POST',
      path,
      agent: false as const,
      headers: {
        ...(options.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        'content-length': body.length,
        ...options.headers,
      },
    };
    const onResponse = (response: import('node:http').IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          json: JSON.parse(Buffer.concat(chunks).toString()),
        }),
      );
    };
    const outgoing =
      via === 'https'
        ? httpsRequest(
            {
              ...common,
              servername: 'localhost',
              ca: server.cert,
              ...(options.certificate ? { cert: options.certificate.cert, key: options.certificate.key } : {}),
            },
            onResponse,
          )
        : httpRequest(common, onResponse);
    outgoing.on('error', reject);
    outgoing.end(body);
  });

const escapedPem = (certificate: TestCertificate) => encodeURIComponent(certificate.cert);

const expectError = (reply: Reply, status: number, error: string) => {
  expect({ status: reply.status, error: reply.json.error }).toEqual({ status, error });
};

const startRequest = (
  clientId: string,
  certificate: TestCertificate | undefined,
  extra: Partial<Parameters<typeof send>[1]> = {},
) =>
  send('/t/acme/bc-authorize', {
    form: { client_id: clientId, scope: 'openid email offline_access', login_hint: alice.email },
    certificate,
    ...extra,
  });

/** bc-authorize, approval, then the token poll: the token response. */
const completeFlow = async (clientId: string, certificate: TestCertificate): Promise<Reply> => {
  const started = await startRequest(clientId, certificate);
  expect(started.status).toBe(200);
  const authReqId = started.json.auth_req_id as string;
  const stored = await db.backchannelRequest.findUniqueOrThrow({ where: { authReqIdHash: sha256Base64Url(authReqId) } });
  await completeBackchannelRequest(testStore(), { actor: TEST_ACTOR, requestId: stored.id, decision: 'approve' });

  return send('/t/acme/oauth/token', {
    form: { client_id: clientId, grant_type: CIBA_GRANT_TYPE, auth_req_id: authReqId },
    certificate,
  });
};

const setLoopbackSwitch = (on: boolean) => {
  if (on) process.env.ALLOW_HTTP_LOOPBACK_CALLBACKS = 'true';
  else delete process.env.ALLOW_HTTP_LOOPBACK_CALLBACKS;
  (globalThis as { backchannelEnv?: unknown }).backchannelEnv = undefined;
};

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' });
  await turnOffAbuseLimits(db, 'acme');
  alice = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com', name: 'Alice' });
  const grantTypes = [CIBA_GRANT_TYPE, 'refresh_token'];
  tlsClientId = (
    await createClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      metadata: {
        client_name: 'Desk (CA)',
        token_endpoint_auth_method: 'tls_client_auth',
        tls_client_auth_subject_dn: DESK_DN,
        grant_types: grantTypes,
      },
    })
  ).client_id;
  selfSignedClientId = (
    await createClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      metadata: {
        client_name: 'Desk (self-signed)',
        token_endpoint_auth_method: 'self_signed_tls_client_auth',
        jwks: { keys: [jwkOf(selfSigned)] },
        grant_types: grantTypes,
      },
    })
  ).client_id;

  jwksServer = createPlainServer((_request, response) => {
    jwksHits += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(served));
  });
  const jwksPort = await listen(jwksServer);
  setLoopbackSwitch(true);
  jwksUriClientId = (
    await createClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      metadata: {
        client_name: 'Desk (jwks_uri)',
        token_endpoint_auth_method: 'self_signed_tls_client_auth',
        jwks_uri: `http://127.0.0.1:${jwksPort}/jwks.json`,
      },
    })
  ).client_id;

  const fallback = async (_request: unknown, response: import('node:http').ServerResponse) => void response.end('next');
  https = createHttpLayer({
    fallback,
    tls: { certFile: server.certFile, keyFile: server.keyFile, caFile: clientCa.certFile },
    trustedProxy: { certHeader: 'x-client-cert', addresses: new Set(['127.0.0.1']), caFile: clientCa.certFile },
  });
  proxied = createHttpLayer({
    fallback,
    trustedProxy: { certHeader: 'x-client-cert', addresses: new Set(['127.0.0.1']), caFile: clientCa.certFile },
  });
  untrustedProxy = createHttpLayer({
    fallback,
    trustedProxy: { certHeader: 'x-client-cert', addresses: new Set(['10.9.9.9']), caFile: clientCa.certFile },
  });
  ports.https = await listen(https);
  ports.proxied = await listen(proxied);
  ports.untrusted = await listen(untrustedProxy);
});

afterAll(async () => {
  setLoopbackSwitch(false);
  for (const layer of [https, proxied, untrustedProxy, jwksServer]) layer.closeAllConnections();
  await Promise.all([https, proxied, untrustedProxy, jwksServer].map((layer) => new Promise((resolve) => layer.close(resolve))));
  await deliverOutbox();
  await cleanup();
  certs.cleanup();
});

describe('tls_client_auth over our own TLS listener (RFC 8705 §2.1)', () => {
  it('authenticates at bc-authorize and the token endpoint; the access token is bound to the certificate (§3.1)', async () => {
    const tokens = await completeFlow(tlsClientId, desk);
    expect(tokens.status).toBe(200);
    expect(decodeJwt(tokens.json.access_token as string).cnf).toEqual({ 'x5t#S256': thumbprint(desk) });
  });

  it('401 invalid_client for a certificate with another subject DN (§2.1.2)', async () => {
    expectError(await startRequest(tlsClientId, wrongSubject), 401, 'invalid_client');
  });

  it('401 invalid_client for the right subject from another CA', async () => {
    expectError(await startRequest(tlsClientId, foreign), 401, 'invalid_client');
  });

  it('401 invalid_client for an expired certificate', async () => {
    expectError(await startRequest(tlsClientId, expired), 401, 'invalid_client');
  });

  it('401 invalid_client for client_id without any certificate, and no Basic challenge', async () => {
    const reply = await startRequest(tlsClientId, undefined);
    expectError(reply, 401, 'invalid_client');
    expect(reply.headers['www-authenticate']).toBeUndefined();
  });

  it('401 invalid_client for a certificate of a client registered for the other mTLS method', async () => {
    expectError(await startRequest(selfSignedClientId, desk), 401, 'invalid_client');
    expectError(await startRequest(tlsClientId, selfSigned), 401, 'invalid_client');
  });

  it('401 invalid_client for a certificate with (wrong) client_secret_basic credentials: then Basic is the method', async () => {
    const reply = await startRequest(tlsClientId, desk, {
      headers: { authorization: `Basic ${Buffer.from(`${tlsClientId}:x`).toString('base64')}` },
    });
    // Basic credentials make the certificate passive: the client_id in the form must match, and the secret fails.
    expectError(reply, 401, 'invalid_client');
  });

  it('our own handshake certificate wins over a proxy header, even from a trusted address', async () => {
    expectError(
      await startRequest(tlsClientId, wrongSubject, { headers: { 'x-client-cert': escapedPem(desk) } }),
      401,
      'invalid_client',
    );
  });
});

describe('self_signed_tls_client_auth (RFC 8705 §2.2)', () => {
  it('authenticates with a certificate whose key is in the inline jwks; tokens bound to it', async () => {
    const tokens = await completeFlow(selfSignedClientId, selfSigned);
    expect(tokens.status).toBe(200);
    expect(decodeJwt(tokens.json.access_token as string).cnf).toEqual({ 'x5t#S256': thumbprint(selfSigned) });
  });

  it('401 invalid_client for a self-signed certificate whose key is not registered', async () => {
    expectError(await startRequest(selfSignedClientId, strangerSelfSigned), 401, 'invalid_client');
  });

  it('reads a jwks_uri (a real local server); an unknown key refetches at most once per cooldown', async () => {
    getClientKeyCache().clear();
    served.keys = [jwkOf(selfSigned)];
    jwksHits = 0;
    expect((await startRequest(jwksUriClientId, selfSigned)).status).toBe(200);
    expect(jwksHits).toBe(1);
    expectError(await startRequest(jwksUriClientId, strangerSelfSigned), 401, 'invalid_client');
    expectError(await startRequest(jwksUriClientId, strangerSelfSigned), 401, 'invalid_client');
    // Fetched within the cooldown: no refetch for an unmatched certificate, no stampede.
    expect(jwksHits).toBe(1);
  });

  it('a key added to the jwks_uri is found by the one refetch once the set is older than the cooldown', async () => {
    getClientKeyCache().clear();
    served.keys = [jwkOf(selfSigned)];
    jwksHits = 0;
    expect((await startRequest(jwksUriClientId, selfSigned)).status).toBe(200);
    served.keys = [jwkOf(selfSigned), jwkOf(strangerSelfSigned)];
    const source = await db.client.findUniqueOrThrow({ where: { clientId: jwksUriClientId } });
    const later = new Date(Date.now() + JWKS_REFETCH_COOLDOWN_MS + 1_000);
    const added = jwkOf(strangerSelfSigned).x;
    expect(
      await getClientKeyCache().hasKey(
        { id: `client:${source.id}`, jwks: null, jwksUri: source.jwksUri },
        later,
        (key) => key.x === added,
      ),
    ).toBe(true);
    expect(jwksHits).toBe(2);
  });
});

describe('a certificate from a trusted TLS-terminating proxy (TRUSTED_PROXY_CERT_HEADER)', () => {
  it('is honoured from a trusted address, chain verified against TLS_CA_FILE', async () => {
    const tokens = await send('/t/acme/bc-authorize', {
      via: 'proxied',
      form: { client_id: tlsClientId, scope: 'openid', login_hint: alice.email },
      headers: { 'x-client-cert': escapedPem(desk) },
    });
    expect(tokens.status).toBe(200);
  });

  it('accepts the base64 DER without PEM armour (Traefik passTLSClientCert)', async () => {
    const bare = desk.cert.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
    expect(
      (await startRequest(tlsClientId, undefined, { via: 'proxied', headers: { 'x-client-cert': encodeURIComponent(bare) } }))
        .status,
    ).toBe(200);
  });

  it('401 invalid_client for a header certificate of another CA, or expired, from a trusted address', async () => {
    for (const certificate of [foreign, expired]) {
      expectError(
        await startRequest(tlsClientId, undefined, { via: 'proxied', headers: { 'x-client-cert': escapedPem(certificate) } }),
        401,
        'invalid_client',
      );
    }
  });

  it('is ignored from an untrusted address: 401 invalid_client', async () => {
    expectError(
      await startRequest(tlsClientId, undefined, { via: 'untrusted', headers: { 'x-client-cert': escapedPem(desk) } }),
      401,
      'invalid_client',
    );
  });

  it.each([
    ['garbage', 'not a certificate'],
    ['a truncated PEM', encodeURIComponent(desk.cert.slice(0, 200))],
    ['a broken escape', '%E0%A4%A'],
    ['base64 that is no certificate', 'QUJDRA=='],
    ['a PEM with a corrupt body', encodeURIComponent(desk.cert.replace(/[A-Za-z]{20}/, 'A'.repeat(20)))],
  ])('401 invalid_client, never 500, for %s in the header', async (_name, value) => {
    expectError(
      await startRequest(tlsClientId, undefined, { via: 'proxied', headers: { 'x-client-cert': value } }),
      401,
      'invalid_client',
    );
  });
});

describe('certificate-bound access tokens (RFC 8705 §3)', () => {
  let tokens: Reply;

  beforeAll(async () => {
    tokens = await completeFlow(tlsClientId, desk);
    expect(tokens.status).toBe(200);
  });

  const userinfo = (accessToken: string, certificate?: TestCertificate) =>
    send('/t/acme/userinfo', { method: 'GET', certificate, headers: { authorization: `Bearer ${accessToken}` } });

  it('userinfo answers 200 with the certificate the token is bound to', async () => {
    const reply = await userinfo(tokens.json.access_token as string, desk);
    expect(reply.status).toBe(200);
    expect(reply.json.email).toBe('alice@example.com');
  });

  it('userinfo refuses the token without a certificate: 401 invalid_token with a Bearer challenge (RFC 6750 §3.1)', async () => {
    const reply = await userinfo(tokens.json.access_token as string);
    expectError(reply, 401, 'invalid_token');
    expect(reply.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
  });

  it('userinfo refuses the token with another certificate, even of the same client: 401 invalid_token', async () => {
    for (const certificate of [renewedDesk, selfSigned]) {
      const reply = await userinfo(tokens.json.access_token as string, certificate);
      expectError(reply, 401, 'invalid_token');
      expect(reply.headers['www-authenticate']).toMatch(/error="invalid_token"/);
    }
  });

  it('introspection tells the token’s own client the cnf (§3.2)', async () => {
    const reply = await send('/t/acme/introspect', {
      form: { client_id: tlsClientId, token: tokens.json.access_token as string },
      certificate: desk,
    });
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ active: true, cnf: { 'x5t#S256': thumbprint(desk) } });
  });

  it('a refresh binds the new access token to the certificate the client authenticates with', async () => {
    const refreshed = await send('/t/acme/oauth/token', {
      form: { client_id: tlsClientId, grant_type: 'refresh_token', refresh_token: tokens.json.refresh_token as string },
      certificate: renewedDesk,
    });
    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.json.access_token as string).cnf).toEqual({ 'x5t#S256': thumbprint(renewedDesk) });
    expect((await userinfo(refreshed.json.access_token as string, renewedDesk)).status).toBe(200);
    expectError(await userinfo(refreshed.json.access_token as string, desk), 401, 'invalid_token');
  });

  it('discovery advertises bound tokens and both mutual-TLS methods', async () => {
    const reply = await send('/t/acme/.well-known/openid-configuration', { method: 'GET' });
    expect(reply.json.tls_client_certificate_bound_access_tokens).toBe(true);
    expect(reply.json.token_endpoint_auth_methods_supported).toEqual(
      expect.arrayContaining(['tls_client_auth', 'self_signed_tls_client_auth']),
    );
  });
});

describe('push mode (CIBA §10.3.1): pushed tokens bound to the certificate used at bc-authorize (RFC 8705 §3)', () => {
  it('the pushed access token carries the x5t#S256 of the bc-authorize certificate', async () => {
    const receiver = await startCallbackReceiver();
    try {
      const pushClientId = (
        await createClient(db, CLI_PRINCIPAL, {
          tenantSlug: 'acme',
          metadata: {
            client_name: 'Desk (push)',
            token_endpoint_auth_method: 'tls_client_auth',
            tls_client_auth_subject_dn: DESK_DN,
            backchannel_token_delivery_mode: 'push',
            backchannel_client_notification_endpoint: `${receiver.origin}/cb`,
          },
        })
      ).client_id;
      const started = await send('/t/acme/bc-authorize', {
        form: {
          client_id: pushClientId,
          scope: 'openid',
          login_hint: alice.email,
          client_notification_token: 'push-token-123456',
        },
        certificate: desk,
      });
      expect(started.status).toBe(200);
      const authReqId = started.json.auth_req_id as string;
      const stored = await db.backchannelRequest.findUniqueOrThrow({ where: { authReqIdHash: sha256Base64Url(authReqId) } });
      expect(stored.certificateThumbprint).toBe(thumbprint(desk));
      await completeBackchannelRequest(testStore(), { actor: TEST_ACTOR, requestId: stored.id, decision: 'approve' });
      await deliverOutbox();
      const [pushed] = await receiver.waitFor('/cb', 1);
      const body = JSON.parse(pushed.body) as { auth_req_id: string; access_token: string };
      expect(body.auth_req_id).toBe(authReqId);
      expect(decodeJwt(body.access_token).cnf).toEqual({ 'x5t#S256': thumbprint(desk) });
      expect(
        (
          await send('/t/acme/userinfo', {
            method: 'GET',
            certificate: desk,
            headers: { authorization: `Bearer ${body.access_token}` },
          })
        ).status,
      ).toBe(200);
    } finally {
      await receiver.close();
    }
  });

  it('a poll client’s request stores no thumbprint (its tokens are bound at the token endpoint)', async () => {
    const started = await startRequest(tlsClientId, desk);
    const stored = await db.backchannelRequest.findUniqueOrThrow({
      where: { authReqIdHash: sha256Base64Url(started.json.auth_req_id as string) },
    });
    expect(stored.certificateThumbprint).toBeNull();
  });
});
