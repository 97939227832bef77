// A worker that stops before its deliveries finish (a shutdown at its deadline) releases its leases:
// each unfinished attempt is recorded as interrupted and another worker claims the message at once,
// without waiting for the lease to lapse. Runs on SQLite and on PostgreSQL (TEST_POSTGRES_URL).
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '@/lib/db/client';
import type { Tenant } from '@/lib/generated/sqlite/client';
import { timeOrderedId } from '@/lib/ids/time-ordered-id';
import type { OutboxHandler } from '@/lib/outbox/outbox-handler';
import { createOutboxWorker } from '@/lib/outbox/outbox-worker';
import type { ProtocolStore } from '@/lib/store/protocol-store';
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

const queue = async (type: string) => {
  const at = new Date();
  const id = timeOrderedId(at);
  await db.outboxMessage.create({
    data: { id, tenantId: tenant.id, requestId, type, payload: '{}', availableAt: at, createdAt: at },
  });

  return id;
};

it('releases the leases of deliveries still running: recorded as interrupted, claimed by another worker at once', async () => {
  const type = 'release-test';
  const id = await queue(type);
  let started!: () => void;
  const delivering = new Promise<void>((resolve) => (started = resolve));
  const hanging: OutboxHandler = {
    type,
    channel: 'test-channel',
    deliver: () => {
      started();

      return new Promise(() => undefined);
    },
  };
  // An hour-long lease: only the release can hand the message over within this test.
  const stopping = createOutboxWorker({ store, handlers: [hanging], owner: 'stopping-worker', leaseMs: 3_600_000 });
  void stopping.drain();
  await delivering;
  expect(await db.outboxMessage.findUniqueOrThrow({ where: { id } })).toMatchObject({
    leaseOwner: 'stopping-worker',
    attempts: 1,
  });

  // Another worker finds nothing to claim while the lease holds.
  const delivered: string[] = [];
  const other = createOutboxWorker({
    store,
    owner: 'other-worker',
    handlers: [
      {
        type,
        channel: 'test-channel',
        deliver: async (message) => {
          delivered.push(message.id);

          return { ok: true, providerMessageId: 'done' };
        },
      },
    ],
  });
  await other.drain();
  expect(delivered).toEqual([]);

  stopping.stop();
  expect(await stopping.release()).toBe(1);
  expect(await db.outboxMessage.findUniqueOrThrow({ where: { id } })).toMatchObject({
    leaseOwner: null,
    leaseExpiresAt: null,
    status: 'pending',
  });
  expect(await db.outboxAttempt.findMany({ where: { messageId: id }, select: { attempt: true, outcome: true } })).toEqual([
    { attempt: 1, outcome: 'interrupted' },
  ]);

  await other.drain();
  expect(delivered).toEqual([id]);
  expect(await db.outboxMessage.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'delivered', attempts: 2 });
  expect(
    await db.outboxAttempt.findMany({
      where: { messageId: id },
      select: { attempt: true, outcome: true },
      orderBy: { attempt: 'asc' },
    }),
  ).toEqual([
    { attempt: 1, outcome: 'interrupted' },
    { attempt: 2, outcome: 'delivered' },
  ]);
  // Nothing left to release, and a stopped worker claims nothing more.
  expect(await stopping.release()).toBe(0);
  await queue(type);
  expect(await stopping.drain()).toBe(0);
});
