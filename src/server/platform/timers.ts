/**
 * Durable timers: the source of truth for every deadline reminder and breach
 * (never `setTimeout`, which dies with the process). Business code schedules
 * timers of a defined kind (`scheduleTimer` in platform/background.ts, which
 * checks the payload) and cancels them inside its own transaction; the sweeper
 * fires each due timer exactly once, even with several server processes on
 * PostgreSQL. The raw row writers are in timers.internal.ts.
 */
import { sql, type Kysely, type Selectable, type SqlBool, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { TimersTable } from './platform.tables.js';
import type { AppContext } from './context.js';
import { afterFailure, errorText, processNext, type RetryPolicy } from './jobs.js';
import type { Sweeper } from './context.js';
import type { AfterCommit } from './tx.js';

/** A timer row as handlers see it. `due_at` is always the original deadline, also on retries. */
export type TimerRow = Selectable<TimersTable>;

/**
 * Fires one timer. Runs inside the transaction that marks the timer fired:
 * write through `trx` only; register pushes with `afterCommit`. Throwing rolls
 * back everything the handler wrote and schedules a retry with backoff, so a
 * handler must be idempotent with respect to anything outside the database.
 */
export type TimerHandler = (trx: Transaction<DB>, ctx: AppContext, timer: TimerRow, afterCommit: AfterCommit) => Promise<void>;

/** Handlers keyed by timer kind (e.g. `case.respond.warn`). */
export type TimerHandlers = Record<string, TimerHandler>;

/** Default retry policy: 30 s, 1 min, 2 min… capped at 1 h; gives up after 10 failures. */
export const TIMER_RETRY: RetryPolicy = { baseMs: 30_000, capMs: 3_600_000, maxAttempts: 10 };

/**
 * Cancels the subject's pending timers (all kinds, or only `kinds`) in the
 * caller's transaction; fired timers are history and stay as they are.
 * An empty `kinds` list cancels nothing. Returns how many were cancelled.
 */
export async function cancelTimers(trx: Kysely<DB>, subjectId: string, now: Date, kinds?: readonly string[]): Promise<number> {
  if (kinds !== undefined && kinds.length === 0) return 0;
  let query = trx
    .updateTable('timers')
    .set({ cancelled_at: now })
    .where('subject_id', '=', subjectId)
    .where('fired_at', 'is', null)
    .where('cancelled_at', 'is', null);
  if (kinds !== undefined) query = query.where('kind', 'in', [...kinds]);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** `cancelTimers` for many subjects in one statement (a batch that replaces the timers of each). */
export async function cancelTimersOfSubjects(trx: Kysely<DB>, subjectIds: readonly string[], now: Date, kinds: readonly string[]): Promise<number> {
  if (subjectIds.length === 0 || kinds.length === 0) return 0;
  const result = await trx
    .updateTable('timers')
    .set({ cancelled_at: now })
    .where('subject_id', 'in', [...subjectIds])
    .where('kind', 'in', [...kinds])
    .where('fired_at', 'is', null)
    .where('cancelled_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** When a timer is next runnable: its retry time after a failure, else its deadline. */
const runnableAt = sql`COALESCE(retry_at, due_at)`;

/** Timers runnable now and not yet fired: the sweepers' backlog (near zero while they keep up). */
export async function timersDue(db: Kysely<DB>, now: Date): Promise<number> {
  const row = await db
    .selectFrom('timers')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('fired_at', 'is', null)
    .where('cancelled_at', 'is', null)
    .where(sql<SqlBool>`${runnableAt} <= ${now}`)
    .executeTakeFirstOrThrow();
  return row.n;
}

/**
 * A sweeper that fires due timers (`due_at <= now`, or `retry_at <= now` after
 * a failure), at most `batchSize` per call, each in its own transaction
 * (convention 6: a row is claimed, fired and marked in one commit, so retries
 * and parallel workers are harmless). `handlers` comes from the app's one
 * registry (platform/background.ts, composed in app.ts). A kind without a
 * handler is a failure recorded on the row (it backs off and is retried, which
 * covers a rolling deploy where an older process lacks the handler).
 */
export function createTimerSweeper(handlers: TimerHandlers, batchSize = 100, policy: RetryPolicy = TIMER_RETRY): Sweeper {
  return async (ctx) => {
    const now = ctx.clock.now();
    let handled = 0;
    while (handled < batchSize) {
      const found = await processNext<TimerRow>(ctx, {
        claim: (trx) =>
          trx
            .selectFrom('timers')
            .selectAll()
            .where('fired_at', 'is', null)
            .where('cancelled_at', 'is', null)
            .where(sql<SqlBool>`${runnableAt} <= ${now}`)
            .orderBy(runnableAt)
            .orderBy('id')
            .limit(1)
            .forUpdate()
            .skipLocked()
            .executeTakeFirst(),
        run: async (trx, timer, afterCommit) => {
          // Own properties only: a kind like "constructor" must not find Object.prototype members.
          const handler = Object.hasOwn(handlers, timer.kind) ? handlers[timer.kind] : undefined;
          if (!handler) throw new Error(`no handler registered for timer kind "${timer.kind}"`);
          await handler(trx, ctx, timer, afterCommit);
        },
        succeed: async (trx, timer) => {
          const result = await trx
            .updateTable('timers')
            // cancelled_at is cleared: a handler that re-syncs its subject's timers may have
            // cancelled this very row, but it has fired, and a fired timer is never "cancelled".
            .set({ fired_at: now, cancelled_at: null, last_error: null, retry_at: null })
            .where('id', '=', timer.id)
            .where('fired_at', 'is', null)
            .executeTakeFirst();
          // Unreachable while the row lock holds; if it ever happens, roll the effects back.
          if (result.numUpdatedRows !== 1n) throw new Error(`timer ${timer.id} was settled by another worker`);
        },
        fail: (trx, timer, error) => recordTimerFailure(trx, ctx, timer.id, error, now, policy),
      });
      if (!found) break;
      handled++;
    }
    return handled;
  };
}

/** Counts a failed firing and schedules the retry, or gives up (fired, with the error kept) after `maxAttempts`. */
async function recordTimerFailure(
  trx: Transaction<DB>,
  ctx: AppContext,
  id: number,
  error: unknown,
  now: Date,
  policy: RetryPolicy,
): Promise<void> {
  const current = await trx
    .selectFrom('timers')
    .select(['kind', 'attempts', 'fired_at', 'cancelled_at'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!current || current.fired_at !== null || current.cancelled_at !== null) return;
  const { attempts, giveUp, retryAt } = afterFailure(current.attempts, error, now, policy);
  await trx
    .updateTable('timers')
    .set({ attempts, last_error: errorText(error), ...(giveUp ? { fired_at: now } : { retry_at: retryAt }) })
    .where('id', '=', id)
    .execute();
  const fields = { err: error, timerId: id, kind: current.kind, attempts };
  if (giveUp) ctx.log.error(fields, 'timer handler failed for the last time; giving up');
  else ctx.log.warn({ ...fields, retryAt }, 'timer handler failed; will retry');
}
