import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_ACTOR, testStore } from '@/lib/testing/outbox';
import { completeBackchannelRequest } from '@/lib/ciba/complete-backchannel-request';
import { ACR_EMAIL_LINK, ACR_PASSKEY } from '@/lib/ciba/constants';
import { grantAuthentication } from '@/lib/ciba/grant-authentication';
import type { Db } from '@/lib/db/client';
import type { Client, Tenant, User } from '@/lib/generated/sqlite/client';
import { seedClient, seedPendingRequest, seedTenant, seedUser } from '@/lib/testing/seed';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;
let tenant: Tenant;
let client: Client;
let user: User;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  tenant = await seedTenant(db);
  ({ client } = await seedClient(db, tenant));
  user = await seedUser(db, tenant);
});

afterAll(async () => {
  await cleanup();
});

const seedRequest = (options: { now?: Date; expiresInSeconds?: number } = {}) =>
  seedPendingRequest(db, { tenant, client, user, ...options });

const readState = async (requestId: string, linkId: string) => ({
  request: await db.backchannelRequest.findUniqueOrThrow({
    where: { id: requestId },
    select: { status: true, decidedAt: true },
  }),
  link: await db.approvalLink.findUniqueOrThrow({ where: { id: linkId }, select: { usedAt: true } }),
});

describe('completeBackchannelRequest', () => {
  it('approves a pending request through its link: status, decidedAt (auth_time) and the link are written together', async () => {
    const { request, link } = await seedRequest();
    const now = new Date();

    const result = await completeBackchannelRequest(testStore(), {
      actor: TEST_ACTOR,
      requestId: request.id,
      decision: 'approve',
      approvalLinkId: link.id,
      now,
    });

    expect(result).toEqual({ ok: true, status: 'approved' });
    expect(await readState(request.id, link.id)).toEqual({
      request: { status: 'approved', decidedAt: now },
      link: { usedAt: now },
    });
  });

  it('denies a pending request without a link (other channels, tests)', async () => {
    const { request, link } = await seedRequest();

    const result = await completeBackchannelRequest(testStore(), { actor: TEST_ACTOR, requestId: request.id, decision: 'deny' });

    expect(result).toEqual({ ok: true, status: 'denied' });
    const state = await readState(request.id, link.id);
    expect(state.request.status).toBe('denied');
    expect(state.request.decidedAt).toBeInstanceOf(Date);
    expect(state.link.usedAt).toBeNull();
  });

  it('lets exactly one of two concurrent decisions (approve vs deny, same link) win', async () => {
    for (let round = 0; round < 5; round += 1) {
      const { request, link } = await seedRequest();

      const results = await Promise.all([
        completeBackchannelRequest(testStore(), {
          actor: TEST_ACTOR,
          requestId: request.id,
          decision: 'approve',
          approvalLinkId: link.id,
        }),
        completeBackchannelRequest(testStore(), {
          actor: TEST_ACTOR,
          requestId: request.id,
          decision: 'deny',
          approvalLinkId: link.id,
        }),
      ]);

      const winners = results.filter((result) => result.ok);
      expect(winners).toHaveLength(1);
      const loser = results.find((result) => !result.ok);
      expect(loser).toMatchObject({ ok: false, reason: expect.stringMatching(/^(already_decided|link_used)$/) });
      const state = await readState(request.id, link.id);
      expect(state.request.status).toBe(winners[0].ok && winners[0].status);
    }
  });

  it('lets exactly one of many concurrent decisions without links win', async () => {
    const { request, link } = await seedRequest();

    const results = await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        completeBackchannelRequest(testStore(), {
          actor: TEST_ACTOR,
          requestId: request.id,
          decision: index % 2 === 0 ? 'approve' : 'deny',
        }),
      ),
    );

    expect(results.filter((result) => result.ok)).toHaveLength(1);
    expect(results.filter((result) => !result.ok).every((result) => !result.ok && result.reason === 'already_decided')).toBe(
      true,
    );
    expect((await readState(request.id, link.id)).request.status).toMatch(/^(approved|denied)$/);
  });

  it('refuses a decision after expiry and changes nothing (the link stays unused)', async () => {
    const created = new Date(Date.now() - 120_000);
    const { request, link } = await seedRequest({ now: created, expiresInSeconds: 60 });

    const result = await completeBackchannelRequest(testStore(), {
      actor: TEST_ACTOR,
      requestId: request.id,
      decision: 'approve',
      approvalLinkId: link.id,
    });

    expect(result).toEqual({ ok: false, reason: 'expired' });
    expect(await readState(request.id, link.id)).toEqual({
      request: { status: 'pending', decidedAt: null },
      link: { usedAt: null },
    });
  });

  it('treats the exact expiry instant as expired', async () => {
    const now = new Date();
    const { request, link } = await seedRequest({ now, expiresInSeconds: 60 });

    const result = await completeBackchannelRequest(testStore(), {
      actor: TEST_ACTOR,
      requestId: request.id,
      decision: 'approve',
      approvalLinkId: link.id,
      now: request.expiresAt,
    });

    expect(result).toEqual({ ok: false, reason: 'expired' });
  });

  it('does not accept a used link a second time', async () => {
    const { request, link } = await seedRequest();
    const first = await completeBackchannelRequest(testStore(), {
      actor: TEST_ACTOR,
      requestId: request.id,
      decision: 'approve',
      approvalLinkId: link.id,
    });
    const firstState = await readState(request.id, link.id);

    const second = await completeBackchannelRequest(testStore(), {
      actor: TEST_ACTOR,
      requestId: request.id,
      decision: 'deny',
      approvalLinkId: link.id,
    });

    expect(first.ok).toBe(true);
    expect(second).toEqual({ ok: false, reason: 'already_decided' });
    expect(await readState(request.id, link.id)).toEqual(firstState);
  });

  it('reports link_used and leaves a still-pending request untouched when only the link was consumed', async () => {
    const { request, link } = await seedRequest();
    const usedAt = new Date(Date.now() - 1000);
    await db.approvalLink.update({ where: { id: link.id }, data: { usedAt } });

    const result = await completeBackchannelRequest(testStore(), {
      actor: TEST_ACTOR,
      requestId: request.id,
      decision: 'approve',
      approvalLinkId: link.id,
    });

    expect(result).toEqual({ ok: false, reason: 'link_used' });
    expect(await readState(request.id, link.id)).toEqual({ request: { status: 'pending', decidedAt: null }, link: { usedAt } });
  });

  it('rolls back the link update when the request was already decided elsewhere', async () => {
    const { request, link } = await seedRequest();
    await completeBackchannelRequest(testStore(), { actor: TEST_ACTOR, requestId: request.id, decision: 'deny' });

    const result = await completeBackchannelRequest(testStore(), {
      actor: TEST_ACTOR,
      requestId: request.id,
      decision: 'approve',
      approvalLinkId: link.id,
    });

    expect(result).toEqual({ ok: false, reason: 'already_decided' });
    const state = await readState(request.id, link.id);
    expect(state.request.status).toBe('denied');
    expect(state.link.usedAt).toBeNull();
  });

  it('answers not_found for an unknown request and for a link of another request', async () => {
    const one = await seedRequest();
    const other = await seedRequest();

    expect(
      await completeBackchannelRequest(testStore(), { actor: TEST_ACTOR, requestId: 'no-such-request', decision: 'approve' }),
    ).toEqual({
      ok: false,
      reason: 'not_found',
    });
    expect(
      await completeBackchannelRequest(testStore(), {
        actor: TEST_ACTOR,
        requestId: one.request.id,
        decision: 'approve',
        approvalLinkId: other.link.id,
      }),
    ).toEqual({ ok: false, reason: 'not_found' });
    expect(await readState(one.request.id, one.link.id)).toEqual({
      request: { status: 'pending', decidedAt: null },
      link: { usedAt: null },
    });
    expect((await readState(other.request.id, other.link.id)).link.usedAt).toBeNull();
  });

  it('never reopens a redeemed request', async () => {
    const { request, link } = await seedRequest();
    await db.backchannelRequest.update({
      where: { id: request.id },
      data: { status: 'redeemed', decidedAt: new Date(), redeemedAt: new Date() },
    });

    const result = await completeBackchannelRequest(testStore(), {
      actor: TEST_ACTOR,
      requestId: request.id,
      decision: 'deny',
      approvalLinkId: link.id,
    });

    expect(result).toEqual({ ok: false, reason: 'already_decided' });
    expect((await readState(request.id, link.id)).request.status).toBe('redeemed');
  });

  describe('the passkey level (acr ACR_PASSKEY)', () => {
    const seedPasskeyRequest = () => seedPendingRequest(db, { tenant, client, user, overrides: { acr: ACR_PASSKEY } });
    const readDecision = (id: string) =>
      db.backchannelRequest.findUniqueOrThrow({ where: { id }, select: { status: true, amr: true, acr: true } });

    it('is not approved without a passkey (the link stays unused), but may be denied', async () => {
      const { request, link } = await seedPasskeyRequest();

      const approval = await completeBackchannelRequest(testStore(), {
        actor: TEST_ACTOR,
        requestId: request.id,
        decision: 'approve',
        approvalLinkId: link.id,
      });

      expect(approval).toEqual({ ok: false, reason: 'passkey_required' });
      expect(await readState(request.id, link.id)).toEqual({
        request: { status: 'pending', decidedAt: null },
        link: { usedAt: null },
      });
      const denial = await completeBackchannelRequest(testStore(), {
        actor: TEST_ACTOR,
        requestId: request.id,
        decision: 'deny',
      });
      expect(denial).toEqual({ ok: true, status: 'denied' });
      expect(await readDecision(request.id)).toMatchObject({ status: 'denied', amr: null });
    });

    it('is approved with a passkey: the amr is stored and the grant states the passkey level', async () => {
      const { request } = await seedPasskeyRequest();

      const result = await completeBackchannelRequest(testStore(), {
        actor: { kind: 'user', channel: 'authenticator' },
        requestId: request.id,
        decision: 'approve',
        passkey: { deviceId: 'device-1' },
      });

      expect(result).toEqual({ ok: true, status: 'approved' });
      const decided = await readDecision(request.id);
      expect(decided).toEqual({ status: 'approved', amr: 'hwk user mfa', acr: ACR_PASSKEY });
      expect(grantAuthentication(decided)).toEqual({ acr: ACR_PASSKEY, amr: ['hwk', 'user', 'mfa'] });
      const event = await db.event.findFirstOrThrow({ where: { requestId: request.id, type: 'ciba_approved' } });
      expect(JSON.parse(event.detail ?? '{}')).toMatchObject({ passkey_device_id: 'device-1' });
    });

    it('a passkey approval of a request at a weaker level reaches the passkey level; the email link alone states no amr', async () => {
      const stronger = await seedPendingRequest(db, { tenant, client, user, overrides: { acr: ACR_EMAIL_LINK } });
      const plain = await seedPendingRequest(db, { tenant, client, user, overrides: { acr: ACR_EMAIL_LINK } });

      await completeBackchannelRequest(testStore(), {
        actor: TEST_ACTOR,
        requestId: stronger.request.id,
        decision: 'approve',
        passkey: { deviceId: 'device-1' },
      });
      await completeBackchannelRequest(testStore(), { actor: TEST_ACTOR, requestId: plain.request.id, decision: 'approve' });

      expect(grantAuthentication(await readDecision(stronger.request.id))).toEqual({
        acr: ACR_PASSKEY,
        amr: ['hwk', 'user', 'mfa'],
      });
      expect(grantAuthentication(await readDecision(plain.request.id))).toEqual({ acr: ACR_EMAIL_LINK, amr: null });
    });
  });
});
