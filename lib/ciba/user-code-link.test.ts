import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { setUserBlocked } from '@/lib/admin/set-user-blocked';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { verifyUserCode } from '@/lib/ciba/user-code-hash';
import {
  findUserCodeLink,
  requestUserCodeLink,
  setOwnUserCode,
  USER_CODE_LINK_COOLDOWN_MS,
  USER_CODE_LINK_TTL_MS,
  USER_CODE_REQUEST_CSRF_PURPOSE,
  USER_CODE_SET_CSRF_PURPOSE,
} from '@/lib/ciba/user-code-link';
import type { Db } from '@/lib/db/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { csrfTokenFor } from '@/lib/security/csrf';
import { startFakeResend, useResend, type FakeResend } from '@/lib/testing/fake-resend';
import { deliverOutbox, testStore } from '@/lib/testing/outbox';
import { useTestDatabase } from '@/lib/testing/test-database';

// User self-service user codes (CIBA §7.1.2): the emailed one-time link and
// the form it opens, on whichever database the suite runs.

const SLUG = 'selfserve';
const ORIGIN = 'http://localhost:3999';
let db: Db;
let cleanup: () => Promise<void>;
let resend: FakeResend;
let user: { id: string; email: string };

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  resend = await startFakeResend();
  useResend(resend.baseUrl);
  await createTenant(db, CLI_PRINCIPAL, { slug: SLUG, name: 'Self Serve' });
  user = await createUser(db, CLI_PRINCIPAL, { tenantSlug: SLUG, email: 'pat@selfserve.test', name: 'Pat' });
});

afterAll(async () => {
  useResend(undefined);
  await resend.close();
  await cleanup();
});

beforeEach(async () => {
  await db.userCodeLink.deleteMany({});
  resend.received.length = 0;
});

const sameOrigin = new Headers({ origin: ORIGIN });

const ask = (email: string, options: { now?: Date; headers?: Headers; csrfToken?: string } = {}) =>
  requestUserCodeLink(testStore(), {
    tenantSlug: SLUG,
    email,
    csrfToken: options.csrfToken ?? csrfTokenFor(USER_CODE_REQUEST_CSRF_PURPOSE, SLUG),
    headers: options.headers ?? sameOrigin,
    now: options.now,
  });

/** Asks for a link, delivers the outbox, and reads the token from the email the fake Resend received. */
const emailedToken = async (now = new Date()): Promise<string> => {
  expect((await ask(user.email, { now })).outcome).toBe('sent');
  await deliverOutbox();
  const email = resend.received.at(-1)!;
  expect(email.body.to).toEqual([user.email]);
  const match = new RegExp(`${ORIGIN}/t/${SLUG}/user-code/([A-Za-z0-9_-]{43})`).exec(email.body.text ?? '');
  expect(match).not.toBeNull();

  return match![1];
};

const setCode = (token: string, code: unknown, options: { confirmation?: unknown; csrfToken?: string; now?: Date } = {}) =>
  setOwnUserCode(testStore(), {
    tenantSlug: SLUG,
    token,
    code,
    confirmation: options.confirmation ?? code,
    csrfToken: options.csrfToken ?? csrfTokenFor(USER_CODE_SET_CSRF_PURPOSE, sha256Base64Url(token)),
    headers: sameOrigin,
    now: options.now,
  });

describe('requestUserCodeLink', () => {
  it('emails a one-time link through the outbox; only its hash is stored, valid for 15 minutes', async () => {
    const now = new Date();
    const token = await emailedToken(now);
    const [link] = await db.userCodeLink.findMany({ where: { userId: user.id } });
    expect(link).toMatchObject({ tokenHash: sha256Base64Url(token), usedAt: null });
    expect(link.expiresAt.getTime()).toBe(now.getTime() + USER_CODE_LINK_TTL_MS);
    expect(JSON.stringify(await db.userCodeLink.findMany())).not.toContain(token);
    expect(resend.received.at(-1)!.body.subject).toBe('Set your user code for Self Serve');
  });

  it('answers the same for an unknown or blocked user, and sends nothing', async () => {
    const blocked = await createUser(db, CLI_PRINCIPAL, { tenantSlug: SLUG, email: 'blocked@selfserve.test' });
    await setUserBlocked(db, CLI_PRINCIPAL, { tenantSlug: SLUG, id: blocked.id, blocked: true });
    expect(await ask('nobody@selfserve.test')).toMatchObject({ outcome: 'sent' });
    expect(await ask('blocked@selfserve.test')).toMatchObject({ outcome: 'sent' });
    await deliverOutbox();
    expect(await db.userCodeLink.count()).toBe(0);
    expect(resend.received).toHaveLength(0);
  });

  it('sends at most one link per user per minute', async () => {
    const now = new Date();
    await emailedToken(now);
    expect(await ask(user.email.toUpperCase(), { now: new Date(now.getTime() + 1000) })).toMatchObject({ outcome: 'sent' });
    expect(await db.userCodeLink.count()).toBe(1);
    await ask(user.email, { now: new Date(now.getTime() + USER_CODE_LINK_COOLDOWN_MS + 1000) });
    expect(await db.userCodeLink.count()).toBe(2);
  });

  it('refuses a cross-origin POST or a bad CSRF token, and writes nothing', async () => {
    expect(await ask(user.email, { headers: new Headers({ origin: 'https://evil.example' }) })).toMatchObject({
      outcome: 'invalid',
    });
    expect(await ask(user.email, { csrfToken: csrfTokenFor(USER_CODE_REQUEST_CSRF_PURPOSE, 'other') })).toMatchObject({
      outcome: 'invalid',
    });
    expect(await db.userCodeLink.count()).toBe(0);
  });
});

describe('setOwnUserCode', () => {
  it('sets the code (slow hash), clears failures and lock, and uses the link once', async () => {
    await db.user.update({
      where: { id: user.id },
      data: { userCodeFailures: 5, userCodeLockedUntil: new Date(Date.now() + 600_000) },
    });
    const token = await emailedToken();
    expect((await findUserCodeLink(testStore(), { tenantSlug: SLUG, token, now: new Date() })).state).toBe('valid');
    expect(await setCode(token, 'my new code 7')).toEqual({ outcome: 'set' });
    const row = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(row).toMatchObject({ userCodeFailures: 0, userCodeLockedUntil: null });
    expect(await verifyUserCode('my new code 7', row.userCodeHash!)).toEqual({ ok: true, needsRehash: false });
    expect(await setCode(token, 'another-code')).toMatchObject({ outcome: 'used' });
    expect((await findUserCodeLink(testStore(), { tenantSlug: SLUG, token, now: new Date() })).state).toBe('used');
  });

  it('refuses a code that breaks the rules or a confirmation that differs, and the link still works', async () => {
    const token = await emailedToken();
    expect(await setCode(token, 'abc')).toEqual({ outcome: 'rejected', message: 'The code must be 4–64 characters (got 3).' });
    expect(await setCode(token, ' padded ')).toMatchObject({ outcome: 'rejected' });
    expect(await setCode(token, 'good-code', { confirmation: 'good-codf' })).toEqual({ outcome: 'mismatch' });
    expect(await setCode(token, 'good-code')).toEqual({ outcome: 'set' });
  });

  it('refuses an expired link, an unknown one, one of another tenant, and a bad CSRF token', async () => {
    const now = new Date();
    const token = await emailedToken(now);
    expect(await setCode(token, 'good-code', { now: new Date(now.getTime() + USER_CODE_LINK_TTL_MS) })).toMatchObject({
      outcome: 'expired',
    });
    expect(await setCode('x'.repeat(43), 'good-code')).toMatchObject({ outcome: 'invalid' });
    expect((await findUserCodeLink(testStore(), { tenantSlug: 'other-tenant', token, now })).state).toBe('unknown');
    expect(await setCode(token, 'good-code', { csrfToken: csrfTokenFor(USER_CODE_SET_CSRF_PURPOSE, 'other') })).toMatchObject({
      outcome: 'invalid',
    });
    expect((await db.userCodeLink.findFirstOrThrow()).usedAt).toBeNull();
  });
});
