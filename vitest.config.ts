import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Test files that replace a module (vi.mock) or patch a global: they need a module registry and process of their own. */
const MOCKING_FILES = ['lib/http/protocol-logging.test.ts', 'lib/http/refuse-unparseable-methods.test.ts'];

export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('.', import.meta.url)) } },
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Test files share each worker's modules (no re-import per file: minutes faster on two cores).
    // Each file still gets a fresh database from useTestDatabase, and its changes to process.env are
    // undone when it ends (lib/testing/vitest-setup.ts).
    setupFiles: ['lib/testing/vitest-setup.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['lib/**/*.test.ts', 'scripts/**/*.test.ts', 'cli/**/*.test.ts'],
          exclude: MOCKING_FILES,
          isolate: false,
        },
      },
      { extends: true, test: { name: 'isolated', include: MOCKING_FILES } },
    ],
  },
});
