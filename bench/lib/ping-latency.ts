// Ping delivery latency (issue 10): how long after the user's approval the
// client's notification endpoint receives its ping (CIBA §10.2), measured end
// to end on an idle server — the approval is the real approval page's POST
// (link from the development outbox in the server's log, CSRF token from the
// page), the ping arrives at an HTTP server in this process.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

export type PingLatency = { count: number; p50: number; p99: number; max: number; failures: number };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

/** A notification endpoint on 127.0.0.1: resolves each auth_req_id's arrival time. */
export const startPingReceiver = async () => {
  const waiting = new Map<string, (at: number) => void>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const at = performance.now();
      response.writeHead(204).end();
      try {
        const { auth_req_id: authReqId } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { auth_req_id: string };
        waiting.get(authReqId)?.(at);
        waiting.delete(authReqId);
      } catch {
        // not a ping
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ping`,
    arrival: (authReqId: string) => new Promise<number>((resolve) => waiting.set(authReqId, resolve)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

/**
 * `count` requests one after another: bc-authorize for `email`, the approval
 * link read from the server's log, the approval page fetched for its CSRF
 * token, then the approve POST; the latency runs from just before that POST
 * to the ping's arrival.
 */
export const measurePingLatency = async (options: {
  url: string;
  appUrl: string;
  tenantSlug: string;
  basic: string;
  email: string;
  logFile: string;
  receiver: Awaited<ReturnType<typeof startPingReceiver>>;
  count: number;
}): Promise<PingLatency> => {
  const { url, appUrl, tenantSlug, basic, email, logFile, receiver, count } = options;
  const linkPattern = new RegExp(`to ${email.replace(/[.]/g, '\\.')} · .*/t/${tenantSlug}/approve/([A-Za-z0-9_-]+)`, 'g');
  const links = () => [...readFileSync(logFile, 'utf8').matchAll(linkPattern)].map((match) => match[1]);
  const latencies: number[] = [];
  let failures = 0;
  for (let index = 0; index < count; index += 1) {
    try {
      const before = links().length;
      const started = await fetch(`${url}/t/${tenantSlug}/bc-authorize`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ scope: 'openid', login_hint: email, client_notification_token: `bench-${index}` }),
      });
      const { auth_req_id: authReqId } = (await started.json()) as { auth_req_id: string };
      let token: string | undefined;
      for (let waited = 0; waited < 5_000 && token === undefined; waited += 10) {
        const found = links();
        if (found.length > before) token = found[found.length - 1];
        else await sleep(10);
      }
      if (!token) throw new Error('no approval link in the log');
      const page = await (await fetch(`${url}/t/${tenantSlug}/approve/${token}`)).text();
      const csrf = /name="csrf_token" value="([^"]+)"/.exec(page)?.[1];
      if (!csrf) throw new Error('no CSRF token on the approval page');
      const arrival = receiver.arrival(authReqId);
      const approvedAt = performance.now();
      const decided = await fetch(`${url}/t/${tenantSlug}/approve/${token}/decision`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(appUrl).origin },
        body: new URLSearchParams({ csrf_token: csrf, decision: 'approve' }),
      });
      if (decided.status !== 303) throw new Error(`approval answered ${decided.status}`);
      const arrivedAt = await Promise.race([arrival, sleep(10_000).then(() => Number.NaN)]);
      if (Number.isNaN(arrivedAt)) throw new Error('no ping within 10 s');
      latencies.push(arrivedAt - approvedAt);
    } catch {
      failures += 1;
    }
    await sleep(20);
  }
  const sorted = [...latencies].sort((a, b) => a - b);

  return {
    count: latencies.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
    failures,
  };
};
