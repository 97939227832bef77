import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { flushBackgroundTasks, trackBackgroundTask } from '@/lib/background-tasks';
import { dispatchSafely, queueApprovalEmail, type NotifyUserByEmailInput } from '@/lib/ciba/notify-user-by-email';
import type { Db } from '@/lib/db/client';
import { REDACTED, sendEmail } from '@/lib/email/send-email';
import { getProtocolData } from '@/lib/store/get-protocol-store';
import type { Tenant } from '@/lib/generated/sqlite/client';
import { seedClient, seedPendingRequest, seedTenant, seedUser } from '@/lib/testing/seed';
import { useTestDatabase } from '@/lib/testing/test-database';

type Received = { method: string; url: string; authorization: string | undefined; idempotencyKey: string | undefined; body: Record<string, unknown> };

/** A stand-in for Resend's API: `POST /emails` → `{ id }`, or a fixed failure status. */
const startFakeResend = async (respond: { status: number; body: unknown }) => {
  const received: Received[] = [];
  const readBody = async (request: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);

    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
  };
  const server: Server = createServer(async (request, response) => {
    received.push({
      method: request.method ?? '',
      url: request.url ?? '',
      authorization: request.headers.authorization,
      idempotencyKey: request.headers['idempotency-key'] as string | undefined,
      body: await readBody(request),
    });
    response.writeHead(respond.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(respond.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

const useResend = (baseUrl: string | undefined) => {
  if (baseUrl === undefined) {
    delete process.env.RESEND_API_KEY;
    delete process.env.RESEND_BASE_URL;
  } else {
    process.env.RESEND_API_KEY = 're_test_key';
    process.env.RESEND_BASE_URL = baseUrl;
  }
  (globalThis as { backchannelEnv?: unknown }).backchannelEnv = undefined;
};

let db: Db;
let cleanup: () => Promise<void>;
let tenant: Tenant;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase({ appUrl: 'https://op.example.test' }));
  tenant = await seedTenant(db, { slug: 'acme', name: 'Acme' });
});

afterEach(() => {
  useResend(undefined);
  vi.restoreAllMocks();
});

afterAll(async () => {
  await cleanup();
});

const SECRET = 'S3cr3tT0k3n_abcdefghijklmnopqrstuvwxyz0123';
const message = {
  to: 'ada@example.test',
  subject: 'Approve a sign-in',
  text: `Open https://op.example.test/t/acme/approve/${SECRET} to answer.`,
  html: `<a href="https://op.example.test/t/acme/approve/${SECRET}">Review</a>`,
  redact: [SECRET],
};

describe('sendEmail: development outbox (no RESEND_API_KEY)', () => {
  it('stores the full message as "outbox" and prints it to the server log', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);

    const row = await sendEmail(getProtocolData().store, { tenantId: tenant.id, ...message });

    expect(row).toMatchObject({ status: 'outbox', to: message.to, subject: message.subject, text: message.text, html: message.html });
    expect(row.providerMessageId).toBeNull();
    expect(row.sentAt).toBeNull();
    const printed = log.mock.calls.map((call) => call.join(' ')).join('\n');
    expect(printed).toContain(`To:      ${message.to}`);
    expect(printed).toContain(`Subject: ${message.subject}`);
    expect(printed).toContain(`/approve/${SECRET}`);
  });
});

describe('sendEmail: through Resend', () => {
  it('sends with the SDK to RESEND_BASE_URL and stores a redacted copy as "sent"', async () => {
    const resend = await startFakeResend({ status: 200, body: { id: 'msg_123' } });
    useResend(resend.baseUrl);
    try {
      const row = await sendEmail(getProtocolData().store, { tenantId: tenant.id, ...message });

      expect(resend.received).toHaveLength(1);
      const [call] = resend.received;
      expect(call).toMatchObject({ method: 'POST', url: '/emails', authorization: 'Bearer re_test_key' });
      expect(call.idempotencyKey).toBe(`email-${row.id}`);
      expect(call.body).toMatchObject({
        from: 'Backchannel <no-reply@backchannel.localhost>',
        to: [message.to],
        subject: message.subject,
        text: message.text,
        html: message.html,
      });
      expect(row).toMatchObject({ status: 'sent', providerMessageId: 'msg_123', error: null });
      expect(row.sentAt).toBeInstanceOf(Date);
      expect(row.text).not.toContain(SECRET);
      expect(row.html).not.toContain(SECRET);
      expect(row.text).toContain(`/approve/${REDACTED}`);
      const stored = await db.emailMessage.findUniqueOrThrow({ where: { id: row.id } });
      expect(JSON.stringify(stored)).not.toContain(SECRET);
    } finally {
      await resend.close();
    }
  });

  it('records a provider error (HTTP 500) as "failed" without throwing', async () => {
    const resend = await startFakeResend({ status: 500, body: { name: 'internal_server_error', message: 'Boom', statusCode: 500 } });
    useResend(resend.baseUrl);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const row = await sendEmail(getProtocolData().store, { tenantId: tenant.id, ...message });

      expect(row).toMatchObject({ status: 'failed', providerMessageId: null, sentAt: null });
      expect(row.error).toContain('Boom');
      expect(row.text).not.toContain(SECRET);
    } finally {
      await resend.close();
    }
  });

  it('records an unreachable provider as "failed" without throwing', async () => {
    const resend = await startFakeResend({ status: 200, body: { id: 'never' } });
    await resend.close();
    useResend(resend.baseUrl);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);

    const row = await sendEmail(getProtocolData().store, { tenantId: tenant.id, ...message });

    expect(row.status).toBe('failed');
    expect(row.error).toBeTruthy();
  });
});

describe('notifyUserByEmail', () => {
  const hostile = {
    tenant: { id: '', slug: 'acme', name: 'Acme & Co' },
    client: { name: '<script>alert(1)</script> Shop' },
    user: { email: 'ada@example.test', name: 'Ada "<b>"' },
    request: { id: '', bindingMessage: '<img src=x onerror=alert(1)>', scope: 'openid email profile', expiresAt: new Date('2030-01-02T03:04:05Z') },
    approvalToken: SECRET,
  };

  it('dispatching never throws, even when the outcome cannot be recorded', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const email = queueApprovalEmail({ ...hostile, tenant: { ...hostile.tenant, id: tenant.id } });
    const failing = { ...email, dispatch: () => Promise.reject(new Error('database unavailable')) };

    await expect(dispatchSafely(getProtocolData().store, failing)).resolves.toBeUndefined();
    expect(error).toHaveBeenCalled();
  });

  /** What bc-authorize does, minus the request insert: store the queued email's row, then dispatch it. */
  const recordAndDispatch = async (input: NotifyUserByEmailInput) => {
    const email = queueApprovalEmail(input);
    await getProtocolData().store.recordEmail(email.record);
    await dispatchSafely(getProtocolData().store, email);
  };

  it('builds a safe text and HTML body', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const { client } = await seedClient(db, tenant);
    const user = await seedUser(db, tenant);
    const { request } = await seedPendingRequest(db, { tenant, client, user });

    await recordAndDispatch({ ...hostile, tenant: { ...hostile.tenant, id: tenant.id }, request: { ...hostile.request, id: request.id } });

    const row = await db.emailMessage.findFirstOrThrow({ where: { requestId: request.id } });
    const url = `https://op.example.test/t/acme/approve/${SECRET}`;
    expect(row).toMatchObject({ status: 'outbox', to: 'ada@example.test' });
    expect(row.subject).toBe('<script>alert(1)</script> Shop is asking you to approve a sign-in');
    expect(row.text).toContain(url);
    expect(row.text).toContain('<img src=x onerror=alert(1)>');
    expect(row.text).toContain('Confirm your identity');
    expect(row.text).toContain('Your email address');
    expect(row.text).toContain('Your name');
    expect(row.text).toContain('2030-01-02 03:04 UTC');
    expect(row.text).toMatch(/Only approve if YOU started this/);
    expect(row.text).toMatch(/choose Deny/);
    expect(row.html).toContain(`href="${url}"`);
    expect(row.html).not.toMatch(/<script>|<img|<b>/);
    expect(row.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; Shop');
    expect(row.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(row.html).toContain('Ada &quot;&lt;b&gt;&quot;');
    expect(row.html).toContain('Acme &amp; Co');
  });

  it('runs in the background and is awaited by flushBackgroundTasks', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const { client } = await seedClient(db, tenant);
    const user = await seedUser(db, tenant);
    const { request, approvalToken } = await seedPendingRequest(db, { tenant, client, user });

    trackBackgroundTask(recordAndDispatch({ tenant, client, user, request, approvalToken }));
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    trackBackgroundTask(Promise.reject(new Error('logged, never unhandled')));
    await flushBackgroundTasks();

    expect(error).toHaveBeenCalledWith('[background-task] failed:', expect.any(Error));

    expect(await db.emailMessage.count({ where: { requestId: request.id } })).toBe(1);
  });
});
