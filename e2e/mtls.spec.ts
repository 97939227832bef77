// Mutual-TLS client authentication (RFC 8705 §2.1) and certificate-bound
// access tokens (§3) end to end: a second instance of the run's deployment
// serving HTTPS itself (TLS_CERT_FILE / TLS_KEY_FILE / TLS_CA_FILE, same
// database and secrets), oauth4webapi as the relying party with
// TlsClientAuth() and a customFetch that presents the client certificate,
// Chromium as the user approving on the real approval page.
import { createHash } from 'node:crypto';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { decodeJwt } from 'jose';
import * as oauth from 'oauth4webapi';
import { createCertificateFactory, type TestCertificate } from '../lib/testing/test-certificates';
import { approvalLinkIn, bindingCode, waitForEmail } from './support/ciba';
import { cli } from './support/cli';
import { e2eContext } from './support/context';
import { childEnv, serverCommand, spawnServer, stopProcess } from './support/processes';

const ctx = e2eContext();
const alice = ctx.users.alice;

/**
 * A fetch for oauth4webapi over node:https: trusts the test server certificate
 * and presents `identity` as the TLS client certificate (none when absent).
 */
const tlsFetch =
  (serverCa: string, identity?: TestCertificate) =>
  (url: string, init: RequestInit = {}): Promise<Response> =>
    new Promise((resolve, reject) => {
      const headers = Object.fromEntries(new Headers(init.headers).entries());
      const body =
        init.body instanceof URLSearchParams ? init.body.toString() : typeof init.body === 'string' ? init.body : undefined;
      if (init.body !== undefined && init.body !== null && body === undefined) throw new Error('tlsFetch: unexpected body type');
      const outgoing = httpsRequest(
        url,
        {
          method: init.method ?? 'GET',
          headers,
          ca: serverCa,
          agent: false,
          ...(identity ? { cert: identity.cert, key: identity.key } : {}),
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => {
            const responseHeaders = new Headers();
            for (const [name, value] of Object.entries(response.headers)) {
              if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
            }
            resolve(new Response(Buffer.concat(chunks), { status: response.statusCode ?? 0, headers: responseHeaders }));
          });
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });

/** The port of the HTTPS instance: the run's port + 1 (E2E_PORT 3920 → 3921). */
const httpsPort = Number(new URL(ctx.appUrl).port) + 1;

test('tls_client_auth: a CIBA flow with oauth4webapi over HTTPS, approved in the browser; the token is bound to the certificate', async ({
  browser,
}) => {
  test.skip(ctx.server === 'next', 'Plain `next start` cannot terminate TLS nor see client certificates (README: mutual TLS).');
  test.setTimeout(120_000);
  const certs = createCertificateFactory();
  const serverCert = certs.selfSigned('/CN=localhost', { serverName: 'localhost' });
  const clientCa = certs.createCa('/O=Acme/CN=Acme Client CA');
  const desk = clientCa.issue('/O=Acme/CN=desk.acme.example');
  const other = clientCa.issue('/O=Acme/CN=kiosk.acme.example');
  const base = `https://localhost:${httpsPort}`;
  const logFile = join(ctx.serverEnv.BACKCHANNEL_DATA_DIR, 'mtls-instance.log');
  const server = spawnServer(
    serverCommand(ctx.server, httpsPort),
    {
      ...childEnv({
        ...ctx.serverEnv,
        PORT: String(httpsPort),
        APP_URL: base,
        TLS_CERT_FILE: serverCert.certFile,
        TLS_KEY_FILE: serverCert.keyFile,
        TLS_CA_FILE: clientCa.certFile,
      }),
      NODE_ENV: 'production',
    },
    logFile,
  );
  try {
    const anonymous = tlsFetch(serverCert.cert);
    await expect
      .poll(
        () =>
          anonymous(`${base}/t/acme/.well-known/openid-configuration`).then(
            (response) => response.status,
            () => 0,
          ),
        { timeout: 60_000 },
      )
      .toBe(200);

    const created = await cli<{ client_id: string; token_endpoint_auth_method: string }>([
      'client',
      'create',
      '--tenant',
      'acme',
      '--name',
      'Acme mTLS Desk',
      '--auth-method',
      'tls_client_auth',
      '--tls-subject-dn',
      'CN=desk.acme.example,O=Acme',
    ]);
    expect(created.token_endpoint_auth_method).toBe('tls_client_auth');

    const withDesk = { [oauth.customFetch]: tlsFetch(serverCert.cert, desk) } as const;
    const issuer = new URL(`${base}/t/acme`);
    const as = await oauth.processDiscoveryResponse(
      issuer,
      await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...withDesk }),
    );
    expect(as.tls_client_certificate_bound_access_tokens).toBe(true);
    expect(as.token_endpoint_auth_methods_supported).toContain('tls_client_auth');
    const client: oauth.Client = { client_id: created.client_id };
    const auth = oauth.TlsClientAuth();

    // Another certificate of the same CA: its subject is not the client's (RFC 8705 §2.1.2).
    const refused = await oauth.backchannelAuthenticationRequest(
      as,
      client,
      auth,
      { scope: 'openid email', login_hint: alice.email },
      { [oauth.customFetch]: tlsFetch(serverCert.cert, other) },
    );
    expect({ status: refused.status, error: ((await refused.json()) as { error: string }).error }).toEqual({
      status: 401,
      error: 'invalid_client',
    });

    const binding = bindingCode();
    const started = await oauth.processBackchannelAuthenticationResponse(
      as,
      client,
      await oauth.backchannelAuthenticationRequest(
        as,
        client,
        auth,
        { scope: 'openid email', login_hint: alice.email, binding_message: binding },
        withDesk,
      ),
    );
    const link = approvalLinkIn(await waitForEmail({ to: alice.email, containing: binding }));
    expect(link.startsWith(`${base}/t/acme/approve/`)).toBe(true);

    // The user's browser: the real approval page of the HTTPS instance (its test certificate is not in Chromium's store).
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    try {
      const page = await context.newPage();
      await page.goto(link);
      await expect(page.getByRole('heading', { name: 'Acme mTLS Desk wants you to sign in' })).toBeVisible();
      await expect(page.getByText(binding, { exact: true })).toBeVisible();
      await page.getByRole('button', { name: 'Approve' }).click();
      await expect(page.getByRole('heading', { name: 'Request approved' })).toBeVisible();
    } finally {
      await context.close();
    }

    const tokens = await oauth.processBackchannelAuthenticationGrantResponse(
      as,
      client,
      await oauth.backchannelAuthenticationGrantRequest(as, client, auth, started.auth_req_id, withDesk),
    );
    const thumbprint = createHash('sha256').update(desk.x509.raw).digest('base64url');
    expect(decodeJwt(tokens.access_token).cnf).toEqual({ 'x5t#S256': thumbprint });
    expect(tokens.token_type).toBe('bearer');

    // Userinfo with the certificate the token is bound to: 200.
    const claims = await oauth.processUserInfoResponse(
      as,
      client,
      oauth.skipSubjectCheck,
      await oauth.userInfoRequest(as, client, tokens.access_token, withDesk),
    );
    expect(claims.email).toBe(alice.email);

    // Without a certificate, or with another one: 401 invalid_token (RFC 8705 §3, RFC 6750 §3.1).
    for (const identity of [undefined, other]) {
      const response = await oauth.userInfoRequest(as, client, tokens.access_token, {
        [oauth.customFetch]: tlsFetch(serverCert.cert, identity),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
      expect(((await response.json()) as { error: string }).error).toBe('invalid_token');
    }
  } finally {
    await stopProcess(server);
    certs.cleanup();
  }
});
