// The protocol seen from relying parties, over plain fetch (so a test reads HAProxy's
// X-Backend-Server header), and a small load generator that records every request it makes.
import { randomBytes } from 'node:crypto';
import type { Cluster } from './cluster';

export const CIBA_GRANT_TYPE = 'urn:openid:params:grant-type:ciba';

export type ClientCredentials = { client_id: string; client_secret: string };

export type Answer = {
  status: number;
  json: Record<string, unknown>;
  /** HAProxy's X-Backend-Server: which instance answered (null when the request went to one directly). */
  servedBy: string | null;
};

const basic = ({ client_id, client_secret }: ClientCredentials) =>
  `Basic ${Buffer.from(`${encodeURIComponent(client_id)}:${encodeURIComponent(client_secret)}`).toString('base64')}`;

const answerOf = async (response: Response): Promise<Answer> => {
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    json = { text };
  }

  return { status: response.status, json, servedBy: response.headers.get('x-backend-server') };
};

/** A form POST, with HTTP Basic client authentication when `client` is given. */
export const postForm = async (url: string, params: Record<string, string>, client?: ClientCredentials): Promise<Answer> =>
  answerOf(
    await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(client ? { authorization: basic(client) } : {}),
      },
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.timeout(30_000),
    }),
  );

export const getJson = async (url: string, headers: Record<string, string> = {}): Promise<Answer> =>
  answerOf(await fetch(url, { headers, signal: AbortSignal.timeout(30_000) }));

export const bindingCode = (): string => `CL ${randomBytes(3).toString('hex').toUpperCase()}`;

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

export type LoadFailure = { what: string; status: number | string; body: unknown; servedBy: string | null };

export type LoadOptions = {
  /** Where approvals go: through HAProxy, or straight to one instance (one that is not killed). */
  approveOn: 'haproxy' | 'a' | 'b';
  /** Ping flows wait for their callback and redeem their tokens (through HAProxy). */
  redeem: boolean;
  workers?: number;
};

/**
 * Relying parties at work through HAProxy until stopped: each worker alternates a ping flow
 * (bc-authorize, approval through the test hook, and with `redeem` the callback then the token
 * request) and a poll flow (bc-authorize, a poll after the interval: authorization_pending, and the
 * discovery document). Every answer that is not the protocol's expected one is a failure: a 5xx, a
 * reset connection, an unexpected error code.
 */
export const startLoad = (cluster: Cluster, options: LoadOptions) => {
  const failures: LoadFailure[] = [];
  const counts = new Map<string, number>();
  const servedBy = new Set<string>();
  /** auth_req_ids of approved ping requests. */
  const approved: string[] = [];
  let stopping = false;

  const record = async (what: string, expected: (answer: Answer) => boolean, request: () => Promise<Answer>) => {
    counts.set(what, (counts.get(what) ?? 0) + 1);
    try {
      const answer = await request();
      if (answer.servedBy) servedBy.add(answer.servedBy);
      if (!expected(answer)) failures.push({ what, status: answer.status, body: answer.json, servedBy: answer.servedBy });

      return answer;
    } catch (error) {
      failures.push({ what, status: 'no answer', body: String(error), servedBy: null });

      return null;
    }
  };

  const pingFlow = async () => {
    const started = await record(
      'bc-authorize (ping)',
      (answer) => answer.status === 200,
      () =>
        postForm(
          `${cluster.issuer}/bc-authorize`,
          {
            scope: 'openid',
            login_hint: cluster.alice.email,
            binding_message: bindingCode(),
            client_notification_token: randomBytes(16).toString('base64url'),
          },
          cluster.pingClient,
        ),
    );
    const authReqId = started?.json.auth_req_id;
    if (typeof authReqId !== 'string') return;
    const approveBase = options.approveOn === 'haproxy' ? cluster.issuer : cluster.issuerOn(options.approveOn);
    const approval = await record(
      'approve (test hook)',
      (answer) => answer.status === 204,
      () => postForm(`${approveBase}/test/ciba/approve`, { auth_req_id: authReqId }),
    );
    if (approval?.status !== 204) return;
    approved.push(authReqId);
    if (!options.redeem) return;
    const deadline = Date.now() + 20_000;
    while (cluster.receiver.outcomesOf(authReqId).answered === 0) {
      if (Date.now() > deadline) {
        failures.push({ what: 'ping callback', status: 'none within 20 s', body: authReqId, servedBy: null });

        return;
      }
      await sleep(20);
    }
    await record(
      'token (after ping)',
      (answer) => answer.status === 200 && typeof answer.json.access_token === 'string',
      () =>
        postForm(`${cluster.issuer}/oauth/token`, { grant_type: CIBA_GRANT_TYPE, auth_req_id: authReqId }, cluster.pingClient),
    );
  };

  const pollFlow = async () => {
    const started = await record(
      'bc-authorize (poll)',
      (answer) => answer.status === 200,
      () =>
        postForm(
          `${cluster.issuer}/bc-authorize`,
          { scope: 'openid', login_hint: cluster.alice.email, binding_message: bindingCode() },
          cluster.pollClient,
        ),
    );
    await record(
      'discovery',
      (answer) => answer.status === 200 && answer.json.issuer === cluster.issuer,
      () => getJson(`${cluster.issuer}/.well-known/openid-configuration`),
    );
    const authReqId = started?.json.auth_req_id;
    if (typeof authReqId !== 'string') return;
    await sleep(1_050);
    await record(
      'token (pending)',
      // slow_down is the protocol's answer to a poll that reached two instances (a retry): answered, not lost.
      (answer) => answer.status === 400 && ['authorization_pending', 'slow_down'].includes(String(answer.json.error)),
      () =>
        postForm(`${cluster.issuer}/oauth/token`, { grant_type: CIBA_GRANT_TYPE, auth_req_id: authReqId }, cluster.pollClient),
    );
  };

  const worker = async (index: number) => {
    for (let round = index; !stopping; round += 1) await (round % 2 === 0 ? pingFlow() : pollFlow());
  };
  const running = Promise.all(Array.from({ length: options.workers ?? 4 }, (_, index) => worker(index)));

  return {
    approved,
    failures,
    /** Stops starting flows; resolves when the flows in progress have ended. */
    stop: async () => {
      stopping = true;
      await running;
      const total = [...counts.values()].reduce((sum, count) => sum + count, 0);

      return { total, counts: Object.fromEntries(counts), servedBy: [...servedBy].sort(), failures };
    },
  };
};
