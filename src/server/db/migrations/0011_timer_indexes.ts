import { sql, type Kysely } from 'kysely';

/**
 * Every case writes six timers at intake, so each index on `timers` costs six
 * index insertions per case. Two of the five were redundant:
 * - `timers_due_idx (due_at)`: the sweeper and the backlog gauge order by
 *   `COALESCE(retry_at, due_at)` and use `timers_runnable_idx` (0003); nothing
 *   reads `due_at` alone.
 * - `timers_subject_idx (subject_id)`: the once-only key, led by `subject_id`
 *   instead of `kind`, serves "the pending timers of this subject" as well. A
 *   subject has a handful of timers, so reading its fired ones too is nothing.
 * The key keeps its meaning (one timer per kind, subject and deadline) and
 * `ON CONFLICT (kind, subject_id, due_at)` still infers it: the column order
 * of a unique index does not matter there.
 *
 * Building the index locks timer writes (so intake) for as long as it takes. On a
 * large district an operator can build it beforehand without the lock:
 * `CREATE UNIQUE INDEX CONCURRENTLY timers_subject_once_idx ON timers (subject_id, kind, due_at)`;
 * hence IF NOT EXISTS.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE UNIQUE INDEX IF NOT EXISTS timers_subject_once_idx ON timers (subject_id, kind, due_at)`.execute(db);
  await sql`DROP INDEX IF EXISTS timers_once_idx`.execute(db);
  await sql`DROP INDEX IF EXISTS timers_subject_idx`.execute(db);
  await sql`DROP INDEX IF EXISTS timers_due_idx`.execute(db);
}
