// Child-process bookkeeping and /proc sampling for the bench.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

export const hasTaskset = (() => {
  const probe = spawnSync('taskset', ['-c', '0', 'true']);
  return probe.status === 0;
})();

/** Command prefix pinning to one core, or nothing when taskset is unavailable. */
export const pinned = (core: number, command: string, args: string[]): [string, string[]] =>
  hasTaskset ? ['taskset', ['-c', String(core), command, ...args]] : [command, args];

/** Pins an existing process (the bench itself) to one core. */
export const pinSelf = (core: number): boolean =>
  hasTaskset && spawnSync('taskset', ['-pc', String(core), String(process.pid)], { stdio: 'ignore' }).status === 0;

const children = new Set<ChildProcess>();

/** Spawns a child (its stdout/stderr to `logFile`) and registers it for cleanup. */
export const spawnLogged = (
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; logFile: string; ipc?: boolean },
): ChildProcess => {
  const fd = openSync(options.logFile, 'a');
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', fd, fd, ...(options.ipc ? (['ipc'] as const) : [])],
  });
  closeSync(fd);
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
};

export const stopChild = (child: ChildProcess, graceMs = 5000): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });

export const stopAllChildren = async () => {
  await Promise.all([...children].map((child) => stopChild(child, 3000)));
};

/** Synchronous last resort (process 'exit' handler). */
export const killAllChildrenNow = () => {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
};

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

// --- /proc -----------------------------------------------------------------------

const statFields = (pid: number): string[] | null => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)"; index 0 is field 3 (state).
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
};

/** The process and all its live descendants. */
export const processTree = (root: number): number[] => {
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields) parentOf.set(Number(entry), Number(fields[1]));
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i += 1) {
    for (const [pid, ppid] of parentOf) if (ppid === tree[i]) tree.push(pid);
  }
  return tree;
};

/**
 * CPU time (ms) of a process tree: utime+stime of every live member, plus the
 * root's cutime+cstime (children it has already reaped).
 */
export const treeCpuMs = (root: number): number => {
  let ticks = 0;
  for (const pid of processTree(root)) {
    const fields = statFields(pid);
    if (!fields) continue;
    ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
    if (pid === root) ticks += Number(fields[13]) + Number(fields[14]); // cutime, cstime
  }
  return (ticks * 1000) / CLK_TCK;
};

const statusKb = (pid: number, key: string): number => {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
};

/**
 * CPU (ms) of every running process named `name` (e.g. `postgres`: the
 * server, its backends and background workers), whoever owns them. A backend
 * that exits takes its CPU with it: read around a window in which the
 * connections stay open (pools).
 */
export const namedProcessesCpuMs = (name: string): number => {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) !== name) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      /* exited meanwhile */
    }
  }
  return (ticks * 1000) / CLK_TCK;
};

/** Peak RSS (VmHWM, MiB) summed over the tree. */
export const treePeakRssMb = (root: number): number =>
  processTree(root).reduce((sum, pid) => sum + statusKb(pid, 'VmHWM'), 0) / 1024;

/** Current RSS (VmRSS, MiB) summed over the tree. */
export const treeRssMb = (root: number): number => processTree(root).reduce((sum, pid) => sum + statusKb(pid, 'VmRSS'), 0) / 1024;

/** Resets VmHWM to the current RSS (clear_refs 5) so a peak can be taken per scenario. */
export const resetPeakRss = (root: number): boolean => {
  let ok = true;
  for (const pid of processTree(root)) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
    } catch {
      ok = false;
    }
  }
  return ok;
};

export const commandLine = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
  } catch {
    return '?';
  }
};

export const allowedCpus = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8').match(/^Cpus_allowed_list:\s+(.*)$/m)?.[1] ?? '?';
  } catch {
    return '?';
  }
};

/** Busy CPU time (ms) of the whole machine, all cores (from /proc/stat). */
export const machineBusyMs = (): number => {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal
  const busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + (fields[7] ?? 0);
  return (busy * 1000) / CLK_TCK;
};
