// The waits of held long polls (decision-waiters.ts), over a feed the test drives by hand: woken
// only by a decision event for their own request; timed out, aborted, superseded and closed; the
// feed subscribed only while someone waits.
import { describe, expect, it } from 'vitest';
import { createDecisionWaiters } from '@/lib/events/decision-waiters';
import type { EventFeed } from '@/lib/events/event-feed';
import type { EventRecord } from '@/lib/events/event-types';

/** A feed whose events the test publishes. */
const manualFeed = () => {
  const listeners = new Set<(events: readonly EventRecord[]) => void>();
  let subscriptions = 0;
  const feed: EventFeed = {
    subscribe: (listener) => {
      subscriptions += 1;
      listeners.add(listener);

      return () => listeners.delete(listener);
    },
    settled: async () => undefined,
    close: () => listeners.clear(),
  };
  const publish = (type: string, requestId: string | null) => {
    const event = { id: `${Math.random()}`, tenantId: 't', type, actor: null, requestId, clientId: null, userId: null } as const;
    for (const listener of listeners) listener([{ ...event, detail: null, createdAt: new Date() }]);
  };

  return { feed, publish, listening: () => listeners.size, subscriptions: () => subscriptions };
};

describe('decision waiters', () => {
  it('wakes a wait with the decision event of its request only', async () => {
    const { feed, publish, listening } = manualFeed();
    const waiters = createDecisionWaiters({ feed });
    const wait = waiters.wait('r1', { timeoutMs: 5_000 });
    await wait.ready;
    expect(listening()).toBe(1);
    let outcome: string | undefined;
    void wait.outcome.then((value) => (outcome = value));
    publish('ciba_approved', 'r2');
    publish('ciba_slow_down', 'r1');
    publish('ciba_notification_sent', 'r1');
    await Promise.resolve();
    expect(outcome).toBeUndefined();
    expect(waiters.size).toBe(1);
    publish('ciba_denied', 'r1');
    expect(await wait.outcome).toBe('decided');
    expect(waiters.size).toBe(0);
    waiters.close();
  });

  it.each(['ciba_approved', 'ciba_denied', 'ciba_cancelled', 'ciba_expired'])('%s is a decision', async (type) => {
    const { feed, publish } = manualFeed();
    const waiters = createDecisionWaiters({ feed });
    const wait = waiters.wait('r1', { timeoutMs: 5_000 });
    publish(type, 'r1');
    expect(await wait.outcome).toBe('decided');
    waiters.close();
  });

  it('times out, is aborted by its signal, and is superseded by a newer wait for the same request', async () => {
    const { feed } = manualFeed();
    const waiters = createDecisionWaiters({ feed });
    const started = performance.now();
    expect(await waiters.wait('r1', { timeoutMs: 50 }).outcome).toBe('timeout');
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);

    const controller = new AbortController();
    const aborted = waiters.wait('r2', { timeoutMs: 5_000, signal: controller.signal });
    controller.abort();
    expect(await aborted.outcome).toBe('aborted');
    const abortedBefore = waiters.wait('r2', { timeoutMs: 5_000, signal: controller.signal });
    expect(await abortedBefore.outcome).toBe('aborted');

    const older = waiters.wait('r3', { timeoutMs: 5_000 });
    const newer = waiters.wait('r3', { timeoutMs: 5_000 });
    expect(await older.outcome).toBe('superseded');
    expect(waiters.size).toBe(1);
    // The older wait's end leaves the newer one in place.
    older.release();
    expect(waiters.size).toBe(1);
    newer.release();
    expect(await newer.outcome).toBe('aborted');
    expect(waiters.size).toBe(0);
    waiters.close();
  });

  it('closes: every wait ends `closed`, later ones at once, and the feed is left', async () => {
    const { feed, listening } = manualFeed();
    const waiters = createDecisionWaiters({ feed });
    const waits = [waiters.wait('a', { timeoutMs: 5_000 }), waiters.wait('b', { timeoutMs: 5_000 })];
    waiters.close();
    expect(await Promise.all(waits.map((wait) => wait.outcome))).toEqual(['closed', 'closed']);
    expect(await waiters.wait('c', { timeoutMs: 5_000 }).outcome).toBe('closed');
    expect(waiters.size).toBe(0);
    expect(listening()).toBe(0);
  });

  it('subscribes once for many waits, and holds 5,000 of them in a few MB', async () => {
    const { feed, publish, subscriptions } = manualFeed();
    const waiters = createDecisionWaiters({ feed });
    const before = process.memoryUsage().heapUsed;
    const waits = Array.from({ length: 5_000 }, (_, index) => waiters.wait(`r${index}`, { timeoutMs: 60_000 }));
    const perWait = (process.memoryUsage().heapUsed - before) / 5_000;
    expect(subscriptions()).toBe(1);
    expect(waiters.size).toBe(5_000);
    // Heap growth is noisy (a collection may run meanwhile): a generous bound, the bench has the figure.
    expect(perWait).toBeLessThan(2_000);
    for (let index = 0; index < 5_000; index += 1) publish('ciba_approved', `r${index}`);
    expect(new Set(await Promise.all(waits.map((wait) => wait.outcome)))).toEqual(new Set(['decided']));
    expect(waiters.size).toBe(0);
    waiters.close();
  });
});
