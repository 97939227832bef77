import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommitter } from '@/lib/store/group-commit';

describe('GroupCommitter', () => {
  let dir: string;
  let db: Database.Database;
  let committer: GroupCommitter;
  const insert = (id: number) => db.prepare('INSERT INTO item (id) VALUES (?)').run(id);
  const ids = () => (db.prepare('SELECT id FROM item ORDER BY id').all() as Array<{ id: number }>).map((row) => row.id);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'group-commit-'));
    db = new Database(join(dir, 'test.db'));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE item (id INTEGER PRIMARY KEY)');
    committer = new GroupCommitter(db);
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the units queued in one turn of the event loop in one transaction', async () => {
    const seen: boolean[] = [];
    const unit = (id: number) => async () => {
      seen.push(db.inTransaction);
      insert(id);
    };
    await Promise.all([
      committer.enqueue(unit(1)),
      committer.enqueue(unit(2)),
      committer.enqueue(unit(3), { singleStatement: true }),
    ]);
    expect(seen).toEqual([true, true, true]);
    expect(ids()).toEqual([1, 2, 3]);
  });

  it('undoes a failing unit whole and commits the others', async () => {
    const results = await Promise.allSettled([
      committer.enqueue(async () => insert(1)),
      committer.enqueue(async () => {
        insert(2);
        insert(1); // duplicate: the unit fails after its first write
      }),
      committer.enqueue(async () => insert(3)),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(ids()).toEqual([1, 3]);
  });

  it('a failing single-statement unit changes nothing, even half-way through its rows, and the others commit', async () => {
    insert(5);
    const results = await Promise.allSettled([
      committer.enqueue(async () => insert(1), { singleStatement: true }),
      // One statement, three rows, the third a duplicate: SQLite undoes the whole statement.
      committer.enqueue(async () => db.prepare('INSERT INTO item (id) VALUES (2), (3), (5)').run(), { singleStatement: true }),
      committer.enqueue(async () => insert(4), { singleStatement: true }),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(ids()).toEqual([1, 4, 5]);
  });

  it('commits a batch of only non-durable units without a sync (synchronous = NORMAL), any other batch as configured', async () => {
    db.pragma('synchronous = FULL');
    const level = () => db.pragma('synchronous', { simple: true });
    const seen: unknown[] = [];
    const unit = (id: number) => async () => {
      seen.push(level());
      insert(id);
    };
    await Promise.all([committer.enqueue(unit(1), { durable: false }), committer.enqueue(unit(2), { durable: false })]);
    // One durable unit in the batch makes the whole batch durable.
    await Promise.all([committer.enqueue(unit(3), { durable: false }), committer.enqueue(unit(4))]);
    expect(seen).toEqual([1, 1, 2, 2]);
    expect(level()).toBe(2);
    expect(ids()).toEqual([1, 2, 3, 4]);
  });
});
