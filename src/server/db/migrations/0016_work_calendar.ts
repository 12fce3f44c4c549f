import { sql, type Kysely } from 'kysely';

/**
 * The working calendar as data (issue 15, modules/calendar): the days an imported notice or the district wrote,
 * the revisions every process compares to know its copy is current, and the followers' progress through them
 * (the recompute of open deadlines after a change, resumable after a crash).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE IF NOT EXISTS calendar_days (
      date text NOT NULL CHECK (date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
      source text NOT NULL CHECK (source IN ('official', 'local')),
      kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
      name text NOT NULL,
      updated_at timestamptz NOT NULL,
      updated_by uuid,
      PRIMARY KEY (date, source)
    )`.execute(db);
  await sql`
    CREATE TABLE IF NOT EXISTS calendar_revisions (
      id serial PRIMARY KEY,
      year int NOT NULL,
      change jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      created_by uuid
    )`.execute(db);
  await sql`
    CREATE TABLE IF NOT EXISTS calendar_followers (
      consumer text PRIMARY KEY,
      done_revision int NOT NULL,
      pass_revision int,
      after_key text,
      updated_at timestamptz NOT NULL
    )`.execute(db);
  await sql`
    CREATE TABLE IF NOT EXISTS calendar_warnings (
      year int NOT NULL,
      week text NOT NULL,
      sent_at timestamptz NOT NULL,
      PRIMARY KEY (year, week)
    )`.execute(db);
}
