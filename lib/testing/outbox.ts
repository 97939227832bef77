import { createOutboxHandlers } from '@/lib/ciba/outbox-handlers';
import { getDb } from '@/lib/db/client';
import type { Actor } from '@/lib/events/event-types';
import { createOutboxWorker } from '@/lib/outbox/outbox-worker';
import { getProtocolData } from '@/lib/store/get-protocol-store';
import type { ProtocolStore } from '@/lib/store/protocol-store';

/** The request store of the test database (see useTestDatabase). */
export const testStore = (): ProtocolStore => getProtocolData().store;

/** The actor tests complete requests as. */
export const TEST_ACTOR: Actor = { kind: 'test_hook' };

/**
 * Delivers every outbox message due now, as the server's worker would; resolves
 * to how many were attempted. `now` runs the worker (and the approval email's
 * expiry check) at that time instead, for tests that move time through retries.
 */
export const deliverOutbox = (now?: Date): Promise<number> => {
  const store = testStore();
  const clock = now === undefined ? undefined : () => now;

  return createOutboxWorker({ store, handlers: createOutboxHandlers({ db: getDb(), store }, clock), clock }).drain();
};
