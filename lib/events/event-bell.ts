/**
 * The in-process doorbell of the event stream: rung after every commit that
 * wrote events, so this process's event feed reads them at once instead of
 * at its next tick. It carries no data — the Event table is the stream
 * (architecture.md: one typed event stream) — so a missed ring delays an
 * event by one tick and loses nothing. Ringing with nobody listening costs a
 * size check: bc-authorize and token redemption ring on the hot path.
 */
type Listener = () => void;

const globalForBell = globalThis as unknown as { backchannelEventBell?: Set<Listener> };
const listeners: Set<Listener> = (globalForBell.backchannelEventBell ??= new Set());

/** Tells this process's listeners that events were committed. */
export const ringEventBell = (): void => {
  if (listeners.size === 0) return;
  for (const listener of listeners) listener();
};

/** Calls `listener` at every ring until the returned function is called. */
export const onEventBell = (listener: Listener): (() => void) => {
  listeners.add(listener);

  return () => {
    listeners.delete(listener);
  };
};
