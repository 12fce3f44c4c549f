import { sql, type Kysely } from 'kysely';

/**
 * The sign-in throttle (security issue #13, finding 8; modules/users/login-throttle.rules.ts) replaces the account
 * lock-out. Failures are counted per (username, IP) — for usernames that exist and ones that do not alike — and per
 * username over all IPs in the row whose `ip` is '*'. In the database, so the counts hold across restarts and are
 * shared by every server process; rows are forgotten an hour after their last failure.
 *
 * The lock-out's columns go: nothing reads them any more, and a `locked_until` left behind would look meaningful.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE IF NOT EXISTS login_throttle (
      username text NOT NULL,
      ip text NOT NULL,
      failures int NOT NULL,
      last_failure_at timestamptz NOT NULL,
      PRIMARY KEY (username, ip)
    )`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS login_throttle_last_failure_idx ON login_throttle (last_failure_at)`.execute(db);
  await sql`ALTER TABLE users DROP COLUMN IF EXISTS failed_logins`.execute(db);
  await sql`ALTER TABLE users DROP COLUMN IF EXISTS locked_until`.execute(db);
}
