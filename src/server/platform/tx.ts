/**
 * One place to open a database transaction with "after commit" callbacks.
 * State changes write their timeline event, timers and outbox rows inside the
 * transaction; pushes (realtime events, anything a user could observe outside
 * the database) are registered with `afterCommit` so they never announce a
 * change that was rolled back.
 */
import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { AppContext } from './context.js';

/** Work to run once the transaction has committed. */
export type AfterCommitCallback = () => void | Promise<void>;

/** Registers a callback that runs only if (and after) the surrounding transaction commits. */
export type AfterCommit = (fn: AfterCommitCallback) => void;

/** The unit of work `inTransaction` runs. */
export type TransactionWork<T> = (trx: Transaction<DB>, afterCommit: AfterCommit) => Promise<T>;

/**
 * Runs `work` in one transaction; on commit runs the registered callbacks in
 * registration order (so realtime events keep their order), awaiting each.
 * A failing callback is logged and never reaches the caller: the change is
 * already durable, and reporting it as failed would invite a duplicate retry.
 * If `work` throws, the transaction rolls back, callbacks are dropped and the
 * error propagates. Do not nest: inside `work`, use `trx`, never `ctx.db`
 * (on PGlite the single connection is held by the transaction).
 */
export async function inTransaction<T>(ctx: Pick<AppContext, 'db' | 'log'>, work: TransactionWork<T>): Promise<T> {
  const callbacks: AfterCommitCallback[] = [];
  const result = await ctx.db.transaction().execute((trx) => work(trx, (fn) => void callbacks.push(fn)));
  await runAfterCommit(ctx, callbacks);
  return result;
}

/**
 * Runs already-collected after-commit callbacks, logging failures. Exposed for
 * code that manages its own transaction but follows the same rule.
 */
export async function runAfterCommit(ctx: Pick<AppContext, 'log'>, callbacks: readonly AfterCommitCallback[]): Promise<void> {
  for (const fn of callbacks) {
    try {
      await fn();
    } catch (err) {
      ctx.log.error({ err }, 'after-commit callback failed');
    }
  }
}
