// private_key_jwt (RFC 7523 §2.2, OIDC Core §9) end to end, against the real production server:
// an operator registers the client's public keys with the CLI, and oauth4webapi — a client
// library, not our own code — signs its assertions, starts the CIBA request, polls and
// validates the ID token, while the user approves in Chromium from the emailed link.
import { expect, test } from '@playwright/test';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify, type CryptoKey, type JWK } from 'jose';
import * as oauth from 'oauth4webapi';
import { approvalLinkIn, bindingCode, discover, INSECURE, sleep, waitForEmail } from '../support/ciba';
import { cli } from '../support/cli';
import { e2eContext, issuerOf } from '../support/context';

const ctx = e2eContext();
const alice = ctx.users.alice;

type CreatedKeyClient = {
  client_id: string;
  client_secret?: string;
  client_name: string;
  token_endpoint_auth_method: string;
  jwks: { keys: JWK[] } | null;
};

type KeyClient = { as: oauth.AuthorizationServer; client: oauth.Client; key: CryptoKey; kid: string };

/** A fresh ES256 key pair; its public half registered with `client create --auth-method private_key_jwt --jwks`. */
const registerKeyClient = async (name: string): Promise<KeyClient> => {
  const kid = `e2e-${Date.now().toString(36)}`;
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] };
  const created = await cli<CreatedKeyClient>([
    'client',
    'create',
    '--tenant',
    'acme',
    '--name',
    name,
    '--auth-method',
    'private_key_jwt',
    '--jwks',
    JSON.stringify(jwks),
  ]);
  expect(created).toMatchObject({ client_name: name, token_endpoint_auth_method: 'private_key_jwt', jwks });
  // A key client has no secret (only its public keys are stored).
  expect(created.client_secret).toBeUndefined();

  return { as: await discover('acme'), client: { client_id: created.client_id }, key: privateKey, kid };
};

/** Polls as a well-behaved client (CIBA §7.3, §11) until tokens or an error other than pending/slow_down. */
const pollForTokens = async (rp: KeyClient, auth: oauth.ClientAuth, authReqId: string, interval: number) => {
  const deadline = Date.now() + 25_000;
  let wait = interval;
  for (;;) {
    const response = await oauth.backchannelAuthenticationGrantRequest(rp.as, rp.client, auth, authReqId, INSECURE);
    try {
      return await oauth.processBackchannelAuthenticationGrantResponse(rp.as, rp.client, response);
    } catch (error) {
      const pending = error instanceof oauth.ResponseBodyError && ['authorization_pending', 'slow_down'].includes(error.error);
      if (!pending || Date.now() + wait * 1000 > deadline) throw error;
      if (error.error === 'slow_down') wait = typeof error.cause.interval === 'number' ? error.cause.interval : wait + 5;
      await sleep(wait * 1000);
    }
  }
};

/** The OAuth error oauth4webapi throws for a refused request. */
const refusalOf = async (promise: Promise<unknown>) => {
  const failure = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(failure).toBeInstanceOf(oauth.ResponseBodyError);
  const { status, error } = failure as oauth.ResponseBodyError;

  return { status, error };
};

test('discovery lists private_key_jwt and its algorithms at the token, revocation and introspection endpoints', async () => {
  const as = await discover('acme');
  for (const endpoint of ['token_endpoint', 'revocation_endpoint', 'introspection_endpoint'] as const) {
    expect(as[`${endpoint}_auth_methods_supported`]).toContain('private_key_jwt');
    expect(as[`${endpoint}_auth_signing_alg_values_supported`]).toEqual(['PS256', 'ES256', 'RS256', 'EdDSA']);
  }
});

test('oauth4webapi with PrivateKeyJwt: bc-authorize, approval in the browser, polling, a verified ID token', async ({ page }) => {
  const rp = await registerKeyClient('Acme Bank App');
  const auth = oauth.PrivateKeyJwt({ key: rp.key, kid: rp.kid });
  const binding = bindingCode();

  const response = await oauth.backchannelAuthenticationRequest(
    rp.as,
    rp.client,
    auth,
    { scope: 'openid email', login_hint: alice.email, binding_message: binding },
    INSECURE,
  );
  const started = await oauth.processBackchannelAuthenticationResponse(rp.as, rp.client, response);
  expect(started).toMatchObject({ auth_req_id: expect.any(String), expires_in: 300, interval: 5 });

  const email = await waitForEmail({ to: alice.email, containing: binding });
  await page.goto(approvalLinkIn(email));
  await expect(page.getByRole('heading', { name: 'Acme Bank App wants you to sign in' })).toBeVisible();
  await expect(page.getByText(binding, { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByRole('heading', { name: 'Request approved' })).toBeVisible();

  // Every poll signs a new assertion (a fresh jti): each is accepted once.
  const tokens = await pollForTokens(rp, auth, started.auth_req_id, started.interval ?? 5);
  expect(tokens.token_type).toBe('bearer');
  // oauth4webapi validated iss, aud, exp, iat and sub; jose checks the signature against the discovered JWKS.
  const issuer = issuerOf('acme');
  expect(oauth.getValidatedIdTokenClaims(tokens)).toMatchObject({ iss: issuer, aud: rp.client.client_id, sub: alice.sub });
  const { payload } = await jwtVerify(tokens.id_token!, createRemoteJWKSet(new URL(rp.as.jwks_uri!)), {
    issuer,
    audience: rp.client.client_id,
    algorithms: ['RS256'],
  });
  expect(payload.sub).toBe(alice.sub);

  // Introspection and revocation authenticate the same way.
  const introspected = await oauth.processIntrospectionResponse(
    rp.as,
    rp.client,
    await oauth.introspectionRequest(rp.as, rp.client, auth, tokens.access_token, INSECURE),
  );
  expect(introspected).toMatchObject({ active: true, client_id: rp.client.client_id, sub: alice.sub });
  await oauth.processRevocationResponse(await oauth.revocationRequest(rp.as, rp.client, auth, tokens.access_token, INSECURE));
  const after = await oauth.processIntrospectionResponse(
    rp.as,
    rp.client,
    await oauth.introspectionRequest(rp.as, rp.client, auth, tokens.access_token, INSECURE),
  );
  expect(after.active).toBe(false);
});

test('a replayed assertion, a key the client never registered, and an HS256 assertion: 401 invalid_client', async () => {
  const rp = await registerKeyClient('Acme Bank Batch');

  // The same jti twice (RFC 7523 §3 item 7): the first is accepted, the second refused.
  const jti = `e2e-replay-${Date.now()}`;
  const fixedJti = oauth.PrivateKeyJwt(
    { key: rp.key, kid: rp.kid },
    {
      [oauth.modifyAssertion]: (_header, payload) => {
        payload.jti = jti;
      },
    },
  );
  await oauth.processRevocationResponse(await oauth.revocationRequest(rp.as, rp.client, fixedJti, 'unknown-token', INSECURE));
  expect(
    await refusalOf(
      oauth.revocationRequest(rp.as, rp.client, fixedJti, 'unknown-token', INSECURE).then(oauth.processRevocationResponse),
    ),
  ).toEqual({ status: 401, error: 'invalid_client' });

  // Signed with a stranger's key under the registered kid.
  const stranger = await generateKeyPair('ES256');
  const wrongKey = oauth.PrivateKeyJwt({ key: stranger.privateKey, kid: rp.kid });
  expect(
    await refusalOf(
      oauth.revocationRequest(rp.as, rp.client, wrongKey, 'unknown-token', INSECURE).then(oauth.processRevocationResponse),
    ),
  ).toEqual({ status: 401, error: 'invalid_client' });

  // client_secret_jwt (HS256) is never accepted, whatever the secret.
  const hmac = oauth.ClientSecretJwt('a-guessed-secret');
  expect(
    await refusalOf(
      oauth.revocationRequest(rp.as, rp.client, hmac, 'unknown-token', INSECURE).then(oauth.processRevocationResponse),
    ),
  ).toEqual({ status: 401, error: 'invalid_client' });
});
