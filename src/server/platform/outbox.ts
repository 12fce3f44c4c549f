/**
 * Transactional outbox. A state change writes the message (notification, SMS,
 * webhook) as a row in its own transaction (`enqueueTopic` in
 * platform/background.ts, which checks the payload against its topic's schema;
 * the raw row writers are in outbox.internal.ts), so a message exists if and
 * only if the change committed; the sweeper delivers rows after commit and retries
 * failures with backoff. Deliverers that write to the database (the in-app
 * inbox) do so in the claim transaction and are exactly-once; deliverers that
 * call the outside world (SMS, webhook) are at-least-once.
 */
import { sql, type Kysely, type Selectable, type SqlBool, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { OutboxTable } from './platform.tables.js';
import type { AppContext } from './context.js';
import { afterFailure, errorText, MAX_WHOLE_BATCH, processBatch, processNext, type RetryPolicy } from './jobs.js';
import type { Sweeper } from './context.js';
import type { AfterCommit } from './tx.js';

/** An outbox row as deliverers see it. */
export type OutboxRow = Selectable<OutboxTable>;

/**
 * Delivers one row. Runs in the transaction that marks the row delivered:
 * database effects through `trx` commit with that mark (exactly once); pushes
 * go through `afterCommit`. Throwing rolls back the effects and retries later.
 * Rows are delivered in batches, one transaction per batch: after-commit
 * callbacks of a batch start in order but run concurrently (see
 * `processBatch`), so register one callback per dependent sequence of pushes.
 *
 * The sweeper first delivers a whole batch at once (inside one savepoint) and,
 * if anything in it throws, rolls that back and delivers its rows one by one
 * (see `processBatch`). A row may thus be delivered twice within one attempt,
 * the first time rolled back: a database-only deliverer must have no effect
 * other than through `trx` and `afterCommit`.
 */
export interface Deliverer {
  (trx: Transaction<DB>, ctx: AppContext, row: OutboxRow, afterCommit: AfterCommit): Promise<void>;
  /** Set by `externalDeliverer`: this topic calls the outside world and is delivered one row per transaction. */
  readonly external?: boolean;
  /**
   * Set by `batchDeliverer`: delivers several rows of this topic at once (in
   * claim order), all or nothing: throwing for one row sends every row of the
   * batch to the one-by-one path, where only that row fails. Ignored for
   * external deliverers.
   */
  readonly many?: ManyDeliverer;
}

/** The batch form of a deliverer: the same contract as `Deliverer`, for several rows of one topic. */
export type ManyDeliverer = (trx: Transaction<DB>, ctx: AppContext, rows: OutboxRow[], afterCommit: AfterCommit) => Promise<void>;

/**
 * A database-only deliverer that can deliver a set of rows at once (e.g. one
 * query for all recipients and one INSERT instead of a few statements per
 * row). Its single-row form is the batch form applied to one row, so the two
 * cannot drift apart.
 */
export function batchDeliverer(many: ManyDeliverer): Deliverer {
  return Object.assign((trx: Transaction<DB>, ctx: AppContext, row: OutboxRow, afterCommit: AfterCommit) => many(trx, ctx, [row], afterCommit), {
    many,
  });
}

/**
 * Marks a deliverer that calls the outside world (SMS gateway, webhook). Such
 * a call can take seconds; inside a batch it would keep the transaction open
 * and every row of the batch locked (and undelivered) for that long, and
 * external delivery is at-least-once whatever the batching, so there is
 * nothing to gain. These topics are therefore claimed and delivered one row
 * per transaction, as before batching; database-only topics go in batches.
 */
export function externalDeliverer(deliver: (...args: Parameters<Deliverer>) => Promise<void>): Deliverer {
  return Object.assign((...args: Parameters<Deliverer>) => deliver(...args), { external: true });
}

/** Deliverers keyed by topic. */
export type Deliverers = Record<string, Deliverer>;

/** Default retry policy: 10 s, 20 s, 40 s… capped at 30 min; a dead letter after 8 failures. */
export const OUTBOX_RETRY: RetryPolicy = { baseMs: 10_000, capMs: 30 * 60_000, maxAttempts: 8 };

/**
 * What the outbox holds undelivered: messages due now (the backlog, which
 * should stay near zero while the sweepers keep up) and dead letters (an
 * operator must look). Both counts read only undelivered rows, through the
 * partial index on them.
 */
export async function outboxBacklog(db: Kysely<DB>, now: Date): Promise<{ due: number; dead: number }> {
  const row = await db
    .selectFrom('outbox')
    .select([
      sql<number>`count(*) FILTER (WHERE failed_at IS NULL AND available_at <= ${now})::int`.as('due'),
      sql<number>`count(*) FILTER (WHERE failed_at IS NOT NULL)::int`.as('dead'),
    ])
    .where('delivered_at', 'is', null)
    .executeTakeFirstOrThrow();
  return { due: row.due, dead: row.dead };
}

/** A row the sweeper may deliver now: due, neither delivered nor dead. */
function ready(now: Date) {
  return sql<SqlBool>`delivered_at IS NULL AND failed_at IS NULL AND available_at <= ${now}`;
}

/**
 * A sweeper that delivers pending rows (`available_at <= now`, neither
 * delivered nor dead), at most `batchSize` per call, oldest first.
 *
 * Database-only topics are claimed `claimBatch` rows at a time with
 * `FOR UPDATE SKIP LOCKED` in ONE transaction: the rows are delivered all at
 * once, grouped by topic (a `batchDeliverer` takes its topic's rows in one
 * call, others take them one by one), inside one savepoint; the rows are
 * marked delivered in one statement and the batch commits once
 * (`processBatch`). If anything in the batch throws (a failing row, a topic
 * with no deliverer), that is rolled back and each row is delivered in its
 * own savepoint instead (in its own transaction when the batch is larger than
 * MAX_BATCH), so only the failing rows fail. Topics of an
 * `externalDeliverer` are claimed one row per
 * transaction (`processNext`), interleaved with the batches so neither kind
 * starves the other. A failure (or a topic with no deliverer) counts an
 * attempt, keeps the error and backs off; after `maxAttempts` the row is kept
 * as a dead letter (`failed_at`) for an operator.
 */
export function createOutboxSweeper(
  deliverers: Deliverers,
  batchSize = 1000,
  policy: RetryPolicy = OUTBOX_RETRY,
  claimBatch = MAX_WHOLE_BATCH,
): Sweeper {
  return async (ctx) => {
    const now = ctx.clock.now();
    const external = Object.keys(deliverers).filter((topic) => deliverers[topic].external === true);
    const delivererOf = (topic: string): Deliverer => {
      const deliverer = Object.hasOwn(deliverers, topic) ? deliverers[topic] : undefined;
      if (!deliverer) throw new Error(`no deliverer registered for outbox topic "${topic}"`);
      return deliverer;
    };
    const deliver = async (trx: Transaction<DB>, row: OutboxRow, afterCommit: AfterCommit) => {
      await delivererOf(row.topic)(trx, ctx, row, afterCommit);
    };
    // The whole batch at once, by topic, claim order kept within a topic (so, e.g.,
    // notifications are numbered in the order of their messages).
    const deliverAll = async (trx: Transaction<DB>, rows: OutboxRow[], afterCommit: AfterCommit) => {
      const byTopic = new Map<string, OutboxRow[]>();
      for (const row of rows) {
        const group = byTopic.get(row.topic);
        if (group) group.push(row);
        else byTopic.set(row.topic, [row]);
      }
      // An unknown topic sends the batch to the one-by-one path before any work is done.
      const groups = [...byTopic].map(([topic, group]) => ({ deliverer: delivererOf(topic), group }));
      for (const { deliverer, group } of groups) {
        if (deliverer.many) await deliverer.many(trx, ctx, group, afterCommit);
        else for (const row of group) await deliverer(trx, ctx, row, afterCommit);
      }
    };
    const markDelivered = async (trx: Transaction<DB>, rows: OutboxRow[]) => {
      const result = await trx
        .updateTable('outbox')
        .set({ delivered_at: now, last_error: null })
        .where('id', 'in', rows.map((r) => r.id))
        .where('delivered_at', 'is', null)
        .executeTakeFirst();
      // Unreachable while the row locks hold; if it ever happens, roll the effects back.
      if (result.numUpdatedRows !== BigInt(rows.length)) throw new Error(`outbox rows ${rows.map((r) => r.id).join(', ')} were settled by another worker`);
    };
    const fail = (trx: Transaction<DB>, row: OutboxRow, error: unknown) => recordDeliveryFailure(trx, ctx, row.id, error, now, policy);

    let handled = 0;
    let batchesDone = false;
    let externalDone = external.length === 0;
    while (handled < batchSize && !(batchesDone && externalDone)) {
      if (!batchesDone) {
        const limit = Math.min(claimBatch, batchSize - handled);
        const claimed = await processBatch<OutboxRow>(
          ctx,
          {
            claim: (trx, max) => {
              let query = trx.selectFrom('outbox').selectAll().where(ready(now));
              if (external.length > 0) query = query.where('topic', 'not in', external);
              return query.orderBy('available_at').orderBy('id').limit(max).forUpdate().skipLocked().execute();
            },
            reclaim: (trx, row) =>
              trx.selectFrom('outbox').selectAll().where('id', '=', row.id).where(ready(now)).forUpdate().skipLocked().executeTakeFirst(),
            run: deliver,
            runAll: deliverAll,
            succeed: markDelivered,
            fail,
          },
          limit,
        );
        handled += claimed;
        // A short batch means nothing else batchable is ready (or it is locked by another sweeper).
        if (claimed < limit) batchesDone = true;
      }
      if (!externalDone && handled < batchSize) {
        const found = await processNext<OutboxRow>(ctx, {
          claim: (trx) =>
            trx
              .selectFrom('outbox')
              .selectAll()
              .where(ready(now))
              .where('topic', 'in', external)
              .orderBy('available_at')
              .orderBy('id')
              .limit(1)
              .forUpdate()
              .skipLocked()
              .executeTakeFirst(),
          run: deliver,
          succeed: (trx, row) => markDelivered(trx, [row]),
          fail,
        });
        if (found) handled++;
        else externalDone = true;
      }
    }
    return handled;
  };
}

async function recordDeliveryFailure(
  trx: Transaction<DB>,
  ctx: AppContext,
  id: number,
  error: unknown,
  now: Date,
  policy: RetryPolicy,
): Promise<void> {
  const current = await trx
    .selectFrom('outbox')
    .select(['topic', 'attempts', 'delivered_at', 'failed_at'])
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!current || current.delivered_at !== null || current.failed_at !== null) return;
  const { attempts, giveUp, retryAt: availableAt } = afterFailure(current.attempts, error, now, policy);
  await trx
    .updateTable('outbox')
    .set({ attempts, last_error: errorText(error), ...(giveUp ? { failed_at: now } : { available_at: availableAt }) })
    .where('id', '=', id)
    .execute();
  const fields = { err: error, outboxId: id, topic: current.topic, attempts };
  if (giveUp) ctx.log.error(fields, 'outbox delivery failed for the last time; kept as a dead letter');
  else ctx.log.warn({ ...fields, availableAt }, 'outbox delivery failed; will retry');
}
