import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { createApprovalEmailHandler } from '@/lib/ciba/approval-email';
import { findApprovalByToken } from '@/lib/ciba/approval-page-data';
import { completeBackchannelRequest } from '@/lib/ciba/complete-backchannel-request';
import type { Db } from '@/lib/db/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { createOutboxWorker } from '@/lib/outbox/outbox-worker';
import { startFakeResend, useResend, type FakeResend } from '@/lib/testing/fake-resend';
import { deliverOutbox, TEST_ACTOR, testStore } from '@/lib/testing/outbox';
import { call, credentialsOf, formRequest, type ClientCredentials } from '@/lib/testing/protocol-client';
import { turnOffAbuseLimits } from '@/lib/testing/abuse-limits';
import { useTestDatabase } from '@/lib/testing/test-database';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';

let db: Db;
let cleanup: () => Promise<void>;
let resend: FakeResend;
let client: ClientCredentials;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  resend = await startFakeResend();
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme <Corp>' });
  await turnOffAbuseLimits(db, 'acme');
  client = credentialsOf(
    await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Support "desk"' } }),
  );
  await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com', name: 'Alice' });
});

afterEach(() => useResend(undefined));

afterAll(async () => {
  await resend.close();
  await cleanup();
});

/** bc-authorize through the router; the request id and its one outbox message. */
const startRequest = async () => {
  const result = await call(
    formRequest(
      '/t/acme/bc-authorize',
      { scope: 'openid email', login_hint: 'alice@example.com', binding_message: 'W4SCT' },
      { auth: client },
    ),
  );
  expect(result.status).toBe(200);
  const request = await db.backchannelRequest.findUniqueOrThrow({
    where: { authReqIdHash: sha256Base64Url(result.json.auth_req_id as string) },
    include: { outbox: true },
  });

  return { requestId: request.id, message: request.outbox[0] };
};

const linkIn = (text: string | undefined) => /http:\/\/localhost:3999\/t\/acme\/approve\/([A-Za-z0-9_-]+)/.exec(text ?? '')?.[1];

describe('approval email (outbox handler)', () => {
  it('reads the approvals of a whole claim in one statement, and still skips a finished request', async () => {
    const started = [await startRequest(), await startRequest(), await startRequest()];
    await completeBackchannelRequest(testStore(), { requestId: started[1].requestId, decision: 'deny', actor: TEST_ACTOR });
    const store = testStore();
    const lookups: string[][] = [];
    const counting = {
      findApprovalsByLinkIds: (linkIds: readonly string[]) => {
        lookups.push([...linkIds]);

        return store.findApprovalsByLinkIds(linkIds);
      },
      listAuthorizationTypes: (tenantId: string) => store.listAuthorizationTypes(tenantId),
    };
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = () => true;
    try {
      await createOutboxWorker({ store, handlers: [createApprovalEmailHandler(counting)] }).drain();
    } finally {
      process.stdout.write = write;
    }

    expect(lookups).toHaveLength(1);
    expect(lookups[0].length).toBeGreaterThanOrEqual(3);
    const statuses = await Promise.all(
      started.map(async ({ message }) => (await db.outboxMessage.findUniqueOrThrow({ where: { id: message.id } })).status),
    );
    expect(statuses).toEqual(['delivered', 'failed', 'delivered']);
  });

  it('is sent through Resend after the commit with the outbox id as idempotency key; its link opens the approval page', async () => {
    useResend(resend.baseUrl);
    const { message } = await startRequest();
    const before = resend.received.length;

    await deliverOutbox();

    const [sent] = resend.received.slice(before);
    expect(sent.idempotencyKey).toBe(message.id);
    expect(sent.authorization).toBe('Bearer re_test_key');
    expect(sent.body).toMatchObject({ to: ['alice@example.com'], subject: 'Support "desk" is asking you to approve a sign-in' });
    expect(sent.body.text).toContain('Code shown on the other device: W4SCT');
    expect(sent.body.html).toContain('Support &quot;desk&quot;');
    expect(sent.body.html).not.toContain('Acme <Corp>');
    const token = linkIn(sent.body.text);
    expect(token).toBeDefined();
    expect((await findApprovalByToken(testStore(), 'acme', token!, new Date())).state).toBe('valid');
    // What stays stored never holds a usable link.
    const stored = await db.outboxMessage.findUniqueOrThrow({ where: { id: message.id } });
    expect(stored).toMatchObject({ status: 'delivered', encryptedSecret: null });
    expect(JSON.stringify(await db.outboxMessage.findMany())).not.toContain(token);
    expect(JSON.stringify(await db.event.findMany())).not.toContain(token);
  });

  it('a provider fault is retried later; a refusal fails the message for good', async () => {
    useResend(resend.baseUrl);
    resend.respondWith(
      { status: 503 },
      { status: 422, body: { statusCode: 422, name: 'validation_error', message: 'Invalid `to` field.' } },
    );
    const first = await startRequest();
    await deliverOutbox();
    expect(await db.outboxMessage.findUniqueOrThrow({ where: { id: first.message.id } })).toMatchObject({
      status: 'pending',
      attempts: 1,
    });

    const second = await startRequest();
    await deliverOutbox();
    expect(await db.outboxMessage.findUniqueOrThrow({ where: { id: second.message.id } })).toMatchObject({
      status: 'failed',
      lastError: expect.stringMatching(/422.*validation_error/),
      encryptedSecret: null,
    });
  });

  it('a request finished before its email went out is not emailed', async () => {
    useResend(resend.baseUrl);
    const { requestId, message } = await startRequest();
    await completeBackchannelRequest(testStore(), { requestId, decision: 'deny', actor: TEST_ACTOR });
    const before = resend.received.length;

    await deliverOutbox();

    expect(resend.received.length).toBe(before);
    expect(await db.outboxMessage.findUniqueOrThrow({ where: { id: message.id } })).toMatchObject({
      status: 'failed',
      lastError: 'The request was denied before its email was sent.',
    });
  });

  it('without RESEND_API_KEY it goes to the development outbox (standard output), link included', async () => {
    const { message } = await startRequest();
    const written: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (chunk: string) => {
      written.push(String(chunk));

      return true;
    };
    try {
      await deliverOutbox();
    } finally {
      process.stdout.write = write;
    }
    const output = written.join('');
    expect(output).toContain(`message ${message.id}`);
    expect(linkIn(output)).toBeDefined();
    // One line with the link, not the whole email (about 1.4 KB each; the console's viewer has it).
    expect(output.trimEnd().split('\n')).toHaveLength(1);
    expect(output.length).toBeLessThan(400);
    expect(await db.outboxMessage.findUniqueOrThrow({ where: { id: message.id } })).toMatchObject({
      status: 'delivered',
      providerMessageId: 'development-outbox',
    });
  });
});
