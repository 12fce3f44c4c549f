import { sql, type Kysely } from 'kysely';

/**
 * Background-job bookkeeping that 0002 lacked:
 * - `timers.retry_at`: when a failed handler may run again. A retry must not
 *   move `due_at`, which is the deadline itself (handlers record it, e.g. as the
 *   missed deadline) and part of the unique (kind, subject_id, due_at) key.
 * - `outbox.failed_at`: a row that exhausted its attempts stays, with its last
 *   error, as a dead letter the sweeper no longer claims.
 * - `notifications.title_en` / `body_en`: the English text next to the
 *   default zh-CN `title` / `body`, so the inbox follows the reader's locale.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE timers ADD COLUMN retry_at timestamptz`.execute(db);
  await sql`
    CREATE INDEX timers_runnable_idx ON timers ((COALESCE(retry_at, due_at)))
    WHERE fired_at IS NULL AND cancelled_at IS NULL`.execute(db);

  await sql`ALTER TABLE outbox ADD COLUMN failed_at timestamptz`.execute(db);
  await sql`CREATE INDEX outbox_ready_idx ON outbox (available_at) WHERE delivered_at IS NULL AND failed_at IS NULL`.execute(db);

  await sql`ALTER TABLE notifications ADD COLUMN title_en text, ADD COLUMN body_en text`.execute(db);
  await sql`CREATE INDEX notifications_unread_idx ON notifications (user_id, id DESC) WHERE read_at IS NULL`.execute(db);
}
