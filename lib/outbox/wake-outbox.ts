const globalForWake = globalThis as unknown as { backchannelOutboxWaker?: () => void };

/** Registers what runs this process's outbox worker now (background work does, when it starts); null unregisters. */
export const setOutboxWaker = (waker: (() => void) | null): void => {
  globalForWake.backchannelOutboxWaker = waker ?? undefined;
};

/**
 * Call after a commit that queued outbox messages: this process's worker
 * delivers them at once instead of at its next tick. A no-op where no worker
 * runs (the CLI; tests that drive a worker themselves).
 */
export const wakeOutbox = (): void => globalForWake.backchannelOutboxWaker?.();
