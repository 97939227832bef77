/** How long every sign-in request takes at least: longer than the work a known address causes. */
export const SIGN_IN_RESPONSE_FLOOR_MS = 1_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` and settles no earlier than `floorMs` after the start, whether
 * it resolved or threw: a caller cannot tell the paths apart by time as long
 * as each takes less than the floor.
 */
export const withResponseFloor = async <T>(floorMs: number, work: () => Promise<T>): Promise<T> => {
  const started = performance.now();
  try {
    return await work();
  } finally {
    await sleep(Math.max(0, floorMs - (performance.now() - started)));
  }
};
