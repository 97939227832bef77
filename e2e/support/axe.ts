// axe-core in the page under test, run directly: injected once per document, then `axe.run` with
// every rule axe runs by default and only violations collected. About a second a page on this
// machine, where @axe-core/playwright's builder took nearly three (it re-injects axe and opens a
// blank page for every analysis).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from '@playwright/test';
import type { AxeResults, Result } from 'axe-core';

/** axe-core's browser bundle, read once per worker. */
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

type AxeWindow = { axe: { run: (options: object) => Promise<AxeResults> } };

/** axe's violations on the page as it is now. */
export const axeViolations = async (page: Page): Promise<Result[]> => {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const { violations } = await page.evaluate(() => (window as unknown as AxeWindow).axe.run({ resultTypes: ['violations'] }));

  return violations;
};
