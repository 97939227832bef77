import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Db } from '@/lib/db/client';
import { deliverEmail, DEVELOPMENT_OUTBOX_ID } from '@/lib/email/deliver-email';
import type { Tenant } from '@/lib/generated/sqlite/client';
import { timeOrderedId } from '@/lib/ids/time-ordered-id';
import type { DeliveryResult, OutboxHandler } from '@/lib/outbox/outbox-handler';
import { openOutboxSecret, sealOutboxSecret } from '@/lib/outbox/outbox-secret';
import { createOutboxWorker, MAX_OUTBOX_ATTEMPTS, outboxRetryDelayMs } from '@/lib/outbox/outbox-worker';
import type { ProtocolStore } from '@/lib/store/protocol-store';
import { startFakeResend, useResend } from '@/lib/testing/fake-resend';
import { testStore } from '@/lib/testing/outbox';
import { seedClient, seedPendingRequest, seedTenant, seedUser } from '@/lib/testing/seed';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;
let store: ProtocolStore;
let tenant: Tenant;
let requestId: string;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  store = testStore();
  tenant = await seedTenant(db);
  const { client } = await seedClient(db, tenant);
  const user = await seedUser(db, tenant);
  requestId = (await seedPendingRequest(db, { tenant, client, user })).request.id;
});

afterAll(async () => cleanup());

/** A handler whose answers are scripted, recording what it was given. */
const scriptedHandler = (type: string, answers: Array<DeliveryResult | Error>) => {
  const calls: Array<{ id: string; secret: string | null }> = [];
  const handler: OutboxHandler = {
    type,
    channel: 'test-channel',
    deliver: async (message, secret) => {
      calls.push({ id: message.id, secret });
      const answer = answers.shift() ?? { ok: true, providerMessageId: 'default' };
      if (answer instanceof Error) throw answer;

      return answer;
    },
  };

  return { handler, calls };
};

/** Queues one message of `type` carrying `secret`, due at `at`. */
const queue = async (type: string, at: Date, secret = 'link-token') => {
  const id = timeOrderedId(at);
  await db.outboxMessage.create({
    data: {
      id,
      tenantId: tenant.id,
      requestId,
      type,
      payload: '{}',
      encryptedSecret: sealOutboxSecret(secret, id),
      availableAt: at,
      createdAt: at,
    },
  });

  return id;
};

const eventsOf = async (messageId: string) =>
  (await db.event.findMany({ where: { requestId }, orderBy: { id: 'asc' } }))
    .map((event) => ({ type: event.type, detail: JSON.parse(event.detail ?? '{}') as Record<string, unknown> }))
    .filter((event) => event.detail.outbox_message_id === messageId);

describe('outbox worker', () => {
  it('delivers with the opened secret, records the attempt and a notification event, and erases the secret', async () => {
    const type = `t-${randomUUID()}`;
    const now = new Date();
    const id = await queue(type, now);
    const { handler, calls } = scriptedHandler(type, [{ ok: true, providerMessageId: 'prov-1' }]);

    expect(await createOutboxWorker({ store, handlers: [handler], clock: () => now }).drain()).toBeGreaterThanOrEqual(1);

    expect(calls).toEqual([{ id, secret: 'link-token' }]);
    expect(await db.outboxMessage.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: 'delivered',
      attempts: 1,
      providerMessageId: 'prov-1',
      encryptedSecret: null,
      finishedAt: now,
    });
    expect(
      await db.outboxAttempt.findMany({
        where: { messageId: id },
        select: { attempt: true, outcome: true, providerMessageId: true },
      }),
    ).toEqual([{ attempt: 1, outcome: 'delivered', providerMessageId: 'prov-1' }]);
    expect(await eventsOf(id)).toEqual([
      {
        type: 'ciba_notification_sent',
        detail: { channel: 'test-channel', outbox_message_id: id, attempt: 1, provider_message_id: 'prov-1' },
      },
    ]);
  });

  it('retries a retryable failure after the back-off, keeping the secret until then', async () => {
    const type = `t-${randomUUID()}`;
    const t0 = new Date();
    const id = await queue(type, t0);
    const { handler, calls } = scriptedHandler(type, [
      { ok: false, error: 'HTTP 503', retryable: true },
      new Error('socket hang up'),
      { ok: true, providerMessageId: 'prov-2' },
    ]);
    let now = t0;
    const worker = createOutboxWorker({ store, handlers: [handler], clock: () => now });

    await worker.drain();
    const afterFirst = await db.outboxMessage.findUniqueOrThrow({ where: { id } });
    expect(afterFirst).toMatchObject({ status: 'pending', attempts: 1, lastError: 'HTTP 503' });
    expect(afterFirst.availableAt.getTime()).toBe(t0.getTime() + outboxRetryDelayMs(1));
    expect(openOutboxSecret(afterFirst.encryptedSecret!, id)).toBe('link-token');

    now = new Date(t0.getTime() + outboxRetryDelayMs(1) - 1);
    await worker.drain();
    expect(calls).toHaveLength(1);

    now = new Date(t0.getTime() + outboxRetryDelayMs(1));
    await worker.drain();
    now = new Date(now.getTime() + outboxRetryDelayMs(2));
    await worker.drain();

    expect(calls).toHaveLength(3);
    expect(await db.outboxMessage.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: 'delivered',
      attempts: 3,
      encryptedSecret: null,
    });
    expect((await eventsOf(id)).map((event) => [event.type, event.detail.final ?? null])).toEqual([
      ['ciba_notification_failed', false],
      ['ciba_notification_failed', false],
      ['ciba_notification_sent', null],
    ]);
  });

  it('a refusal that retrying cannot fix fails the message at once, final, secret erased', async () => {
    const type = `t-${randomUUID()}`;
    const now = new Date();
    const id = await queue(type, now);
    const { handler } = scriptedHandler(type, [{ ok: false, error: 'HTTP 422: invalid to', retryable: false }]);

    await createOutboxWorker({ store, handlers: [handler], clock: () => now }).drain();

    expect(await db.outboxMessage.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: 'failed',
      encryptedSecret: null,
      lastError: 'HTTP 422: invalid to',
    });
    expect(await eventsOf(id)).toEqual([
      expect.objectContaining({
        type: 'ciba_notification_failed',
        detail: expect.objectContaining({ final: true, next_attempt_at: null }),
      }),
    ]);
  });

  it(`gives up after ${MAX_OUTBOX_ATTEMPTS} attempts`, async () => {
    const type = `t-${randomUUID()}`;
    let now = new Date();
    const id = await queue(type, now);
    const { handler, calls } = scriptedHandler(
      type,
      Array.from({ length: 20 }, () => ({ ok: false as const, error: 'down', retryable: true })),
    );
    const worker = createOutboxWorker({ store, handlers: [handler], clock: () => now });
    for (let attempt = 1; attempt <= MAX_OUTBOX_ATTEMPTS + 2; attempt += 1) {
      await worker.drain();
      now = new Date(now.getTime() + outboxRetryDelayMs(attempt));
    }

    expect(calls).toHaveLength(MAX_OUTBOX_ATTEMPTS);
    expect(await db.outboxMessage.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: 'failed',
      attempts: MAX_OUTBOX_ATTEMPTS,
    });
  });

  it('the development outbox keeps the (still sealed) secret after delivery; a Resend delivery erases it', async () => {
    const type = `t-${randomUUID()}`;
    /** A handler that emails its secret through the app's email path. */
    const emailHandler: OutboxHandler = {
      type,
      channel: 'email',
      deliver: (message, secret) =>
        deliverEmail({ idempotencyKey: message.id, to: 'alice@example.test', subject: 'Link', text: secret ?? '', html: '' }),
    };
    const now = new Date();
    const worker = createOutboxWorker({ store, handlers: [emailHandler], clock: () => now });

    const printed = await queue(type, now, 'printed-token');
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await worker.drain();
    } finally {
      write.mockRestore();
    }
    const kept = await db.outboxMessage.findUniqueOrThrow({ where: { id: printed } });
    expect(kept).toMatchObject({ status: 'delivered', providerMessageId: DEVELOPMENT_OUTBOX_ID });
    expect(kept.encryptedSecret).not.toContain('printed-token');
    expect(openOutboxSecret(kept.encryptedSecret!, printed)).toBe('printed-token');

    const resend = await startFakeResend();
    try {
      useResend(resend.baseUrl);
      const sent = await queue(type, now, 'sent-token');
      await worker.drain();
      expect(resend.received.map((email) => email.body.text)).toEqual(['sent-token']);
      expect(await db.outboxMessage.findUniqueOrThrow({ where: { id: sent } })).toMatchObject({
        status: 'delivered',
        providerMessageId: expect.not.stringMatching(DEVELOPMENT_OUTBOX_ID),
        encryptedSecret: null,
      });
    } finally {
      useResend(undefined);
      await resend.close();
    }
  });

  it('a message of a type no handler knows fails without being attempted; a secret sealed for another message is refused', async () => {
    const now = new Date();
    const unknown = await queue(`unknown-${randomUUID()}`, now);
    const type = `t-${randomUUID()}`;
    const moved = await queue(type, now);
    // A ciphertext copied from another row does not open: it is bound to its message id.
    await db.outboxMessage.update({
      where: { id: moved },
      data: { encryptedSecret: sealOutboxSecret('stolen', 'another-message') },
    });
    const { handler, calls } = scriptedHandler(type, []);

    await createOutboxWorker({ store, handlers: [handler], clock: () => now }).drain();

    expect(calls).toEqual([]);
    expect(await db.outboxMessage.findUniqueOrThrow({ where: { id: unknown } })).toMatchObject({
      status: 'failed',
      lastError: expect.stringMatching(/No handler/),
    });
    expect(await db.outboxMessage.findUniqueOrThrow({ where: { id: moved } })).toMatchObject({
      status: 'failed',
      lastError: expect.stringMatching(/cannot be opened/),
    });
  });
});
