import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import { assertTestHooksAllowed } from '@/lib/ciba/test-hook-guard';
import type { Db } from '@/lib/db/client';
import { getBaseEnv } from '@/lib/env';
import type { ProtocolRequest } from '@/lib/http/protocol-http';
import { createHttpLayer } from '@/lib/http/http-layer';
import { handleProtocolRequest } from '@/lib/http/protocol-router';
import { turnOffAbuseLimits } from '@/lib/testing/abuse-limits';
import { deliverOutbox } from '@/lib/testing/outbox';
import { call, credentialsOf, expectOAuthError, formRequest, type ClientCredentials } from '@/lib/testing/protocol-client';
import { useTestDatabase } from '@/lib/testing/test-database';

// The conformance hook (contract.md: CIBA_TEST_HOOKS; ciba-spec.md §6, the OIDF
// suite's automated_ciba_approval_url), through the protocol router.

const SLUG = 'hooks';
let db: Db;
let cleanup: () => Promise<void>;
let client: ClientCredentials;
let otherTenantClient: ClientCredentials;

const resetEnv = () => {
  (globalThis as { backchannelEnv?: unknown }).backchannelEnv = undefined;
};
const setHooks = (value: string | undefined) => {
  if (value === undefined) delete process.env.CIBA_TEST_HOOKS;
  else process.env.CIBA_TEST_HOOKS = value;
  resetEnv();
};

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  await createTenant(db, CLI_PRINCIPAL, { slug: SLUG, name: 'Hooks' });
  await turnOffAbuseLimits(db, SLUG);
  await createTenant(db, CLI_PRINCIPAL, { slug: 'elsewhere', name: 'Elsewhere' });
  await turnOffAbuseLimits(db, 'elsewhere');
  client = credentialsOf(await createClient(db, CLI_PRINCIPAL, { tenantSlug: SLUG, metadata: { client_name: 'Suite' } }));
  otherTenantClient = credentialsOf(
    await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'elsewhere', metadata: { client_name: 'Other' } }),
  );
  await createUser(db, CLI_PRINCIPAL, { tenantSlug: SLUG, email: 'user@hooks.test' });
  await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'elsewhere', email: 'user@hooks.test' });
});

afterEach(() => setHooks(undefined));

afterAll(async () => {
  await deliverOutbox();
  await cleanup();
});

const start = async (slug = SLUG, as = client): Promise<string> => {
  const result = await call(
    formRequest(`/t/${slug}/bc-authorize`, { scope: 'openid', login_hint: 'user@hooks.test' }, { auth: as }),
  );
  expect(result.status).toBe(200);

  return result.json.auth_req_id as string;
};

const poll = (authReqId: string) =>
  call(formRequest(`/t/${SLUG}/oauth/token`, { grant_type: CIBA_GRANT_TYPE, auth_req_id: authReqId }, { auth: client }));

/** The hook as the suite calls it: a POST with a form body, or with the id in the query string and no body. */
const hook = async (decision: 'approve' | 'allow' | 'deny', authReqId: string | null, via: 'form' | 'query' = 'form') => {
  const request: ProtocolRequest =
    via === 'form'
      ? formRequest(`/t/${SLUG}/test/ciba/${decision}`, authReqId === null ? {} : { auth_req_id: authReqId })
      : {
          method: 'POST',
          path: `/t/${SLUG}/test/ciba/${decision}`,
          query: new URLSearchParams(authReqId === null ? {} : { auth_req_id: authReqId }).toString(),
          headers: {},
          body: Buffer.alloc(0),
          receivedAt: new Date(),
        };

  return handleProtocolRequest(request);
};

const eventsOf = async (type: string) =>
  (await db.event.findMany({ where: { type }, orderBy: { id: 'asc' } })).map(
    (event) => JSON.parse(event.detail!) as { by: unknown },
  );

describe('conformance hook disabled (default)', () => {
  it('answers 404 like an unknown path, and decides nothing', async () => {
    const authReqId = await start();
    const response = await hook('approve', authReqId);
    const unknown = await handleProtocolRequest(formRequest(`/t/${SLUG}/no/such/path`, {}));
    expect(response.status).toBe(404);
    expect(JSON.parse(response.body)).toEqual(JSON.parse(unknown.body));
    expectOAuthError(await poll(authReqId), 400, 'authorization_pending');
  });
});

describe('conformance hook enabled (CIBA_TEST_HOOKS=true)', () => {
  it('approve → 204, then the token poll gets tokens (CIBA §10.1.1); the event names the hook', async () => {
    setHooks('true');
    const authReqId = await start();
    const response = await hook('approve', authReqId);
    expect({ status: response.status, body: response.body }).toEqual({ status: 204, body: '' });
    const tokens = await poll(authReqId);
    expect(tokens.status).toBe(200);
    expect(tokens.json).toMatchObject({ access_token: expect.any(String), id_token: expect.any(String), token_type: 'Bearer' });
    expect(await eventsOf('ciba_approved')).toContainEqual(expect.objectContaining({ by: { kind: 'test_hook' } }));
  });

  it('deny → 204, then the token poll gets access_denied (CIBA §11)', async () => {
    setHooks('true');
    const authReqId = await start();
    expect((await hook('deny', authReqId)).status).toBe(204);
    expectOAuthError(await poll(authReqId), 400, 'access_denied');
    expect(await eventsOf('ciba_denied')).toContainEqual(expect.objectContaining({ by: { kind: 'test_hook' } }));
  });

  it('takes auth_req_id from the query string, as automated_ciba_approval_url substitutes it (ciba-spec.md §6)', async () => {
    setHooks('true');
    const authReqId = await start();
    expect((await hook('approve', authReqId, 'query')).status).toBe(204);
    expect((await poll(authReqId)).status).toBe(200);
  });

  it("answers the suite's {action} too: POST …/test/ciba/allow?auth_req_id=… approves, …/deny?… denies", async () => {
    setHooks('true');
    const approved = await start();
    expect((await hook('allow', approved, 'query')).status).toBe(204);
    expect((await poll(approved)).status).toBe(200);
    const denied = await start();
    expect((await hook('deny', denied, 'query')).status).toBe(204);
    expectOAuthError(await poll(denied), 400, 'access_denied');
  });

  const refusal = async (response: Promise<Awaited<ReturnType<typeof handleProtocolRequest>>>) => {
    const { status, body, headers } = await response;

    return { status, headers, json: JSON.parse(body) as Record<string, unknown> };
  };

  it('over real HTTP through the lean HTTP layer: POST …/test/ciba/allow?auth_req_id=… with no body → 204', async () => {
    setHooks('true');
    const server = createHttpLayer({ fallback: async (_request, response) => void response.end('next') });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const authReqId = await start();
      const url = `http://127.0.0.1:${port}/t/${SLUG}/test/ciba/allow?auth_req_id=${encodeURIComponent(authReqId)}`;
      const response = await fetch(url, { method: 'POST' });
      expect(response.status).toBe(204);
      expect((await poll(authReqId)).status).toBe(200);
      const again = await fetch(url, { method: 'POST' });
      expect({ status: again.status, error: ((await again.json()) as { error: string }).error }).toEqual({
        status: 400,
        error: 'invalid_grant',
      });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('an already-decided request → 400 invalid_grant (never 500)', async () => {
    setHooks('true');
    const authReqId = await start();
    expect((await hook('approve', authReqId)).status).toBe(204);
    expectOAuthError(await refusal(hook('deny', authReqId)), 400, 'invalid_grant');
    expectOAuthError(await refusal(hook('approve', authReqId)), 400, 'invalid_grant');
  });

  it('an unknown auth_req_id, or one of another tenant → 400 invalid_grant; none at all → 400 invalid_request', async () => {
    setHooks('true');
    expectOAuthError(await refusal(hook('approve', 'no-such-auth-req-id')), 400, 'invalid_grant');
    const foreign = await start('elsewhere', otherTenantClient);
    expectOAuthError(await refusal(hook('approve', foreign)), 400, 'invalid_grant');
    expectOAuthError(await refusal(hook('approve', null)), 400, 'invalid_request');
    expectOAuthError(await refusal(hook('approve', null, 'query')), 400, 'invalid_request');
  });

  it('an expired request → 400 invalid_grant', async () => {
    setHooks('true');
    const authReqId = await start();
    await db.backchannelRequest.updateMany({ where: { status: 'pending' }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expectOAuthError(await refusal(hook('approve', authReqId)), 400, 'invalid_grant');
  });
});

describe('CIBA_TEST_HOOKS and CIBA_TEST_HOOKS_I_KNOW (lib/env.ts, refused at start in production)', () => {
  afterEach(() => {
    delete process.env.CIBA_TEST_HOOKS_I_KNOW;
    resetEnv();
  });

  it('are off by default and must be exactly true or false', () => {
    expect(getBaseEnv()).toMatchObject({ cibaTestHooks: false, cibaTestHooksAcknowledged: false });
    setHooks('TRUE');
    expect(getBaseEnv().cibaTestHooks).toBe(true);
    setHooks('yes');
    expect(() => getBaseEnv()).toThrow('CIBA_TEST_HOOKS must be true or false, not "yes".');
  });

  it('refuses to start in production with the hook, unless acknowledged', () => {
    const env = { production: true, cibaTestHooks: true, cibaTestHooksAcknowledged: false };
    expect(() => assertTestHooksAllowed(env)).toThrow(/Refusing to start: CIBA_TEST_HOOKS=true.*CIBA_TEST_HOOKS_I_KNOW=true/s);
    expect(() => assertTestHooksAllowed({ ...env, cibaTestHooksAcknowledged: true })).not.toThrow();
    expect(() => assertTestHooksAllowed({ ...env, production: false })).not.toThrow();
    expect(() => assertTestHooksAllowed({ ...env, cibaTestHooks: false })).not.toThrow();
    setHooks('true');
    process.env.CIBA_TEST_HOOKS_I_KNOW = 'true';
    resetEnv();
    expect(getBaseEnv()).toMatchObject({ cibaTestHooks: true, cibaTestHooksAcknowledged: true });
  });
});
