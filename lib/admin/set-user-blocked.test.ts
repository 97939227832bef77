import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { deleteClient } from '@/lib/admin/delete-client';
import { getUser } from '@/lib/admin/get-user';
import { setUserBlocked } from '@/lib/admin/set-user-blocked';
import { updateClient } from '@/lib/admin/update-client';
import { updateUser } from '@/lib/admin/update-user';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { completeBackchannelRequest } from '@/lib/ciba/complete-backchannel-request';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import { redeemCibaGrant } from '@/lib/ciba/redeem-ciba-grant';
import type { Db } from '@/lib/db/client';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { OAuthError } from '@/lib/oauth/errors';
import { getProtocolData } from '@/lib/store/get-protocol-store';
import { turnOffAbuseLimits } from '@/lib/testing/abuse-limits';
import { deliverOutbox, TEST_ACTOR, testStore } from '@/lib/testing/outbox';
import { call, credentialsOf, expectOAuthError, formRequest, type ClientCredentials } from '@/lib/testing/protocol-client';
import { useTestDatabase } from '@/lib/testing/test-database';

// Blocking users (contract.md: a blocked user as a hint → unknown_user_id; blocked after
// approval → access_denied, no tokens), and redemption after the client was deleted or
// lost the CIBA grant.

let db: Db;
let cleanup: () => Promise<void>;
let client: ClientCredentials;

const SLUG = 'blocking';

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  await createTenant(db, CLI_PRINCIPAL, { slug: SLUG, name: 'Blocking' });
  await turnOffAbuseLimits(db, SLUG);
  client = credentialsOf(await createClient(db, CLI_PRINCIPAL, { tenantSlug: SLUG, metadata: { client_name: 'Desk' } }));
});

afterAll(async () => {
  await deliverOutbox();
  await cleanup();
});

let userCount = 0;
const newUser = () => createUser(db, CLI_PRINCIPAL, { tenantSlug: SLUG, email: `user${(userCount += 1)}@blocking.test` });

const authorize = (email: string, by = client) =>
  call(formRequest(`/t/${SLUG}/bc-authorize`, { scope: 'openid', login_hint: email }, { auth: by }));

const start = async (email: string, by = client) => {
  const result = await authorize(email, by);
  expect(result.status).toBe(200);
  const authReqId = result.json.auth_req_id as string;
  const { id } = await db.backchannelRequest.findUniqueOrThrow({ where: { authReqIdHash: sha256Base64Url(authReqId) } });

  return { authReqId, requestId: id };
};

const approve = async (requestId: string) =>
  expect(await completeBackchannelRequest(testStore(), { requestId, decision: 'approve', actor: TEST_ACTOR })).toEqual({
    ok: true,
    status: 'approved',
  });

const poll = (authReqId: string, by = client) =>
  call(formRequest(`/t/${SLUG}/oauth/token`, { grant_type: CIBA_GRANT_TYPE, auth_req_id: authReqId }, { auth: by }));

const requestRow = (id: string) =>
  db.backchannelRequest.findUniqueOrThrow({ where: { id }, select: { status: true, accessTokenJti: true, redeemedAt: true } });

describe('blocking a user', () => {
  it('a blocked user cannot be hinted (unknown_user_id, as for an unknown user); unblocked, it can again', async () => {
    const user = await newUser();
    expect(await setUserBlocked(db, CLI_PRINCIPAL, { tenantSlug: SLUG, email: user.email, blocked: true })).toEqual({
      id: user.id,
      blocked: true,
      cancelled_requests: 0,
    });
    const refused = await authorize(user.email);
    expectOAuthError(refused, 400, 'unknown_user_id');
    expect(refused.json.error_description).toBe((await authorize('nobody@blocking.test')).json.error_description);
    expect((await getUser(db, CLI_PRINCIPAL, { tenantSlug: SLUG, id: user.id })).blocked).toBe(true);

    expect(await setUserBlocked(db, CLI_PRINCIPAL, { tenantSlug: SLUG, email: user.email, blocked: false })).toMatchObject({
      blocked: false,
    });
    expect((await authorize(user.email)).status).toBe(200);
  });

  it('records user_blocked and user_unblocked in the audit log, once per change', async () => {
    const user = await newUser();
    await setUserBlocked(db, CLI_PRINCIPAL, { tenantSlug: SLUG, id: user.id, blocked: true });
    await setUserBlocked(db, CLI_PRINCIPAL, { tenantSlug: SLUG, id: user.id, blocked: true });
    await updateUser(db, CLI_PRINCIPAL, { tenantSlug: SLUG, id: user.id, changes: { blocked: false } });
    const events = await db.event.findMany({
      where: { type: { in: ['user_blocked', 'user_unblocked'] }, detail: { contains: user.id } },
      orderBy: { id: 'asc' },
    });
    expect(events.map(({ type, actor, detail }) => ({ type, actor, detail: JSON.parse(detail!) }))).toEqual([
      { type: 'user_blocked', actor: 'cli', detail: { target: user.id, before: { blocked: false }, after: { blocked: true } } },
      { type: 'user_unblocked', actor: 'cli', detail: { target: user.id, before: { blocked: true }, after: { blocked: false } } },
    ]);
  });

  it('before approval: blocking cancels the pending request (ciba_cancelled by the admin); the next poll is access_denied', async () => {
    const user = await newUser();
    const { authReqId, requestId } = await start(user.email);
    expect(await setUserBlocked(db, CLI_PRINCIPAL, { tenantSlug: SLUG, id: user.id, blocked: true })).toMatchObject({
      cancelled_requests: 1,
    });
    expect((await requestRow(requestId)).status).toBe('cancelled');
    const cancelled = await db.event.findFirstOrThrow({ where: { requestId, type: 'ciba_cancelled' } });
    expect({ actor: cancelled.actor, detail: JSON.parse(cancelled.detail!) }).toEqual({
      actor: 'cli',
      detail: { by: { kind: 'cli' } },
    });
    expectOAuthError(await poll(authReqId), 400, 'access_denied');
  });

  it('after approval: the approved request is cancelled; redemption is access_denied and no tokens exist', async () => {
    const user = await newUser();
    const { authReqId, requestId } = await start(user.email);
    await approve(requestId);
    await setUserBlocked(db, CLI_PRINCIPAL, { tenantSlug: SLUG, id: user.id, blocked: true });
    expectOAuthError(await poll(authReqId), 400, 'access_denied');
    expect(await requestRow(requestId)).toEqual({ status: 'cancelled', accessTokenJti: null, redeemedAt: null });
  });

  it('a block that lands between the poll read and redemption wins: the conditional update refuses, access_denied, no tokens', async () => {
    const user = await newUser();
    const { authReqId, requestId } = await start(user.email);
    await approve(requestId);
    const { store, settings } = getProtocolData();
    const prefetched = await store.findRequestForPoll(sha256Base64Url(authReqId));
    expect(prefetched).toMatchObject({ status: 'approved', userBlocked: false });
    // Only the flag (no cancellation yet): what a redemption racing setUserBlocked can see.
    await db.user.update({ where: { id: user.id }, data: { blocked: true } });
    const tenant = (await settings.findTenantBySlug(SLUG))!;
    const clientRecord = (await settings.findClientByClientId(client.clientId))!;
    const refusal = await redeemCibaGrant(
      { db, store },
      {
        tenant,
        client: clientRecord,
        authReqId,
        now: new Date(),
        prefetchedPoll: { authReqIdHash: sha256Base64Url(authReqId), request: prefetched },
      },
    ).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(OAuthError);
    expect((refusal as OAuthError).error).toBe('access_denied');
    expect(await requestRow(requestId)).toEqual({ status: 'approved', accessTokenJti: null, redeemedAt: null });
    expectOAuthError(await poll(authReqId), 400, 'access_denied');
  });

  it('PATCH-style updateUser takes blocked with other fields; the view shows it', async () => {
    const user = await newUser();
    const view = await updateUser(db, CLI_PRINCIPAL, { tenantSlug: SLUG, id: user.id, changes: { name: 'Eve', blocked: true } });
    expect(view).toMatchObject({ name: 'Eve', blocked: true });
    await expect(
      updateUser(db, CLI_PRINCIPAL, { tenantSlug: SLUG, id: user.id, changes: { blocked: 'yes' } }),
    ).rejects.toMatchObject({ code: 'invalid_input', fields: [{ path: 'blocked' }] });
  });
});

describe('redemption after the client changed', () => {
  it('a client whose CIBA grant was removed after approval: unauthorized_client, no tokens (also when the change races the redemption)', async () => {
    const user = await newUser();
    const created = credentialsOf(
      await createClient(db, CLI_PRINCIPAL, { tenantSlug: SLUG, metadata: { client_name: 'Soon without CIBA' } }),
    );
    const { authReqId, requestId } = await start(user.email, created);
    await approve(requestId);
    const { store, settings } = getProtocolData();
    const staleRecord = (await settings.findClientByClientId(created.clientId))!;
    await updateClient(db, CLI_PRINCIPAL, { tenantSlug: SLUG, clientId: created.clientId, metadata: { grant_types: [] } });

    // Racing: the client was authenticated with the CIBA grant just before it was removed.
    const refusal = await redeemCibaGrant(
      { db, store },
      { tenant: (await settings.findTenantBySlug(SLUG))!, client: staleRecord, authReqId, now: new Date() },
    ).catch((error: unknown) => error);
    expect((refusal as OAuthError).error).toBe('unauthorized_client');
    expect(await requestRow(requestId)).toEqual({ status: 'approved', accessTokenJti: null, redeemedAt: null });
    // And at the token endpoint.
    expectOAuthError(await poll(authReqId, created), 400, 'unauthorized_client');
  });

  it('a client deleted after approval: its credentials no longer authenticate (invalid_client) and its requests are gone', async () => {
    const user = await newUser();
    const created = credentialsOf(
      await createClient(db, CLI_PRINCIPAL, { tenantSlug: SLUG, metadata: { client_name: 'Doomed' } }),
    );
    const { authReqId, requestId } = await start(user.email, created);
    await approve(requestId);
    const { store, settings } = getProtocolData();
    const staleRecord = (await settings.findClientByClientId(created.clientId))!;
    const prefetched = await store.findRequestForPoll(sha256Base64Url(authReqId));
    await deleteClient(db, CLI_PRINCIPAL, { tenantSlug: SLUG, clientId: created.clientId });

    expectOAuthError(await poll(authReqId, created), 401, 'invalid_client');
    expect(await db.backchannelRequest.count({ where: { id: requestId } })).toBe(0);
    // Racing: authenticated and read just before the deletion; the update finds no request.
    const refusal = await redeemCibaGrant(
      { db, store },
      {
        tenant: (await settings.findTenantBySlug(SLUG))!,
        client: staleRecord,
        authReqId,
        now: new Date(),
        prefetchedPoll: { authReqIdHash: sha256Base64Url(authReqId), request: prefetched },
      },
    ).catch((error: unknown) => error);
    expect((refusal as OAuthError).error).toBe('invalid_grant');
  });
});
