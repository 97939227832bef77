// Full CIBA flow driver (child of bench/run.ts, pinned to core 1, run with tsx):
// bc-authorize over HTTP → approve out of band IN THIS PROCESS → token over
// HTTP until it returns tokens. Bounded concurrency; warm-up then measured,
// synchronised with the parent over IPC like bench/load.mjs.
//
// Approval never touches the server under test:
// - Backchannel: completeBackchannelRequest() on the request store of the same
//   database (request found by authReqIdHash = sha256Base64Url(auth_req_id));
// - peer: a second node-oidc-provider instance on the same SQLite file,
//   Grant + backchannelResult().
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';

type FlowConfig = {
  target: 'backchannel' | 'peer';
  url: string; // http://127.0.0.1:<port>
  authorizePath: string;
  tokenPath: string;
  basic: string; // "Basic ..."
  users: string[];
  concurrency: number;
  warmupSec: number;
  durationSec: number;
  peer?: { issuer: string; dbFile: string; synchronous: string };
};

const once = <T>(type: string) =>
  new Promise<T>((resolve) => {
    const onMessage = (message: unknown) => {
      if ((message as { type?: unknown } | null)?.type !== type) return;
      process.off('message', onMessage);
      resolve(message as T);
    };
    process.on('message', onMessage);
  });

process.on('disconnect', () => process.exit(0)); // the parent went away
process.on('SIGTERM', () => process.exit(143));

const { config } = await once<{ config: FlowConfig }>('config');
const base = new URL(config.url);
const agent = new Agent({ keepAlive: true, maxSockets: config.concurrency });

/** The fields of a bc-authorize or token response that a flow reads (or an unparseable body's stand-in). */
type ResponseJson = {
  auth_req_id?: string;
  interval?: number;
  access_token?: string;
  id_token?: string;
  error?: string;
  text?: string;
};

const post = (path: string, body: string) =>
  new Promise<{ status: number; json: ResponseJson }>((resolve, reject) => {
    const payload = Buffer.from(body);
    const req = httpRequest(
      {
        host: base.hostname,
        port: base.port,
        path,
        method: 'POST',
        agent,
        headers: {
          authorization: config.basic,
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': payload.length,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: ResponseJson;
          try {
            json = JSON.parse(text);
          } catch {
            json = { error: 'unparseable', text: text.slice(0, 200) };
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('request timeout')));
    req.on('error', reject);
    req.end(payload);
  });

// --- the out-of-band approver ------------------------------------------------
let approve: (authReqId: string) => Promise<void>;
let closeApprover = async () => {};
if (config.target === 'backchannel') {
  const { getProtocolData, closeProtocolData } = await import('@/lib/store/get-protocol-store');
  const { completeBackchannelRequest } = await import('@/lib/ciba/complete-backchannel-request');
  const { sha256Base64Url } = await import('@/lib/oauth/crypto');
  const { store } = getProtocolData();
  approve = async (authReqId) => {
    const row = await store.findRequestForPoll(sha256Base64Url(authReqId));
    if (!row) throw new Error('backchannel: request not found by authReqIdHash');
    const result = await completeBackchannelRequest(store, {
      requestId: row.id,
      decision: 'approve',
      actor: { kind: 'test_hook' },
    });
    if (!result.ok) throw new Error(`backchannel: approval failed (${result.reason})`);
  };
  closeApprover = closeProtocolData;
} else {
  const { createPeerProvider, approvePeerRequest } = await import('./peer/provider.mjs');
  const provider = createPeerProvider(config.peer!);
  approve = (authReqId) => approvePeerRequest(provider, authReqId);
}

// --- the flow loop -------------------------------------------------------------
const MAX_TOKEN_ATTEMPTS = 5;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let measuring = false;
let stopAt = 0;
let seq = 0;
const stats = {
  flows: 0,
  failures: {} as Record<string, number>,
  tokenRetries: 0,
  latencies: [] as number[],
  /** The token request that returned the tokens: the success path a retrying client must not time out on. */
  tokenLatencies: [] as number[],
  approveMs: 0,
};
const fail = (key: string) => {
  if (measuring) stats.failures[key] = (stats.failures[key] ?? 0) + 1;
};

const oneFlow = async () => {
  const n = seq++;
  const started = performance.now();
  const user = config.users[n % config.users.length];
  const authorize = await post(
    config.authorizePath,
    `scope=openid&login_hint=${encodeURIComponent(user)}&binding_message=BM${n % 10000}`,
  );
  if (authorize.status !== 200 || !authorize.json.auth_req_id) {
    return fail(`bc-authorize ${authorize.status} ${authorize.json.error ?? ''}`.trim());
  }
  const authReqId: string = authorize.json.auth_req_id;
  let interval = Number(authorize.json.interval ?? 5);
  const approveStarted = performance.now();
  try {
    await approve(authReqId);
  } catch (error) {
    return fail(`approve: ${(error as Error).message}`);
  }
  const approveMs = performance.now() - approveStarted;
  for (let attempt = 1; attempt <= MAX_TOKEN_ATTEMPTS; attempt += 1) {
    const tokenStarted = performance.now();
    const token = await post(
      config.tokenPath,
      `grant_type=${encodeURIComponent('urn:openid:params:grant-type:ciba')}&auth_req_id=${encodeURIComponent(authReqId)}`,
    );
    if (token.status === 200 && token.json.access_token && token.json.id_token) {
      if (measuring) {
        stats.flows += 1;
        stats.latencies.push(performance.now() - started);
        stats.tokenLatencies.push(performance.now() - tokenStarted);
        stats.approveMs += approveMs;
      }
      return;
    }
    const code = token.json.error ?? String(token.status);
    if (code !== 'authorization_pending' && code !== 'slow_down') return fail(`token ${token.status} ${code}`);
    if (measuring) stats.tokenRetries += 1;
    if (code === 'slow_down') interval += 5;
    await sleep(interval * 1000); // respect the poll interval
  }
  fail('token: never issued');
};

const worker = async () => {
  while (Date.now() < stopAt) {
    try {
      await oneFlow();
    } catch (error) {
      fail(`error: ${(error as Error).message}`);
    }
  }
};

const runFor = async (seconds: number) => {
  stopAt = Date.now() + seconds * 1000;
  await Promise.all(Array.from({ length: config.concurrency }, worker));
};

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;

if (config.warmupSec > 0) await runFor(config.warmupSec);
process.send!({ type: 'measure-start' });
await once('go');
measuring = true;
const started = performance.now();
await runFor(config.durationSec);
measuring = false;
const elapsedSec = (performance.now() - started) / 1000;
const sorted = stats.latencies.sort((a, b) => a - b);
const tokenSorted = stats.tokenLatencies.sort((a, b) => a - b);
process.send!({
  type: 'result',
  result: {
    flows: stats.flows,
    // Two HTTP requests per flow hit the server (bc-authorize + token), plus retries.
    requests: stats.flows * 2 + stats.tokenRetries,
    elapsedSec,
    flowsPerSec: stats.flows / elapsedSec,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    tokenP50: percentile(tokenSorted, 50),
    tokenP99: percentile(tokenSorted, 99),
    approveMsAvg: stats.flows ? stats.approveMs / stats.flows : NaN,
    tokenRetries: stats.tokenRetries,
    failures: stats.failures,
  },
});
await closeApprover();
agent.destroy();
process.removeAllListeners('disconnect');
process.disconnect();
process.exit(0);
