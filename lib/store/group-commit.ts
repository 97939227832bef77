import type { Database } from 'better-sqlite3';

type QueuedWrite = { run: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void };

/** Delay before retrying a batch whose write lock is held by another connection. */
const BUSY_RETRY_MS = 1;
/** Give up on a batch after this long of continuous lock contention. */
const BUSY_GIVE_UP_MS = 10_000;

const isBusy = (error: unknown) => {
  const code = (error as { code?: string }).code;

  return code === 'SQLITE_BUSY' || code === 'SQLITE_BUSY_SNAPSHOT' || code === 'SQLITE_LOCKED';
};

/**
 * Group commit for SQLite writes: writes queued during one turn of the event
 * loop run together in one IMMEDIATE transaction, so a burst of requests pays
 * for one fsync (with `synchronous = FULL`, every commit is durable before
 * any of its writers is answered). Each write's own result or error is
 * delivered to its caller; a failed COMMIT rejects the whole batch.
 *
 * The connection must have `busy_timeout = 0`: better-sqlite3 is synchronous,
 * so waiting for a lock held by Prisma's connection in this same thread (an
 * interactive transaction spans event-loop turns) would block the thread
 * that has to release it. A busy batch is retried asynchronously instead.
 */
export class GroupCommitter {
  #queue: QueuedWrite[] = [];
  #scheduled = false;
  readonly #db: Database;

  constructor(db: Database) {
    this.#db = db;
  }

  enqueue<T>(run: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush(Date.now()));
      }
    });
  }

  #flush(firstAttemptAt: number): void {
    const batch = this.#queue;
    this.#queue = [];
    const outcomes: Array<{ ok: true; value: unknown } | { ok: false; error: unknown }> = [];
    try {
      this.#db
        .transaction(() => {
          outcomes.length = 0;
          for (const write of batch) {
            try {
              // Nested: a SAVEPOINT per write, so a write that fails is undone whole.
              outcomes.push({ ok: true, value: this.#db.transaction(write.run)() });
            } catch (error) {
              if (isBusy(error)) throw error;
              outcomes.push({ ok: false, error });
            }
          }
        })
        .immediate();
    } catch (error) {
      if (isBusy(error) && Date.now() - firstAttemptAt < BUSY_GIVE_UP_MS) {
        this.#queue = batch.concat(this.#queue);
        setTimeout(() => this.#flush(firstAttemptAt), BUSY_RETRY_MS);

        return;
      }
      for (const write of batch) write.reject(error);
      this.#afterFlush();

      return;
    }
    batch.forEach((write, index) => {
      const outcome = outcomes[index];
      if (outcome.ok) write.resolve(outcome.value);
      else write.reject(outcome.error);
    });
    this.#afterFlush();
  }

  #afterFlush(): void {
    if (this.#queue.length > 0) setImmediate(() => this.#flush(Date.now()));
    else this.#scheduled = false;
  }
}
