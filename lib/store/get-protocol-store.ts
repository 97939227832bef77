import { closePostgresListener, getPostgresListener } from '@/lib/db/postgres-listener';
import { getBaseEnv, getEnv, sqliteFilePath } from '@/lib/env';
import { createProtocolStore, type ProtocolStore } from '@/lib/store/protocol-store';
import { createSettingsCache, type SettingsCache } from '@/lib/store/settings-cache';
import { observeSettingsEpoch } from '@/lib/store/settings-epoch';
import { followSettingsNotifications } from '@/lib/store/settings-invalidation';
import { createPostgresEngine } from '@/lib/store/sql/postgres-engine';
import { createSqliteEngine } from '@/lib/store/sql/sqlite-engine';

export type ProtocolData = { store: ProtocolStore; settings: SettingsCache };

type Cached = { url: string; data: ProtocolData; stopFollowing: (() => void) | null };

const globalForStore = globalThis as unknown as { backchannelProtocolData?: Cached };

const current = (): Cached => {
  const { databaseUrl, databaseKind } = getEnv();
  const cached = globalForStore.backchannelProtocolData;
  if (cached && cached.url === databaseUrl) return cached;
  const engine = databaseKind === 'sqlite' ? createSqliteEngine(sqliteFilePath(databaseUrl)) : createPostgresEngine(databaseUrl);
  const store = createProtocolStore(engine);
  const fresh: Cached = { url: databaseUrl, data: { store, settings: createSettingsCache(store) }, stopFollowing: null };
  globalForStore.backchannelProtocolData = fresh;

  return fresh;
};

/** The process-wide request store and settings cache for DATABASE_URL. */
export const getProtocolData = (): ProtocolData => current().data;

/**
 * On PostgreSQL, has the settings cache follow settings notifications on
 * the process's notification connection (lib/store/settings-invalidation.ts):
 * protocol requests then read no settings epoch while it is connected.
 * Started with the server's background work; without it (CLI, tests that do
 * not ask) the epoch is read at every request. No-op on SQLite, or when
 * already following.
 */
export const followSettingsChanges = (): void => {
  const { databaseUrl, databaseKind } = getEnv();
  if (databaseKind !== 'postgres') return;
  const cached = current();
  cached.stopFollowing ??= followSettingsNotifications(
    cached.data.settings,
    getPostgresListener(getBaseEnv().databaseDirectUrl ?? databaseUrl),
  );
};

/** Stops following settings notifications (tests): the cache reads the epoch at every request again. */
export const unfollowSettingsChanges = (): void => {
  const cached = globalForStore.backchannelProtocolData;
  cached?.stopFollowing?.();
  if (cached) cached.stopFollowing = null;
};

/**
 * Closes the store and the process's notification connection; the epoch
 * observed from its database is forgotten with it (another database has its own).
 */
export const closeProtocolData = async (): Promise<void> => {
  const cached = globalForStore.backchannelProtocolData;
  globalForStore.backchannelProtocolData = undefined;
  observeSettingsEpoch(undefined);
  cached?.stopFollowing?.();
  await closePostgresListener();
  if (cached) await cached.data.store.close();
};
