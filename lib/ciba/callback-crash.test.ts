// kill -9 around a ping callback (CIBA §10.2), with real processes against the
// test database and a real notification endpoint on 127.0.0.1:
// 1. the process that approved dies right after its commit, before anything is
//    delivered: a worker started afterwards delivers the callback exactly once;
// 2. a worker dies after the endpoint received the callback but before it
//    recorded anything: the restarted worker sends it again with the same
//    Idempotency-Key (the outbox message id), so it counts once.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import type { Db } from '@/lib/db/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { turnOffAbuseLimits } from '@/lib/testing/abuse-limits';
import { startCallbackReceiver, type CallbackReceiver } from '@/lib/testing/callback-receiver';
import { call, credentialsOf, formRequest, type ClientCredentials } from '@/lib/testing/protocol-client';
import { useTestDatabase } from '@/lib/testing/test-database';

const LEASE_MS = 1_500;
const ROOT = join(import.meta.dirname, '..', '..');

let db: Db;
let cleanup: () => Promise<void>;
let receiver: CallbackReceiver;
let client: ClientCredentials;
const children: ChildProcess[] = [];

const spawnScript = (script: string, args: string[]): ChildProcess => {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { ...process.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);

  return child;
};

const exited = (child: ChildProcess) =>
  new Promise<NodeJS.Signals | number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.signalCode ?? child.exitCode);
    else child.once('exit', (code, signal) => resolve(signal ?? code));
  });

/** Starts the real outbox worker in its own process; resolves once it runs. */
const startWorker = async (): Promise<ChildProcess> => {
  const child = spawnScript('lib/testing/outbox-worker-process.ts', [String(LEASE_MS)]);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });

  return child;
};

const waitFor = async (condition: () => Promise<boolean>, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

const start = async () => {
  const result = await call(
    formRequest(
      '/t/acme/bc-authorize',
      { scope: 'openid', login_hint: 'alice@example.com', client_notification_token: 'crash-test-token' },
      { auth: client },
    ),
  );
  expect(result.status).toBe(200);
  const authReqId = result.json.auth_req_id as string;
  const request = await db.backchannelRequest.findUniqueOrThrow({ where: { authReqIdHash: sha256Base64Url(authReqId) } });

  return { authReqId, requestId: request.id };
};

const callbackOf = (requestId: string) => db.outboxMessage.findFirstOrThrow({ where: { requestId, type: 'ping_callback' } });

beforeAll(async () => {
  process.env.ALLOW_HTTP_LOOPBACK_CALLBACKS = 'true';
  ({ db, cleanup } = await useTestDatabase());
  receiver = await startCallbackReceiver();
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' });
  await turnOffAbuseLimits(db, 'acme');
  await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com' });
  client = credentialsOf(
    await createClient(db, CLI_PRINCIPAL, {
      tenantSlug: 'acme',
      metadata: {
        client_name: 'Ping desk',
        backchannel_token_delivery_mode: 'ping',
        backchannel_client_notification_endpoint: `${receiver.origin}/cb`,
      },
    }),
  );
}, 60_000);

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await receiver.close();
  await cleanup();
});

it('the approving process killed right after its commit: a worker started afterwards delivers the callback exactly once', async () => {
  const { authReqId, requestId } = await start();
  const decider = spawnScript('lib/testing/decide-then-crash-process.ts', [requestId, 'approve']);
  expect(await exited(decider)).toBe('SIGKILL');
  expect((await db.backchannelRequest.findUniqueOrThrow({ where: { id: requestId } })).status).toBe('approved');
  const message = await callbackOf(requestId);
  expect(message).toMatchObject({ status: 'pending', attempts: 0 });
  expect(receiver.to('/cb')).toEqual([]);

  const worker = await startWorker();
  await waitFor(async () => (await callbackOf(requestId)).status === 'delivered');
  // Give a duplicate every chance to show up.
  await new Promise((resolve) => setTimeout(resolve, LEASE_MS * 2));
  worker.kill('SIGKILL');
  await exited(worker);

  expect(receiver.to('/cb').map((callback) => callback.body)).toEqual([JSON.stringify({ auth_req_id: authReqId })]);
  expect(await db.outboxAttempt.findMany({ where: { messageId: message.id }, select: { attempt: true, outcome: true } })).toEqual(
    [{ attempt: 1, outcome: 'delivered' }],
  );
}, 60_000);

it('a worker killed after the endpoint received the callback, before recording it: resent once with the same Idempotency-Key', async () => {
  const { authReqId, requestId } = await start();
  const decider = spawnScript('lib/testing/decide-then-crash-process.ts', [requestId, 'approve']);
  await exited(decider);
  const message = await callbackOf(requestId);
  const path = '/cb';
  const before = receiver.to(path).length;

  // The endpoint holds the first request open; the worker is killed while it waits.
  receiver.answer(path, { status: 200, delayMs: 60_000 });
  const worker = await startWorker();
  await receiver.waitFor(path, before + 1);
  worker.kill('SIGKILL');
  await exited(worker);
  expect(await callbackOf(requestId)).toMatchObject({ status: 'pending', attempts: 1, leaseOwner: expect.any(String) });

  const restarted = await startWorker();
  await waitFor(async () => (await callbackOf(requestId)).status === 'delivered');
  restarted.kill('SIGKILL');
  await exited(restarted);

  const received = receiver.to(path).slice(before);
  expect(received.map((callback) => callback.body)).toEqual([
    JSON.stringify({ auth_req_id: authReqId }),
    JSON.stringify({ auth_req_id: authReqId }),
  ]);
  expect(new Set(received.map((callback) => callback.headers['idempotency-key']))).toEqual(new Set([message.id]));
  expect(
    await db.outboxAttempt.findMany({
      where: { messageId: message.id },
      orderBy: { attempt: 'asc' },
      select: { attempt: true, outcome: true },
    }),
  ).toEqual([
    { attempt: 1, outcome: 'interrupted' },
    { attempt: 2, outcome: 'delivered' },
  ]);
}, 60_000);
