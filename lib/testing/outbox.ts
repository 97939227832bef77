import { createApprovalEmailHandler } from '@/lib/ciba/approval-email';
import type { Actor } from '@/lib/events/event-types';
import { createOutboxWorker } from '@/lib/outbox/outbox-worker';
import { getProtocolData } from '@/lib/store/get-protocol-store';
import type { ProtocolStore } from '@/lib/store/protocol-store';

/** The request store of the test database (see useTestDatabase). */
export const testStore = (): ProtocolStore => getProtocolData().store;

/** The actor tests complete requests as. */
export const TEST_ACTOR: Actor = { kind: 'test_hook' };

/** Delivers every due outbox message now, as the server's worker would; resolves to how many were attempted. */
export const deliverOutbox = (): Promise<number> => {
  const store = testStore();

  return createOutboxWorker({ store, handlers: [createApprovalEmailHandler(store)] }).drain();
};
