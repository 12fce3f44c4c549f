/**
 * Transactional outbox. A state change writes the message (notification, SMS,
 * webhook) as a row in its own transaction, so a message exists if and only if
 * the change committed; the sweeper delivers rows after commit and retries
 * failures with backoff. Deliverers that write to the database (the in-app
 * inbox) do so in the claim transaction and are exactly-once; deliverers that
 * call the outside world (SMS, webhook) are at-least-once.
 */
import { sql, type Kysely, type Selectable, type SqlBool, type Transaction } from 'kysely';
import type { DB } from '../db/schema.js';
import type { OutboxTable } from '../modules/cases/cases.tables.js';
import type { AppContext } from './context.js';
import { afterFailure, errorText, processNext, type RetryPolicy } from './jobs.js';
import type { Sweeper } from './scheduler.js';
import type { AfterCommit } from './tx.js';
import './platform-jobs.tables.js';

/** An outbox row as deliverers see it. */
export type OutboxRow = Selectable<OutboxTable>;

/**
 * Delivers one row. Runs in the transaction that marks the row delivered:
 * database effects through `trx` commit with that mark (exactly once); pushes
 * go through `afterCommit`. Throwing rolls back the effects and retries later.
 */
export type Deliverer = (trx: Transaction<DB>, ctx: AppContext, row: OutboxRow, afterCommit: AfterCommit) => Promise<void>;

/** Deliverers keyed by topic. */
export type Deliverers = Record<string, Deliverer>;

/** Default retry policy: 10 s, 20 s, 40 s… capped at 30 min; a dead letter after 8 failures. */
export const OUTBOX_RETRY: RetryPolicy = { baseMs: 10_000, capMs: 30 * 60_000, maxAttempts: 8 };

/**
 * Writes a message in the caller's transaction; it is delivered only if that
 * transaction commits. `availableAt` delays delivery (default: now).
 * Returns the row id (notifications use it to stay unique per delivery).
 */
export async function enqueue(
  trx: Kysely<DB>,
  topic: string,
  payload: Record<string, unknown>,
  now: Date,
  opts: { availableAt?: Date } = {},
): Promise<number> {
  const row = await insertOutboxQuery(trx, [outboxMessage(topic, payload, now, opts)]).executeTakeFirstOrThrow();
  return row.id;
}

/** A message as `enqueue` stores it, for callers that write several in one statement. */
export function outboxMessage(topic: string, payload: Record<string, unknown>, now: Date, opts: { availableAt?: Date } = {}) {
  return { topic, payload: JSON.stringify(payload), created_at: now, available_at: opts.availableAt ?? now };
}

/**
 * The INSERT of messages, unexecuted, so a caller can embed it in a larger
 * statement (intake writes a case and all its rows in one). The same rule
 * holds: the messages exist if and only if that statement commits.
 */
export function insertOutboxQuery(trx: Kysely<DB>, messages: ReturnType<typeof outboxMessage>[]) {
  return trx.insertInto('outbox').values(messages).returning('id');
}

/**
 * A sweeper that delivers pending rows (`available_at <= now`, neither
 * delivered nor dead), at most `batchSize` per call, each claimed with
 * `FOR UPDATE SKIP LOCKED` in its own transaction. A failure (or a topic with
 * no deliverer) counts an attempt, keeps the error and backs off; after
 * `maxAttempts` the row is kept as a dead letter (`failed_at`) for an operator.
 */
export function createOutboxSweeper(deliverers: Deliverers, batchSize = 100, policy: RetryPolicy = OUTBOX_RETRY): Sweeper {
  return async (ctx) => {
    const now = ctx.clock.now();
    let handled = 0;
    while (handled < batchSize) {
      const found = await processNext<OutboxRow>(ctx, {
        claim: (trx) =>
          trx
            .selectFrom('outbox')
            .selectAll()
            .where('delivered_at', 'is', null)
            .where('failed_at', 'is', null)
            .where(sql<SqlBool>`available_at <= ${now}`)
            .orderBy('available_at')
            .orderBy('id')
            .limit(1)
            .forUpdate()
            .skipLocked()
            .executeTakeFirst(),
        run: async (trx, row, afterCommit) => {
          const deliver = Object.hasOwn(deliverers, row.topic) ? deliverers[row.topic] : undefined;
          if (!deliver) throw new Error(`no deliverer registered for outbox topic "${row.topic}"`);
          await deliver(trx, ctx, row, afterCommit);
        },
        succeed: async (trx, row) => {
          const result = await trx
            .updateTable('outbox')
            .set({ delivered_at: now, last_error: null })
            .where('id', '=', row.id)
            .where('delivered_at', 'is', null)
            .executeTakeFirst();
          if (result.numUpdatedRows !== 1n) throw new Error(`outbox row ${row.id} was settled by another worker`);
        },
        fail: (trx, row, error) => recordDeliveryFailure(trx, ctx, row.id, error, now, policy),
      });
      if (!found) break;
      handled++;
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
