// kill -9 at the worst moment: the worker has claimed the approval email and
// the provider has received it, but the worker dies before hearing back or
// recording anything. A restarted worker must deliver it exactly once in
// effect: the same idempotency key, so the provider keeps one email.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import type { Db } from '@/lib/db/client';
import { startFakeResend, type FakeResend } from '@/lib/testing/fake-resend';
import { call, credentialsOf, formRequest } from '@/lib/testing/protocol-client';
import { useTestDatabase } from '@/lib/testing/test-database';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';

const LEASE_MS = 1_500;
const ROOT = join(import.meta.dirname, '..', '..');

let db: Db;
let cleanup: () => Promise<void>;
let resend: FakeResend;
let killed: Promise<void> = Promise.resolve();
let current: ChildProcess | undefined;

/** Starts the worker process against the test database and the fake Resend; resolves once it runs. */
const startWorker = async (): Promise<ChildProcess> => {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'lib/testing/outbox-worker-process.ts'), String(LEASE_MS)],
    {
      cwd: ROOT,
      env: { ...process.env, RESEND_API_KEY: 're_test_key', RESEND_BASE_URL: resend.baseUrl },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
  });
  current = child;

  return child;
};

const waitFor = async (condition: () => Promise<boolean>, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  // The first email that arrives kills its sender before any answer: the
  // provider has it, the worker never learns so.
  let first = true;
  resend = await startFakeResend({
    onReceive: () => {
      if (!first) return;
      first = false;
      killed = new Promise((resolve) => {
        current!.once('exit', () => resolve());
        current!.kill('SIGKILL');
      });
    },
  });
  resend.respondWith('hang');
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' });
  const client = credentialsOf(await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Desk' } }));
  await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com' });
  const result = await call(
    formRequest('/t/acme/bc-authorize', { scope: 'openid', login_hint: 'alice@example.com' }, { auth: client }),
  );
  expect(result.status).toBe(200);
}, 60_000);

afterAll(async () => {
  current?.kill('SIGKILL');
  await resend.close();
  await cleanup();
});

it('a worker killed between the provider receiving the email and recording it: the restarted worker delivers it once in effect', async () => {
  const [message] = await db.outboxMessage.findMany();
  await startWorker();
  await waitFor(async () => resend.received.length === 1);
  await killed;
  // Claimed, attempt started, nothing settled: exactly what a crash leaves.
  expect(await db.outboxMessage.findUniqueOrThrow({ where: { id: message.id } })).toMatchObject({
    status: 'pending',
    attempts: 1,
    leaseOwner: expect.any(String),
  });

  await startWorker();
  await waitFor(async () => (await db.outboxMessage.findUniqueOrThrow({ where: { id: message.id } })).status === 'delivered');
  current!.kill('SIGKILL');

  expect(resend.received.map((email) => email.idempotencyKey)).toEqual([message.id, message.id]);
  expect(resend.accepted()).toHaveLength(1);
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
  const events = await db.event.findMany({ where: { requestId: message.requestId }, orderBy: { id: 'asc' } });
  expect(events.map((event) => event.type)).toEqual(['ciba_start_succeeded', 'ciba_notification_sent']);
}, 60_000);
