// The `backchannel` CLI beside the running server, as an operator runs it (`--json`).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import { e2eContext } from './context';
import { childEnv, ROOT } from './processes';

/**
 * Runs `backchannel <args> --json` against the run's database and returns its JSON output; a
 * non-zero exit or anything on stderr fails the test. Asynchronous on purpose: a blocked event
 * loop would keep this process's pooled keep-alive sockets from noticing the server closing
 * them, and the next fetch would reuse a dead one.
 */
export const cli = async <T>(args: string[]): Promise<T> => {
  const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'bin/backchannel.mjs'), ...args, '--json'],
      { cwd: ROOT, env: childEnv(e2eContext().cliEnv), encoding: 'utf8', timeout: 25_000 },
      (error, stdout, stderr) =>
        resolve({ status: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
  expect({ args: args.slice(0, 2), status: run.status, stderr: run.stderr.split('\n')[0] }).toEqual({
    args: args.slice(0, 2),
    status: 0,
    stderr: '',
  });

  return JSON.parse(run.stdout) as T;
};
