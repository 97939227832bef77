// Instances tell each other about event commits through PostgreSQL NOTIFY (postgres-event-channel.ts):
// one instance's notify wakes another's listeners, coalesced, and nobody listens after unsubscribing.
// Runs in npm test's PostgreSQL pass (TEST_POSTGRES_URL).
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createPostgresEventChannel, type PostgresEventChannel } from '@/lib/events/postgres-event-channel';

const url = process.env.TEST_POSTGRES_URL;
const channels: PostgresEventChannel[] = [];
const open = () => {
  const channel = createPostgresEventChannel(url ?? '');
  channels.push(channel);

  return channel;
};

afterAll(async () => {
  await Promise.all(channels.map((channel) => channel.close()));
});

describe.skipIf(!url)('PostgreSQL event channel', () => {
  it('wakes the listeners of another instance, coalescing a burst of notifies', async () => {
    const first = open();
    const second = open();
    let wakes = 0;
    const stop = second.listen(() => {
      wakes += 1;
    });
    // LISTEN is in place once the catch-up wake (after LISTEN) has come.
    await vi.waitFor(() => expect(wakes).toBe(1));
    for (let i = 0; i < 50; i += 1) first.notify();
    await vi.waitFor(() => expect(wakes).toBeGreaterThanOrEqual(2));
    await new Promise((done) => setTimeout(done, 300));
    expect(wakes).toBeLessThanOrEqual(3);

    stop();
    await new Promise((done) => setTimeout(done, 100));
    const before = wakes;
    first.notify();
    await new Promise((done) => setTimeout(done, 300));
    expect(wakes).toBe(before);
  });
});
