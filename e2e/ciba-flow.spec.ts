// The CIBA poll flow over real HTTP against the production server, with
// oauth4webapi as the relying party and Chromium as the user's browser.
// One server per run (e2e/support/global-setup.ts): acme (Acme Support Desk:
// client_secret_basic; Acme Kiosk: client_secret_post, binding message
// required; user alice) and globex (Globex Portal; user carol).
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { axeViolations } from './support/axe';
import { createRemoteJWKSet, decodeJwt, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import * as oauth from 'oauth4webapi';
import {
  basicAuthorization,
  bindingCode,
  CIBA_GRANT_TYPE,
  INSECURE,
  pollOnce,
  pollUntilDone,
  rawGet,
  rawPost,
  readApprovalForm,
  relyingParty,
  sleep,
  startRequest,
  startRequestWithLink,
  waitForEmail,
  approvalLinkIn,
  type PollResult,
  type RawResponse,
  type RelyingParty,
} from './support/ciba';
import { cli } from './support/cli';
import { e2eContext, issuerOf } from './support/context';

const ctx = e2eContext();
const alice = ctx.users.alice;

const expectPollError = (result: PollResult, status: number, error: string) => {
  expect(result.ok ? { ok: true } : { status: result.status, error: result.error }).toEqual({ status, error });
};

/** Expects an OAuth JSON error response: exact status and `error`, JSON, never cached. */
const expectJsonError = (response: RawResponse, status: number, error: string) => {
  expect({ status: response.status, error: response.json?.error }, response.text).toEqual({ status, error });
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(typeof response.json?.error_description).toBe('string');
};

/** An OAuth error thrown by oauth4webapi's processing of bc-authorize. */
const expectRejected = async (promise: Promise<unknown>, status: number, error: string) => {
  const failure = await promise.then(
    () => null,
    (reason: unknown) => reason,
  );
  expect(failure).toBeInstanceOf(oauth.ResponseBodyError);
  const { status: actualStatus, error: actualError } = failure as oauth.ResponseBodyError;
  expect({ status: actualStatus, error: actualError }).toEqual({ status, error });
};

/** The decision POST exactly as the approval form sends it (same origin, CSRF token from the page). */
const decideByHttp = async (link: string, decision: 'approve' | 'deny') => {
  const { action, csrfToken } = await readApprovalForm(link);
  const response = await rawPost(action, new URLSearchParams({ csrf_token: csrfToken, decision }).toString(), {
    headers: { origin: ctx.appUrl },
  });
  expect(response.status).toBe(303);
  // The done page, with the signed ticket of its "approve faster next time" offer.
  expect(response.headers.get('location')).toMatch(
    new RegExp(`^/t/acme/approve/done\\?outcome=${decision === 'approve' ? 'approved' : 'denied'}&offer=[\\w.-]+$`),
  );
};

let acme: RelyingParty;
let acmePost: RelyingParty;
let globex: RelyingParty;

test.beforeAll(async () => {
  [acme, acmePost, globex] = await Promise.all([
    relyingParty(ctx.clients.acme),
    relyingParty(ctx.clients.acmePost),
    relyingParty(ctx.clients.globex),
  ]);
});

test('discovery describes a poll-mode CIBA provider per tenant', async () => {
  const issuer = issuerOf('acme');
  expect(acme.as).toMatchObject({
    issuer,
    token_endpoint: `${issuer}/oauth/token`,
    backchannel_authentication_endpoint: `${issuer}/bc-authorize`,
    userinfo_endpoint: `${issuer}/userinfo`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    backchannel_token_delivery_modes_supported: ['poll', 'ping', 'push'],
    grant_types_supported: [CIBA_GRANT_TYPE, 'refresh_token'],
    revocation_endpoint: `${issuer}/revoke`,
    introspection_endpoint: `${issuer}/introspect`,
  });
  expect(globex.as.issuer).toBe(issuerOf('globex'));
});

test('happy path: email, approval in the browser, polling, verified ID token, userinfo', async ({ page }) => {
  const binding = bindingCode();
  const started = await startRequest(acme, {
    scope: 'openid email profile',
    login_hint: alice.email,
    binding_message: binding,
    acr_values: 'urn:backchannel:acr:email-link',
  });
  expect(started.expires_in).toBe(300);
  expect(started.interval).toBe(5);
  expectPollError(await pollOnce(acme, started.auth_req_id), 400, 'authorization_pending');

  const email = await waitForEmail({ to: alice.email, containing: binding });
  expect(email.from).toBe(ctx.emailFrom);
  expect(email.to).toEqual([alice.email]);
  expect(email.subject).toContain('Acme Support Desk');
  expect(email.text).toContain('"Acme Support Desk" is asking to sign you in through Acme Corp');
  expect(email.text).toContain(`Code shown on the other device: ${binding}`);
  expect(email.html).toContain(binding);
  const link = approvalLinkIn(email);
  expect(link.startsWith(`${ctx.appUrl}/t/acme/approve/`)).toBe(true);
  expect(email.html).toContain(`href="${link}"`);

  await page.goto(link);
  await expect(page.getByRole('heading', { name: 'Acme Support Desk wants you to sign in' })).toBeVisible();
  await expect(page.getByText(binding, { exact: true })).toBeVisible();
  await expect(page.getByText(alice.email)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Deny' })).toBeVisible();
  await page.screenshot({ path: 'reports/screenshots/approval-page.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByRole('heading', { name: 'Request approved' })).toBeVisible();
  // Said once: not again by the page title or an announcement of the navigation.
  await expect(page.getByText('Request approved')).toHaveCount(1);
  expect(await page.title()).not.toContain('Request approved');
  await page.screenshot({ path: 'reports/screenshots/approval-done.png', fullPage: true });
  expect(await axeViolations(page)).toEqual([]);
  expect(page.url()).toMatch(new RegExp(`^${ctx.appUrl}/t/acme/approve/done\\?outcome=approved&offer=[\\w.-]+$`));

  // The last poll was just now: a well-behaved client waits `interval` first.
  const result = await pollUntilDone(acme, started.auth_req_id, { interval: started.interval ?? 5, waitFirst: true });
  if (!result.ok) throw new Error(`Expected tokens, got ${result.status} ${result.error}`);
  const { tokens } = result;
  expect(tokens.token_type).toBe('bearer');
  expect(tokens.scope?.split(' ').sort()).toEqual(['email', 'openid', 'profile']);

  // oauth4webapi checked iss, aud, exp, iat and sub but not the signature: jose does, against the discovered JWKS.
  const issuer = issuerOf('acme');
  const claims = oauth.getValidatedIdTokenClaims(tokens);
  expect(claims).toMatchObject({ iss: issuer, aud: ctx.clients.acme.client_id, sub: alice.sub });
  const jwks = createRemoteJWKSet(new URL(acme.as.jwks_uri!));
  const { payload, protectedHeader } = await jwtVerify(tokens.id_token!, jwks, {
    issuer,
    audience: ctx.clients.acme.client_id,
    algorithms: ['RS256'],
  });
  expect(protectedHeader.alg).toBe('RS256');
  expect(payload.sub).toBe(alice.sub);
  expect(payload.acr).toBe('urn:backchannel:acr:email-link');
  expect(typeof payload.auth_time).toBe('number');

  const userInfoResponse = await oauth.userInfoRequest(acme.as, acme.client, tokens.access_token, INSECURE);
  const userInfo = await oauth.processUserInfoResponse(acme.as, acme.client, alice.sub, userInfoResponse);
  expect(userInfo).toEqual({ sub: alice.sub, email: alice.email, email_verified: true, name: 'Alice Example' });
});

test('deny in the browser: the client gets access_denied (client_secret_post)', async ({ page }) => {
  const started = await startRequestWithLink(acmePost, { loginHint: alice.email });
  await page.goto(started.link);
  await expect(page.getByRole('heading', { name: 'Acme Kiosk wants you to sign in' })).toBeVisible();
  await expect(page.getByText(started.binding, { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Deny' }).click();
  await expect(page.getByRole('heading', { name: 'Request denied' })).toBeVisible();

  expectPollError(await pollOnce(acmePost, started.auth_req_id), 400, 'access_denied');
});

test('expiry: requested_expiry=2 → expired_token, and the link says so', async ({ page }) => {
  const started = await startRequestWithLink(acme, { loginHint: alice.email, extra: { requested_expiry: '2' } });
  const answeredAt = Date.now();
  expect(started.expires_in).toBe(2);
  // The server's expiresAt is at most answeredAt + 2 s (same clock).
  await sleep(Math.max(0, answeredAt + 2_000 + 250 - Date.now()));

  expectPollError(await pollOnce(acme, started.auth_req_id), 400, 'expired_token');
  await page.goto(started.link);
  await expect(page.getByRole('heading', { name: 'This request has expired' })).toBeVisible();
  await expect(page.getByRole('button')).toHaveCount(0);
});

test('polling too fast: authorization_pending, then slow_down with a larger interval', async () => {
  const started = await startRequest(acme, { scope: 'openid', login_hint: alice.email, binding_message: bindingCode() });
  const interval = started.interval ?? 5;
  expectPollError(await pollOnce(acme, started.auth_req_id), 400, 'authorization_pending');
  const second = await pollOnce(acme, started.auth_req_id);
  expectPollError(second, 400, 'slow_down');
  if (second.ok) return;
  expect(second.body.interval).toBe(interval + 5);
  // The larger interval sticks: polling again at once slows down further.
  const third = await pollOnce(acme, started.auth_req_id);
  expectPollError(third, 400, 'slow_down');
  if (!third.ok) expect(third.body.interval).toBe(interval + 10);
});

test('replay: a redeemed auth_req_id → invalid_grant, and its access token stops working', async () => {
  const started = await startRequestWithLink(acme, { loginHint: alice.email });
  await decideByHttp(started.link, 'approve');
  const first = await pollOnce(acme, started.auth_req_id);
  if (!first.ok) throw new Error(`Expected tokens, got ${first.status} ${first.error}`);
  const accessToken = first.tokens.access_token;
  const before = await rawGet(acme.as.userinfo_endpoint!, { authorization: `Bearer ${accessToken}` });
  expect(before.status).toBe(200);
  expect(before.json).toEqual({ sub: alice.sub, email: alice.email, email_verified: true });

  expectPollError(await pollOnce(acme, started.auth_req_id), 400, 'invalid_grant');

  const after = await rawGet(acme.as.userinfo_endpoint!, { authorization: `Bearer ${accessToken}` });
  expectJsonError(after, 401, 'invalid_token');
  expect(after.headers.get('www-authenticate')).toContain('error="invalid_token"');
});

test('20 concurrent redemptions after approval: exactly one gets tokens', async () => {
  const started = await startRequestWithLink(acme, { loginHint: alice.email });
  await decideByHttp(started.link, 'approve');
  const body = new URLSearchParams({ grant_type: CIBA_GRANT_TYPE, auth_req_id: started.auth_req_id }).toString();
  const authorization = basicAuthorization(ctx.clients.acme.client_id, ctx.clients.acme.client_secret);
  const responses = await Promise.all(
    Array.from({ length: 20 }, () => rawPost(acme.as.token_endpoint!, body, { authorization })),
  );

  const winners = responses.filter((response) => response.status === 200);
  expect(winners).toHaveLength(1);
  expect(typeof winners[0].json?.access_token).toBe('string');
  const losers = responses.filter((response) => response.status !== 200);
  expect(losers.map((response) => `${response.status} ${String(response.json?.error)}`)).toEqual(
    Array.from({ length: 19 }, () => '400 invalid_grant'),
  );
});

test('approval link: GETs change nothing, forged POSTs do not approve, a used link shows no buttons', async ({ page }) => {
  const started = await startRequestWithLink(acme, { loginHint: alice.email });

  // Opening the link (twice, as a mail scanner and then the user might) is a pure read.
  for (let visit = 0; visit < 2; visit += 1) {
    await page.goto(started.link);
    await expect(page.getByText(started.binding, { exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Approve' })).toBeVisible();
  }

  const { action, csrfToken } = await readApprovalForm(started.link);
  expect(action).toBe(`${started.link}/decision`);
  const invalidOutcome = '/t/acme/approve/done?outcome=invalid';
  const forged: { why: string; form: Record<string, string>; headers: Record<string, string> }[] = [
    { why: 'no CSRF token', form: { decision: 'approve' }, headers: { origin: ctx.appUrl } },
    { why: 'foreign Origin', form: { decision: 'approve', csrf_token: csrfToken }, headers: { origin: 'http://evil.example' } },
    {
      why: 'foreign Referer, no Origin',
      form: { decision: 'approve', csrf_token: csrfToken },
      headers: { referer: 'http://evil.example/page' },
    },
    { why: 'wrong CSRF token', form: { decision: 'approve', csrf_token: 'A'.repeat(43) }, headers: { origin: ctx.appUrl } },
  ];
  for (const attempt of forged) {
    const response = await rawPost(action, new URLSearchParams(attempt.form).toString(), { headers: attempt.headers });
    expect({ why: attempt.why, status: response.status, location: response.headers.get('location') }).toEqual({
      why: attempt.why,
      status: 303,
      location: invalidOutcome,
    });
  }
  expectPollError(await pollOnce(acme, started.auth_req_id), 400, 'authorization_pending');

  await page.goto(started.link);
  await page.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByRole('heading', { name: 'Request approved' })).toBeVisible();

  await page.goto(started.link);
  await expect(page.getByRole('heading', { name: 'This link has already been used' })).toBeVisible();
  await expect(page.getByRole('button')).toHaveCount(0);
  await expect(page.getByText(started.binding, { exact: true })).toHaveCount(0);
});

test('tenant isolation over HTTP', async () => {
  const globexBasic = basicAuthorization(ctx.clients.globex.client_id, ctx.clients.globex.client_secret);

  // A globex client is unknown at acme's endpoints.
  const atAcmeBc = await rawPost(
    acme.as.backchannel_authentication_endpoint!,
    new URLSearchParams({ scope: 'openid', login_hint: alice.email }).toString(),
    { authorization: globexBasic },
  );
  expectJsonError(atAcmeBc, 401, 'invalid_client');
  expect(atAcmeBc.headers.get('www-authenticate')).toMatch(/^Basic /);
  const atAcmeToken = await rawPost(
    acme.as.token_endpoint!,
    new URLSearchParams({ grant_type: CIBA_GRANT_TYPE, auth_req_id: 'x'.repeat(43) }).toString(),
    { authorization: globexBasic },
  );
  expectJsonError(atAcmeToken, 401, 'invalid_client');

  // acme's auth_req_id means nothing to globex.
  const acmeRequest = await startRequest(acme, { scope: 'openid', login_hint: alice.email, binding_message: bindingCode() });
  expectPollError(await pollOnce(globex, acmeRequest.auth_req_id), 400, 'invalid_grant');

  // acme's user does not exist at globex.
  await expectRejected(startRequest(globex, { scope: 'openid', login_hint: alice.email }), 400, 'unknown_user_id');
  // …while globex's own user does.
  const carolRequest = await startRequest(globex, { scope: 'openid', login_hint: ctx.users.carol.email });
  expect(carolRequest.auth_req_id).toEqual(expect.any(String));
});

test('hostile input at bc-authorize and token: 4xx JSON errors, never a 500', async () => {
  const authorization = basicAuthorization(ctx.clients.acme.client_id, ctx.clients.acme.client_secret);
  const padding = 'x'.repeat(100 * 1024);
  const binary = Uint8Array.from({ length: 512 }, (_, index) => (index * 37 + 0x80) % 256);
  const cases: {
    name: string;
    url: string;
    body: string | Uint8Array<ArrayBuffer>;
    contentType?: string | null;
    status: number;
    error: string;
  }[] = [];
  for (const [endpoint, url, valid, badPercent, badPercentError] of [
    [
      'bc-authorize',
      acme.as.backchannel_authentication_endpoint!,
      `scope=openid&login_hint=${encodeURIComponent(alice.email)}`,
      'scope=openid&login_hint=%E0%A4%A%ZZ%',
      'unknown_user_id',
    ],
    [
      'token',
      acme.as.token_endpoint!,
      `grant_type=${encodeURIComponent(CIBA_GRANT_TYPE)}&auth_req_id=${'x'.repeat(43)}`,
      `grant_type=${encodeURIComponent(CIBA_GRANT_TYPE)}&auth_req_id=%E0%A4%A%ZZ%`,
      'invalid_grant',
    ],
  ] as const) {
    cases.push(
      { name: `${endpoint}: text/plain`, url, body: valid, contentType: 'text/plain', status: 400, error: 'invalid_request' },
      { name: `${endpoint}: no content type`, url, body: valid, contentType: null, status: 400, error: 'invalid_request' },
      { name: `${endpoint}: invalid percent-encoding`, url, body: badPercent, status: 400, error: badPercentError },
      {
        name: `${endpoint}: JSON body`,
        url,
        body: JSON.stringify(Object.fromEntries(new URLSearchParams(valid))),
        contentType: 'application/json',
        status: 400,
        error: 'invalid_request',
      },
      { name: `${endpoint}: 100 KB form`, url, body: `${valid}&padding=${padding}`, status: 400, error: 'invalid_request' },
      { name: `${endpoint}: binary as a form`, url, body: binary, status: 400, error: 'invalid_request' },
      {
        name: `${endpoint}: binary as octet-stream`,
        url,
        body: binary,
        contentType: 'application/octet-stream',
        status: 400,
        error: 'invalid_request',
      },
      {
        name: `${endpoint}: repeated parameter`,
        url,
        body: `${valid}&${valid.split('&')[0]}`,
        status: 400,
        error: 'invalid_request',
      },
    );
  }

  for (const hostile of cases) {
    const response = await rawPost(hostile.url, hostile.body, { contentType: hostile.contentType, authorization });
    // Soft: one wrong answer must not hide the others.
    expect.soft({ case: hostile.name, status: response.status, error: response.json?.error }, response.text).toEqual({
      case: hostile.name,
      status: hostile.status,
      error: hostile.error,
    });
    expect.soft(response.headers.get('content-type'), hostile.name).toMatch(/^application\/json/);
  }
});

test('what the CLI creates beside the running server is usable at once', async () => {
  const email = `dave.${Date.now()}@example.com`;
  const user = await cli<{ sub: string }>(['user', 'create', '--tenant', 'acme', '--email', email, '--name', 'Dave']);
  const client = await cli<{ client_id: string; client_secret: string }>([
    'client',
    'create',
    '--tenant',
    'acme',
    '--name',
    'Acme Late Client',
  ]);
  const late = await relyingParty({
    ...client,
    tenant: 'acme',
    name: 'Acme Late Client',
    token_endpoint_auth_method: 'client_secret_basic',
    binding_message_policy: 'optional',
  });
  const started = await startRequest(late, { scope: 'openid', login_hint: email });
  expect(started.auth_req_id).toEqual(expect.any(String));
  const email2 = await waitForEmail({ to: email, containing: 'Acme Late Client' });
  expect(approvalLinkIn(email2).startsWith(`${ctx.appUrl}/t/acme/approve/`)).toBe(true);
  expect(user.sub).toEqual(expect.any(String));
});

test('an agent acting for the user (actor_token): the approval page names it, the tokens carry act', async ({ page }) => {
  // A trusted issuer with its public key inline, added beside the running server.
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const agentIssuer = `https://agents-${Date.now()}.example`;
  await cli([
    'login-hint-issuer',
    'add',
    '--tenant',
    'acme',
    '--issuer',
    agentIssuer,
    '--jwks',
    JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'e2e-agent' }] }),
  ]);
  const actorToken = await new SignJWT({ name: 'Support Copilot', act_for: "Acme's support desk" })
    .setProtectedHeader({ alg: 'ES256', kid: 'e2e-agent' })
    .setIssuer(agentIssuer)
    .setSubject('copilot-7')
    .setAudience(issuerOf('acme'))
    .setExpirationTime('5m')
    .sign(privateKey);

  const started = await startRequestWithLink(acme, {
    loginHint: alice.email,
    extra: { actor_token: actorToken, actor_token_type: 'urn:ietf:params:oauth:token-type:jwt' },
  });
  expect(started.email.text).toContain("The request comes from an agent: Support Copilot, acting for Acme's support desk.");
  await page.goto(started.link);
  const notice = page.getByRole('note', { name: 'Agent' });
  await expect(notice).toContainText('Requested by an agent');
  await expect(notice.getByTestId('approval-agent')).toHaveText("Support Copilot, acting for Acme's support desk");
  await expect(notice).toContainText('It asks through Acme Support Desk');
  expect(await axeViolations(page)).toEqual([]);
  await page.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByRole('heading', { name: 'Request approved' })).toBeVisible();

  const result = await pollUntilDone(acme, started.auth_req_id, { interval: started.interval ?? 5 });
  expect(result.ok).toBe(true);
  const tokens = (result as Extract<PollResult, { ok: true }>).tokens;
  const act = { sub: 'copilot-7', iss: agentIssuer };
  expect(decodeJwt(tokens.id_token!).act).toEqual(act);
  expect(decodeJwt(tokens.access_token).act).toEqual(act);

  // Untrusted elsewhere: globex never added this issuer.
  await expectRejected(
    startRequest(globex, { scope: 'openid', login_hint: ctx.users.carol.email, actor_token: actorToken }),
    400,
    'invalid_request',
  );
});

test('long polling (CIBA §10.1): a held token request is answered the moment the user approves', async () => {
  const created = await cli<{ client_id: string; client_secret: string }>([
    'client',
    'create',
    '--tenant',
    'acme',
    '--name',
    'Acme Long Poller',
    '--long-poll',
    '10',
  ]);
  const rp = await relyingParty({
    ...created,
    tenant: 'acme',
    name: 'Acme Long Poller',
    token_endpoint_auth_method: 'client_secret_basic',
    binding_message_policy: 'optional',
  });
  const started = await startRequestWithLink(rp, { loginHint: alice.email });
  const sent = Date.now();
  const held = pollOnce(rp, started.auth_req_id).then((result) => ({ result, at: Date.now() }));
  await sleep(1_000);
  await decideByHttp(started.link, 'approve');
  const decided = Date.now();
  const { result, at } = await held;
  if (!result.ok) throw new Error(`Expected tokens, got ${result.status} ${result.error}`);
  expect(result.tokens.token_type.toLowerCase()).toBe('bearer');
  // Held until the decision (not answered at once), then answered at once (the figure is in the bench).
  expect(at - sent).toBeGreaterThanOrEqual(1_000);
  expect(at - decided).toBeLessThan(1_000);
});

test('refresh tokens, revocation and introspection over HTTP, with an EdDSA-signed ID token', async () => {
  const created = await cli<{ client_id: string; client_secret: string }>([
    'client',
    'create',
    '--tenant',
    'acme',
    '--name',
    'Acme Agent',
    '--grant-types',
    `${CIBA_GRANT_TYPE},refresh_token`,
    '--id-token-alg',
    'EdDSA',
  ]);
  const agent = await relyingParty({
    ...created,
    tenant: 'acme',
    name: 'Acme Agent',
    token_endpoint_auth_method: 'client_secret_basic',
    binding_message_policy: 'optional',
  });
  expect(agent.as.revocation_endpoint).toBe(`${issuerOf('acme')}/revoke`);
  expect(agent.as.introspection_endpoint).toBe(`${issuerOf('acme')}/introspect`);
  expect(agent.as.id_token_signing_alg_values_supported).toContain('EdDSA');
  const started = await startRequestWithLink(agent, {
    loginHint: alice.email,
    extra: { scope: 'openid email offline_access' },
  });
  await decideByHttp(started.link, 'approve');
  const first = await pollOnce(agent, started.auth_req_id);
  if (!first.ok) throw new Error(`Expected tokens, got ${first.status} ${first.error}`);
  expect(first.tokens.refresh_token).toEqual(expect.any(String));

  const jwks = createRemoteJWKSet(new URL(agent.as.jwks_uri!));
  const refreshed = await oauth.processRefreshTokenResponse(
    agent.as,
    agent.client,
    await oauth.refreshTokenGrantRequest(agent.as, agent.client, agent.auth, first.tokens.refresh_token!, INSECURE),
  );
  expect(refreshed.refresh_token).not.toBe(first.tokens.refresh_token);
  const { protectedHeader } = await jwtVerify(refreshed.id_token!, jwks, {
    issuer: agent.as.issuer,
    audience: created.client_id,
  });
  expect(protectedHeader.alg).toBe('EdDSA');

  const introspect = async (token: string) =>
    oauth.processIntrospectionResponse(
      agent.as,
      agent.client,
      await oauth.introspectionRequest(agent.as, agent.client, agent.auth, token, INSECURE),
    );
  expect(await introspect(refreshed.access_token)).toMatchObject({ active: true, client_id: created.client_id, sub: alice.sub });
  expect(await introspect(refreshed.refresh_token!)).toMatchObject({ active: true, token_type: 'refresh_token' });

  // Another client learns nothing; no client authentication is 401.
  const other = await introspectBy(acme, refreshed.access_token);
  expect(other).toEqual({ active: false });
  const anonymous = await rawPost(
    agent.as.introspection_endpoint!,
    new URLSearchParams({ token: refreshed.access_token }).toString(),
  );
  expectJsonError(anonymous, 401, 'invalid_client');

  // Revoking the access token: userinfo and introspection refuse it at once.
  await oauth.processRevocationResponse(
    await oauth.revocationRequest(agent.as, agent.client, agent.auth, refreshed.access_token, INSECURE),
  );
  expectJsonError(
    await rawGet(agent.as.userinfo_endpoint!, { authorization: `Bearer ${refreshed.access_token}` }),
    401,
    'invalid_token',
  );
  expect(await introspect(refreshed.access_token)).toEqual({ active: false });

  // The spent refresh token presented again: invalid_grant, and the whole grant is revoked.
  const reuse = await rawPost(
    agent.as.token_endpoint!,
    new URLSearchParams({ grant_type: 'refresh_token', refresh_token: first.tokens.refresh_token! }).toString(),
    { authorization: basicAuthorization(created.client_id, created.client_secret) },
  );
  expectJsonError(reuse, 400, 'invalid_grant');
  expect(await introspect(refreshed.refresh_token!)).toEqual({ active: false });
  expectJsonError(
    await rawGet(agent.as.userinfo_endpoint!, { authorization: `Bearer ${first.tokens.access_token}` }),
    401,
    'invalid_token',
  );
});

const introspectBy = async (rp: RelyingParty, token: string) =>
  oauth.processIntrospectionResponse(
    rp.as,
    rp.client,
    await oauth.introspectionRequest(rp.as, rp.client, rp.auth, token, INSECURE),
  );

test('the server logged no unexpected errors and every email was sent', async () => {
  const log = readFileSync(ctx.serverLog, 'utf8');
  // No error or fatal line from the JSON logger (lib/log.ts), nor from the parts that still print plain text.
  expect(log).not.toMatch(/"level":(50|60)\b/);
  expect(log).not.toMatch(/deciding failed|\[email\].*failed/);
});
