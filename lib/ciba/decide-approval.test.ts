import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testStore } from '@/lib/testing/outbox';
import { POST } from '@/app/t/[tenant]/approve/[token]/decision/route';
import { APPROVAL_CSRF_PURPOSE, decideApproval } from '@/lib/ciba/decide-approval';
import type { Db } from '@/lib/db/client';
import type { Client, Tenant, User } from '@/lib/generated/sqlite/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { csrfTokenFor } from '@/lib/security/csrf';
import { seedClient, seedPendingRequest, seedTenant, seedUser } from '@/lib/testing/seed';
import { useTestDatabase } from '@/lib/testing/test-database';

const APP_URL = 'https://op.example.test';
const SAME_ORIGIN = new Headers({ origin: APP_URL });

let db: Db;
let cleanup: () => Promise<void>;
let tenant: Tenant;
let client: Client;
let user: User;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase({ appUrl: APP_URL }));
  tenant = await seedTenant(db, { slug: 'acme' });
  ({ client } = await seedClient(db, tenant));
  user = await seedUser(db, tenant);
});

afterAll(async () => {
  await cleanup();
});

const seed = (options: { now?: Date; expiresInSeconds?: number } = {}) =>
  seedPendingRequest(db, { tenant, client, user, ...options });
const csrfFor = (token: string) => csrfTokenFor(APPROVAL_CSRF_PURPOSE, sha256Base64Url(token));
const statusOf = async (requestId: string) =>
  (await db.backchannelRequest.findUniqueOrThrow({ where: { id: requestId }, select: { status: true } })).status;

describe('decideApproval', () => {
  it.each([
    ['approve', 'approved'],
    ['deny', 'denied'],
  ] as const)('%s → %s, consuming the link', async (decision, outcome) => {
    const { request, link, approvalToken } = await seed();

    const result = await decideApproval(testStore(), {
      tenantSlug: 'acme',
      token: approvalToken,
      decision,
      csrfToken: csrfFor(approvalToken),
      headers: SAME_ORIGIN,
    });

    expect(result).toEqual({ outcome });
    expect(await statusOf(request.id)).toBe(outcome);
    expect((await db.approvalLink.findUniqueOrThrow({ where: { id: link.id } })).usedAt).toBeInstanceOf(Date);
  });

  it.each([
    ['an unknown decision', { decision: 'maybe' }],
    ['a missing decision', { decision: undefined }],
    ['a missing CSRF token', { csrfToken: undefined }],
    ['a CSRF token of another link', { csrfToken: csrfFor('A'.repeat(43)) }],
    ['a cross-origin POST', { headers: new Headers({ origin: 'https://evil.example' }) }],
    ['a POST without origin information', { headers: new Headers() }],
  ])('refuses %s as invalid and changes nothing', async (_label, override) => {
    const { request, approvalToken } = await seed();

    const result = await decideApproval(testStore(), {
      tenantSlug: 'acme',
      token: approvalToken,
      decision: 'approve',
      csrfToken: csrfFor(approvalToken),
      headers: SAME_ORIGIN,
      ...override,
    });

    expect(result.outcome).toBe('invalid');
    expect(await statusOf(request.id)).toBe('pending');
  });

  it('answers used for a second decision and expired after expiry', async () => {
    const first = await seed();
    const input = {
      tenantSlug: 'acme',
      token: first.approvalToken,
      csrfToken: csrfFor(first.approvalToken),
      headers: SAME_ORIGIN,
    };
    await decideApproval(testStore(), { ...input, decision: 'approve' });
    expect(await decideApproval(testStore(), { ...input, decision: 'deny' })).toEqual({ outcome: 'used' });
    expect(await statusOf(first.request.id)).toBe('approved');

    const old = await seed({ now: new Date(Date.now() - 600_000), expiresInSeconds: 60 });
    expect(
      await decideApproval(testStore(), {
        tenantSlug: 'acme',
        token: old.approvalToken,
        decision: 'approve',
        csrfToken: csrfFor(old.approvalToken),
        headers: SAME_ORIGIN,
      }),
    ).toEqual({ outcome: 'expired' });
    expect(await statusOf(old.request.id)).toBe('pending');
  });
});

describe('POST /t/<tenant>/approve/<token>/decision', () => {
  const post = (tenantSlug: string, token: string, init: RequestInit) =>
    POST(new Request(`${APP_URL}/t/${tenantSlug}/approve/${token}/decision`, { method: 'POST', ...init }), {
      params: Promise.resolve({ tenant: tenantSlug, token }),
    });
  const formInit = (fields: Record<string, string>, headers: Record<string, string> = { origin: APP_URL }): RequestInit => ({
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  const expectRedirect = (response: Response, outcome: string) => {
    expect(response.status).toBe(303);
    const location = new URL(response.headers.get('location') ?? '', APP_URL);
    expect(`${location.pathname}?outcome=${location.searchParams.get('outcome')}`).toBe(
      `/t/acme/approve/done?outcome=${outcome}`,
    );
    // Only a decision carries the signed ticket of the done page's enrolment offer (lib/authenticator/enrollment-offer.ts).
    if (outcome === 'approved' || outcome === 'denied')
      expect(location.searchParams.get('offer')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    else expect(location.searchParams.has('offer')).toBe(false);
    expect(response.headers.get('cache-control')).toBe('no-store');
  };

  it('approves from a same-origin form POST and redirects (303) to the done page', async () => {
    const { request, approvalToken } = await seed();

    const response = await post('acme', approvalToken, formInit({ decision: 'approve', csrf_token: csrfFor(approvalToken) }));

    expectRedirect(response, 'approved');
    expect(await statusOf(request.id)).toBe('approved');
  });

  it('accepts multipart/form-data too', async () => {
    const { request, approvalToken } = await seed();
    const form = new FormData();
    form.set('decision', 'deny');
    form.set('csrf_token', csrfFor(approvalToken));

    const response = await post('acme', approvalToken, { body: form, headers: { 'sec-fetch-site': 'same-origin' } });

    expectRedirect(response, 'denied');
    expect(await statusOf(request.id)).toBe('denied');
  });

  it.each([
    ['JSON', { headers: { 'content-type': 'application/json', origin: APP_URL }, body: '{"decision":"approve"}' }],
    ['no content type', { headers: { origin: APP_URL }, body: 'decision=approve' }],
    ['no body', { headers: { 'content-type': 'application/x-www-form-urlencoded', origin: APP_URL } }],
    ['a huge body', formInit({ decision: 'approve', csrf_token: 'x'.repeat(1_000_000) })],
    [
      'invalid UTF-8',
      {
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: APP_URL },
        body: new Uint8Array([0xff, 0xfe, 0x3d]),
      },
    ],
    ['broken multipart', { headers: { 'content-type': 'multipart/form-data; boundary=zzz', origin: APP_URL }, body: '--nope' }],
    [
      'a repeated decision',
      {
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: APP_URL },
        body: 'decision=deny&decision=approve',
      },
    ],
  ] as const)('redirects %s to the invalid outcome without changing anything', async (_label, init) => {
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { request, approvalToken } = await seed();

    const response = await post('acme', approvalToken, init);

    expectRedirect(response, 'invalid');
    expect(await statusOf(request.id)).toBe('pending');
  });

  it('answers 404 text for a tenant slug that cannot exist, and handles a hostile token', async () => {
    const bad = await post('../../evil', 'x', formInit({ decision: 'approve' }));
    expect(bad.status).toBe(404);
    expect(await bad.text()).toContain('Unknown tenant');

    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expectRedirect(await post('acme', '%00<script>', formInit({ decision: 'approve', csrf_token: 'x' })), 'invalid');
  });
});
