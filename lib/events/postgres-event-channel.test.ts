// Instances tell each other about event commits through PostgreSQL NOTIFY (postgres-event-channel.ts):
// one instance's notify wakes another's listeners, coalesced, and nobody listens after unsubscribing.
// Runs in npm test's PostgreSQL pass (TEST_POSTGRES_URL).
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createPostgresListener, type PostgresListener } from '@/lib/db/postgres-listener';
import { createPostgresEventChannel, EVENT_CHANNEL } from '@/lib/events/postgres-event-channel';

const url = process.env.TEST_POSTGRES_URL;
const listeners: PostgresListener[] = [];
/** An instance: its own notification connection, and the event channel on it. */
const open = () => {
  const listener = createPostgresListener(url ?? '');
  listeners.push(listener);

  return { listener, channel: createPostgresEventChannel(listener) };
};

afterAll(async () => {
  await Promise.all(listeners.map((listener) => listener.close()));
});

describe.skipIf(!url)('PostgreSQL event channel', () => {
  it('wakes the listeners of another instance, coalescing a burst of notifies', async () => {
    const { channel: first } = open();
    const { channel: second, listener } = open();
    let wakes = 0;
    const stop = second.listen(() => {
      wakes += 1;
    });
    // LISTEN is in place once the catch-up wake (after LISTEN) has come.
    await vi.waitFor(() => expect(wakes).toBe(1));
    expect(listener.isListening(EVENT_CHANNEL)).toBe(true);
    for (let i = 0; i < 50; i += 1) first.notify();
    await vi.waitFor(() => expect(wakes).toBeGreaterThanOrEqual(2));
    await new Promise((done) => setTimeout(done, 300));
    expect(wakes).toBeLessThanOrEqual(3);

    stop();
    await new Promise((done) => setTimeout(done, 100));
    expect(listener.isListening(EVENT_CHANNEL)).toBe(false);
    const before = wakes;
    first.notify();
    await new Promise((done) => setTimeout(done, 300));
    expect(wakes).toBe(before);
  });

  it('after a lost connection, reconnects, LISTENs again and wakes its watchers to catch up', async () => {
    const { channel, listener } = open();
    let wakes = 0;
    const stop = channel.listen(() => {
      wakes += 1;
    });
    await vi.waitFor(() => expect(wakes).toBe(1));
    listener.dropConnection();
    expect(listener.isListening(EVENT_CHANNEL)).toBe(false);
    // Reconnected within RECONNECT_MS (1 s): the catch-up wake comes again.
    await vi.waitFor(() => expect(wakes).toBe(2), { timeout: 3_000 });
    expect(listener.isListening(EVENT_CHANNEL)).toBe(true);
    const { channel: other } = open();
    other.notify();
    await vi.waitFor(() => expect(wakes).toBe(3), { timeout: 2_000 });
    stop();
  });
});
