// End-to-end tests against the real production server (see e2e/support/global-setup.ts).
//
//   npx playwright test                                   fast server (bin/start.mjs), SQLite
//   E2E_SERVER=next npx playwright test                   plain `next start`
//   E2E_POSTGRES_URL=postgresql://postgres@127.0.0.1:5432/postgres npx playwright test
//   E2E_PORT=4100 …                                       another port (default 3947)
//
// Needs a production build (`npx next build`; `npm test` makes sure of it) and
// Debian's Chromium at /usr/bin/chromium (never `playwright install`).
import { defineConfig, devices } from '@playwright/test';
import { e2ePort, e2eRunLabel } from './e2e/support/run-options';

const isCi = !!process.env.CI;

export default defineConfig({
  testDir: './e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './e2e/support/global-setup.ts',
  // One server per run, shared by every test, on a 2-core machine.
  workers: 1,
  fullyParallel: false,
  forbidOnly: isCi,
  // On CI, a failed test runs once more: a browser suite on a loaded 2-core machine has rare timing
  // failures that say nothing about the product. npm test names every test that passed only on retry.
  retries: isCi ? 1 : 0,
  // A console test visits many pages; other suites run beside this one (scripts/test.mjs).
  timeout: 60_000,
  // Two runs share two cores under npm test (scripts/test.mjs): a server action can take seconds.
  expect: { timeout: 10_000 },
  // Playwright empties its outputDir on every run (reports live in reports/): one per run label, since
  // npm test runs several at once.
  outputDir: `test-results/${e2eRunLabel()}`,
  reporter: [['list'], ['json', { outputFile: `reports/e2e-${e2eRunLabel()}.json` }]],
  use: {
    baseURL: `http://localhost:${e2ePort()}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    // No transitions (toasts fading in): axe checks colours as they settle, and screenshots are stable.
    reducedMotion: 'reduce',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: '/usr/bin/chromium',
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
            '--disable-quic',
          ],
        },
      },
    },
  ],
});
