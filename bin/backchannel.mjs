#!/usr/bin/env node
/**
 * `backchannel` launcher (package.json "bin"): runs cli/main.ts through tsx.
 * Paths are resolved from this file, so it works from any working directory
 * and through `npx backchannel`. The data directory and DATABASE_URL still
 * resolve against the working directory, like the app's. Exit code and
 * stdout are exactly those of cli/main.ts.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// The migrations runner finds prisma/ through BACKCHANNEL_ROOT (lib/env.ts: projectRoot).
process.env.BACKCHANNEL_ROOT ||= root;

register({ tsconfig: join(root, 'tsconfig.json') });
const { main } = await import(pathToFileURL(join(root, 'cli/main.ts')).href);
await main(process.argv.slice(2));
