import { getEnv, sqliteFilePath } from '@/lib/env';
import { createPostgresProtocolStore } from '@/lib/store/postgres-protocol-store';
import type { ProtocolStore } from '@/lib/store/protocol-store';
import { createSettingsCache, type SettingsCache } from '@/lib/store/settings-cache';
import { createSqliteProtocolStore } from '@/lib/store/sqlite-protocol-store';

export type ProtocolData = { store: ProtocolStore; settings: SettingsCache };

const globalForStore = globalThis as unknown as { backchannelProtocolData?: { url: string; data: ProtocolData } };

/** The process-wide protocol store and settings cache for DATABASE_URL. */
export const getProtocolData = (): ProtocolData => {
  const { databaseUrl, databaseKind } = getEnv();
  const cached = globalForStore.backchannelProtocolData;
  if (cached && cached.url === databaseUrl) return cached.data;
  const store =
    databaseKind === 'sqlite' ? createSqliteProtocolStore(sqliteFilePath(databaseUrl)) : createPostgresProtocolStore(databaseUrl);
  const data = { store, settings: createSettingsCache(store) };
  globalForStore.backchannelProtocolData = { url: databaseUrl, data };

  return data;
};

export const closeProtocolData = async (): Promise<void> => {
  const cached = globalForStore.backchannelProtocolData;
  globalForStore.backchannelProtocolData = undefined;
  if (cached) await cached.data.store.close();
};
