// Two instances on one database (each its own store, connection pool and
// outbox worker) approve 500 ping requests between them and deliver their
// callbacks at the same time: 500 callbacks reach the endpoint, none twice
// (FOR UPDATE SKIP LOCKED leases on PostgreSQL; one writer at a time on SQLite).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { sealCallbackSecret } from '@/lib/ciba/client-callback';
import { completeBackchannelRequest } from '@/lib/ciba/complete-backchannel-request';
import { createOutboxHandlers } from '@/lib/ciba/outbox-handlers';
import type { Db } from '@/lib/db/client';
import { getEnv, sqliteFilePath } from '@/lib/env';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { createOutboxWorker } from '@/lib/outbox/outbox-worker';
import { createProtocolStore, type ProtocolStore } from '@/lib/store/protocol-store';
import { createPostgresEngine } from '@/lib/store/sql/postgres-engine';
import { createSqliteEngine } from '@/lib/store/sql/sqlite-engine';
import { startCallbackReceiver, type CallbackReceiver } from '@/lib/testing/callback-receiver';
import { TEST_ACTOR } from '@/lib/testing/outbox';
import { useTestDatabase } from '@/lib/testing/test-database';

const REQUESTS = 500;

let db: Db;
let cleanup: () => Promise<void>;
let receiver: CallbackReceiver;
let instances: ProtocolStore[];
const authReqIds: string[] = [];
const requestIds: string[] = [];

/** A store of its own over the test database: what another instance of the server has. */
const newInstanceStore = (): ProtocolStore => {
  const { databaseUrl, databaseKind } = getEnv();

  return createProtocolStore(
    databaseKind === 'sqlite' ? createSqliteEngine(sqliteFilePath(databaseUrl)) : createPostgresEngine(databaseUrl),
  );
};

beforeAll(async () => {
  process.env.ALLOW_HTTP_LOOPBACK_CALLBACKS = 'true';
  ({ db, cleanup } = await useTestDatabase());
  receiver = await startCallbackReceiver();
  const tenant = await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' });
  await createClient(db, CLI_PRINCIPAL, {
    tenantSlug: 'acme',
    metadata: {
      client_name: 'Ping desk',
      backchannel_token_delivery_mode: 'ping',
      backchannel_client_notification_endpoint: `${receiver.origin}/cb`,
    },
  });
  const client = await db.client.findFirstOrThrow();
  const user = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com' });
  instances = [newInstanceStore(), newInstanceStore()];
  const now = new Date();
  // Requests as bc-authorize stores them for a ping client (without their approval emails).
  for (let index = 0; index < REQUESTS; index += 1) {
    const id = randomUUID();
    const authReqId = randomUUID();
    await instances[index % 2].createRequest({
      id,
      tenantId: tenant.id,
      clientId: client.id,
      userId: user.id,
      authReqIdHash: sha256Base64Url(authReqId),
      callbackSecret: sealCallbackSecret({ mode: 'ping', clientNotificationToken: `token-${index}`, authReqId }, id),
      scope: 'openid',
      bindingMessage: null,
      acrValues: null,
      acr: null,
      interval: 5,
      expiresAt: new Date(now.getTime() + 600_000),
      createdAt: now,
      approvalLink: { id: randomUUID(), tokenHash: randomUUID(), channel: 'email' },
      outbox: [],
      events: [],
    });
    authReqIds.push(authReqId);
    requestIds.push(id);
  }
}, 120_000);

afterAll(async () => {
  await Promise.all(instances.map((store) => store.close()));
  await receiver.close();
  await cleanup();
});

it(`two instances approving ${REQUESTS} ping requests and delivering at once: ${REQUESTS} callbacks, no duplicates`, async () => {
  const workers = instances.map((store, index) =>
    createOutboxWorker({ store, handlers: createOutboxHandlers({ db, store }), owner: `instance-${index}` }),
  );
  let approving = true;
  // Both workers drain over and over while both instances approve.
  const draining = workers.map(async (worker) => {
    while (approving || (await db.outboxMessage.count({ where: { status: 'pending' } })) > 0) await worker.drain();
  });
  await Promise.all(
    requestIds.map(async (requestId, index) => {
      const result = await completeBackchannelRequest(instances[index % 2], {
        requestId,
        decision: 'approve',
        actor: TEST_ACTOR,
      });
      expect(result).toEqual({ ok: true, status: 'approved' });
    }),
  );
  approving = false;
  await Promise.all(draining);

  const bodies = receiver.to('/cb').map((callback) => (JSON.parse(callback.body) as { auth_req_id: string }).auth_req_id);
  expect(bodies).toHaveLength(REQUESTS);
  expect(new Set(bodies)).toEqual(new Set(authReqIds));
  const keys = receiver.to('/cb').map((callback) => callback.headers['idempotency-key']);
  expect(new Set(keys).size).toBe(REQUESTS);
  expect(await db.outboxMessage.count({ where: { type: 'ping_callback', status: 'delivered', attempts: 1 } })).toBe(REQUESTS);
  expect(await db.outboxAttempt.count()).toBe(REQUESTS);
  expect(await db.event.count({ where: { type: 'ciba_callback_delivered' } })).toBe(REQUESTS);
}, 180_000);
