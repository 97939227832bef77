import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { disconnectDb, getDb, type Db } from '@/lib/db/client';
import { applyMigrations } from '@/scripts/migrations/migrate';
import { closeProtocolData } from '@/lib/store/get-protocol-store';

/**
 * A fresh, migrated database for one test file: a temporary SQLite file by
 * default, or — when TEST_POSTGRES_URL names a PostgreSQL server (the test
 * runner's PostgreSQL pass) — a new database on that server, dropped afterwards.
 * Points DATABASE_URL, BACKCHANNEL_DATA_DIR and APP_URL at it and resets the
 * cached env and client, so app modules pick it up.
 */
export const useTestDatabase = async (options: { appUrl?: string } = {}): Promise<{ db: Db; cleanup: () => Promise<void> }> => {
  const dataDir = mkdtempSync(join(tmpdir(), 'backchannel-test-'));
  const adminUrl = process.env.TEST_POSTGRES_URL?.trim();
  let dropDatabase = async () => {};
  if (adminUrl) {
    const name = `backchannel_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    process.env.DATABASE_URL = url.toString();
    dropDatabase = async () => {
      const dropper = new pg.Client({ connectionString: adminUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    };
  } else {
    process.env.DATABASE_URL = `file:${join(dataDir, 'test.db')}`;
  }
  process.env.BACKCHANNEL_DATA_DIR = dataDir;
  process.env.APP_URL = options.appUrl ?? 'http://localhost:3999';
  delete process.env.RESEND_API_KEY;
  (globalThis as { backchannelEnv?: unknown }).backchannelEnv = undefined;
  await closeProtocolData();
  await disconnectDb();
  await applyMigrations();

  return {
    db: getDb(),
    cleanup: async () => {
      await closeProtocolData();
      await disconnectDb();
      await dropDatabase();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};
