// The SQLite engine's read isolation: reads share the writer connection
// outside a batch, yet never see a batch's uncommitted writes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEnv, sqliteFilePath } from '@/lib/env';
import { selectSettingsEpoch } from '@/lib/store/queries';
import { defineQuery } from '@/lib/store/sql/define-query';
import type { SqlEngine } from '@/lib/store/sql/sql-engine';
import { createSqliteEngine } from '@/lib/store/sql/sqlite-engine';
import { useTestDatabase } from '@/lib/testing/test-database';

const setEpoch = defineQuery<{ epoch: number }>('test-set-epoch', (db, parameter) =>
  db
    .updateTable('SettingsEpoch')
    .set({ epoch: parameter('epoch') })
    .where('id', '=', 1),
);

describe.skipIf(Boolean(process.env.TEST_POSTGRES_URL))('SQLite engine', () => {
  let engine: SqlEngine;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ cleanup } = await useTestDatabase());
    engine = createSqliteEngine(sqliteFilePath(getEnv().databaseUrl));
  });

  afterAll(async () => {
    await engine.close();
    await cleanup();
  });

  const readEpoch = async () => (await engine.first(selectSettingsEpoch, {}))?.epoch;

  it('a read while a batch is open sees only what is committed; the next read sees the batch', async () => {
    const before = await readEpoch();
    let readInsideBatch: number | undefined;
    let readBesideBatch: Promise<number | undefined> | undefined;
    await engine.transaction(async (tx) => {
      await tx.run(setEpoch, { epoch: 41 });
      readInsideBatch = await readEpoch();
      // Another request's read, landing between two statements of the unit.
      readBesideBatch = Promise.resolve().then(readEpoch);
      await tx.run(setEpoch, { epoch: 42 });
    });

    expect(readInsideBatch).toBe(before);
    expect(await readBesideBatch).toBe(before);
    expect(await readEpoch()).toBe(42);
    expect(await engine.all(selectSettingsEpoch, {})).toEqual([{ epoch: 42 }]);
  });

  it('a batch that fails leaves nothing to read', async () => {
    const before = await readEpoch();
    await expect(
      engine.transaction(async (tx) => {
        await tx.run(setEpoch, { epoch: 99 });
        throw new Error('unit failed');
      }),
    ).rejects.toThrow('unit failed');

    expect(await readEpoch()).toBe(before);
  });
});
