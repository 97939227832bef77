// The relying party side of the e2e specs: oauth4webapi for the protocol,
// raw fetch where a test needs the exact wire behaviour, and the mock
// mailbox for the approval emails.
import { randomBytes } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { e2eContext, issuerOf, type E2eClient } from './context';
import type { StoredEmail } from './mock-resend';

/** The server is plain HTTP on localhost; oauth4webapi refuses that unless told. */
export const INSECURE = { [oauth.allowInsecureRequests]: true } as const;

export const CIBA_GRANT_TYPE = 'urn:openid:params:grant-type:ciba';

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

export type RelyingParty = {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  auth: oauth.ClientAuth;
  config: E2eClient;
};

const discoveries = new Map<string, Promise<oauth.AuthorizationServer>>();

/** OIDC discovery of `<APP_URL>/t/<tenant>`, validated by oauth4webapi (issuer must match). */
export const discover = (tenant: string): Promise<oauth.AuthorizationServer> => {
  let pending = discoveries.get(tenant);
  if (!pending) {
    const issuer = new URL(issuerOf(tenant));
    pending = oauth
      .discoveryRequest(issuer, { algorithm: 'oidc', ...INSECURE })
      .then((response) => oauth.processDiscoveryResponse(issuer, response));
    pending.catch(() => discoveries.delete(tenant));
    discoveries.set(tenant, pending);
  }

  return pending;
};

export const relyingParty = async (config: E2eClient): Promise<RelyingParty> => ({
  as: await discover(config.tenant),
  client: { client_id: config.client_id },
  auth:
    config.token_endpoint_auth_method === 'client_secret_post'
      ? oauth.ClientSecretPost(config.client_secret)
      : oauth.ClientSecretBasic(config.client_secret),
  config,
});

/** bc-authorize through oauth4webapi; resolves with `auth_req_id`, `expires_in`, `interval`. */
export const startRequest = async (rp: RelyingParty, parameters: Record<string, string>) => {
  const response = await oauth.backchannelAuthenticationRequest(rp.as, rp.client, rp.auth, parameters, INSECURE);

  return oauth.processBackchannelAuthenticationResponse(rp.as, rp.client, response);
};

export type PollResult =
  { ok: true; tokens: oauth.TokenEndpointResponse } | { ok: false; status: number; error: string; body: Record<string, unknown> };

/** One poll of the token endpoint; OAuth error responses come back as values, not exceptions. */
export const pollOnce = async (rp: RelyingParty, authReqId: string): Promise<PollResult> => {
  const response = await oauth.backchannelAuthenticationGrantRequest(rp.as, rp.client, rp.auth, authReqId, INSECURE);
  try {
    return { ok: true, tokens: await oauth.processBackchannelAuthenticationGrantResponse(rp.as, rp.client, response) };
  } catch (error) {
    if (error instanceof oauth.ResponseBodyError) {
      return { ok: false, status: error.status, error: error.error, body: error.cause };
    }
    throw error;
  }
};

/**
 * Polls as a well-behaved client (CIBA §7.3, §11): waits `interval` seconds
 * after each `authorization_pending`, adopts the new interval on `slow_down`,
 * and stops at anything else.
 */
export const pollUntilDone = async (
  rp: RelyingParty,
  authReqId: string,
  options: { interval: number; waitFirst?: boolean; timeoutMs?: number },
): Promise<PollResult> => {
  let interval = options.interval;
  const deadline = Date.now() + (options.timeoutMs ?? 25_000);
  if (options.waitFirst) await sleep(interval * 1000);
  for (;;) {
    const result = await pollOnce(rp, authReqId);
    if (result.ok || (result.error !== 'authorization_pending' && result.error !== 'slow_down')) return result;
    if (result.error === 'slow_down') interval = typeof result.body.interval === 'number' ? result.body.interval : interval + 5;
    if (Date.now() + interval * 1000 > deadline) return result;
    await sleep(interval * 1000);
  }
};

/** A fresh binding message (the default charset: letters, digits, space and + - _ . , : #). */
export const bindingCode = (): string => `E2E ${randomBytes(3).toString('hex').toUpperCase()}`;

/** Waits for the mock Resend endpoint to have received an email to `to` whose text contains `containing`. */
export const waitForEmail = async (options: { to: string; containing: string; timeoutMs?: number }): Promise<StoredEmail> => {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  for (;;) {
    const response = await fetch(`${e2eContext().mailUrl}/__messages?to=${encodeURIComponent(options.to)}`);
    const { messages } = (await response.json()) as { messages: StoredEmail[] };
    const found = messages.find((message) => message.text.includes(options.containing));
    if (found) return found;
    if (Date.now() > deadline) {
      throw new Error(`No email to ${options.to} containing "${options.containing}" within ${options.timeoutMs ?? 10_000} ms.`);
    }
    await sleep(100);
  }
};

/** The approval link of an approval email (its text part). */
export const approvalLinkIn = (email: StoredEmail): string => {
  const match = /(https?:\/\/\S+\/approve\/[A-Za-z0-9_-]+)/.exec(email.text);
  if (!match) throw new Error(`No approval link in the email:\n${email.text}`);

  return match[1];
};

/** Starts a request for `user` and returns it with its approval link (from the email). */
export const startRequestWithLink = async (rp: RelyingParty, options: { loginHint: string; extra?: Record<string, string> }) => {
  const binding = bindingCode();
  const started = await startRequest(rp, {
    scope: 'openid email',
    login_hint: options.loginHint,
    binding_message: binding,
    ...options.extra,
  });
  const email = await waitForEmail({ to: options.loginHint, containing: binding });

  return { ...started, binding, email, link: approvalLinkIn(email) };
};

export type RawResponse = { status: number; headers: Headers; text: string; json: Record<string, unknown> | undefined };

const readRaw = async (response: Response): Promise<RawResponse> => {
  const text = await response.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = undefined;
  }

  return { status: response.status, headers: response.headers, text, json };
};

/** `Authorization: Basic` per RFC 6749 §2.3.1 (each half form-urlencoded). */
export const basicAuthorization = (clientId: string, clientSecret: string): string =>
  `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;

/** A raw POST (no client library in the way), body and content type exactly as given. */
export const rawPost = async (
  url: string,
  body: string | Uint8Array<ArrayBuffer>,
  options: { contentType?: string | null; authorization?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> => {
  const headers: Record<string, string> = { ...options.headers };
  if (options.contentType !== null) headers['content-type'] = options.contentType ?? 'application/x-www-form-urlencoded';
  if (options.authorization) headers.authorization = options.authorization;
  const response = await fetch(url, { method: 'POST', headers, body, redirect: 'manual' });

  return readRaw(response);
};

export const rawGet = async (url: string, headers: Record<string, string> = {}): Promise<RawResponse> =>
  readRaw(await fetch(url, { headers, redirect: 'manual' }));

/** The approval page's form: its action (absolute) and CSRF token, read from the server-rendered HTML. */
export const readApprovalForm = async (link: string): Promise<{ action: string; csrfToken: string }> => {
  const page = await rawGet(link);
  if (page.status !== 200) throw new Error(`GET ${link} answered ${page.status}`);
  const csrfToken = /name="csrf_token"[^>]*value="([^"]+)"/.exec(page.text)?.[1];
  const action = /<form[^>]*action="([^"]+)"/.exec(page.text)?.[1];
  if (!csrfToken || !action) throw new Error('No approval form on the page.');

  return { action: new URL(action.replace(/&amp;/g, '&'), link).toString(), csrfToken };
};
