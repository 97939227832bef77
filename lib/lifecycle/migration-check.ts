import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseKind } from '@/lib/env';

/** A row of Prisma's `_prisma_migrations` table (the columns this check reads). */
export type AppliedMigrationRow = { migration_name: string; finished_at: unknown; rolled_back_at: unknown };

/** The migrations folder of a database kind, as scripts/migrations/migrate.ts applies it. */
export const migrationsFolderOf = (projectRoot: string, kind: DatabaseKind): string =>
  join(projectRoot, kind === 'sqlite' ? 'prisma/migrations' : 'prisma/postgres/migrations');

/** The migration names this build ships (the folder's sub-directories). */
export const listShippedMigrations = (folder: string): string[] =>
  existsSync(folder)
    ? readdirSync(folder, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
    : [];

/**
 * Whether the database is behind this build: a shipped migration not
 * recorded as finished (and not rolled back), or one recorded as started and
 * never finished (a failed deploy). Migrations the database has and this
 * build does not know are fine: a newer instance applied them during a
 * rolling upgrade.
 */
export const hasPendingMigrations = (shipped: readonly string[], rows: readonly AppliedMigrationRow[]): boolean => {
  if (rows.some((row) => row.finished_at === null && row.rolled_back_at === null)) return true;
  const applied = new Set(
    rows.filter((row) => row.finished_at !== null && row.rolled_back_at === null).map((row) => row.migration_name),
  );

  return shipped.some((name) => !applied.has(name));
};

/** How long a verdict is kept: an up-to-date schema is rechecked rarely, a pending one soon. */
export const MIGRATION_CHECK_TTL_MS = { upToDate: 60_000, pending: 5_000 } as const;

/**
 * The readiness probe's migration check, cached (MIGRATION_CHECK_TTL_MS) so a
 * probe costs no extra query most of the time; concurrent probes share one
 * read. `readRows` failing (no `_prisma_migrations` table yet) counts as pending.
 */
export const createMigrationCheck = (options: {
  shipped: () => readonly string[];
  readRows: () => Promise<readonly AppliedMigrationRow[]>;
  clock?: () => number;
}): (() => Promise<boolean>) => {
  const clock = options.clock ?? Date.now;
  let verdict: { pending: boolean; until: number } | null = null;
  let reading: Promise<boolean> | null = null;

  return () => {
    if (verdict && clock() < verdict.until) return Promise.resolve(verdict.pending);
    reading ??= options
      .readRows()
      .then(
        (rows) => hasPendingMigrations(options.shipped(), rows),
        () => true,
      )
      .then((pending) => {
        verdict = { pending, until: clock() + (pending ? MIGRATION_CHECK_TTL_MS.pending : MIGRATION_CHECK_TTL_MS.upToDate) };

        return pending;
      })
      .finally(() => {
        reading = null;
      });

    return reading;
  };
};
