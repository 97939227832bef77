import type { DecisionWaiters } from '@/lib/events/decision-waiters';
import type { PollRow, ProtocolStore } from '@/lib/store/protocol-store';

/** What a held poll needs: where waits are registered, and the signal that its HTTP client went away. */
export type LongPollContext = {
  /** The process's registry (getDecisionWaiters), looked up only when a poll is held. */
  waiters: () => DecisionWaiters;
  /** Aborts when the client disconnects: the wait is released at once. Asked for only when a poll is held. */
  signal: () => AbortSignal | undefined;
};

/** The request as re-read after the wait, and the moment it was read (the answer is judged at that moment). */
export type HeldPollResult = { request: PollRow | null; now: Date };

/**
 * Long polling (CIBA §10.1: "the OP may implement long polling, where the OP
 * responds to the token request only when the authentication result has
 * become available or a timeout has occurred"): holds a poll of a pending
 * request — already counted as a well-spaced poll — for up to `holdMs`, or
 * until the request expires if that is sooner.
 *
 * Nothing runs while it waits: its wait (lib/events/decision-waiters.ts) is
 * woken by the commit of the request's decision event, in this process (the
 * event bell) or another instance (PostgreSQL NOTIFY). The request is read
 * once when the wait is in place (a decision committed between the poll's
 * first read and then is in that read) and once when it is woken or reaches
 * its expiry.
 *
 * Resolves with the re-read request, for the grant's rules to answer; or null
 * when it is to be answered `authorization_pending` — the hold ran out, the
 * client went away, the process is stopping, or a newer poll of the same
 * request took over.
 *
 * `receivedAt` is when the poll arrived; the moment returned is that plus the
 * time held (never before the clock), so tests that date their polls stay consistent.
 */
export const holdPendingPoll = async (
  { store, longPoll }: { store: ProtocolStore; longPoll: LongPollContext },
  options: { request: PollRow; authReqIdHash: string; holdMs: number; receivedAt: Date },
): Promise<HeldPollResult | null> => {
  const { request, authReqIdHash, holdMs, receivedAt } = options;
  const heldAt = performance.now();
  const now = () => new Date(Math.max(Date.now(), receivedAt.getTime() + (performance.now() - heldAt)));
  const untilExpiry = request.expiresAt.getTime() - receivedAt.getTime();
  const timeoutMs = Math.max(0, Math.min(holdMs, untilExpiry));
  const wait = longPoll.waiters().wait(request.id, { timeoutMs, signal: longPoll.signal() });
  await wait.ready;
  const current = await store.findRequestForPoll(authReqIdHash);
  if (current?.status !== 'pending') {
    wait.release();

    return { request: current, now: now() };
  }
  const outcome = await wait.outcome;
  // Run out at the request's expiry (not the hold's end): judged afresh, so expired_token unless decided first.
  const expiring = outcome === 'timeout' && untilExpiry <= holdMs;
  if (outcome !== 'decided' && !expiring) return null;

  return { request: await store.findRequestForPoll(authReqIdHash), now: now() };
};
