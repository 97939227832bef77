#!/usr/bin/env node
// `npm start` launcher: production mode, no telemetry, TypeScript through tsx.
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.env.NODE_ENV = 'production';
process.env.NEXT_TELEMETRY_DISABLED = '1';
process.env.BACKCHANNEL_ROOT ||= root;
process.chdir(root);

register({ tsconfig: join(root, 'tsconfig.json') });
try {
  const { main } = await import(pathToFileURL(join(root, 'scripts/start.ts')).href);
  await main();
} catch (error) {
  // A configuration the server refuses (lib/env.ts, the development outbox guard): the reason, one
  // line, no stack (BACKCHANNEL_DEBUG=1 prints it).
  const debug = !['', '0', 'false', 'no', 'off'].includes((process.env.BACKCHANNEL_DEBUG ?? '').trim().toLowerCase());
  console.error(`backchannel: could not start: ${debug ? (error?.stack ?? error) : (error?.message ?? error)}`);
  process.exit(1);
}
