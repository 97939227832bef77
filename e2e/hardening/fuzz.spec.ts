// 5,000 malformed requests (1,000 under plain `next start`) across pages, console, Management API, Auth.js and protocol endpoints
// (./malformed-requests.ts), sent raw: none may get a 5xx, each must be answered, and the server
// must still serve pages and the protocol afterwards.
import { expect, test } from '@playwright/test';
import { rawGet } from '../support/ciba';
import { e2eContext } from '../support/context';
import { malformedRequests, sendRaw } from './malformed-requests';

const ctx = e2eContext();
const port = Number(new URL(ctx.appUrl).port);

/**
 * 5,000 against `npm start`'s server. Plain `next start` serves the same pages and protocol
 * endpoints without the lean layer in front: a 1,000-request sample of the same corpus shows that
 * proxy.ts screens them too, at a fifth of the suite's time.
 */
const REQUESTS = ctx.server === 'fast' ? 5_000 : 1_000;
/** Connections at once: well under the per-address cap, enough to keep both cores busy. */
const CONCURRENCY = 16;

test('no malformed request gets a 5xx or goes unanswered, and the server answers afterwards', async () => {
  test.setTimeout(120_000);
  const requests = malformedRequests(REQUESTS);
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const request = requests[next++];
      const status = await sendRaw(port, request.bytes);
      if (status === null || status >= 500) failures.push(`${status ?? 'no answer'} ${request.label}`);
      if (status !== null) statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  console.log(
    `[fuzz] ${REQUESTS} requests in ${((Date.now() - started) / 1000).toFixed(1)} s:`,
    JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b))),
  );

  expect(failures.slice(0, 25), `${failures.length} failures`).toEqual([]);
  expect([...statuses.values()].reduce((sum, count) => sum + count, 0)).toBe(REQUESTS);

  const discovery = await rawGet(`${ctx.appUrl}/t/acme/.well-known/openid-configuration`);
  expect(discovery.status).toBe(200);
  expect(discovery.json?.issuer).toBe(`${ctx.appUrl}/t/acme`);
  expect((await rawGet(`${ctx.appUrl}/admin/sign-in`)).status).toBe(200);
});
