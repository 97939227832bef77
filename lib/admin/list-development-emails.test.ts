import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DevelopmentOutboxCard } from '@/components/console/development-outbox-card';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { listDevelopmentEmails, type DevelopmentEmailView } from '@/lib/admin/list-development-emails';
import { expectAdminError } from '@/lib/admin/test-helpers';
import { updateTenant } from '@/lib/admin/update-tenant';
import { CLI_PRINCIPAL, type Principal } from '@/lib/auth/principal';
import { findApprovalByToken } from '@/lib/ciba/approval-page-data';
import { completeBackchannelRequest } from '@/lib/ciba/complete-backchannel-request';
import type { Db } from '@/lib/db/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { startFakeResend, useResend, type FakeResend } from '@/lib/testing/fake-resend';
import { deliverOutbox, TEST_ACTOR, testStore } from '@/lib/testing/outbox';
import { call, credentialsOf, formRequest, type ClientCredentials } from '@/lib/testing/protocol-client';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;
let resend: FakeResend;
let desk: ClientCredentials;
let portal: ClientCredentials;
let acmeAdmin: Principal;
let globexAdmin: Principal;

const tenantAdminOf = (tenantId: string): Principal => ({
  kind: 'admin',
  id: `admin-${tenantId}`,
  email: 'ops@example.test',
  role: 'tenant-admin',
  tenantIds: new Set([tenantId]),
});

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  resend = await startFakeResend();
  const acme = await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme Corp' });
  const globex = await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
  // More requests per user than the default limit of 5 a minute.
  await updateTenant(db, CLI_PRINCIPAL, { slug: 'acme', settings: { rate_limit_per_user: 0 } });
  desk = credentialsOf(await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Desk' } }));
  portal = credentialsOf(await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'globex', metadata: { client_name: 'Portal' } }));
  await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com', name: 'Alice' });
  await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'globex', email: 'carol@example.com' });
  acmeAdmin = tenantAdminOf(acme.id);
  globexAdmin = tenantAdminOf(globex.id);
});

afterEach(() => {
  useResend(undefined);
  vi.restoreAllMocks();
});

afterAll(async () => {
  await resend.close();
  await cleanup();
});

/** bc-authorize through the router; the request id. */
const startRequest = async (
  tenant: 'acme' | 'globex',
  params: Record<string, string> = {},
): Promise<{ requestId: string; messageId: string }> => {
  const result = await call(
    formRequest(
      `/t/${tenant}/bc-authorize`,
      {
        scope: 'openid email',
        login_hint: tenant === 'acme' ? 'alice@example.com' : 'carol@example.com',
        binding_message: 'W4SCT',
        ...params,
      },
      { auth: tenant === 'acme' ? desk : portal },
    ),
  );
  expect(result.status).toBe(200);
  const request = await db.backchannelRequest.findUniqueOrThrow({
    where: { authReqIdHash: sha256Base64Url(result.json.auth_req_id as string) },
    select: { id: true, outbox: { select: { id: true } } },
  });

  return { requestId: request.id, messageId: request.outbox[0].id };
};

/** Delivers the outbox as the server's worker would, the development outbox's printing silenced. */
const deliverQuietly = async () => {
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  await deliverOutbox();
  vi.restoreAllMocks();
};

const tokenIn = (url: string | null) => /\/t\/acme\/approve\/([A-Za-z0-9_-]+)$/.exec(url ?? '')?.[1];

const emailOf = async (messageId: string): Promise<DevelopmentEmailView | undefined> =>
  (await listDevelopmentEmails(db, acmeAdmin, { tenantSlug: 'acme' })).find((email) => email.id === messageId);

describe('listDevelopmentEmails', () => {
  it("lists the tenant's approval emails newest first, each with a working link while its request is pending", async () => {
    const first = await startRequest('acme');
    const second = await startRequest('acme', { binding_message: 'K7Q2P' });
    const other = await startRequest('globex');
    await deliverQuietly();

    const emails = await listDevelopmentEmails(db, acmeAdmin, { tenantSlug: 'acme' });

    expect(emails.map((email) => email.id)).toEqual([second.messageId, first.messageId]);
    const [email] = emails;
    expect(email).toMatchObject({
      to: 'alice@example.com',
      subject: 'Desk is asking you to approve a sign-in',
      request: { id: second.requestId, status: 'pending' },
      approval_url: expect.stringMatching(/^http:\/\/localhost:3999\/t\/acme\/approve\/[A-Za-z0-9_-]+$/),
    });
    expect(new Date(email.sent_at).toISOString()).toBe(email.sent_at);
    expect(email.text).toContain('Hello Alice,');
    expect(email.text).toContain('"Desk" is asking to sign you in through Acme Corp.');
    expect(email.text).toContain('Code shown on the other device: K7Q2P');
    expect(email.text).toContain(email.approval_url);
    // The link is the one the user was sent: it opens the approval page.
    expect((await findApprovalByToken(testStore(), 'acme', tokenIn(email.approval_url)!, new Date())).state).toBe('valid');
    // The token stays sealed in the database.
    const stored = await db.outboxMessage.findUniqueOrThrow({ where: { id: second.messageId } });
    expect(stored.encryptedSecret).not.toBeNull();
    expect(stored.encryptedSecret).not.toContain(tokenIn(email.approval_url));

    expect((await listDevelopmentEmails(db, globexAdmin, { tenantSlug: 'globex' })).map((e) => e.id)).toEqual([other.messageId]);
    expect((await listDevelopmentEmails(db, CLI_PRINCIPAL, { tenantSlug: 'acme', limit: 1 })).map((e) => e.id)).toEqual([
      second.messageId,
    ]);
  });

  it('refuses a tenant out of reach (forbidden), an unknown one (not_found) and a bad limit (invalid_input)', async () => {
    await expectAdminError(listDevelopmentEmails(db, acmeAdmin, { tenantSlug: 'globex' }), 'forbidden');
    await expectAdminError(listDevelopmentEmails(db, acmeAdmin, { tenantSlug: 'nowhere' }), 'not_found');
    await expectAdminError(listDevelopmentEmails(db, acmeAdmin, { tenantSlug: 'acme', limit: 101 }), 'invalid_input', /limit/);
    await expectAdminError(listDevelopmentEmails(db, acmeAdmin, { tenantSlug: 'acme', limit: 0 }), 'invalid_input', /limit/);
  });

  it('gives no link once the request is approved or denied, and says why', async () => {
    const approved = await startRequest('acme');
    const denied = await startRequest('acme');
    await deliverQuietly();
    expect((await emailOf(approved.messageId))?.approval_url).not.toBeNull();

    await completeBackchannelRequest(testStore(), { requestId: approved.requestId, decision: 'approve', actor: TEST_ACTOR });
    await completeBackchannelRequest(testStore(), { requestId: denied.requestId, decision: 'deny', actor: TEST_ACTOR });

    const afterApproval = await emailOf(approved.messageId);
    expect(afterApproval).toMatchObject({ request: { status: 'approved' }, approval_url: null });
    expect(afterApproval?.text).toContain('The link is no longer usable: the request was approved.');
    expect(afterApproval?.text).not.toMatch(/\/approve\//);
    const afterDenial = await emailOf(denied.messageId);
    expect(afterDenial).toMatchObject({ request: { status: 'denied' }, approval_url: null });
    expect(afterDenial?.text).toContain('The link is no longer usable: the request was denied.');
  });

  it('gives no link once the request has expired, before the sweeper marks it', async () => {
    const { requestId, messageId } = await startRequest('acme');
    await deliverQuietly();
    await db.backchannelRequest.update({ where: { id: requestId }, data: { expiresAt: new Date(Date.now() - 1000) } });

    const email = await emailOf(messageId);

    expect(email).toMatchObject({ request: { status: 'expired' }, approval_url: null });
    expect(email?.text).toContain('The link is no longer usable: the request expired.');
  });

  it('is empty with RESEND_API_KEY set, and never lists an email Resend delivered', async () => {
    useResend(resend.baseUrl);
    const { messageId } = await startRequest('acme');
    await deliverOutbox();
    expect(await db.outboxMessage.findUniqueOrThrow({ where: { id: messageId } })).toMatchObject({
      status: 'delivered',
      encryptedSecret: null,
    });

    expect(await listDevelopmentEmails(db, acmeAdmin, { tenantSlug: 'acme' })).toEqual([]);
    // Still refused out of reach, whatever the provider.
    await expectAdminError(listDevelopmentEmails(db, acmeAdmin, { tenantSlug: 'globex' }), 'forbidden');

    useResend(undefined);
    expect(await emailOf(messageId)).toBeUndefined();
    expect((await listDevelopmentEmails(db, acmeAdmin, { tenantSlug: 'acme' })).length).toBeGreaterThan(0);
  });
});

describe('DevelopmentOutboxCard (the Channels page)', () => {
  const render = (emails: DevelopmentEmailView[]) =>
    renderToStaticMarkup(createElement(DevelopmentOutboxCard, { tenantSlug: 'acme', emails }));

  it('says what to do next when there is nothing yet', () => {
    const html = render([]);

    expect(html).toContain('Development outbox');
    expect(html).toContain('No emails yet');
    expect(html).toContain(
      'Start a backchannel authentication request for a user of this tenant; its approval email appears here.',
    );
    expect(html).toContain('RESEND_API_KEY');
  });

  it('shows each email, expandable, with a new-tab link to the approval page only while there is one', async () => {
    const pending = await startRequest('acme');
    const decided = await startRequest('acme');
    await deliverQuietly();
    await completeBackchannelRequest(testStore(), { requestId: decided.requestId, decision: 'deny', actor: TEST_ACTOR });
    const emails = (await listDevelopmentEmails(db, acmeAdmin, { tenantSlug: 'acme' })).filter((email) =>
      [pending.messageId, decided.messageId].includes(email.id),
    );
    const url = emails.find((email) => email.id === pending.messageId)!.approval_url!;

    const html = render(emails);

    expect(html.match(/<details/g)).toHaveLength(2);
    expect(html.match(/<summary/g)).toHaveLength(2);
    expect(html.match(/Open approval page/g)).toHaveLength(1);
    const escapedUrl = url.replace(/&/g, '&amp;');
    expect(html).toContain(`href="${escapedUrl}" target="_blank" rel="noopener noreferrer"`);
    expect(html).toContain('The link is no longer usable: the request was denied.');
    expect(html).toContain('to alice@example.com');
    expect(html).toContain('Pending');
    expect(html).toContain('Denied');
    expect(html).toContain(`href="/admin/t/acme/requests/${pending.requestId}"`);
  });
});
