import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ACTOR, testStore } from '@/lib/testing/outbox';
import { describeScopes, findApprovalByToken } from '@/lib/ciba/approval-page-data';
import { completeBackchannelRequest } from '@/lib/ciba/complete-backchannel-request';
import type { Db } from '@/lib/db/client';
import type { Client, Tenant, User } from '@/lib/generated/sqlite/client';
import { seedClient, seedPendingRequest, seedTenant, seedUser } from '@/lib/testing/seed';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;
let tenant: Tenant;
let otherTenant: Tenant;
let client: Client;
let user: User;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  tenant = await seedTenant(db, { slug: 'acme', name: 'Acme' });
  otherTenant = await seedTenant(db, { slug: 'other', name: 'Other' });
  ({ client } = await seedClient(db, tenant, { name: 'Shop App' }));
  user = await seedUser(db, tenant, { email: 'ada@example.test', name: 'Ada' });
});

afterAll(async () => {
  await cleanup();
});

describe('findApprovalByToken', () => {
  it('returns everything the page shows for a valid link', async () => {
    const now = new Date();
    const { request, link, approvalToken } = await seedPendingRequest(db, {
      tenant,
      client,
      user,
      now,
      expiresInSeconds: 300,
      overrides: { scope: 'openid profile email', bindingMessage: 'CODE-42' },
    });

    const result = await findApprovalByToken(testStore(), 'acme', approvalToken, new Date(now.getTime() + 30_500));

    expect(result).toEqual({
      state: 'valid',
      link: { id: link.id, tokenHash: link.tokenHash, createdAt: link.createdAt },
      request: {
        id: request.id,
        scope: 'openid profile email',
        bindingMessage: 'CODE-42',
        expiresAt: request.expiresAt,
        createdAt: request.createdAt,
        acr: null,
        storedAuthorizationDetails: null,
      },
      client: { id: client.id, name: 'Shop App' },
      tenant: { id: tenant.id, slug: 'acme', name: 'Acme' },
      user: { id: user.id, email: 'ada@example.test', name: 'Ada' },
      agent: null,
      secondsLeft: 269,
      scopes: [
        { scope: 'openid', description: 'Confirm your identity' },
        { scope: 'profile', description: 'Your name' },
        { scope: 'email', description: 'Your email address' },
      ],
      items: [],
      authorizationDetails: [],
      passkeyPolicy: { tenant: false, client: false },
    });
  });

  it('is a pure read: looking twice changes nothing', async () => {
    const { request, link, approvalToken } = await seedPendingRequest(db, { tenant, client, user });

    await findApprovalByToken(testStore(), 'acme', approvalToken, new Date());
    await findApprovalByToken(testStore(), 'acme', approvalToken, new Date());

    expect(await db.approvalLink.findUniqueOrThrow({ where: { id: link.id } })).toEqual(link);
    expect(await db.backchannelRequest.findUniqueOrThrow({ where: { id: request.id } })).toEqual(request);
  });

  it.each([
    ['an unknown token', 'acme', 'A'.repeat(43)],
    ['a malformed token', 'acme', '../../etc/passwd'],
    ['an empty token', 'acme', ''],
    ['a huge token', 'acme', 'A'.repeat(100_000)],
    ['a malformed tenant slug', 'Acme!', null],
  ])('answers unknown for %s', async (_label, slug, token) => {
    const seeded = await seedPendingRequest(db, { tenant, client, user });

    expect(await findApprovalByToken(testStore(), slug, token ?? seeded.approvalToken, new Date())).toEqual({ state: 'unknown' });
  });

  it("answers unknown for a valid token under another tenant's URL", async () => {
    const { approvalToken } = await seedPendingRequest(db, { tenant, client, user });

    expect(await findApprovalByToken(testStore(), otherTenant.slug, approvalToken, new Date())).toEqual({ state: 'unknown' });
    expect(await findApprovalByToken(testStore(), 'no-such-tenant', approvalToken, new Date())).toEqual({ state: 'unknown' });
  });

  it('answers used once the link has been used', async () => {
    const { request, link, approvalToken } = await seedPendingRequest(db, { tenant, client, user });
    await completeBackchannelRequest(testStore(), {
      actor: TEST_ACTOR,
      requestId: request.id,
      decision: 'approve',
      approvalLinkId: link.id,
    });

    expect(await findApprovalByToken(testStore(), 'acme', approvalToken, new Date())).toEqual({ state: 'used' });
  });

  it('answers decided when the request was answered some other way', async () => {
    const { request, approvalToken } = await seedPendingRequest(db, { tenant, client, user });
    await completeBackchannelRequest(testStore(), { actor: TEST_ACTOR, requestId: request.id, decision: 'deny' });

    expect(await findApprovalByToken(testStore(), 'acme', approvalToken, new Date())).toEqual({ state: 'decided' });
  });

  it('answers expired from expiresAt (inclusive), whatever the stored status says', async () => {
    const now = new Date();
    const { request, approvalToken } = await seedPendingRequest(db, { tenant, client, user, now, expiresInSeconds: 60 });

    expect((await findApprovalByToken(testStore(), 'acme', approvalToken, new Date(request.expiresAt.getTime() - 1))).state).toBe(
      'valid',
    );
    expect(await findApprovalByToken(testStore(), 'acme', approvalToken, request.expiresAt)).toEqual({ state: 'expired' });
  });
});

describe('describeScopes', () => {
  it('describes known scopes in plain words and shows unknown ones verbatim', () => {
    expect(describeScopes(' openid  offline_access  phone ')).toEqual([
      { scope: 'openid', description: 'Confirm your identity' },
      { scope: 'offline_access', description: 'Keep access while you are away (a refresh token)' },
      { scope: 'phone', description: 'phone' },
    ]);
  });
});
