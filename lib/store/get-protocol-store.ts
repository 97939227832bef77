import { getEnv, sqliteFilePath } from '@/lib/env';
import { createProtocolStore, type ProtocolStore } from '@/lib/store/protocol-store';
import { createSettingsCache, type SettingsCache } from '@/lib/store/settings-cache';
import { observeSettingsEpoch } from '@/lib/store/settings-epoch';
import { createPostgresEngine } from '@/lib/store/sql/postgres-engine';
import { createSqliteEngine } from '@/lib/store/sql/sqlite-engine';

export type ProtocolData = { store: ProtocolStore; settings: SettingsCache };

const globalForStore = globalThis as unknown as { backchannelProtocolData?: { url: string; data: ProtocolData } };

/** The process-wide request store and settings cache for DATABASE_URL. */
export const getProtocolData = (): ProtocolData => {
  const { databaseUrl, databaseKind } = getEnv();
  const cached = globalForStore.backchannelProtocolData;
  if (cached && cached.url === databaseUrl) return cached.data;
  const engine = databaseKind === 'sqlite' ? createSqliteEngine(sqliteFilePath(databaseUrl)) : createPostgresEngine(databaseUrl);
  const store = createProtocolStore(engine);
  const data = { store, settings: createSettingsCache(store) };
  globalForStore.backchannelProtocolData = { url: databaseUrl, data };

  return data;
};

/** Closes the store; the epoch observed from its database is forgotten with it (another database has its own). */
export const closeProtocolData = async (): Promise<void> => {
  const cached = globalForStore.backchannelProtocolData;
  globalForStore.backchannelProtocolData = undefined;
  observeSettingsEpoch(undefined);
  if (cached) await cached.data.store.close();
};
