import { SQLITE_SYNCHRONOUS } from '@/lib/db/sqlite-durability';
import type { Database } from 'better-sqlite3';

type QueuedUnit = {
  run: () => Promise<unknown>;
  /** A single statement is atomic by itself (SQLite undoes a failed statement whole): no savepoint needed. */
  singleStatement: boolean;
  /** False: its loss in a crash is harmless, its commit need not wait for the disk (see enqueue). */
  durable: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
};

/** Delay before retrying a batch whose write lock is held by another connection. */
const BUSY_RETRY_MS = 1;
/** Give up on a batch after this long of continuous lock contention. */
const BUSY_GIVE_UP_MS = 10_000;

const isBusy = (error: unknown) => {
  const code = (error as { code?: string }).code;

  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_LOCKED';
};

/**
 * Group commit for SQLite: units queued during one turn of the event loop
 * run together in one IMMEDIATE transaction, so a burst of requests pays for
 * one fsync (with `synchronous = FULL`, every commit is durable before any of
 * its writers is answered). Each unit runs in its own SAVEPOINT (a single
 * statement needs none: SQLite undoes a failed statement whole): a unit that
 * throws is undone whole and gets its own error; a failed COMMIT rejects the
 * whole batch. Units run one after another, never interleaved.
 *
 * The connection must have `busy_timeout = 0`: better-sqlite3 is synchronous,
 * so waiting for a lock held by another connection of this same thread
 * (Prisma's) would block the thread that has to release it. A busy batch is
 * retried asynchronously instead.
 */
export class GroupCommitter {
  #queue: QueuedUnit[] = [];
  #scheduled = false;
  readonly #db: Database;
  readonly #control: Record<
    'begin' | 'commit' | 'rollback' | 'savepoint' | 'release' | 'rollbackTo' | 'noSync' | 'fullSync',
    () => void
  >;

  constructor(db: Database) {
    this.#db = db;
    const statement = (sql: string) => {
      const prepared = db.prepare(sql);

      return () => {
        prepared.run();
      };
    };
    this.#control = {
      begin: statement('BEGIN IMMEDIATE'),
      commit: statement('COMMIT'),
      rollback: statement('ROLLBACK'),
      savepoint: statement('SAVEPOINT unit'),
      release: statement('RELEASE unit'),
      rollbackTo: statement('ROLLBACK TO unit'),
      noSync: () => db.pragma('synchronous = NORMAL'),
      fullSync: () => db.pragma(`synchronous = ${SQLITE_SYNCHRONOUS}`),
    };
  }

  /**
   * Queues a unit; `singleStatement` when it runs exactly one statement (it
   * then needs no savepoint of its own). `durable: false` for a write whose
   * loss in a crash is harmless (a token poll's time and count): a batch made
   * only of such units commits with `synchronous = NORMAL` — in WAL mode, no
   * fsync — and the next durable commit makes it durable anyway (the WAL is
   * synced in order). A batch with any durable unit is committed as always.
   */
  enqueue<T>(run: () => Promise<T>, options: { singleStatement?: boolean; durable?: boolean } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({
        run,
        singleStatement: options.singleStatement ?? false,
        durable: options.durable ?? true,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => void this.#flush(Date.now()));
      }
    });
  }

  async #flush(firstAttemptAt: number): Promise<void> {
    const batch = this.#queue;
    this.#queue = [];
    const control = this.#control;
    const volatile = batch.every((unit) => !unit.durable);
    try {
      if (volatile) control.noSync();
      control.begin();
    } catch (error) {
      if (volatile) control.fullSync();
      if (isBusy(error) && Date.now() - firstAttemptAt < BUSY_GIVE_UP_MS) {
        this.#queue = batch.concat(this.#queue);
        setTimeout(() => void this.#flush(firstAttemptAt), BUSY_RETRY_MS);

        return;
      }
      for (const unit of batch) unit.reject(error);
      this.#afterFlush();

      return;
    }
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    for (const unit of batch) {
      if (unit.singleStatement) {
        try {
          outcomes.push({ ok: true, value: await unit.run() });
        } catch (error) {
          outcomes.push({ ok: false, error });
        }
        continue;
      }
      control.savepoint();
      try {
        outcomes.push({ ok: true, value: await unit.run() });
        control.release();
      } catch (error) {
        control.rollbackTo();
        control.release();
        outcomes.push({ ok: false, error });
      }
    }
    try {
      control.commit();
    } catch (error) {
      if (this.#db.inTransaction) control.rollback();
      if (volatile) control.fullSync();
      for (const unit of batch) unit.reject(error);
      this.#afterFlush();

      return;
    }
    if (volatile) control.fullSync();
    batch.forEach((unit, index) => {
      const outcome = outcomes[index];
      if (outcome.ok) unit.resolve(outcome.value);
      else unit.reject(outcome.error);
    });
    this.#afterFlush();
  }

  #afterFlush(): void {
    if (this.#queue.length > 0) setImmediate(() => void this.#flush(Date.now()));
    else this.#scheduled = false;
  }
}
