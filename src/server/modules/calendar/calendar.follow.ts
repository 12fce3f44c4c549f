/**
 * Followers of the calendar: modules whose stored deadlines depend on working time (cases, orders) and must
 * recompute them when the calendar changes. The calendar knows none of them; each exports a sweeper made here,
 * which works through the change in bounded batches — one transaction per batch, the follower's row locked so
 * one process does it, its position stored so a crash resumes where it stopped. A revision that arrives during
 * a pass restarts the pass on the newer calendar: recomputing a row twice from the same start gives the same
 * deadline, so the rows already done only cost a read.
 */
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { AppContext, Sweeper } from '../../platform/context.js';
import { inTransaction, type AfterCommit } from '../../platform/tx.js';
import { latestRevision, lockFollower, updateFollower } from './calendar.repo.js';
import { currentDayTable, dayTableAtLeast } from './calendar.store.js';
import type { DayTable } from './days.rules.js';

export interface FollowerBatch {
  /** The last key the previous batch finished (null: from the start). */
  afterKey: string | null;
  limit: number;
  /** The day table of the revision being applied. */
  days: DayTable;
  now: Date;
}

export interface CalendarFollower {
  /** A stable name for the follower's row. */
  consumer: string;
  batchSize: number;
  /** Recomputes up to `limit` rows after `afterKey` in key order; returns the last key seen and how many were looked at. */
  recompute(trx: Transaction<DB>, ctx: AppContext, batch: FollowerBatch, afterCommit: AfterCommit): Promise<{ lastKey: string | null; seen: number }>;
}

export function calendarFollowerSweeper(follower: CalendarFollower): Sweeper {
  // The revision this process last saw the follower finish: lets an idle tick answer without a query.
  const caughtUp = new WeakMap<AppContext, number>();
  return async (ctx) => {
    const known = (await currentDayTable(ctx.db)).revision;
    if ((caughtUp.get(ctx) ?? -1) >= known) return 0;
    return inTransaction(ctx, async (trx, afterCommit) => {
      const now = ctx.clock.now();
      const latest = await latestRevision(trx);
      const row = await lockFollower(trx, follower.consumer, now);
      if (!row) return 0; // another process holds the pass
      if (row.pass_revision === null && row.done_revision >= latest) {
        caughtUp.set(ctx, row.done_revision);
        return 0;
      }
      const afterKey = row.pass_revision === latest ? row.after_key : null;
      const days = await dayTableAtLeast(trx, latest);
      const { lastKey, seen } = await follower.recompute(trx, ctx, { afterKey, limit: follower.batchSize, days, now }, afterCommit);
      const finished = seen < follower.batchSize;
      await updateFollower(
        trx,
        follower.consumer,
        finished ? { done_revision: latest, pass_revision: null, after_key: null, updated_at: now } : { pass_revision: latest, after_key: lastKey, updated_at: now },
      );
      if (finished) afterCommit(() => void caughtUp.set(ctx, latest));
      // At least 1 while a pass runs, so the scheduler calls again at once for the next batch.
      return Math.max(seen, finished ? 0 : 1);
    });
  };
}
