/**
 * The raw writers of timer rows: a kind is a bare string and the payload is
 * not checked. For the platform only (the import rule `platform-internals`):
 * modules schedule through platform/background.ts, whose functions take a
 * kind's definition and check the payload against its schema first, so a
 * producer's bug fails at its call site instead of as a dead timer later.
 * Platform tests use these to write timers of kinds no module defines.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

export interface ScheduleTimerInput {
  kind: string;
  subjectId: string;
  dueAt: Date;
  payload?: Record<string, unknown>;
  now: Date;
}

/**
 * Schedules a timer in the caller's transaction. Idempotent on
 * (kind, subjectId, dueAt): an identical pending or fired timer is left alone
 * (a deadline fires at most once), while an identical *cancelled* one is
 * revived, so suspending and resuming onto the same deadline still fires it.
 * Returns true when the timer is now pending because of this call.
 */
export async function scheduleRawTimer(trx: Kysely<DB>, input: ScheduleTimerInput): Promise<boolean> {
  const payload = JSON.stringify(input.payload ?? {});
  const row = await trx
    .insertInto('timers')
    .values({ kind: input.kind, subject_id: input.subjectId, due_at: input.dueAt, payload, created_at: input.now })
    .onConflict((oc) =>
      oc
        .columns(['kind', 'subject_id', 'due_at'])
        .doUpdateSet({ cancelled_at: null, payload, attempts: 0, last_error: null, retry_at: null })
        .where('timers.cancelled_at', 'is not', null)
        .where('timers.fired_at', 'is', null),
    )
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** A timer row as inserted: `ScheduleTimerInput` in column form. */
export interface NewTimerRow {
  kind: string;
  subject_id: string;
  due_at: Date;
  payload: string;
  created_at: Date;
}

/**
 * The rows for `inputs`: of inputs repeating a (kind, subjectId, dueAt) the
 * first wins, as it would if they were scheduled one after the other.
 */
export function newTimerRows(inputs: readonly ScheduleTimerInput[]): NewTimerRow[] {
  const seen = new Set<string>();
  const rows: NewTimerRow[] = [];
  for (const input of inputs) {
    const key = `${input.kind}\u0000${input.subjectId}\u0000${input.dueAt.getTime()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({ kind: input.kind, subject_id: input.subjectId, due_at: input.dueAt, payload: JSON.stringify(input.payload ?? {}), created_at: input.now });
  }
  return rows;
}

/**
 * The INSERT that `scheduleRawTimers` runs: same rules per timer as
 * `scheduleRawTimer`. Null when there is nothing to insert.
 */
function insertTimersQuery(trx: Kysely<DB>, inputs: readonly ScheduleTimerInput[]) {
  const rows = newTimerRows(inputs);
  if (rows.length === 0) return null;
  return trx
    .insertInto('timers')
    .values(rows)
    .onConflict((oc) =>
      oc
        .columns(['kind', 'subject_id', 'due_at'])
        .doUpdateSet((eb) => ({ cancelled_at: null, payload: eb.ref('excluded.payload'), attempts: 0, last_error: null, retry_at: null }))
        .where('timers.cancelled_at', 'is not', null)
        .where('timers.fired_at', 'is', null),
    )
    .returning('id');
}

/**
 * `scheduleRawTimer` for several timers in one statement (one round trip instead
 * of one per timer). Returns how many timers are now pending because of this call.
 */
export async function scheduleRawTimers(trx: Kysely<DB>, inputs: readonly ScheduleTimerInput[]): Promise<number> {
  const query = insertTimersQuery(trx, inputs);
  return query ? (await query.execute()).length : 0;
}
