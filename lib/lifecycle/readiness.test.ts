import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMigrationCheck, hasPendingMigrations, MIGRATION_CHECK_TTL_MS } from '@/lib/lifecycle/migration-check';
import { checkReadiness, READINESS_DATABASE_TIMEOUT_MS, type ReadinessProbes } from '@/lib/lifecycle/readiness';

const NOW = 1_000_000;

const probes = (overrides: Partial<ReadinessProbes> = {}): ReadinessProbes => ({
  shuttingDown: () => false,
  pingDatabase: async () => [{ '?column?': 1 }],
  migrationsPending: async () => false,
  backgroundWork: () => ({ running: true, cycleStartedAt: null }),
  stuckAfterMs: 60_000,
  clock: () => NOW,
  ...overrides,
});

afterEach(() => vi.useRealTimers());

describe('checkReadiness', () => {
  it('is ready when not shutting down, the background work runs, the database answers and no migration is pending', async () => {
    expect(await checkReadiness(probes())).toEqual({ ready: true });
    expect(await checkReadiness(probes({ backgroundWork: () => ({ running: true, cycleStartedAt: NOW - 59_000 }) }))).toEqual({
      ready: true,
    });
  });

  it('names the first failing check by its fixed word, shutdown first', async () => {
    const everythingWrong = probes({
      shuttingDown: () => true,
      backgroundWork: () => null,
      pingDatabase: () => Promise.reject(new Error('connect ECONNREFUSED postgresql://user:secret@db/prod')),
      migrationsPending: async () => true,
    });
    expect(await checkReadiness(everythingWrong)).toEqual({ ready: false, failed: 'shutting_down' });
    expect(await checkReadiness({ ...everythingWrong, shuttingDown: () => false })).toEqual({
      ready: false,
      failed: 'outbox_worker',
    });
    expect(
      await checkReadiness({
        ...everythingWrong,
        shuttingDown: () => false,
        backgroundWork: () => ({ running: true, cycleStartedAt: null }),
      }),
    ).toEqual({ ready: false, failed: 'database' });
    expect(await checkReadiness(probes({ migrationsPending: async () => true }))).toEqual({ ready: false, failed: 'migrations' });
  });

  it('counts background work as not running when stopped, or stuck in one cycle longer than an outbox lease', async () => {
    expect(await checkReadiness(probes({ backgroundWork: () => ({ running: false, cycleStartedAt: null }) }))).toEqual({
      ready: false,
      failed: 'outbox_worker',
    });
    expect(await checkReadiness(probes({ backgroundWork: () => ({ running: true, cycleStartedAt: NOW - 60_001 }) }))).toEqual({
      ready: false,
      failed: 'outbox_worker',
    });
  });

  it('gives a database that does not answer READINESS_DATABASE_TIMEOUT_MS to, then calls it unreachable', async () => {
    vi.useFakeTimers();
    const verdict = checkReadiness(probes({ pingDatabase: () => new Promise(() => undefined) }));
    await vi.advanceTimersByTimeAsync(READINESS_DATABASE_TIMEOUT_MS - 1);
    let settled = false;
    void verdict.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await verdict).toEqual({ ready: false, failed: 'database' });
  });
});

describe('hasPendingMigrations', () => {
  const applied = (name: string) => ({ migration_name: name, finished_at: new Date(), rolled_back_at: null });

  it('is false when every shipped migration is applied, even with newer ones applied by a newer instance', () => {
    expect(hasPendingMigrations(['a', 'b'], [applied('a'), applied('b')])).toBe(false);
    expect(hasPendingMigrations(['a'], [applied('a'), applied('b')])).toBe(false);
  });

  it('is true for a shipped migration not applied, rolled back, or one started and never finished', () => {
    expect(hasPendingMigrations(['a', 'b'], [applied('a')])).toBe(true);
    expect(hasPendingMigrations(['a'], [{ migration_name: 'a', finished_at: new Date(), rolled_back_at: new Date() }])).toBe(
      true,
    );
    expect(hasPendingMigrations(['a'], [applied('a'), { migration_name: 'c', finished_at: null, rolled_back_at: null }])).toBe(
      true,
    );
  });
});

describe('createMigrationCheck', () => {
  it('reads once per TTL (longer when up to date), shares a read between concurrent probes, and counts a failed read as pending', async () => {
    let now = 0;
    let rows = [{ migration_name: 'a', finished_at: 1, rolled_back_at: null }];
    let fail = false;
    const readRows = vi.fn(async () => {
      if (fail) throw new Error('relation "_prisma_migrations" does not exist');

      return rows;
    });
    const check = createMigrationCheck({ shipped: () => ['a'], readRows, clock: () => now });

    expect(await Promise.all([check(), check()])).toEqual([false, false]);
    expect(readRows).toHaveBeenCalledTimes(1);
    rows = [];
    now = MIGRATION_CHECK_TTL_MS.upToDate - 1;
    expect(await check()).toBe(false);
    expect(readRows).toHaveBeenCalledTimes(1);
    now = MIGRATION_CHECK_TTL_MS.upToDate;
    expect(await check()).toBe(true);
    expect(readRows).toHaveBeenCalledTimes(2);

    fail = true;
    now += MIGRATION_CHECK_TTL_MS.pending;
    expect(await check()).toBe(true);
    expect(readRows).toHaveBeenCalledTimes(3);
    fail = false;
    rows = [{ migration_name: 'a', finished_at: 1, rolled_back_at: null }];
    now += MIGRATION_CHECK_TTL_MS.pending - 1;
    expect(await check()).toBe(true);
    now += 1;
    expect(await check()).toBe(false);
  });
});
