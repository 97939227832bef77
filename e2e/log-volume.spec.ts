// The server's log stays readable under load and abuse (issue 9): 1,000 protocol requests of every
// kind — started, polled while pending, wrong secrets, malformed bodies, unknown endpoints — write
// at most one line for each that failed and none for those that went well, every line short, with
// no stack trace and no secret.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { basicAuthorization, CIBA_GRANT_TYPE, rawPost } from './support/ciba';
import { e2eContext, issuerOf } from './support/context';

const ctx = e2eContext();
const REQUESTS = 1_000;
/** The longest line one request may write (a failed request's line carries its path and reason). */
const MAX_LINE_BYTES = 1_024;

const logLength = () => readFileSync(ctx.serverLog, 'utf8').length;

test('1,000 protocol requests write at most one short line per failed request, no stack, no secret', async () => {
  const desk = ctx.clients.acme;
  const issuer = issuerOf('acme');
  const good = basicAuthorization(desk.client_id, desk.client_secret);
  const wrongSecret = `wrong-${desk.client_secret}`;
  const wrong = basicAuthorization(desk.client_id, wrongSecret);
  const start = () =>
    rawPost(`${issuer}/bc-authorize`, `scope=openid&login_hint=${encodeURIComponent(ctx.users.alice.email)}`, {
      authorization: good,
    });
  const pending = await start();
  expect(pending.status).toBe(200);
  const authReqId = (pending.json as { auth_req_id: string }).auth_req_id;
  const from = logLength();

  // Ten kinds of request, a hundred of each, ten at a time.
  const kinds: (() => Promise<{ status: number }>)[] = [
    start,
    () => rawPost(`${issuer}/oauth/token`, `grant_type=${CIBA_GRANT_TYPE}&auth_req_id=${authReqId}`, { authorization: good }),
    () => rawPost(`${issuer}/oauth/token`, `grant_type=${CIBA_GRANT_TYPE}&auth_req_id=unknown`, { authorization: good }),
    () => rawPost(`${issuer}/bc-authorize`, 'scope=openid&login_hint=x', { authorization: wrong }),
    () => rawPost(`${issuer}/bc-authorize`, '%%%', { authorization: good }),
    () => rawPost(`${issuer}/bc-authorize`, 'scope=openid', { authorization: good, contentType: 'application/json' }),
    () => rawPost(`${issuer}/oauth/token`, 'grant_type=password', { authorization: good }),
    () => rawPost(`${issuer}/nowhere`, 'a=b'),
    () => fetch(`${issuer}/.well-known/openid-configuration`).then((response) => ({ status: response.status })),
    () => rawPost(`${ctx.appUrl}/t/no-such-tenant/oauth/token`, 'grant_type=x'),
  ];
  const statuses: number[] = [];
  for (let i = 0; i < REQUESTS; i += 10) {
    statuses.push(...(await Promise.all(kinds.map((kind) => kind()))).map((response) => response.status));
  }
  expect(statuses).toHaveLength(REQUESTS);
  expect(statuses.filter((status) => status >= 500)).toEqual([]);
  // Let the outbox send what the started requests queued (it logs only what fails).
  await new Promise((resolve) => setTimeout(resolve, 1_500));

  const failed = statuses.filter((status) => status >= 400).length;
  const lines = readFileSync(ctx.serverLog, 'utf8').slice(from).split('\n').filter(Boolean);
  expect(lines.length, lines.slice(0, 5).join('\n')).toBeLessThanOrEqual(failed);
  expect(lines.filter((line) => Buffer.byteLength(line) > MAX_LINE_BYTES)).toEqual([]);
  expect(lines.filter((line) => /\n\s+at |"stack"/.test(line))).toEqual([]);
  expect(
    lines.filter((line) => line.includes(wrongSecret) || line.includes(desk.client_secret) || line.includes(authReqId)),
  ).toEqual([]);
});
