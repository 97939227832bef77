/**
 * Work that runs after a response has been sent (e.g. emailing the user
 * after bc-authorize has answered the client), kept track of so tests and
 * graceful shutdown can wait for it.
 *
 * Contract: a tracked task never produces an unhandled rejection; a
 * rejection is logged and swallowed (tasks are expected to record their own
 * failures, e.g. as a "failed" EmailMessage row).
 */
const globalForTasks = globalThis as unknown as { backchannelBackgroundTasks?: Set<Promise<void>> };

// On globalThis so every bundle (route handlers, instrumentation, tests) shares one registry.
const inFlight = (): Set<Promise<void>> => (globalForTasks.backchannelBackgroundTasks ??= new Set());

/** Starts tracking `promise`; returns at once. */
export const trackBackgroundTask = (promise: Promise<unknown>): void => {
  const tasks = inFlight();
  const task: Promise<void> = promise.then(
    () => undefined,
    (error: unknown) => {
      console.error('[background-task] failed:', error);
    },
  );
  tasks.add(task);
  void task.finally(() => tasks.delete(task));
};

/** Resolves once every tracked task has settled, including tasks started while waiting. */
export const flushBackgroundTasks = async (): Promise<void> => {
  const tasks = inFlight();
  while (tasks.size > 0) {
    await Promise.allSettled([...tasks]);
    // Let the `finally` handlers remove the settled tasks before re-checking.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
};
