import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { getUser } from '@/lib/admin/get-user';
import { setUserCode } from '@/lib/admin/set-user-code';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { MAX_USER_CODE_FAILURES, USER_CODE_LOCK_MS } from '@/lib/ciba/check-user-code';
import type { Db } from '@/lib/db/client';
import { getEnv, sqliteFilePath } from '@/lib/env';
import { buildDiscoveryDocument } from '@/lib/oauth/discovery';
import { createProtocolStore, type ProtocolStore } from '@/lib/store/protocol-store';
import { createPostgresEngine } from '@/lib/store/sql/postgres-engine';
import { createSqliteEngine } from '@/lib/store/sql/sqlite-engine';
import { turnOffAbuseLimits } from '@/lib/testing/abuse-limits';
import { deliverOutbox, testStore } from '@/lib/testing/outbox';
import { call, credentialsOf, expectOAuthError, formRequest, type ClientCredentials } from '@/lib/testing/protocol-client';
import { useTestDatabase } from '@/lib/testing/test-database';

// user_code at bc-authorize (CIBA §7.1.2, §13), on whichever database the
// suite runs (TEST_POSTGRES_URL: PostgreSQL).

const SLUG = 'codes';
let db: Db;
let cleanup: () => Promise<void>;
let tenantId: string;
let codeClient: ClientCredentials;
let plainClient: ClientCredentials;
let alice: { id: string; email: string };
let nocode: { id: string; email: string };

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  ({ id: tenantId } = await createTenant(db, CLI_PRINCIPAL, { slug: SLUG, name: 'Codes' }));
  await turnOffAbuseLimits(db, SLUG);
  codeClient = credentialsOf(
    await createClient(db, CLI_PRINCIPAL, {
      tenantSlug: SLUG,
      metadata: { client_name: 'Bank desk', backchannel_user_code_parameter: true },
    }),
  );
  plainClient = credentialsOf(
    await createClient(db, CLI_PRINCIPAL, { tenantSlug: SLUG, metadata: { client_name: 'Plain desk' } }),
  );
  alice = await createUser(db, CLI_PRINCIPAL, { tenantSlug: SLUG, email: 'alice@codes.test' });
  nocode = await createUser(db, CLI_PRINCIPAL, { tenantSlug: SLUG, email: 'nocode@codes.test' });
});

afterAll(async () => {
  await deliverOutbox();
  await cleanup();
});

beforeEach(async () => {
  await setUserCode(db, CLI_PRINCIPAL, { tenantSlug: SLUG, email: alice.email, code: '7391-kite' });
  await db.event.deleteMany({ where: { tenantId, type: 'ciba_start_failed' } });
});

const authorize = (params: Record<string, string>, client = codeClient, receivedAt = new Date()) =>
  call(
    formRequest(`/t/${SLUG}/bc-authorize`, { scope: 'openid', login_hint: alice.email, ...params }, { auth: client, receivedAt }),
  );

const failureReasons = async () =>
  (await db.event.findMany({ where: { tenantId, type: 'ciba_start_failed' }, orderBy: { id: 'asc' } })).map(
    (event) => JSON.parse(event.detail!) as { error: string; error_description: string; reason: string },
  );

const aliceRow = () =>
  db.user.findUniqueOrThrow({
    where: { id: alice.id },
    select: { userCodeHash: true, userCodeFailures: true, userCodeLockedUntil: true },
  });

describe('bc-authorize with user_code (CIBA §7.1.2)', () => {
  it('discovery advertises backchannel_user_code_parameter_supported (CIBA §4)', () => {
    expect(buildDiscoveryDocument(SLUG).backchannel_user_code_parameter_supported).toBe(true);
  });

  it('accepts the right user_code: 200 (CIBA §7.3)', async () => {
    const result = await authorize({ user_code: '7391-kite' });
    expect(result.status).toBe(200);
    expect(result.json.auth_req_id).toEqual(expect.any(String));
  });

  it('no user_code → 400 missing_user_code (CIBA §13)', async () => {
    expectOAuthError(await authorize({}), 400, 'missing_user_code');
    expectOAuthError(await authorize({ user_code: '' }), 400, 'missing_user_code');
    expect(await failureReasons()).toEqual([
      expect.objectContaining({ error: 'missing_user_code' }),
      expect.objectContaining({ error: 'missing_user_code' }),
    ]);
  });

  it('a wrong user_code → 400 invalid_user_code (CIBA §13), counted', async () => {
    expectOAuthError(await authorize({ user_code: '7391-kitf' }), 400, 'invalid_user_code');
    expect(await aliceRow()).toMatchObject({ userCodeFailures: 1, userCodeLockedUntil: null });
    expect(await failureReasons()).toEqual([
      expect.objectContaining({ error: 'invalid_user_code', reason: 'wrong user code (1 in a row)' }),
    ]);
  });

  it('a user without a code → 400 invalid_user_code (CIBA §13)', async () => {
    const result = await authorize({ login_hint: nocode.email, user_code: 'anything' });
    expectOAuthError(result, 400, 'invalid_user_code');
    expect(await failureReasons()).toEqual([expect.objectContaining({ reason: 'the user has no user code' })]);
  });

  it('an unknown user is still unknown_user_id: the hint is resolved first (CIBA §7.2 steps 4–5)', async () => {
    expectOAuthError(await authorize({ login_hint: 'nobody@codes.test', user_code: 'x' }), 400, 'unknown_user_id');
  });

  it('a right code resets the count of wrong codes', async () => {
    for (let index = 0; index < MAX_USER_CODE_FAILURES - 1; index += 1) {
      expectOAuthError(await authorize({ user_code: 'wrong' }), 400, 'invalid_user_code');
    }
    expect((await aliceRow()).userCodeFailures).toBe(MAX_USER_CODE_FAILURES - 1);
    expect((await authorize({ user_code: '7391-kite' })).status).toBe(200);
    expect(await aliceRow()).toMatchObject({ userCodeFailures: 0, userCodeLockedUntil: null });
    expectOAuthError(await authorize({ user_code: 'wrong' }), 400, 'invalid_user_code');
    expect((await aliceRow()).userCodeFailures).toBe(1);
  });

  it('5 wrong codes in a row lock the code for 15 minutes: every attempt, the right one too, is invalid_user_code', async () => {
    const start = new Date();
    for (let index = 0; index < MAX_USER_CODE_FAILURES; index += 1) {
      expectOAuthError(await authorize({ user_code: 'wrong' }, codeClient, start), 400, 'invalid_user_code');
    }
    const locked = await aliceRow();
    expect(locked.userCodeLockedUntil?.getTime()).toBe(start.getTime() + USER_CODE_LOCK_MS);
    const view = await getUser(db, CLI_PRINCIPAL, { tenantSlug: SLUG, id: alice.id });
    expect(view).toMatchObject({ has_user_code: true, user_code_locked_until: locked.userCodeLockedUntil!.toISOString() });

    const during = new Date(start.getTime() + USER_CODE_LOCK_MS - 1000);
    const right = await authorize({ user_code: '7391-kite' }, codeClient, during);
    const wrong = await authorize({ user_code: 'wrong' }, codeClient, during);
    expectOAuthError(right, 400, 'invalid_user_code');
    expectOAuthError(wrong, 400, 'invalid_user_code');
    // The client cannot tell the lock from a wrong code; the event records it.
    expect(right.json.error_description).toBe(wrong.json.error_description);
    const reasons = (await failureReasons()).map((failure) => failure.reason);
    expect(reasons.at(-3)).toMatch(/^wrong user code \(5 in a row\): locked until /);
    expect(reasons.slice(-2)).toEqual([expect.stringMatching(/locked until/), expect.stringMatching(/locked until/)]);
    expect((await aliceRow()).userCodeFailures).toBe(MAX_USER_CODE_FAILURES);

    // After the lock, the right code works again and clears everything.
    const after = new Date(start.getTime() + USER_CODE_LOCK_MS + 1000);
    expect((await authorize({ user_code: '7391-kite' }, codeClient, after)).status).toBe(200);
    expect(await aliceRow()).toMatchObject({ userCodeFailures: 0, userCodeLockedUntil: null });
  });

  it('a wrong code after a lock has ended starts counting at 1 again', async () => {
    const start = new Date();
    for (let index = 0; index < MAX_USER_CODE_FAILURES; index += 1) await authorize({ user_code: 'wrong' }, codeClient, start);
    const after = new Date(start.getTime() + USER_CODE_LOCK_MS + 1000);
    expectOAuthError(await authorize({ user_code: 'wrong' }, codeClient, after), 400, 'invalid_user_code');
    expect(await aliceRow()).toMatchObject({ userCodeFailures: 1, userCodeLockedUntil: null });
  });

  it('setting a code (admin) lifts the lock and resets the count', async () => {
    for (let index = 0; index < MAX_USER_CODE_FAILURES; index += 1) await authorize({ user_code: 'wrong' });
    expect((await aliceRow()).userCodeLockedUntil).not.toBeNull();
    await setUserCode(db, CLI_PRINCIPAL, { tenantSlug: SLUG, email: alice.email, code: 'new-code-1' });
    expect(await aliceRow()).toMatchObject({ userCodeFailures: 0, userCodeLockedUntil: null });
    expect((await getUser(db, CLI_PRINCIPAL, { tenantSlug: SLUG, id: alice.id })).user_code_locked_until).toBeNull();
    expect((await authorize({ user_code: 'new-code-1' })).status).toBe(200);
  });

  it('a legacy SHA-256 code still works and is rehashed with scrypt on its first successful use', async () => {
    const legacy = createHash('sha256').update('old-pin-42').digest('base64url');
    await db.user.update({ where: { id: alice.id }, data: { userCodeHash: legacy } });
    expectOAuthError(await authorize({ user_code: 'old-pin-4' }), 400, 'invalid_user_code');
    expect((await aliceRow()).userCodeHash).toBe(legacy);
    expect((await authorize({ user_code: 'old-pin-42' })).status).toBe(200);
    expect((await aliceRow()).userCodeHash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect((await authorize({ user_code: 'old-pin-42' })).status).toBe(200);
  });

  it('a client without backchannel_user_code_parameter: user_code is ignored, right, wrong or absent (CIBA §7.1 "only if registered")', async () => {
    expect((await authorize({}, plainClient)).status).toBe(200);
    expect((await authorize({ user_code: 'wrong' }, plainClient)).status).toBe(200);
    expect((await aliceRow()).userCodeFailures).toBe(0);
  });
});

/** A second, independent store (its own engine and connections) on the same database: another instance. */
const openSecondInstance = (): ProtocolStore => {
  const { databaseUrl, databaseKind } = getEnv();

  return createProtocolStore(
    databaseKind === 'sqlite' ? createSqliteEngine(sqliteFilePath(databaseUrl)) : createPostgresEngine(databaseUrl),
  );
};

describe('user code failures counted atomically across instances', () => {
  let second: ProtocolStore;
  beforeAll(() => {
    second = openSecondInstance();
  });
  afterAll(async () => {
    await second.close();
  });

  it('12 wrong codes at once through bc-authorize: exactly 5 are counted, then the code is locked', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => authorize({ user_code: 'wrong' })));
    for (const result of results) expectOAuthError(result, 400, 'invalid_user_code');
    const row = await aliceRow();
    expect(row.userCodeFailures).toBe(MAX_USER_CODE_FAILURES);
    expect(row.userCodeLockedUntil).not.toBeNull();
    const reasons = (await failureReasons()).map((failure) => failure.reason);
    expect(reasons.filter((reason) => reason.startsWith('wrong user code'))).toHaveLength(MAX_USER_CODE_FAILURES);
    expectOAuthError(await authorize({ user_code: '7391-kite' }), 400, 'invalid_user_code');
  });

  it('40 failures recorded at once from two instances: 5 counted, one lock, the rest refused uncounted', async () => {
    const now = new Date();
    const lockedUntil = new Date(now.getTime() + USER_CODE_LOCK_MS);
    const stores = [second, testStore()];
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        stores[index % 2].recordUserCodeFailure({ userId: alice.id, now, lockedUntil, maxFailures: MAX_USER_CODE_FAILURES }),
      ),
    );
    const counted = outcomes.filter((outcome) => outcome !== null);
    expect(counted.map((outcome) => outcome.failures).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
    expect(counted.filter((outcome) => outcome.lockedUntil !== null)).toHaveLength(1);
    expect(await aliceRow()).toMatchObject({ userCodeFailures: 5, userCodeLockedUntil: lockedUntil });
  });
});
