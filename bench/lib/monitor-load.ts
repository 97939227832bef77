// The live monitor's figure (issue 8): the console's request monitor in real Chromium, with
// thousands of requests pending and a steady stream of events, must keep up (a new request shows
// within about a second), stay responsive (few long tasks) and not grow without bound (heap after
// vs before, DOM size). Requests and their events are made through the real bc-authorize endpoint;
// every new request carries a numbered binding message, and the page records, with a
// MutationObserver, when each one first appears in the DOM.
import { writeFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { treeCpuMs } from './proc';

export type MonitorTarget = {
  baseUrl: string;
  tenantSlug: string;
  /** `Basic …` for the tenant's client. */
  basic: string;
  /** Login hints to spread requests over. */
  loginHints: readonly string[];
  /** The console session cookie's value (authjs.session-token). */
  sessionToken: string;
  serverPid: number;
};

export type MonitorFigure = {
  pendingAtOpen: number;
  /** Goto → the table rendered and the stream live. */
  openMs: number;
  seconds: number;
  requestsSent: number;
  /** Request events committed per second (started + notification sent per request). */
  eventsPerSecond: number;
  lagMs: { p50: number; p95: number; max: number };
  /**
   * Requests sent whose row never appeared: the monitor renders the newest 50 waiting rows, so a
   * request that arrived in a batch with more than 50 newer ones is counted and filterable but
   * never on screen.
   */
  missed: number;
  heapMb: { before: number; after: number };
  longTasks: { count: number; totalMs: number };
  domNodes: { before: number; after: number };
  /** What the page says is waiting, against what is. */
  waitingShown: number;
  waitingExpected: number;
  serverCpuMsPerEvent: number;
};

const PAGE_PROBE = `
  window.__bench = { seen: {}, longTaskCount: 0, longTaskMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) { window.__bench.longTaskCount += 1; window.__bench.longTaskMs += entry.duration; }
  }).observe({ entryTypes: ['longtask'] });
  const watch = () => new MutationObserver((records) => {
    const now = performance.timeOrigin + performance.now();
    for (const record of records) for (const node of record.addedNodes) {
      const text = node.textContent;
      if (!text || !text.includes('MON ')) continue;
      for (const match of text.matchAll(/MON (\\d+)/g)) if (!(match[1] in window.__bench.seen)) window.__bench.seen[match[1]] = now;
    }
  }).observe(document.body, { childList: true, subtree: true });
  if (document.body) watch(); else document.addEventListener('DOMContentLoaded', watch);
`;

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

const authorize = async (target: MonitorTarget, i: number, binding: string) => {
  const response = await fetch(`${target.baseUrl}/t/${target.tenantSlug}/bc-authorize`, {
    method: 'POST',
    headers: { authorization: target.basic, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      scope: 'openid',
      login_hint: target.loginHints[i % target.loginHints.length],
      binding_message: binding,
    }).toString(),
  });
  if (response.status !== 200) throw new Error(`bc-authorize answered ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
};

/** `pending` requests made before the page opens, `rate` requests a second for `seconds` while it is open. */
export const measureLiveMonitor = async (
  target: MonitorTarget,
  options: { pending: number; rate: number; seconds: number; log: (line: string) => void },
): Promise<MonitorFigure> => {
  const { log } = options;
  log(`monitor: ${options.pending.toLocaleString('en')} pending requests through bc-authorize…`);
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < options.pending) {
        const i = next++;
        await authorize(target, i, `PRE ${i}`);
      }
    }),
  );

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--js-flags=--expose-gc', '--enable-precise-memory-info'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addCookies([
      { name: 'authjs.session-token', value: target.sessionToken, url: target.baseUrl, httpOnly: true, sameSite: 'Lax' },
    ]);
    const page = await context.newPage();
    await page.addInitScript(PAGE_PROBE);
    const opening = Date.now();
    await page.goto(`${target.baseUrl}/admin/t/${target.tenantSlug}/requests`);
    try {
      await page.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 60_000 });
      await page.getByRole('table', { name: 'Waiting requests, live' }).waitFor();
    } catch (error) {
      const text = (
        await page
          .locator('body')
          .innerText()
          .catch(() => '')
      ).slice(0, 500);
      throw new Error(`the monitor did not go live at ${page.url()}:\n${text}`, { cause: error });
    }
    const openMs = Date.now() - opening;
    const probe = () =>
      page.evaluate(() => {
        (globalThis as unknown as { gc?: () => void }).gc?.();
        const memory = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;

        return { heap: (memory?.usedJSHeapSize ?? 0) / 1048576, nodes: document.getElementsByTagName('*').length };
      });
    const before = await probe();
    log(
      `monitor: page open in ${openMs} ms (heap ${before.heap.toFixed(1)} MB, ${before.nodes} elements); ${options.rate} requests/s for ${options.seconds} s…`,
    );

    await page.evaluate(() => {
      const bench = (globalThis as unknown as { __bench: { longTaskCount: number; longTaskMs: number } }).__bench;
      bench.longTaskCount = 0;
      bench.longTaskMs = 0;
    });
    // BENCH_MONITOR_PROFILE=<file>: a CPU profile of the page during the load (chrome://inspect format).
    const profileFile = process.env.BENCH_MONITOR_PROFILE;
    const cdp = profileFile ? await context.newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    // BENCH_MONITOR_TRACE=<file>: a Chrome trace of the load (layout, style, paint, scripts).
    const traceFile = process.env.BENCH_MONITOR_TRACE;
    if (traceFile) await browser.startTracing(page, { path: traceFile, categories: ['devtools.timeline', 'blink', 'v8'] });
    const sentAt = new Map<number, number>();
    const cpuBefore = treeCpuMs(target.serverPid);
    const started = Date.now();
    const inFlight = new Set<Promise<void>>();
    for (let n = 0; n < options.rate * options.seconds; n += 1) {
      const due = started + (n * 1000) / options.rate;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((done) => setTimeout(done, wait));
      const request = authorize(target, options.pending + n, `MON ${n}`).then(() => {
        sentAt.set(n, Date.now());
      });
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
      if (inFlight.size > 64) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    const elapsedS = (Date.now() - started) / 1000;
    const serverCpuMs = treeCpuMs(target.serverPid) - cpuBefore;
    if (traceFile) await browser.stopTracing();
    if (cdp && profileFile) {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(profileFile, JSON.stringify(profile));
      log(`monitor: page CPU profile written to ${profileFile}`);
    }
    // Let the last flush and notifications land.
    await new Promise((done) => setTimeout(done, 3_000));

    const page_ = await page.evaluate(() => {
      const bench = (
        globalThis as unknown as { __bench: { seen: Record<string, number>; longTaskCount: number; longTaskMs: number } }
      ).__bench;
      const waiting = /([\d,]+) waiting/.exec(document.body.innerText)?.[1] ?? '0';

      return {
        seen: bench.seen,
        longTaskCount: bench.longTaskCount,
        longTaskMs: bench.longTaskMs,
        waiting: Number(waiting.replaceAll(',', '')),
      };
    });
    const after = await probe();
    const lags: number[] = [];
    let missed = 0;
    for (const [n, at] of sentAt) {
      const seen = page_.seen[String(n)];
      if (seen === undefined) missed += 1;
      else lags.push(Math.max(0, seen - at));
    }
    lags.sort((a, b) => a - b);
    const events = sentAt.size * 2;

    return {
      pendingAtOpen: options.pending,
      openMs,
      seconds: elapsedS,
      requestsSent: sentAt.size,
      eventsPerSecond: events / elapsedS,
      lagMs: { p50: percentile(lags, 50), p95: percentile(lags, 95), max: lags.at(-1) ?? NaN },
      missed,
      heapMb: { before: before.heap, after: after.heap },
      longTasks: { count: page_.longTaskCount, totalMs: page_.longTaskMs },
      domNodes: { before: before.nodes, after: after.nodes },
      waitingShown: page_.waiting,
      waitingExpected: options.pending + sentAt.size,
      serverCpuMsPerEvent: serverCpuMs / events,
    };
  } finally {
    await browser.close();
  }
};
