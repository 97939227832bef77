import { getEnv, sqliteFilePath } from '@/lib/env';
import { createProtocolStore, type ProtocolStore } from '@/lib/store/protocol-store';
import { createSettingsCache, type SettingsCache } from '@/lib/store/settings-cache';
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

export const closeProtocolData = async (): Promise<void> => {
  const cached = globalForStore.backchannelProtocolData;
  globalForStore.backchannelProtocolData = undefined;
  if (cached) await cached.data.store.close();
};
