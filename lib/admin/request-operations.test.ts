import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelRequest } from '@/lib/admin/cancel-request';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { getRequest } from '@/lib/admin/get-request';
import { listRequests } from '@/lib/admin/list-requests';
import { expectAdminError } from '@/lib/admin/test-helpers';
import { CLI_PRINCIPAL, type Principal } from '@/lib/auth/principal';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import type { Db } from '@/lib/db/client';
import type { Client, User } from '@/lib/generated/sqlite/client';
import { timeOrderedId } from '@/lib/ids/time-ordered-id';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { call, credentialsOf, expectOAuthError, formRequest, type ClientCredentials } from '@/lib/testing/protocol-client';
import { seedPendingRequest } from '@/lib/testing/seed';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;
let acmeId: string;
let globexId: string;
let desk: ClientCredentials;
let deskRow: Client;
let kioskRow: Client;
let alice: User;
let bob: User;
let globexRequestId: string;

const tenantAdminOf = (tenantId: string): Principal => ({
  kind: 'admin',
  id: 'admin-a',
  email: 'a@admin.test',
  role: 'tenant-admin',
  tenantIds: new Set([tenantId]),
});

/** Request ids by their binding message, for the listing tests. */
const seeded = new Map<string, string>();
const T0 = Date.now() - 3_600_000;

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  ({ id: acmeId } = await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' }));
  ({ id: globexId } = await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' }));
  desk = credentialsOf(await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Desk' } }));
  const kiosk = await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Kiosk' } });
  deskRow = await db.client.findUniqueOrThrow({ where: { clientId: desk.clientId } });
  kioskRow = await db.client.findUniqueOrThrow({ where: { clientId: kiosk.client_id } });
  const aliceView = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com' });
  const bobView = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'bob@example.com' });
  alice = await db.user.findUniqueOrThrow({ where: { id: aliceView.id } });
  bob = await db.user.findUniqueOrThrow({ where: { id: bobView.id } });

  const seeds: [string, Client, User, Partial<{ status: 'denied' | 'approved' | 'redeemed'; expired: boolean }>][] = [
    ['R1', deskRow, alice, { status: 'denied' }],
    ['R2', kioskRow, alice, {}],
    ['R3', deskRow, bob, { expired: true }],
    ['R4', deskRow, alice, { status: 'approved' }],
    ['R5', kioskRow, bob, {}],
  ];
  for (const [index, [message, client, user, options]] of seeds.entries()) {
    const now = new Date(T0 + index * 1000);
    const { request } = await seedPendingRequest(db, {
      tenant: { id: acmeId },
      client,
      user,
      now,
      expiresInSeconds: options.expired ? 60 : 7200,
      overrides: { id: timeOrderedId(now), bindingMessage: message, status: options.status ?? 'pending', pollCount: index },
    });
    seeded.set(message, request.id);
  }
  const globexClient = await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'globex', metadata: { client_name: 'G' } });
  const globexUser = await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'globex', email: 'g@example.com' });
  const globexClientRow = await db.client.findUniqueOrThrow({ where: { clientId: globexClient.client_id } });
  const { request } = await seedPendingRequest(db, {
    tenant: { id: globexId },
    client: globexClientRow,
    user: { id: globexUser.id },
    overrides: { id: timeOrderedId(new Date(T0)) },
  });
  globexRequestId = request.id;
});

afterAll(async () => {
  await cleanup();
});

const messagesOf = (page: { data: { binding_message: string | null }[] }) => page.data.map((request) => request.binding_message);

const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );

describe('listRequests', () => {
  it('lists the tenant’s requests newest first, page by page', async () => {
    const first = await listRequests(db, tenantAdminOf(acmeId), { tenantSlug: 'acme', limit: 2 });
    expect(messagesOf(first)).toEqual(['R5', 'R4']);
    const second = await listRequests(db, tenantAdminOf(acmeId), { tenantSlug: 'acme', limit: 2, cursor: first.next_cursor! });
    expect(messagesOf(second)).toEqual(['R3', 'R2']);
    const last = await listRequests(db, tenantAdminOf(acmeId), { tenantSlug: 'acme', limit: 2, cursor: second.next_cursor! });
    expect(messagesOf(last)).toEqual(['R1']);
    expect(last.next_cursor).toBeNull();
  });

  it('shows each request with its client_id, user and current status (past expiry: expired)', async () => {
    const { data } = await listRequests(db, CLI_PRINCIPAL, { tenantSlug: 'acme' });
    expect(data.find((request) => request.binding_message === 'R3')).toEqual({
      id: seeded.get('R3'),
      status: 'expired',
      client_id: desk.clientId,
      client_name: 'Desk',
      user: { id: bob.id, email: 'bob@example.com' },
      scope: 'openid email',
      binding_message: 'R3',
      created_at: new Date(T0 + 2000).toISOString(),
      expires_at: new Date(T0 + 2000 + 60_000).toISOString(),
      decided_at: null,
      poll_count: 2,
      agent: null,
    });
    expect(JSON.stringify(data)).not.toMatch(/authReqId|auth_req_id/);
  });

  it.each<[Record<string, unknown>, string[]]>([
    [{ status: 'pending' }, ['R5', 'R2']],
    [{ status: 'expired' }, ['R3']],
    [{ status: 'approved' }, ['R4']],
    [{ status: 'denied' }, ['R1']],
    [{ status: 'redeemed' }, []],
    [{ client_id: 'kiosk' }, []],
    [{ user_id: 'bob' }, []],
  ])('filters by %j', async (filter, expected) => {
    expect(messagesOf(await listRequests(db, CLI_PRINCIPAL, { tenantSlug: 'acme', ...filter }))).toEqual(expected);
  });

  it('filters by the OAuth client_id and by user id, together with a status', async () => {
    expect(messagesOf(await listRequests(db, CLI_PRINCIPAL, { tenantSlug: 'acme', client_id: kioskRow.clientId }))).toEqual([
      'R5',
      'R2',
    ]);
    expect(messagesOf(await listRequests(db, CLI_PRINCIPAL, { tenantSlug: 'acme', user_id: alice.id }))).toEqual([
      'R4',
      'R2',
      'R1',
    ]);
    expect(
      messagesOf(
        await listRequests(db, CLI_PRINCIPAL, {
          tenantSlug: 'acme',
          user_id: bob.id,
          client_id: deskRow.clientId,
          status: 'expired',
        }),
      ),
    ).toEqual(['R3']);
  });

  it('keeps each tenant to itself', async () => {
    const { data } = await listRequests(db, CLI_PRINCIPAL, { tenantSlug: 'globex' });
    expect(data.map((request) => request.id)).toEqual([globexRequestId]);
    await expectAdminError(listRequests(db, tenantAdminOf(acmeId), { tenantSlug: 'globex' }), 'forbidden');
    await expectAdminError(listRequests(db, CLI_PRINCIPAL, { tenantSlug: 'nope' }), 'not_found');
  });

  it.each<[Record<string, unknown>, string, RegExp]>([
    [{ status: 'waiting' }, 'status', /must be one of pending, approved, denied, cancelled, expired, redeemed/],
    [{ limit: 0 }, 'limit', /from 1 to 200/],
    [{ cursor: 'garbage' }, 'cursor', /not a cursor/],
    [{ user_id: '' }, 'user_id', /is required/],
    [{ client_id: 7 }, 'client_id', /must be text/],
    [{ order: 'asc' }, 'order', /not a setting/],
  ])('refuses %j with a message for its field', async (query, path, message) => {
    const error = await errorOf(listRequests(db, CLI_PRINCIPAL, { tenantSlug: 'acme', ...query }));
    expect(error).toMatchObject({ code: 'invalid_input', fields: [{ path, message: expect.stringMatching(message) }] });
  });
});

describe('cancelRequest and getRequest', () => {
  const startRequest = async (): Promise<{ authReqId: string; requestId: string }> => {
    const result = await call(
      formRequest(
        '/t/acme/bc-authorize',
        { scope: 'openid', login_hint: 'alice@example.com', binding_message: 'CANCEL ME' },
        { auth: desk },
      ),
    );
    expect(result.status).toBe(200);
    const authReqId = result.json.auth_req_id as string;
    const request = await db.backchannelRequest.findUniqueOrThrow({ where: { authReqIdHash: sha256Base64Url(authReqId) } });

    return { authReqId, requestId: request.id };
  };

  it('cancels a pending request through the completion function: the next poll gets access_denied, the timeline shows who', async () => {
    const { authReqId, requestId } = await startRequest();
    expect(await cancelRequest(db, tenantAdminOf(acmeId), { tenantSlug: 'acme', id: requestId })).toEqual({
      id: requestId,
      status: 'cancelled',
    });

    const poll = await call(
      formRequest('/t/acme/oauth/token', { grant_type: CIBA_GRANT_TYPE, auth_req_id: authReqId }, { auth: desk }),
    );
    expectOAuthError(poll, 400, 'access_denied');

    const detail = await getRequest(db, tenantAdminOf(acmeId), { tenantSlug: 'acme', id: requestId });
    expect(detail).toMatchObject({
      id: requestId,
      status: 'cancelled',
      client_id: desk.clientId,
      user: { id: alice.id, email: 'alice@example.com' },
      binding_message: 'CANCEL ME',
      decided_at: expect.any(String),
    });
    expect(detail.events.map((event) => event.type)).toEqual(['ciba_start_succeeded', 'ciba_cancelled']);
    expect(detail.events[1]).toEqual({
      id: expect.any(String),
      type: 'ciba_cancelled',
      time: detail.decided_at,
      request_id: requestId,
      client_id: desk.clientId,
      user_id: alice.id,
      detail: { by: { kind: 'admin', id: 'admin-a' } },
      actor: 'admin:admin-a',
    });
  });

  it('refuses a finished request with conflict "already <status>", including one past its expiry', async () => {
    const { requestId } = await startRequest();
    await cancelRequest(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: requestId });
    await expectAdminError(
      cancelRequest(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: requestId }),
      'conflict',
      /already cancelled/,
    );
    await expectAdminError(
      cancelRequest(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: seeded.get('R1')! }),
      'conflict',
      /already denied/,
    );
    await expectAdminError(
      cancelRequest(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: seeded.get('R3')! }),
      'conflict',
      /already expired/,
    );
    expect((await db.backchannelRequest.findUniqueOrThrow({ where: { id: seeded.get('R3') } })).status).toBe('pending');
  });

  it('cancels an approved request (not yet redeemed)', async () => {
    expect(await cancelRequest(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: seeded.get('R4')! })).toEqual({
      id: seeded.get('R4'),
      status: 'cancelled',
    });
    const [event] = await db.event.findMany({ where: { requestId: seeded.get('R4'), type: 'ciba_cancelled' } });
    expect(JSON.parse(event.detail!)).toEqual({ by: { kind: 'cli' } });
    // An administrator's cancel is an admin action too: it carries its actor (the audit log's who).
    expect(event.actor).toBe('cli');
  });

  it('is not_found for an unknown request or one of another tenant, and forbidden for a tenant out of reach', async () => {
    await expectAdminError(
      cancelRequest(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: 'nope' }),
      'not_found',
      /No request "nope"/,
    );
    await expectAdminError(cancelRequest(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: globexRequestId }), 'not_found');
    await expectAdminError(getRequest(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: globexRequestId }), 'not_found');
    await expectAdminError(cancelRequest(db, tenantAdminOf(acmeId), { tenantSlug: 'globex', id: globexRequestId }), 'forbidden');
    await expectAdminError(getRequest(db, tenantAdminOf(acmeId), { tenantSlug: 'globex', id: globexRequestId }), 'forbidden');
    expect((await db.backchannelRequest.findUniqueOrThrow({ where: { id: globexRequestId } })).status).toBe('pending');
    expect(await errorOf(cancelRequest(db, CLI_PRINCIPAL, { tenantSlug: 'acme', id: '' }))).toMatchObject({
      code: 'invalid_input',
      fields: [{ path: 'id', message: 'is required' }],
    });
  });
});
