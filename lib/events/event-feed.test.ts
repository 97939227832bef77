// The event feed's tail logic (event-feed.ts) over an in-memory Event table:
// history is not news, rings deliver at once, late commits are delivered at
// the next lookback, nothing twice, and no reads while nobody listens.
import { afterEach, describe, expect, it } from 'vitest';
import { buildEvent } from '@/lib/events/build-event';
import { createEventFeed, type EventFeed } from '@/lib/events/event-feed';
import type { EventRecord } from '@/lib/events/event-types';

const table: EventRecord[] = [];
let reads = 0;
const read = async (after: string, limit: number) => {
  reads += 1;

  return table
    .filter((event) => event.id > after)
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .slice(0, limit);
};
const eventAt = (at: number) =>
  buildEvent('ciba_slow_down', { tenantId: 't1', requestId: `r-${at}` }, { interval: 10 }, new Date(at));

let clock = 1_000_000;
let ring: () => void = () => undefined;
let feeds: EventFeed[] = [];
const newFeed = () => {
  const feed = createEventFeed({
    read,
    wakers: [
      (wake) => {
        ring = wake;

        return () => {
          ring = () => undefined;
        };
      },
    ],
    tickMs: 1_000,
    lookbackMs: 5_000,
    now: () => clock,
  });
  feeds.push(feed);

  return feed;
};

afterEach(() => {
  for (const feed of feeds) feed.close();
  feeds = [];
  table.length = 0;
  reads = 0;
});

describe('event feed', () => {
  it('delivers what is committed after it starts, once, in id order; history is left to each subscriber', async () => {
    table.push(eventAt(clock - 1_000));
    const feed = newFeed();
    const batches: string[][] = [];
    feed.subscribe((events) => batches.push(events.map((event) => event.id)));
    await feed.settled();
    expect(batches).toEqual([]);

    const first = eventAt(clock + 1);
    const second = eventAt(clock + 2);
    table.push(second, first);
    ring();
    await feed.settled();
    expect(batches).toEqual([[first.id, second.id]]);

    ring();
    await feed.settled();
    expect(batches).toHaveLength(1);
  });

  it('delivers an event committed after a later one (its id below the cursor) at the next lookback, not twice', async () => {
    const feed = newFeed();
    const seen: string[] = [];
    feed.subscribe((events) => seen.push(...events.map((event) => event.id)));
    await feed.settled();
    const early = eventAt(clock + 10);
    const later = eventAt(clock + 20);
    table.push(later);
    ring();
    await feed.settled();
    expect(seen).toEqual([later.id]);

    // `early` commits now; a ring reads after the cursor only, which is past it.
    table.push(early);
    ring();
    await feed.settled();
    expect(seen).toEqual([later.id]);

    // The lookback (once per tick) finds it; nothing is delivered twice.
    clock += 1_000;
    const newest = eventAt(clock);
    table.push(newest);
    ring();
    await feed.settled();
    expect(seen).toEqual([later.id, early.id, newest.id]);
  });

  it('reads more than one batch when many events commit at once', async () => {
    const feed = newFeed();
    const seen: string[] = [];
    feed.subscribe((events) => seen.push(...events.map((event) => event.id)));
    await feed.settled();
    for (let i = 1; i <= 1_200; i += 1) table.push(eventAt(clock + i));
    ring();
    await feed.settled();
    expect(seen).toHaveLength(1_200);
    expect(seen).toEqual([...seen].sort());
  });

  it('reads nothing while nobody listens, and forgets its place when the last listener leaves', async () => {
    const feed = newFeed();
    const unsubscribe = feed.subscribe(() => undefined);
    await feed.settled();
    unsubscribe();
    const before = reads;
    ring();
    table.push(eventAt(clock + 5));
    await feed.settled();
    expect(reads).toBe(before);

    // Subscribing again starts from now: the event committed while nobody listened is history.
    const seen: string[] = [];
    feed.subscribe((events) => seen.push(...events.map((event) => event.id)));
    await feed.settled();
    expect(seen).toEqual([]);
  });

  it('reads a burst of rings in a few passes, not one per commit', async () => {
    const feed = newFeed();
    const seen: string[] = [];
    feed.subscribe((events) => seen.push(...events.map((event) => event.id)));
    await feed.settled();
    const before = reads;
    for (let i = 1; i <= 100; i += 1) {
      table.push(eventAt(clock + i));
      ring();
    }
    await new Promise((done) => setTimeout(done, 250));
    await feed.settled();
    expect(seen).toHaveLength(100);
    // The pass the first ring started, one after the throttle, and settled()'s: never 100.
    expect(reads - before).toBeLessThanOrEqual(4);
  });
});
