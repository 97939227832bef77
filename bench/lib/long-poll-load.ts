// The long-polling figure (issue 10, CIBA §10.1): thousands of token polls held open at once by a
// server must cost little memory and no CPU while nothing is decided, and a decision must reach
// its held poll in milliseconds. Requests are made through bc-authorize; the polls are real HTTP
// connections (one each, as clients hold them); the sample is approved the way a user does it —
// the approval page's form, posted to the server under test — so the wake-up is the server's own.
import { Agent, request as httpRequest } from 'node:http';
import { performance } from 'node:perf_hooks';
import { treeCpuMs, treeRssMb } from './proc';

export type LongPollTarget = {
  /** Where the server listens, e.g. http://127.0.0.1:PORT. */
  baseUrl: string;
  /** APP_URL: the Origin the approval form is posted from. */
  appUrl: string;
  tenantSlug: string;
  /** `Basic …` for a client with long polling. */
  basic: string;
  loginHints: readonly string[];
  serverPid: number;
  /** The approval page URLs of the tenant's newest pending requests (the development outbox), newest first. */
  approvalUrls: (limit: number) => Promise<string[]>;
  /** How many of the client's requests have been polled (read from the database): each poll is counted just before it is held. */
  countPolled: () => Promise<number>;
};

export type LongPollFigure = {
  held: number;
  /** Seconds each poll may be held (the client's backchannel_long_poll_timeout). */
  holdSeconds: number;
  idleSeconds: number;
  /** `after`: once every poll is answered and its connection closed (what the process kept). */
  rssMb: { before: number; holding: number; increase: number; perPollKb: number; after: number };
  /** Server CPU while the polls are held and nothing happens, against the same window with none held. */
  idleCpuMs: { none: number; holding: number };
  /**
   * Per sample (ms): the approval form posted → its held poll's tokens (an upper bound: it includes
   * Next rendering the form's answer), and the form's 303 (the decision committed) → the tokens
   * (negative when the tokens arrived first).
   */
  approvalToAnswerMs: { samples: number; p50: number; p95: number; max: number };
  decidedToAnswerMs: { p50: number; max: number };
  /** How every held poll was answered in the end. */
  answers: Record<string, number>;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;

type Answer = { status: number; error?: string; at: number };

/** One HTTP POST on a connection of its own (no pooling: a held poll holds its connection). */
const post = (agent: Agent, url: URL, path: string, headers: Record<string, string>, body: string) =>
  new Promise<Answer>((resolve) => {
    const payload = Buffer.from(body);
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path,
        method: 'POST',
        agent,
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded', 'content-length': payload.length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          let error: string | undefined;
          try {
            error = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { error?: string }).error;
          } catch {
            error = 'unparseable';
          }
          resolve({ status: res.statusCode ?? 0, error, at: performance.now() });
        });
        res.on('error', () => resolve({ status: 0, error: 'response error', at: performance.now() }));
      },
    );
    req.setTimeout(60_000, () => req.destroy(new Error('timeout')));
    req.on('error', (error) => resolve({ status: 0, error: error.message, at: performance.now() }));
    req.end(payload);
  });

/** Waits until the server has used less than `quietMs` of CPU over `windowMs` (it finished what it was doing). */
const settle = async (pid: number, { windowMs = 500, quietMs = 20, maxMs = 30_000 } = {}) => {
  const deadline = Date.now() + maxMs;
  for (;;) {
    const before = treeCpuMs(pid);
    await sleep(windowMs);
    if (treeCpuMs(pid) - before <= quietMs || Date.now() > deadline) return;
  }
};

/** Server CPU (ms) over `seconds` of doing nothing here. */
const idleCpu = async (pid: number, seconds: number) => {
  const before = treeCpuMs(pid);
  await sleep(seconds * 1000);

  return treeCpuMs(pid) - before;
};

export const measureLongPolls = async (
  target: LongPollTarget,
  options: { count: number; holdSeconds: number; idleSeconds: number; sample: number; log: (line: string) => void },
): Promise<LongPollFigure> => {
  const { count, holdSeconds, idleSeconds, sample, log } = options;
  const url = new URL(target.baseUrl);
  const pooled = new Agent({ keepAlive: true, maxSockets: 20 });
  const own = new Agent({ keepAlive: false, maxSockets: Infinity });
  const clientHeaders = { authorization: target.basic };

  log(`long polls: making ${count.toLocaleString('en')} pending requests through bc-authorize…`);
  const authReqIds: string[] = [];
  let next = 0;
  const authorizeWorker = async () => {
    while (next < count) {
      const n = next++;
      const hint = encodeURIComponent(target.loginHints[n % target.loginHints.length]);
      const body = `scope=openid&login_hint=${hint}&binding_message=LP${n}`;
      const id = await new Promise<string | undefined>((resolve) => {
        const payload = Buffer.from(body);
        const req = httpRequest(
          {
            host: url.hostname,
            port: url.port,
            path: `/t/${target.tenantSlug}/bc-authorize`,
            method: 'POST',
            agent: pooled,
            headers: { ...clientHeaders, 'content-type': 'application/x-www-form-urlencoded', 'content-length': payload.length },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () =>
              resolve((JSON.parse(Buffer.concat(chunks).toString('utf8')) as { auth_req_id?: string }).auth_req_id),
            );
          },
        );
        req.on('error', () => resolve(undefined));
        req.end(payload);
      });
      if (!id) throw new Error('long polls: bc-authorize failed');
      authReqIds.push(id);
    }
  };
  await Promise.all(Array.from({ length: 20 }, authorizeWorker));
  pooled.destroy();
  // The approval emails are delivered (the development outbox) before anything is measured.
  await settle(target.serverPid);

  const idleNone = await idleCpu(target.serverPid, idleSeconds);
  const rssBefore = treeRssMb(target.serverPid);
  log(`long polls: opening ${count.toLocaleString('en')} polls at once, each on its own connection…`);
  const answers = new Map<string, Promise<Answer>>();
  for (const id of authReqIds) {
    answers.set(
      id,
      post(
        own,
        url,
        `/t/${target.tenantSlug}/oauth/token`,
        clientHeaders,
        `grant_type=${encodeURIComponent('urn:openid:params:grant-type:ciba')}&auth_req_id=${id}`,
      ),
    );
  }
  const opened = performance.now();
  // Every poll counted (so held), then the server quiet for 1.5 s running: on a busy machine a
  // starved server can look quiet while work is still queued.
  for (let waited = 0; (await target.countPolled()) < count; waited += 200) {
    if (waited > 60_000) throw new Error('long polls: not every poll reached the server within 60 s');
    await sleep(200);
  }
  await settle(target.serverPid, { windowMs: 1_500, quietMs: 45 });
  const settledAfterMs = performance.now() - opened;
  const rssHolding = treeRssMb(target.serverPid);
  log(
    `long polls: held (server quiet ${(settledAfterMs / 1000).toFixed(1)} s after opening); RSS ${rssBefore.toFixed(0)} → ${rssHolding.toFixed(0)} MB; measuring ${idleSeconds} s idle…`,
  );
  const idleHolding = await idleCpu(target.serverPid, idleSeconds);

  log(`long polls: approving ${sample} of them through the approval page, one at a time…`);
  const latencies: number[] = [];
  const afterDecision: number[] = [];
  const urls = await target.approvalUrls(sample);
  const firstAnswered = new Set<Promise<Answer>>();
  for (const approvalUrl of urls) {
    const page = new URL(approvalUrl);
    const local = `${target.baseUrl}${page.pathname}`;
    const html = await (await fetch(local)).text();
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1];
    if (!csrf) throw new Error(`long polls: no CSRF token on ${page.pathname}`);
    // Whichever held poll answers with tokens next is the approved one (one decision at a time).
    const pendingAnswers = [...answers.values()].filter((answer) => !firstAnswered.has(answer));
    const tokens = Promise.race(
      pendingAnswers.map((answer) =>
        answer.then((value) => (value.status === 200 ? { answer, value } : new Promise<never>(() => {}))),
      ),
    );
    const posted = performance.now();
    const decision = await fetch(`${local}/decision`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(target.appUrl).origin },
      body: new URLSearchParams({ decision: 'approve', csrf_token: csrf }).toString(),
    });
    if (decision.status !== 303 || !decision.headers.get('location')?.includes('outcome=approved')) {
      throw new Error(`long polls: approval answered ${decision.status} ${decision.headers.get('location') ?? ''}`);
    }
    const decided = performance.now();
    const won = await Promise.race([tokens, sleep(5_000).then(() => null)]);
    if (!won) throw new Error('long polls: no held poll answered within 5 s of an approval');
    firstAnswered.add(won.answer);
    latencies.push(won.value.at - posted);
    afterDecision.push(won.value.at - decided);
  }

  log(`long polls: waiting for the other ${(count - latencies.length).toLocaleString('en')} to be answered at their timeout…`);
  const finals = await Promise.all(answers.values());
  own.destroy();
  await settle(target.serverPid);
  const rssAfter = treeRssMb(target.serverPid);
  const counts: Record<string, number> = {};
  for (const answer of finals) {
    const key = `${answer.status} ${answer.status === 200 ? 'tokens' : (answer.error ?? '')}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const sortedAfter = [...afterDecision].sort((a, b) => a - b);

  return {
    held: count,
    holdSeconds,
    idleSeconds,
    rssMb: {
      before: rssBefore,
      holding: rssHolding,
      increase: rssHolding - rssBefore,
      perPollKb: ((rssHolding - rssBefore) * 1024) / count,
      after: rssAfter,
    },
    idleCpuMs: { none: idleNone, holding: idleHolding },
    approvalToAnswerMs: {
      samples: sorted.length,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      max: sorted.at(-1) ?? NaN,
    },
    decidedToAnswerMs: { p50: percentile(sortedAfter, 50), max: sortedAfter.at(-1) ?? NaN },
    answers: counts,
  };
};
