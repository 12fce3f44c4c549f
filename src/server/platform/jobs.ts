/**
 * The claim-run-settle loops shared by the timer and outbox sweepers. With
 * `processNext` each row is processed in its own transaction (timers);
 * `processBatch` processes a batch of rows in one (the outbox), all at once
 * when the job can (`runAll`), else row by row. Each row is
 * processed in a transaction that first locks it with
 * `FOR UPDATE SKIP LOCKED`, so several server processes can sweep the same
 * table and never process one row twice at the same time; the row's "done"
 * mark commits together with the work's effects, so a row is done exactly once.
 */
import { sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { AppContext } from './context.js';
import { inTransaction, type AfterCommit, type AfterCommitCallback } from './tx.js';

/** How failed work is retried: exponential backoff from `baseMs`, capped at `capMs`, at most `maxAttempts` tries. */
export interface RetryPolicy {
  baseMs: number;
  capMs: number;
  maxAttempts: number;
}

/**
 * Delay before the next try after the `failures`-th failure (1-based):
 * base, 2·base, 4·base… capped, so a broken dependency is not hammered while a
 * transient fault is retried quickly.
 */
export function retryDelayMs(failures: number, policy: Pick<RetryPolicy, 'baseMs' | 'capMs'>): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 30);
  return Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
}

/**
 * Thrown by a timer handler or deliverer when retrying cannot help (e.g. a
 * payload that fails its schema): the row gives up at once, keeping the error.
 */
/**
 * What a failed attempt leads to: the new attempt count, whether to give up
 * (limit reached, or an error that retrying cannot fix), and when to retry.
 * Timers and the outbox share this rule; only the columns they write differ.
 */
export function afterFailure(previousAttempts: number, error: unknown, now: Date, policy: RetryPolicy) {
  const attempts = previousAttempts + 1;
  return {
    attempts,
    giveUp: attempts >= policy.maxAttempts || error instanceof PermanentJobError,
    retryAt: new Date(now.getTime() + retryDelayMs(attempts, policy)),
  };
}

export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

/** An error as stored in `last_error`: the message, bounded so a huge error cannot bloat the row. */
export function errorText(err: unknown): string {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}

/** What one kind of row needs to be swept. */
export interface JobSpec<Row> {
  /** Selects and locks the next runnable row (`FOR UPDATE SKIP LOCKED`), or undefined. */
  claim(trx: Transaction<DB>): Promise<Row | undefined>;
  /** The work; its effects roll back (to a savepoint) if it throws. */
  run(trx: Transaction<DB>, row: Row, afterCommit: AfterCommit): Promise<void>;
  /** Marks the row done in the same transaction as the work's effects. */
  succeed(trx: Transaction<DB>, row: Row): Promise<void>;
  /** Records a failure (attempts, error, backoff). Must be a no-op if the row is already done. */
  fail(trx: Transaction<DB>, row: Row, error: unknown): Promise<void>;
}

/**
 * Claims and processes one row; false when nothing was runnable.
 *
 * The work runs inside a savepoint: if it throws, its effects are rolled back
 * and the failure is recorded in the same transaction while the row lock is
 * still held, so no other process can re-run the row before its backoff is
 * written. If the transaction as a whole fails (lost connection, failed
 * commit), the failure is recorded in a fresh transaction instead.
 */
export async function processNext<Row>(ctx: AppContext, job: JobSpec<Row>): Promise<boolean> {
  let claimed: { row: Row } | undefined;
  try {
    return await inTransaction(ctx, async (trx, afterCommit) => {
      const row = await job.claim(trx);
      if (row === undefined) return false;
      claimed = { row };
      const pending: AfterCommitCallback[] = [];
      await sql`SAVEPOINT job_work`.execute(trx);
      try {
        await job.run(trx, row, (fn) => void pending.push(fn));
        await sql`RELEASE SAVEPOINT job_work`.execute(trx);
      } catch (err) {
        await sql`ROLLBACK TO SAVEPOINT job_work`.execute(trx);
        await job.fail(trx, row, err);
        return true;
      }
      await job.succeed(trx, row);
      // Only the work's callbacks of a successful run go out, and only after commit.
      for (const fn of pending) afterCommit(fn);
      return true;
    });
  } catch (err) {
    if (claimed === undefined) throw err;
    const { row } = claimed;
    try {
      await inTransaction(ctx, (trx) => job.fail(trx, row, err));
    } catch (recordErr) {
      ctx.log.error({ err: recordErr, cause: errorText(err) }, 'could not record a background job failure');
    }
    return true;
  }
}

/** What one kind of row needs to be swept in batches (see `processBatch`). */
export interface BatchJobSpec<Row> {
  /** Selects and locks up to `limit` runnable rows (`FOR UPDATE SKIP LOCKED`), in processing order. */
  claim(trx: Transaction<DB>, limit: number): Promise<Row[]>;
  /** Locks `row` again if it is still runnable (`FOR UPDATE SKIP LOCKED`), for the one-by-one fallback. */
  reclaim(trx: Transaction<DB>, row: Row): Promise<Row | undefined>;
  /** The work on one row; its effects roll back (to the row's savepoint) if it throws. */
  run(trx: Transaction<DB>, row: Row, afterCommit: AfterCommit): Promise<void>;
  /**
   * Optional: the same work as `run` on ALL claimed rows at once, all or
   * nothing (one savepoint for the batch instead of one per row; not called
   * for a batch of one). If it throws, its effects and callbacks are dropped
   * and the rows are processed one by one with `run`, so it may throw for any
   * row it cannot handle (the culprit then fails alone). A row's work may thus
   * run twice in one attempt: effects other than through `trx` and
   * `afterCommit` are not allowed.
   */
  runAll?(trx: Transaction<DB>, rows: Row[], afterCommit: AfterCommit): Promise<void>;
  /** Marks all these rows done in the transaction of their effects (one statement); throws if any was not. */
  succeed(trx: Transaction<DB>, rows: Row[]): Promise<void>;
  /** Records a failure (attempts, error, backoff). Must be a no-op if the row is already done. */
  fail(trx: Transaction<DB>, row: Row, error: unknown): Promise<void>;
}

/**
 * PostgreSQL caches up to 64 subtransaction ids per backend; a transaction
 * with more writing subtransactions "overflows" and slows every snapshot in
 * the cluster. A batch uses at most one savepoint for `runAll` plus one per
 * row, so batches stay below.
 */
export const MAX_BATCH = 50;

/**
 * Rows claimed at once by a job with `runAll`, which costs a few statements
 * per batch whatever its size. A batch larger than MAX_BATCH whose `runAll`
 * throws cannot fall back to per-row savepoints (too many subtransactions):
 * its transaction is abandoned instead and its rows are processed one by one
 * in transactions of their own, like a batch that failed as a whole.
 */
export const MAX_WHOLE_BATCH = 500;

/**
 * `runAll` on the whole batch inside one savepoint. Returns its after-commit
 * callbacks when it succeeded; undefined when it threw, after rolling its
 * effects back to the savepoint (its callbacks are dropped).
 */
async function runWholeBatch<Row>(
  ctx: AppContext,
  trx: Transaction<DB>,
  runAll: NonNullable<BatchJobSpec<Row>['runAll']>,
  rows: Row[],
): Promise<AfterCommitCallback[] | undefined> {
  const callbacks: AfterCommitCallback[] = [];
  // Never released on success, like the row savepoints (a round trip that frees
  // nothing). After a rollback it stays defined and the row savepoints nest
  // inside it: one subtransaction more, still within the budget of MAX_BATCH.
  await sql`SAVEPOINT job_batch`.execute(trx);
  try {
    await runAll(trx, rows, (fn) => void callbacks.push(fn));
  } catch (err) {
    await sql`ROLLBACK TO SAVEPOINT job_batch`.execute(trx);
    // Not yet anyone's failure: the one-by-one pass finds the culprit and records it.
    ctx.log.warn({ err, rows: rows.length }, 'background batch work failed; processing its rows one by one');
    return undefined;
  }
  return callbacks;
}

/**
 * Claims up to `limit` rows (at most MAX_BATCH) in ONE transaction and
 * processes them in claim order; returns how many were claimed (0: nothing
 * was runnable). Same guarantees as `processNext`, fewer round trips:
 *
 * - with `runAll` and more than one row, the work on all rows runs first in
 *   ONE savepoint (a few statements for the whole batch instead of a few per
 *   row); if it succeeds, every row is done. If it throws, its effects are
 *   rolled back to that savepoint and the rows are processed one by one as
 *   below, in the same transaction, so a poisoned row fails alone and the
 *   others still commit;
 * - without `runAll` (or after it threw), each row's work runs inside its own
 *   savepoint, so a failing row rolls back only its own effects and its
 *   failure is recorded while its lock is held;
 * - the rows that succeeded are marked done in one statement, committing with
 *   their effects (exactly once, even with several sweepers: rows are locked
 *   `SKIP LOCKED` and the mark only applies to rows not yet done);
 * - after-commit callbacks of the successful rows run after the commit. They
 *   are STARTED in registration order but not awaited one by one, so pushes
 *   of the whole batch (realtime events) can leave together; a callback that
 *   must follow another's completion has to do both itself.
 *
 * If the transaction fails as a whole (lost connection, failed commit, a
 * failure that could not be recorded), nothing of it committed; the claimed
 * rows are then processed again one by one (`processNext`), so the failure is
 * counted against the row that causes it, not against the whole batch.
 */
export async function processBatch<Row>(ctx: AppContext, job: BatchJobSpec<Row>, limit: number): Promise<number> {
  let claimed: Row[] = [];
  let pending: AfterCommitCallback[] = [];
  try {
    const count = await inTransaction(ctx, async (trx) => {
      claimed = await job.claim(trx, Math.max(1, Math.min(limit, job.runAll ? MAX_WHOLE_BATCH : MAX_BATCH)));
      if (claimed.length === 0) return 0;
      // A batch of one gains nothing from runAll, and a lone failing row (typically a
      // retry) would run twice per attempt.
      const batchCallbacks = job.runAll && claimed.length > 1 ? await runWholeBatch(ctx, trx, job.runAll, claimed) : undefined;
      if (batchCallbacks) {
        await job.succeed(trx, claimed);
        pending = batchCallbacks;
        return claimed.length;
      }
      if (claimed.length > MAX_BATCH) throw new Error(`batch work on ${claimed.length} rows failed`);
      const done: Row[] = [];
      const callbacks: AfterCommitCallback[] = [];
      for (const [i, row] of claimed.entries()) {
        // A fresh savepoint per row, never released on success: RELEASE would cost a
        // round trip per row and frees nothing (a released subtransaction's id stays
        // cached until commit anyway). ROLLBACK TO a row's savepoint undoes that row only.
        const savepoint = sql.id(`job_row_${i}`);
        await sql`SAVEPOINT ${savepoint}`.execute(trx);
        const rowCallbacks: AfterCommitCallback[] = [];
        try {
          await job.run(trx, row, (fn) => void rowCallbacks.push(fn));
        } catch (err) {
          await sql`ROLLBACK TO SAVEPOINT ${savepoint}`.execute(trx);
          await job.fail(trx, row, err);
          continue;
        }
        done.push(row);
        callbacks.push(...rowCallbacks);
      }
      if (done.length > 0) await job.succeed(trx, done);
      pending = callbacks;
      return claimed.length;
    });
    await Promise.all(
      pending.map(async (fn) => {
        try {
          await fn();
        } catch (err) {
          ctx.log.error({ err }, 'after-commit callback failed');
        }
      }),
    );
    return count;
  } catch (err) {
    if (claimed.length === 0) throw err;
    ctx.log.warn({ err, rows: claimed.length }, 'background batch failed as a whole; processing its rows one by one');
    for (const row of claimed) {
      await processNext<Row>(ctx, {
        claim: (trx) => job.reclaim(trx, row),
        run: (trx, r, afterCommit) => job.run(trx, r, afterCommit),
        succeed: (trx, r) => job.succeed(trx, [r]),
        fail: (trx, r, error) => job.fail(trx, r, error),
      });
    }
    return claimed.length;
  }
}
