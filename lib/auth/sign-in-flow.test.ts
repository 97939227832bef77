// The console's magic-link sign-in end to end through Auth.js (its core, as
// next-auth's route handlers call it for app/api/auth/[...nextauth]) with our
// route rules, adapter and a fake Resend: who gets a link, what is stored,
// what the link does, sessions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Auth } from '@auth/core';
import { NextRequest } from 'next/server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTenant } from '@/lib/admin/create-tenant';
import { buildAuthConfig } from '@/lib/auth/auth-config';
import { createAuthRouteHandlers } from '@/lib/auth/auth-route-handlers';
import { loadAdminPrincipal } from '@/lib/auth/load-admin-principal';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { SIGN_IN_RESPONSE_FLOOR_MS } from '@/lib/auth/with-response-floor';
import type { Db } from '@/lib/db/client';
import { getEnv } from '@/lib/env';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { startFakeResend, useResend, type FakeResend } from '@/lib/testing/fake-resend';
import { useTestDatabase } from '@/lib/testing/test-database';

const APP_URL = 'http://localhost:3999';
const OWNER = 'owner@example.com';

let db: Db;
let cleanup: () => Promise<void>;
let resend: FakeResend;
let routes: ReturnType<typeof createAuthRouteHandlers>;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase({ appUrl: APP_URL }));
  process.env.ADMIN_EMAILS = `${OWNER.toUpperCase()}, second-owner@example.com`;
  resend = await startFakeResend();
  useResend(resend.baseUrl);
  // What next-auth's handlers do without AUTH_URL: Auth(request, config).
  const handler = (req: NextRequest) => Auth(req, buildAuthConfig(db));
  routes = createAuthRouteHandlers({ GET: handler, POST: handler });
});

afterAll(async () => {
  delete process.env.ADMIN_EMAILS;
  useResend(undefined);
  await resend.close();
  await cleanup();
});

beforeEach(() => {
  resend.received.length = 0;
});

/** A browser's cookie jar, just enough for Auth.js's cookies. */
class Jar {
  readonly cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index);
      const value = pair.slice(index + 1);
      if (value === '' || /max-age=0|expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

const request = (path: string, init: { method?: string; form?: Record<string, string>; jar?: Jar; origin?: string } = {}) => {
  const headers = new Headers({ host: 'localhost:3999' });
  if (init.jar) headers.set('cookie', init.jar.header());
  if (init.origin) headers.set('origin', init.origin);
  if (init.form) headers.set('content-type', 'application/x-www-form-urlencoded');

  return new NextRequest(new URL(path, APP_URL), {
    method: init.method ?? 'GET',
    headers,
    body: init.form ? new URLSearchParams(init.form).toString() : undefined,
  });
};

const send = async (req: NextRequest, jar?: Jar): Promise<Response> => {
  const response = await (req.method === 'POST' ? routes.POST(req) : routes.GET(req));
  jar?.take(response);

  return response;
};

/** Asks for a sign-in link as the sign-in form does; returns the response, its duration and the jar. */
const askForLink = async (email: string) => {
  const jar = new Jar();
  const csrf = await send(request('/api/auth/csrf', { jar }), jar);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const started = performance.now();
  const response = await send(
    request('/api/auth/signin/resend', {
      method: 'POST',
      jar,
      origin: APP_URL,
      form: { email, csrfToken, callbackUrl: `${APP_URL}/admin` },
    }),
    jar,
  );

  return { response, elapsed: performance.now() - started, jar };
};

const waitForEmail = async (to: string, timeoutMs = 3_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const email = resend.received.find((received) => received.body.to?.includes(to));
    if (email) return email;
    if (Date.now() > deadline) throw new Error(`no email to ${to}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

const linkIn = (text: string | undefined): URL => {
  const match = /(http\S+\/admin\/sign-in\/confirm\?\S+)/.exec(text ?? '');
  if (!match) throw new Error(`no sign-in link in:\n${text}`);

  return new URL(match[1]);
};

/** Uses a link as the confirmation page's button does (POST, same origin). */
const useLink = (link: URL, jar: Jar, origin: string | null = APP_URL) =>
  send(request(`/api/auth/callback/resend${link.search}`, { method: 'POST', jar, origin: origin ?? undefined }), jar);

const sessionOf = async (jar: Jar) =>
  (await (await send(request('/api/auth/session', { jar }), jar)).json()) as { user?: { id: string; email: string } } | null;

const VERIFY_REQUEST = `${APP_URL}/api/auth/verify-request?provider=resend&type=email`;

describe('asking for a sign-in link', () => {
  it('an ADMIN_EMAILS owner gets a one-time link by email; only its hash is stored', async () => {
    const { response, elapsed } = await askForLink(OWNER);

    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(VERIFY_REQUEST);
    expect(elapsed).toBeGreaterThanOrEqual(SIGN_IN_RESPONSE_FLOOR_MS - 5);
    const email = await waitForEmail(OWNER);
    expect(email.body.subject).toBe('Your sign-in link for the Backchannel console');
    const link = linkIn(email.body.text);
    expect(link.origin + link.pathname).toBe(`${APP_URL}/admin/sign-in/confirm`);
    expect(link.searchParams.get('email')).toBe(OWNER);
    expect(email.body.html).toContain(link.toString().replace(/&/g, '&amp;'));
    const token = link.searchParams.get('token')!;
    const stored = await db.adminVerificationToken.findMany({ where: { identifier: OWNER } });
    expect(stored).toHaveLength(1);
    expect(stored[0].token).not.toContain(token);
    expect(stored[0].expires.getTime() - Date.now()).toBeLessThanOrEqual(10 * 60 * 1000);
    // Nobody is created before the link is used.
    expect(await db.admin.count({ where: { email: OWNER } })).toBe(0);
  });

  it('an unknown address gets the same answer, no sooner, and no token and no email', async () => {
    const before = await db.adminVerificationToken.count();
    const { response, elapsed } = await askForLink('stranger@example.com');

    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(VERIFY_REQUEST);
    expect(elapsed).toBeGreaterThanOrEqual(SIGN_IN_RESPONSE_FLOOR_MS - 5);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(resend.received).toHaveLength(0);
    expect(await db.adminVerificationToken.count()).toBe(before);
    expect(await db.admin.count({ where: { email: 'stranger@example.com' } })).toBe(0);
  });

  it('the verify-request page of Auth.js leads to the console check-email page', async () => {
    const response = await send(request('/api/auth/verify-request?provider=resend&type=email'));
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/admin/sign-in/check-email?provider=resend&type=email');
  });

  it('an invited admin (not in ADMIN_EMAILS) gets a link too', async () => {
    await db.admin.create({ data: { id: 'invited-1', email: 'invited@example.com', role: 'tenant-admin' } });
    await askForLink('Invited@Example.com');
    expect(linkIn((await waitForEmail('invited@example.com')).body.text).searchParams.get('email')).toBe('invited@example.com');
  });
});

describe('using the link', () => {
  it('a GET of the callback uses nothing: it leads to the confirmation page with the same parameters', async () => {
    await askForLink(OWNER);
    const link = linkIn((await waitForEmail(OWNER)).body.text);
    const tokensBefore = await db.adminVerificationToken.count({ where: { identifier: OWNER } });

    const response = await send(request(`/api/auth/callback/resend${link.search}`));

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`/admin/sign-in/confirm${link.search}`);
    expect(await db.adminVerificationToken.count({ where: { identifier: OWNER } })).toBe(tokensBefore);
  });

  it('a cross-origin POST is refused (403) and the link stays usable', async () => {
    await askForLink(OWNER);
    const link = linkIn((await waitForEmail(OWNER)).body.text);
    const jar = new Jar();

    expect((await useLink(link, jar, 'http://evil.example')).status).toBe(403);
    expect((await useLink(link, jar, null)).status).toBe(403);
    expect(jar.cookies.size).toBe(0);
    expect((await useLink(link, jar)).status).toBe(302);
  });

  it('signs the owner in: the admin is created as owner (audited), the session is stored hashed, the link works once', async () => {
    await db.admin.deleteMany({ where: { email: OWNER } });
    const { jar } = await askForLink(OWNER);
    const link = linkIn((await waitForEmail(OWNER)).body.text);

    const response = await useLink(link, jar);

    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${APP_URL}/admin`);
    const setCookie = response.headers.getSetCookie().find((line) => line.startsWith('authjs.session-token='))!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/i);
    const sessionToken = jar.cookies.get('authjs.session-token')!;
    const admin = await db.admin.findUniqueOrThrow({ where: { email: OWNER } });
    expect(admin).toMatchObject({ role: 'owner', emailVerified: expect.any(Date) });
    const sessions = await db.adminSession.findMany({ where: { adminId: admin.id } });
    expect(sessions.map((session) => session.sessionTokenHash)).toEqual([sha256Base64Url(sessionToken)]);
    expect(sessions[0].expires.getTime() - Date.now()).toBeGreaterThan(8 * 3600 * 1000 - 60_000);
    expect(sessions[0].expires.getTime() - Date.now()).toBeLessThanOrEqual(8 * 3600 * 1000);
    const [audit] = await db.event.findMany({ where: { type: 'admin_created', actor: `admin:${admin.id}` } });
    expect(JSON.parse(audit.detail!)).toEqual({
      target: OWNER,
      before: null,
      after: { email: OWNER, role: 'owner', source: 'ADMIN_EMAILS' },
    });
    expect(await sessionOf(jar)).toMatchObject({ user: { id: admin.id, email: OWNER } });

    const again = new Jar();
    const reused = await useLink(link, again);
    expect(reused.headers.get('location')).toBe(`${APP_URL}/admin/sign-in?error=Verification`);
    expect(again.cookies.has('authjs.session-token')).toBe(false);
  });

  it('an expired link is refused', async () => {
    await askForLink(OWNER);
    const link = linkIn((await waitForEmail(OWNER)).body.text);
    await db.adminVerificationToken.updateMany({ where: { identifier: OWNER }, data: { expires: new Date(Date.now() - 1000) } });

    const response = await useLink(link, new Jar());
    expect(response.headers.get('location')).toBe(`${APP_URL}/admin/sign-in?error=Verification`);
  });

  it('a link for an admin removed since it was sent is refused', async () => {
    await db.admin.create({ data: { id: 'leaving-1', email: 'leaving@example.com', role: 'tenant-admin' } });
    await askForLink('leaving@example.com');
    const link = linkIn((await waitForEmail('leaving@example.com')).body.text);
    await db.admin.delete({ where: { id: 'leaving-1' } });

    const jar = new Jar();
    const response = await useLink(link, jar);
    expect(response.headers.get('location')).toMatch(/\/admin\/sign-in\?error=/);
    expect(jar.cookies.has('authjs.session-token')).toBe(false);
    expect(await db.admin.count({ where: { email: 'leaving@example.com' } })).toBe(0);
  });

  it('an ADMIN_EMAILS address stored as a tenant admin becomes an owner at sign-in', async () => {
    await db.admin.create({ data: { id: 'second-1', email: 'second-owner@example.com', role: 'tenant-admin' } });
    const { jar } = await askForLink('second-owner@example.com');
    await useLink(linkIn((await waitForEmail('second-owner@example.com')).body.text), jar);

    expect((await db.admin.findUniqueOrThrow({ where: { id: 'second-1' } })).role).toBe('owner');
    expect(await db.event.count({ where: { type: 'admin_updated', actor: 'admin:second-1' } })).toBe(1);
  });
});

describe('sessions', () => {
  const signedIn = async (email: string) => {
    const { jar } = await askForLink(email);
    await useLink(linkIn((await waitForEmail(email)).body.text), jar);

    return jar;
  };

  it('an expired session is no session, and its row is removed', async () => {
    const jar = await signedIn('invited@example.com');
    const hash = sha256Base64Url(jar.cookies.get('authjs.session-token')!);
    await db.adminSession.update({ where: { sessionTokenHash: hash }, data: { expires: new Date(Date.now() - 1000) } });

    expect(await sessionOf(jar)).toBeNull();
    expect(await db.adminSession.count({ where: { sessionTokenHash: hash } })).toBe(0);
  });

  it('a session token that is only stored (as its hash) is not a session', async () => {
    const jar = await signedIn('invited@example.com');
    const hash = sha256Base64Url(jar.cookies.get('authjs.session-token')!);
    jar.cookies.set('authjs.session-token', hash);

    expect(await sessionOf(jar)).toBeNull();
  });

  it('sign-out deletes the session', async () => {
    const jar = await signedIn('invited@example.com');
    const hash = sha256Base64Url(jar.cookies.get('authjs.session-token')!);
    const { csrfToken } = (await (await send(request('/api/auth/csrf', { jar }), jar)).json()) as { csrfToken: string };

    await send(request('/api/auth/signout', { method: 'POST', jar, origin: APP_URL, form: { csrfToken } }), jar);

    expect(await db.adminSession.count({ where: { sessionTokenHash: hash } })).toBe(0);
    expect(await sessionOf(jar)).toBeNull();
  });
});

describe('loadAdminPrincipal', () => {
  it('is the admin with role and tenant memberships; null for an unknown id', async () => {
    const acme = await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' });
    await db.adminMembership.create({ data: { adminId: 'invited-1', tenantId: acme.id } });

    expect(await loadAdminPrincipal(db, 'invited-1')).toEqual({
      kind: 'admin',
      id: 'invited-1',
      email: 'invited@example.com',
      role: 'tenant-admin',
      tenantIds: new Set([acme.id]),
    });
    expect(await loadAdminPrincipal(db, 'nobody')).toBeNull();
  });
});

describe('buildAuthConfig', () => {
  it('signs with the data directory auth-secret unless AUTH_SECRET is set; database sessions of 8 h, renewed hourly', () => {
    const env = getEnv();
    const config = buildAuthConfig(db, env);

    expect(config.secret).toBe(readFileSync(join(env.dataDir, 'auth-secret'), 'utf8').trim());
    expect(config.session).toEqual({ strategy: 'database', maxAge: 8 * 3600, updateAge: 3600 });
    expect(config.trustHost).toBe(true);
    expect(buildAuthConfig(db, { ...env, authSecret: 'from-AUTH_SECRET' }).secret).toBe('from-AUTH_SECRET');
  });

  it('marks cookies Secure exactly when APP_URL is https', () => {
    expect(buildAuthConfig(db, { ...getEnv(), appUrl: 'https://op.example.test' }).useSecureCookies).toBe(true);
    expect(buildAuthConfig(db, { ...getEnv(), appUrl: 'http://localhost:3999' }).useSecureCookies).toBe(false);
  });
});
