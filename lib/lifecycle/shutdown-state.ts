/**
 * Whether this process is shutting down, and what must let go when it does.
 * Process-wide (on globalThis): the lean HTTP layer (server.ts, loaded by
 * tsx) and Next.js's bundles each have their own copy of this module, and a
 * stream opened by a Next route must still hear the server's SIGTERM.
 */
type ShutdownState = { shuttingDown: boolean; listeners: Set<() => void> };

const globalForShutdown = globalThis as unknown as { backchannelShutdown?: ShutdownState };

const state = (): ShutdownState => (globalForShutdown.backchannelShutdown ??= { shuttingDown: false, listeners: new Set() });

/** True from the first SIGTERM/SIGINT on: /readyz answers 503 so load balancers stop sending requests here. */
export const isShuttingDown = (): boolean => state().shuttingDown;

/**
 * Calls `listener` once when shutdown begins (at once if it already has):
 * long-lived responses (server-sent event streams) end so that their clients
 * reconnect to another instance. Returns the function that unregisters it.
 */
export const onShutdown = (listener: () => void): (() => void) => {
  const current = state();
  if (current.shuttingDown) {
    listener();

    return () => undefined;
  }
  current.listeners.add(listener);

  return () => {
    current.listeners.delete(listener);
  };
};

/** Begins shutdown: /readyz turns 503 and every onShutdown listener runs (once). */
export const beginShutdown = (): void => {
  const current = state();
  if (current.shuttingDown) return;
  current.shuttingDown = true;
  const listeners = [...current.listeners];
  current.listeners.clear();
  for (const listener of listeners) {
    try {
      listener();
    } catch {
      // A listener that fails to let go is cut by the shutdown deadline instead.
    }
  }
};

/** Tests only: back to serving. */
export const resetShutdownStateForTests = (): void => {
  globalForShutdown.backchannelShutdown = undefined;
};
