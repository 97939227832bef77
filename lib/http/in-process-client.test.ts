// The in-process client authentication of Try it (lib/oauth/client-auth/in-process-client.ts) cannot
// be reached over HTTP: whatever a request carries, through either HTTP adapter, a client that does not
// authenticate is refused with invalid_client and nothing is written.
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '@/lib/admin/create-client';
import { createTenant } from '@/lib/admin/create-tenant';
import { createUser } from '@/lib/admin/create-user';
import { CLI_PRINCIPAL } from '@/lib/auth/principal';
import { CIBA_GRANT_TYPE } from '@/lib/ciba/constants';
import type { Db } from '@/lib/db/client';
import { callProtocolEndpointInProcess } from '@/lib/http/call-protocol-endpoint-in-process';
import { createHttpLayer } from '@/lib/http/http-layer';
import { deliverOutbox } from '@/lib/testing/outbox';
import { useTestDatabase } from '@/lib/testing/test-database';

let db: Db;
let cleanup: () => Promise<void>;
let clientId: string;

const ROOT = join(__dirname, '..', '..');
const NEXT_ADAPTER = 'app/t/[tenant]/[...endpoint]/route.ts';

beforeAll(async () => {
  ({ db, cleanup } = await useTestDatabase());
  await createTenant(db, CLI_PRINCIPAL, { slug: 'acme', name: 'Acme' });
  ({ client_id: clientId } = await createClient(db, CLI_PRINCIPAL, { tenantSlug: 'acme', metadata: { client_name: 'Desk' } }));
  await createUser(db, CLI_PRINCIPAL, { tenantSlug: 'acme', email: 'alice@example.com' });
});

afterAll(async () => {
  await deliverOutbox();
  await cleanup();
});

const VOUCHER = JSON.stringify({ clientId: 'PLACEHOLDER', vouchedBy: { kind: 'admin', id: 'x' } });

/** Everything a request could carry to pass for the in-process caller: form fields, headers, and the names of the context. */
const spoofAttempts = (): { name: string; headers: Record<string, string>; form: Record<string, string> }[] => {
  const voucher = VOUCHER.replace('PLACEHOLDER', clientId);
  const form = { scope: 'openid', login_hint: 'alice@example.com', binding_message: 'SPOOF' };

  return [
    { name: 'client_id alone', headers: {}, form: { ...form, client_id: clientId } },
    {
      name: 'context member names as form fields',
      headers: {},
      form: {
        ...form,
        client_id: clientId,
        inProcess: voucher,
        in_process: voucher,
        vouchedBy: 'admin',
        started_by: 'admin',
        'inProcess[clientId]': clientId,
        ['__proto__']: voucher,
      },
    },
    {
      name: 'context member names as headers',
      headers: { 'x-in-process': voucher, inprocess: voucher, 'x-backchannel-console': '1', 'x-admin-session': 'x' },
      form: { ...form, client_id: clientId },
    },
    {
      name: 'an admin console session cookie',
      headers: { cookie: 'authjs.session-token=forged; __Secure-authjs.session-token=forged' },
      form: { ...form, client_id: clientId },
    },
  ];
};

const expectRefused = (status: number, body: string) => {
  expect(status).toBe(401);
  expect(JSON.parse(body)).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });
};

const countWrites = async () => ({
  requests: await db.backchannelRequest.count(),
  events: await db.event.count({ where: { type: { startsWith: 'ciba_' } } }),
});

describe('in-process client authentication is out of HTTP’s reach', () => {
  it('the node:http layer refuses every spoof attempt at bc-authorize and token, writing nothing', async () => {
    const server = createHttpLayer({ fallback: async (_request, response) => void response.end('next') });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const post = (path: string, headers: Record<string, string>, body: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const outgoing = httpRequest(
          {
            host: '127.0.0.1',
            port,
            path,
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
          },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
          },
        );
        outgoing.on('error', reject);
        outgoing.end(body);
      });
    try {
      const before = await countWrites();
      for (const attempt of spoofAttempts()) {
        const started = await post('/t/acme/bc-authorize', attempt.headers, new URLSearchParams(attempt.form).toString());
        expectRefused(started.status, started.body);
        const polled = await post(
          '/t/acme/oauth/token',
          attempt.headers,
          new URLSearchParams({ ...attempt.form, grant_type: CIBA_GRANT_TYPE, auth_req_id: 'x' }).toString(),
        );
        expectRefused(polled.status, polled.body);
      }
      expect(await countWrites()).toEqual(before);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('the Next.js route adapter refuses every spoof attempt too', async () => {
    const { POST } = (await import(`@/${NEXT_ADAPTER}`)) as { POST: (request: Request) => Promise<Response> };
    const before = await countWrites();
    for (const attempt of spoofAttempts()) {
      const response = await POST(
        new Request('http://localhost:3999/t/acme/bc-authorize', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', ...attempt.headers },
          body: new URLSearchParams(attempt.form).toString(),
        }),
      );
      expectRefused(response.status, await response.text());
    }
    expect(await countWrites()).toEqual(before);
  });

  it('neither adapter can pass a context: they call the router’s one-argument entry, never the in-process one', () => {
    for (const file of ['lib/http/http-layer.ts', NEXT_ADAPTER]) {
      const source = readFileSync(join(ROOT, file), 'utf8');
      expect(source).toMatch(/handleProtocolRequest\(/);
      expect(source).not.toMatch(/handleInProcessProtocolRequest|callProtocolEndpointInProcess|inProcess/);
    }
  });

  it('the same request made in-process, vouched for, is accepted: the refusals above are the missing authentication', async () => {
    const answer = await callProtocolEndpointInProcess({
      tenantSlug: 'acme',
      endpoint: 'bc-authorize',
      params: { scope: 'openid', login_hint: 'alice@example.com', binding_message: 'SPOOF' },
      inProcess: { clientId, vouchedBy: { kind: 'admin', id: 'admin-1' } },
    });
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual(['auth_req_id', 'expires_in', 'interval']);
  });

  it('an in-process caller cannot vouch for an application of another tenant', async () => {
    await createTenant(db, CLI_PRINCIPAL, { slug: 'globex', name: 'Globex' });
    const answer = await callProtocolEndpointInProcess({
      tenantSlug: 'globex',
      endpoint: 'bc-authorize',
      params: { scope: 'openid', login_hint: 'alice@example.com' },
      inProcess: { clientId, vouchedBy: { kind: 'admin', id: 'admin-1' } },
    });
    expect(answer).toEqual({
      status: 401,
      body: { error: 'invalid_client', error_description: 'Client authentication failed.' },
    });
  });
});
