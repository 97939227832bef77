import { completeBackchannelRequest } from '@/lib/ciba/complete-backchannel-request';
import type { ProtocolStore } from '@/lib/store/protocol-store';

/** Requests expired per sweep; the next sweep takes the rest. */
const SWEEP_LIMIT = 500;

/**
 * Marks unfinished requests past their expiry as `expired`, each through the
 * completion function (its event, and later its push notification, in the
 * same unit). Requests already count as expired before this runs
 * (isRequestExpired); the sweep makes it visible and final. Returns how many.
 */
export const expireDueRequests = async (store: ProtocolStore, now = new Date()): Promise<number> => {
  const ids = await store.findDueExpiries(now, SWEEP_LIMIT);
  const results = await Promise.all(
    ids.map((requestId) => completeBackchannelRequest(store, { requestId, decision: 'expire', actor: { kind: 'system' }, now })),
  );

  return results.filter((result) => result.ok).length;
};
