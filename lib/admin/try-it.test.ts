import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { pollTryIt } from '@/lib/admin/poll-try-it';
import { startTryIt, type TryItStarted } from '@/lib/admin/start-try-it';
import { expectAdminError } from '@/lib/admin/test-helpers';
import { CLI_PRINCIPAL, type Principal } from '@/lib/auth/principal';
import { completeBackchannelRequest } from '@/lib/ciba/complete-backchannel-request';
import type { Db } from '@/lib/db/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { getTenantKeys } from '@/lib/oauth/signing-keys';
import { deliverOutbox, TEST_ACTOR, testStore } from '@/lib/testing/outbox';
import { turnOffAbuseLimits } from '@/lib/testing/abuse-limits';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;
let acmeId: string;
let globexId: string;
let desk: string;
let strict: string;
let globexDesk: string;
let alice: { id: string; sub: string; email: string };

const ADMIN_ID = 'admin-try-it';
const adminOf = (tenantId: string): Principal => ({
  kind: 'admin',
  id: ADMIN_ID,
  email: 'a@admin.test',
  role: 'tenant-admin',
  tenantIds: new Set([tenantId]),
});
let admin: Principal;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  ({ id: acmeId } = await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' }));
  ({ id: globexId } = await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' }));
  // Try it counts for the user like any request; these tests make more than 5 a minute.
  await turnOffAbuseLimits(db, 'acme');
  admin = adminOf(acmeId);
  ({ client_id: desk } = await createClient(db, CLI_PRINCIPAL, {
    tenantSlug: 'acme',
    metadata: { client_name: 'Desk', backchannel_poll_interval: 1 },
  }));
  ({ client_id: strict } = await createClient(db, CLI_PRINCIPAL, {
    tenantSlug: 'acme',
    metadata: { client_name: 'Strict', binding_message_policy: 'required' },
  }));
  ({ client_id: globexDesk } = await createClient(db, CLI_PRINCIPAL, {
    tenantSlug: 'globex',
    metadata: { client_name: 'Globex desk' },
  }));
  alice = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com', name: 'Alice Doe' });
});

afterAll(async () => {
  await deliverOutbox();
  await cleanup();
});

const started = async (options: Partial<Parameters<typeof startTryIt>[2]> = {}): Promise<TryItStarted> => {
  const result = await startTryIt(db, admin, {
    tenantSlug: 'acme',
    client_id: desk,
    login_hint: alice.email,
    binding_message: 'TRY 1234',
    ...options,
  });
  if (!result.ok) throw new Error(`bc-authorize refused: ${result.error} ${result.error_description}`);

  return result;
};

const decide = (requestId: string, decision: 'approve' | 'deny') =>
  completeBackchannelRequest(testStore(), { actor: TEST_ACTOR, requestId, decision });

const poll = (authReqId: string, principal: Principal = admin) =>
  pollTryIt(db, principal, { tenantSlug: 'acme', client_id: desk, auth_req_id: authReqId });

describe('startTryIt and pollTryIt', () => {
  it('start → authorization_pending → approve → real tokens, once; the start event names the console admin', async () => {
    const start = await started({ scope: 'openid email profile' });
    expect(start).toEqual({
      ok: true,
      auth_req_id: expect.stringMatching(/^[A-Za-z0-9_-]{22,}$/),
      expires_in: 300,
      interval: 1,
      request_id: expect.any(String),
      resume_after: expect.any(String),
    });
    // The store keeps the auth_req_id's hash, as for any client.
    const request = await db.backchannelRequest.findUniqueOrThrow({ where: { id: start.request_id } });
    expect(request.authReqIdHash).toBe(sha256Base64Url(start.auth_req_id));
    expect(JSON.stringify(request)).not.toContain(start.auth_req_id);
    // The stream resumes after the start event.
    const startEvent = await db.event.findUniqueOrThrow({ where: { id: start.resume_after! } });
    expect(startEvent.type).toBe('ciba_start_succeeded');
    expect(startEvent.requestId).toBe(start.request_id);
    expect(JSON.parse(startEvent.detail!)).toEqual({
      scope: 'openid profile email',
      binding_message: 'TRY 1234',
      expires_in: 300,
      channel: 'email',
      started_by: { kind: 'admin', id: ADMIN_ID },
    });
    // A real approval email was queued for the user.
    expect(await db.outboxMessage.count({ where: { requestId: start.request_id } })).toBe(1);

    expect(await poll(start.auth_req_id)).toMatchObject({ ok: false, status: 400, error: 'authorization_pending' });
    expect(await decide(start.request_id, 'approve')).toEqual({ ok: true, status: 'approved' });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const redeemed = await poll(start.auth_req_id);
    if (!redeemed.ok) throw new Error(`no tokens: ${redeemed.error}`);
    const { tokens } = redeemed;
    expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'openid profile email' });

    // Signed by the tenant's key, issued to the application, for the user.
    const jwks = createLocalJWKSet((await getTenantKeys(db, acmeId)).jwks);
    const issuer = 'http://localhost:3999/t/acme';
    const { payload: idToken } = await jwtVerify(tokens.id_token, jwks, { issuer, audience: desk });
    expect(idToken.sub).toBe(alice.sub);
    expect(decodeProtectedHeader(tokens.id_token).alg).toBe('RS256');
    expect(decodeJwt(tokens.access_token)).toMatchObject({ iss: issuer, sub: alice.sub, client_id: desk });

    // Exactly once (CIBA §10.1.1): the second redemption is a replay.
    expect(await poll(start.auth_req_id)).toMatchObject({ ok: false, error: 'invalid_grant' });
  });

  it('answers slow_down to a poll sooner than the interval, with the new interval', async () => {
    const start = await started();
    expect(await poll(start.auth_req_id)).toMatchObject({ error: 'authorization_pending' });
    expect(await poll(start.auth_req_id)).toEqual({
      ok: false,
      status: 400,
      error: 'slow_down',
      error_description: expect.any(String),
      interval: 6,
    });
  });

  it('access_denied after a denial', async () => {
    const start = await started();
    await decide(start.request_id, 'deny');
    expect(await poll(start.auth_req_id)).toEqual({
      ok: false,
      status: 400,
      error: 'access_denied',
      error_description: expect.any(String),
    });
  });

  it('expired_token after the requested expiry', async () => {
    const start = await started({ requested_expiry: 1 });
    expect(start.expires_in).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await poll(start.auth_req_id)).toMatchObject({ ok: false, status: 400, error: 'expired_token' });
  });

  it('surfaces bc-authorize’s refusals exactly, recorded as ciba_start_failed started by the admin', async () => {
    expect(
      await startTryIt(db, admin, { tenantSlug: 'acme', client_id: desk, login_hint: alice.email, binding_message: 'no <tags>' }),
    ).toEqual({ ok: false, status: 400, error: 'invalid_binding_message', error_description: expect.any(String) });
    // A required binding message that is missing is a missing parameter (CIBA §13 invalid_request).
    expect(await startTryIt(db, admin, { tenantSlug: 'acme', client_id: strict, login_hint: alice.email })).toMatchObject({
      ok: false,
      error: 'invalid_request',
    });
    expect(
      await startTryIt(db, admin, {
        tenantSlug: 'acme',
        client_id: desk,
        login_hint: 'nobody@example.com',
        binding_message: 'X',
      }),
    ).toEqual({ ok: false, status: 400, error: 'unknown_user_id', error_description: expect.any(String) });
    expect(
      await startTryIt(db, admin, { tenantSlug: 'acme', client_id: desk, login_hint: alice.email, scope: 'email' }),
    ).toMatchObject({ ok: false, error: 'invalid_scope' });

    const failures = await db.event.findMany({ where: { tenantId: acmeId, type: 'ciba_start_failed' }, orderBy: { id: 'asc' } });
    expect(failures.map((event) => JSON.parse(event.detail!) as Record<string, unknown>)).toEqual([
      expect.objectContaining({ error: 'invalid_binding_message', started_by: { kind: 'admin', id: ADMIN_ID } }),
      expect.objectContaining({ error: 'invalid_request', started_by: { kind: 'admin', id: ADMIN_ID } }),
      expect.objectContaining({ error: 'unknown_user_id', started_by: { kind: 'admin', id: ADMIN_ID } }),
      expect.objectContaining({ error: 'invalid_scope', started_by: { kind: 'admin', id: ADMIN_ID } }),
    ]);
  });

  it('starts for ping and push applications too (a client_notification_token of its own; push: no interval, Try it looks every 5 s)', async () => {
    // Registered with a public address; nothing here is decided, so nothing is ever sent to it.
    for (const mode of ['ping', 'push'] as const) {
      const { client_id } = await createClient(db, CLI_PRINCIPAL, {
        tenantSlug: 'acme',
        metadata: {
          client_name: `Try ${mode}`,
          backchannel_token_delivery_mode: mode,
          backchannel_client_notification_endpoint: 'https://93.184.215.14/cb',
          backchannel_poll_interval: 2,
        },
      });
      const result = await started({ client_id });
      expect(result.interval).toBe(mode === 'ping' ? 2 : 5);
      const request = await db.backchannelRequest.findUniqueOrThrow({ where: { id: result.request_id } });
      expect(request.callbackSecret).toMatch(/^v1\./);
      await db.backchannelRequest.delete({ where: { id: result.request_id } });
    }
  });

  it('takes the user by sub as well as by email', async () => {
    const start = await started({ login_hint: alice.sub });
    const request = await db.backchannelRequest.findUniqueOrThrow({ where: { id: start.request_id } });
    expect(request.userId).toBe(alice.id);
  });

  it('keeps tenants apart: another tenant’s admin is forbidden; an application of another tenant is not found', async () => {
    const globexAdmin = adminOf(globexId);
    await expectAdminError(
      startTryIt(db, globexAdmin, { tenantSlug: 'acme', client_id: desk, login_hint: alice.email }),
      'forbidden',
    );
    await expectAdminError(poll('x', globexAdmin), 'forbidden');
    await expectAdminError(
      startTryIt(db, admin, { tenantSlug: 'acme', client_id: globexDesk, login_hint: alice.email }),
      'not_found',
    );
    await expectAdminError(pollTryIt(db, admin, { tenantSlug: 'acme', client_id: globexDesk, auth_req_id: 'x' }), 'not_found');
    await expectAdminError(
      startTryIt(db, admin, { tenantSlug: 'acme', client_id: 'no-such-client', login_hint: alice.email }),
      'not_found',
    );
    await expectAdminError(startTryIt(db, admin, { tenantSlug: 'nope', client_id: desk, login_hint: alice.email }), 'not_found');
    // Globex's own admin cannot redeem an acme request through a globex application: the protocol's invalid_grant.
    const start = await started();
    expect(
      await pollTryIt(db, globexAdmin, { tenantSlug: 'globex', client_id: globexDesk, auth_req_id: start.auth_req_id }),
    ).toMatchObject({ ok: false, error: 'invalid_grant' });
  });

  it('refuses malformed input with a message per field', async () => {
    await expectAdminError(
      startTryIt(db, admin, { tenantSlug: 'acme', client_id: desk, login_hint: '  ' }),
      'invalid_input',
      /login_hint: is required/,
    );
    await expectAdminError(
      startTryIt(db, admin, { tenantSlug: 'acme', client_id: desk, login_hint: alice.email, requested_expiry: 1.5 }),
      'invalid_input',
      /requested_expiry/,
    );
    await expectAdminError(
      pollTryIt(db, admin, { tenantSlug: 'acme', client_id: desk, auth_req_id: '' }),
      'invalid_input',
      /auth_req_id/,
    );
  });
});
