import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import { createHttpLayer } from '@/lib/http/http-layer';
import type { ProtocolRequest } from '@/lib/http/protocol-http';
import { handleProtocolRequest } from '@/lib/http/protocol-router';
import { call, formRequest, type ClientCredentials } from '@/lib/testing/protocol-client';
import { seedClient, seedPendingRequest, seedTenant, seedUser } from '@/lib/testing/seed';
import { useTestDatabase } from '@/lib/testing/test-database';

const captured = vi.hoisted(() => {
  const lines: string[] = [];

  return { lines, stream: { write: (line: string) => void lines.push(line) } };
});

vi.mock('@/lib/log', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/lib/log')>();

  return { ...actual, log: actual.createLogger({ level: 'trace', destination: captured.stream }) };
});

type LogEntry = Record<string, unknown> & { level: number; msg: string };

const entries = (): LogEntry[] => captured.lines.map((line) => JSON.parse(line) as LogEntry);
const onlyEntry = (): LogEntry => {
  expect(captured.lines).toHaveLength(1);

  return entries()[0];
};

const DEBUG = 20;
const INFO = 30;
const WARN = 40;
const ERROR = 50;

let cleanup: () => Promise<void>;
let slug: string;
let client: ClientCredentials;
let pendingAuthReqId: string;

beforeAll(async () => {
  let db;
  ({ db, cleanup } = await useTestDatabase());
  const tenant = await seedTenant(db);
  slug = tenant.slug;
  const seeded = await seedClient(db, tenant);
  client = { clientId: seeded.client.clientId, clientSecret: seeded.clientSecret };
  const user = await seedUser(db, tenant);
  ({ authReqId: pendingAuthReqId } = await seedPendingRequest(db, { tenant, client: seeded.client, user }));
});

afterAll(async () => cleanup());

beforeEach(() => {
  captured.lines.length = 0;
});

const secret = (label: string) => `${label}-${randomBytes(12).toString('hex')}`;

describe('logging of failed protocol requests', () => {
  it('logs an OAuth error with its private detail, request id, tenant and path; the response never carries the detail', async () => {
    const request = formRequest(
      `/t/${slug}/bc-authorize`,
      { scope: 'openid', login_hint: 'someone@example.test' },
      { auth: { ...client, clientSecret: 'wrong' } },
    );
    const result = await call({ ...request, requestId: 'req-detail-1' });

    expect(result.status).toBe(401);
    const entry = onlyEntry();
    expect(entry).toMatchObject({
      level: WARN,
      requestId: 'req-detail-1',
      method: 'POST',
      path: `/t/${slug}/bc-authorize`,
      tenant: slug,
      error: 'invalid_client',
      status: 401,
      description: result.json.error_description,
    });
    expect(entry.detail).toEqual(expect.any(String));
    expect(JSON.stringify(result.json)).not.toContain(entry.detail as string);
  });

  it('never logs a secret sent in the Authorization header or the form', async () => {
    const basicSecret = secret('basic');
    const formSecret = secret('form');
    const assertion = secret('assertion');
    const authReqId = secret('authreqid');
    const bearer = secret('bearer');
    const token = `/t/${slug}/oauth/token`;
    await call(formRequest(token, { grant_type: CIBA_GRANT_TYPE, auth_req_id: authReqId }, { auth: client }));
    await call(
      formRequest(
        token,
        { grant_type: CIBA_GRANT_TYPE, auth_req_id: authReqId },
        { auth: { ...client, clientSecret: basicSecret } },
      ),
    );
    await call(formRequest(token, { grant_type: CIBA_GRANT_TYPE, client_id: client.clientId, client_secret: formSecret }));
    await call(formRequest(token, { grant_type: CIBA_GRANT_TYPE, client_assertion: assertion, client_assertion_type: 'x' }));
    await call(formRequest(`/t/${slug}/userinfo`, {}, { method: 'GET', headers: { authorization: `Bearer ${bearer}` } }));

    expect(entries().map((entry) => entry.error)).toEqual(
      expect.arrayContaining(['invalid_grant', 'invalid_client', 'invalid_token']),
    );
    const output = captured.lines.join('');
    for (const value of [basicSecret, formSecret, assertion, authReqId, bearer]) expect(output).not.toContain(value);
  });

  it('logs an unexpected error at error level with its stack, and answers a bare server_error', async () => {
    const failingHeaders = new Proxy<Record<string, string>>(
      {},
      {
        get: () => {
          throw new TypeError('headers unavailable');
        },
      },
    );
    const request: ProtocolRequest = {
      ...formRequest(`/t/${slug}/bc-authorize`, { scope: 'openid' }),
      headers: failingHeaders,
      requestId: 'req-unexpected-1',
    };

    const response = await handleProtocolRequest(request);

    expect(response.status).toBe(500);
    expect(JSON.parse(response.body)).toEqual({ error: 'server_error', error_description: expect.any(String) });
    expect(response.body).not.toContain('headers unavailable');
    const entry = onlyEntry();
    expect(entry).toMatchObject({
      level: ERROR,
      requestId: 'req-unexpected-1',
      tenant: slug,
      msg: 'unexpected error in a protocol endpoint',
    });
    expect(entry.err).toMatchObject({
      type: 'TypeError',
      message: 'headers unavailable',
      stack: expect.stringContaining('TypeError'),
    });
  });

  it('logs spec errors at info, and the authorization_pending of every pending poll only at debug', async () => {
    await call(formRequest(`/t/${slug}/nowhere`, {}));
    await call(
      formRequest(`/t/${slug}/oauth/token`, { grant_type: CIBA_GRANT_TYPE, auth_req_id: pendingAuthReqId }, { auth: client }),
    );

    expect(entries().map(({ level, error }) => ({ level, error }))).toEqual([
      { level: INFO, error: 'invalid_request' },
      { level: DEBUG, error: 'authorization_pending' },
    ]);
  });
});

describe('logging of requests the client abandons', () => {
  it('a client that goes away mid-body is one info line without a stack, and nothing is answered', async () => {
    const server = createHttpLayer({ fallback: async () => undefined });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const socket = connect(port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      socket.write(
        `POST /t/${slug}/bc-authorize HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nscope=openid`,
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      socket.destroy();
      await vi.waitFor(() => expect(captured.lines).toHaveLength(1));
      const entry = onlyEntry();
      expect(entry).toMatchObject({
        level: INFO,
        method: 'POST',
        path: `/t/${slug}/bc-authorize`,
        msg: 'client went away before its request was answered',
      });
      expect(entry.err).toBeUndefined();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
