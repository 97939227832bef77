import { afterAll } from 'vitest';

/**
 * Runs before each test file (vitest `setupFiles`). Test files share their
 * worker's modules and process, so whatever a file writes to process.env is
 * undone when it ends, and the env cached from it (lib/env.ts) is dropped.
 */
const environmentAtStart = { ...process.env };

afterAll(() => {
  for (const name of Object.keys(process.env)) {
    if (!(name in environmentAtStart)) delete process.env[name];
  }
  Object.assign(process.env, environmentAtStart);
  (globalThis as { backchannelEnv?: unknown }).backchannelEnv = undefined;
});
