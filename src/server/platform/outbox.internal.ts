/**
 * The raw writers of outbox rows: a topic is a bare string and the payload is
 * not checked. For the platform only (the import rule `platform-internals`):
 * modules enqueue through platform/background.ts, whose functions take a
 * topic's definition and check the payload against its schema first, so a
 * producer's bug fails at its call site instead of as a dead letter later.
 * Platform tests use these to write messages of topics no module defines.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/**
 * Writes a message in the caller's transaction; it is delivered only if that
 * transaction commits. `availableAt` delays delivery (default: now).
 * Returns the row id (notifications use it to stay unique per delivery).
 */
export async function enqueueRaw(
  trx: Kysely<DB>,
  topic: string,
  payload: Record<string, unknown>,
  now: Date,
  opts: { availableAt?: Date } = {},
): Promise<number> {
  const row = await insertOutboxQuery(trx, [outboxMessage(topic, payload, now, opts)]).executeTakeFirstOrThrow();
  return row.id;
}

/** An outbox row as inserted. */
export interface OutboxMessage {
  topic: string;
  payload: string;
  created_at: Date;
  available_at: Date;
}

/** A message as `enqueueRaw` stores it, for callers that write several in one statement. */
export function outboxMessage(topic: string, payload: Record<string, unknown>, now: Date, opts: { availableAt?: Date } = {}): OutboxMessage {
  return { topic, payload: JSON.stringify(payload), created_at: now, available_at: opts.availableAt ?? now };
}

/**
 * The INSERT of messages, unexecuted, so a caller can run it or embed it in a
 * larger statement. The same rule holds: the messages exist if and only if
 * that statement commits.
 */
export function insertOutboxQuery(trx: Kysely<DB>, messages: readonly OutboxMessage[]) {
  return trx.insertInto('outbox').values(messages).returning('id');
}
