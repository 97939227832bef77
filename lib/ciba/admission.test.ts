import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { updateTenant } from '@/lib/admin/update-tenant';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { ADMISSION_WINDOW_MS } from '@/lib/ciba/admission';
import { completeBackchannelRequest } from '@/lib/ciba/complete-backchannel-request';
import type { Db } from '@/lib/db/client';
import { getEnv, sqliteFilePath } from '@/lib/env';
import { sha256Base64Url } from '@/lib/oauth/crypto';
import { createProtocolStore, type NewBackchannelRequest, type ProtocolStore } from '@/lib/store/protocol-store';
import { createPostgresEngine } from '@/lib/store/sql/postgres-engine';
import { createSqliteEngine } from '@/lib/store/sql/sqlite-engine';
import { deliverOutbox, TEST_ACTOR, testStore } from '@/lib/testing/outbox';
import { call, credentialsOf, expectOAuthError, formRequest, type ClientCredentials } from '@/lib/testing/protocol-client';
import { useTestDatabase } from '@/lib/testing/test-database';

// bc-authorize's abuse limits (lib/ciba/admission.ts; contract.md, Rate limit
// refusals), on whichever database the suite runs (TEST_POSTGRES_URL: PostgreSQL).

let db: Db;
let cleanup: () => Promise<void>;
let client: ClientCredentials;
let clientRowId: string;
let tenantId: string;
const users: Array<{ id: string; email: string }> = [];

const SLUG = 'limits';

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  ({ id: tenantId } = await createTenant(db, CLI_PRINCIPAL, { slug: SLUG, name: 'Limits' }));
  const created = await createClient(db, CLI_PRINCIPAL, { tenantSlug: SLUG, metadata: { client_name: 'Desk' } });
  client = credentialsOf(created);
  clientRowId = (await db.client.findUniqueOrThrow({ where: { clientId: created.client_id } })).id;
  for (let index = 0; index < 8; index += 1) {
    users.push(await createUser(db, CLI_PRINCIPAL, { tenantSlug: SLUG, email: `u${index}@limits.test` }));
  }
});

afterAll(async () => {
  await deliverOutbox();
  await cleanup();
});

/** Sets the tenant's limits (anything not given: off) through the same domain function as the CLI's tenant update. */
const setLimits = (limits: { perUser?: number; perTenant?: number; maxPending?: number }) =>
  updateTenant(db, CLI_PRINCIPAL, {
    slug: SLUG,
    settings: {
      rate_limit_per_user: limits.perUser ?? 0,
      rate_limit_per_tenant: limits.perTenant ?? 0,
      max_pending_requests: limits.maxPending ?? 0,
    },
  });

/** Every test starts from a clean slate: no counters, no requests (a fresh window for every user). */
const resetUsage = async () => {
  await db.backchannelRequest.deleteMany({ where: { tenantId } });
  await db.tenantUsage.deleteMany({ where: { tenantId } });
  await db.tenantRelease.deleteMany({ where: { tenantId } });
  await db.userUsage.deleteMany({ where: { userId: { in: users.map((user) => user.id) } } });
  await db.event.deleteMany({ where: { tenantId, type: 'ciba_start_failed' } });
};

const authorize = (email: string, at = new Date(), extra: Record<string, string> = {}) =>
  call(
    formRequest(`/t/${SLUG}/bc-authorize`, { scope: 'openid', login_hint: email, ...extra }, { auth: client, receivedAt: at }),
  );

const requestCount = () => db.backchannelRequest.count({ where: { tenantId } });
const outboxCount = () => db.outboxMessage.count({ where: { tenantId } });

const startFailures = async () =>
  (await db.event.findMany({ where: { tenantId, type: 'ciba_start_failed' }, orderBy: { id: 'asc' } })).map(
    (event) => JSON.parse(event.detail!) as { error: string; reason: string | null },
  );

const retryAfterOf = (result: { headers: Record<string, string> }) => Number(result.headers['Retry-After']);

describe('bc-authorize abuse limits (contract.md: 429 with Retry-After)', () => {
  it('a new tenant has the documented defaults: 5 per user, 500 per tenant, 5,000 outstanding', async () => {
    expect(await db.tenant.findUniqueOrThrow({ where: { id: tenantId } })).toMatchObject({
      rateLimitPerUser: 5,
      rateLimitPerTenant: 500,
      maxPendingRequests: 5000,
    });
  });

  it('per user: exactly the limit is admitted; then 429 access_denied with Retry-After until the window closes, nothing written but the event', async () => {
    await resetUsage();
    await setLimits({ perUser: 3 });
    const t0 = new Date();
    for (let index = 0; index < 3; index += 1) expect((await authorize(users[0].email, t0)).status).toBe(200);
    const [requests, outbox] = [await requestCount(), await outboxCount()];

    const refused = await authorize(users[0].email, new Date(t0.getTime() + 20_000));
    expectOAuthError(refused, 429, 'access_denied');
    expect(retryAfterOf(refused)).toBe(40);
    expect([await requestCount(), await outboxCount()]).toEqual([requests, outbox]);
    expect(await startFailures()).toEqual([expect.objectContaining({ error: 'access_denied' })]);

    // Another user of the tenant is not affected; the window reopens a minute after it opened.
    expect((await authorize(users[1].email, t0)).status).toBe(200);
    expect((await authorize(users[0].email, new Date(t0.getTime() + ADMISSION_WINDOW_MS))).status).toBe(200);
  });

  it('per tenant: exactly the limit is admitted over all users; then 429 temporarily_unavailable with Retry-After', async () => {
    await resetUsage();
    await setLimits({ perTenant: 4 });
    const t0 = new Date();
    for (let index = 0; index < 4; index += 1) expect((await authorize(users[index].email, t0)).status).toBe(200);
    const refused = await authorize(users[5].email, new Date(t0.getTime() + 59_500));
    expectOAuthError(refused, 429, 'temporarily_unavailable');
    expect(retryAfterOf(refused)).toBe(1);
    expect(await requestCount()).toBe(4);
    expect(await startFailures()).toEqual([
      expect.objectContaining({ error: 'temporarily_unavailable', reason: 'tenant limit of 4 per minute' }),
    ]);
    expect((await authorize(users[5].email, new Date(t0.getTime() + ADMISSION_WINDOW_MS))).status).toBe(200);
  });

  it('outstanding cap: refused with Retry-After = until the earliest outstanding request expires; a finished request frees its place', async () => {
    await resetUsage();
    await setLimits({ maxPending: 2 });
    const t0 = new Date();
    const first = await authorize(users[0].email, t0, { requested_expiry: '120' });
    expect(first.status).toBe(200);
    expect((await authorize(users[1].email, t0, { requested_expiry: '600' })).status).toBe(200);

    const refused = await authorize(users[2].email, new Date(t0.getTime() + 30_000));
    expectOAuthError(refused, 429, 'temporarily_unavailable');
    expect(retryAfterOf(refused)).toBe(90);
    expect(await requestCount()).toBe(2);

    // Approval does not free a place (the request still awaits redemption); a denial does.
    const firstRow = await db.backchannelRequest.findUniqueOrThrow({
      where: { authReqIdHash: sha256Base64Url(first.json.auth_req_id as string) },
    });
    await completeBackchannelRequest(testStore(), { requestId: firstRow.id, decision: 'deny', actor: TEST_ACTOR });
    expect((await authorize(users[2].email, t0)).status).toBe(200);
    expectOAuthError(await authorize(users[3].email, t0), 429, 'temporarily_unavailable');
  });

  it('0 turns each limit off', async () => {
    await resetUsage();
    await setLimits({});
    const t0 = new Date();
    for (let index = 0; index < 12; index += 1) expect((await authorize(users[0].email, t0)).status).toBe(200);
    expect(await requestCount()).toBe(12);
  });

  it('the per-user limit is checked before the tenant limit, which a user refusal does not consume', async () => {
    await resetUsage();
    await setLimits({ perUser: 1, perTenant: 2 });
    const t0 = new Date();
    expect((await authorize(users[0].email, t0)).status).toBe(200);
    for (let index = 0; index < 3; index += 1) expectOAuthError(await authorize(users[0].email, t0), 429, 'access_denied');
    expect((await authorize(users[1].email, t0)).status).toBe(200);
    expectOAuthError(await authorize(users[2].email, t0), 429, 'temporarily_unavailable');
  });

  it('unknown_user_id is answered before any limit is counted', async () => {
    await resetUsage();
    await setLimits({ perTenant: 1 });
    expectOAuthError(await authorize('nobody@limits.test'), 400, 'unknown_user_id');
    expect((await authorize(users[0].email)).status).toBe(200);
  });
});

/** A second, independent store (its own engine, connections and group commit) on the same database: another instance. */
const openSecondInstance = (): ProtocolStore => {
  const { databaseUrl, databaseKind } = getEnv();

  return createProtocolStore(
    databaseKind === 'sqlite' ? createSqliteEngine(sqliteFilePath(databaseUrl)) : createPostgresEngine(databaseUrl),
  );
};

describe('limits shared by two instances (concurrent admissions)', () => {
  let second: ProtocolStore;
  beforeAll(() => {
    second = openSecondInstance();
  });
  afterAll(async () => {
    await second.close();
  });

  const newRequest = (userId: string, limits: NewBackchannelRequest['admission']): NewBackchannelRequest => {
    const id = randomUUID();
    const now = new Date();

    return {
      id,
      tenantId,
      clientId: clientRowId,
      userId,
      authReqIdHash: sha256Base64Url(randomUUID()),
      scope: 'openid',
      bindingMessage: null,
      acrValues: null,
      acr: null,
      interval: 5,
      expiresAt: new Date(now.getTime() + 300_000),
      createdAt: now,
      approvalLink: { id: randomUUID(), tokenHash: sha256Base64Url(randomUUID()), channel: 'email' },
      outbox: [],
      events: [],
      admission: limits,
    };
  };

  /** 40 admissions at once, alternating between the two instances; resolves to how many of each outcome. */
  const race = async (userIdOf: (index: number) => string, limits: NonNullable<NewBackchannelRequest['admission']>) => {
    const stores = [testStore(), second];
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, index) => stores[index % 2].createRequest(newRequest(userIdOf(index), limits))),
    );

    return outcomes.reduce<Record<string, number>>(
      (counts, outcome) => ({ ...counts, [outcome]: (counts[outcome] ?? 0) + 1 }),
      {},
    );
  };

  const limits = (overrides: Partial<NonNullable<NewBackchannelRequest['admission']>>) => ({
    userLimit: 0,
    agentLimit: 0,
    tenantLimit: 0,
    maxOutstanding: 0,
    windowMs: ADMISSION_WINDOW_MS,
    ...overrides,
  });

  it('per user: exactly the limit is admitted', async () => {
    await resetUsage();
    expect(await race(() => users[0].id, limits({ userLimit: 7 }))).toEqual({ admitted: 7, user_limit: 33 });
    expect(await requestCount()).toBe(7);
  });

  it('per tenant: exactly the limit is admitted', async () => {
    await resetUsage();
    expect(await race((index) => users[index % users.length].id, limits({ tenantLimit: 11 }))).toEqual({
      admitted: 11,
      tenant_limit: 29,
    });
    expect(await requestCount()).toBe(11);
  });

  it('outstanding cap: exactly the cap is admitted', async () => {
    await resetUsage();
    expect(await race((index) => users[index % users.length].id, limits({ maxOutstanding: 13 }))).toEqual({
      admitted: 13,
      tenant_limit: 27,
    });
    expect(await requestCount()).toBe(13);
  });
});
