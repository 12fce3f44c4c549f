/** SQL of the sign-in throttle (table `login_throttle`, migration 0014). */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { FailureCount } from './login-throttle.rules.js';

/** The row counting a username's failures over all IPs. */
export const ALL_IPS = '*';

/** The pair's count and the username's count over all IPs. */
export async function countsFor(db: Kysely<DB>, username: string, ip: string): Promise<{ pair?: FailureCount; user?: FailureCount }> {
  const rows = await db
    .selectFrom('login_throttle')
    .select(['ip', 'failures', 'last_failure_at'])
    .where('username', '=', username)
    .where('ip', 'in', [ip, ALL_IPS])
    .execute();
  const count = (which: string) => {
    const row = rows.find((r) => r.ip === which);
    return row ? { failures: row.failures, lastFailureAt: row.last_failure_at } : undefined;
  };
  return { pair: count(ip), user: count(ALL_IPS) };
}

/**
 * Counts an attempt of the pair as a failure before its password is checked, if the pair's count is still
 * `expected` (undefined: no row). A compare-and-set, so parallel attempts cannot all slip past one check: the loser
 * reads the counts again. Returns whether this attempt won.
 */
export async function claimAttempt(db: Kysely<DB>, username: string, ip: string, expected: number | undefined, failures: number, at: Date): Promise<boolean> {
  if (expected === undefined) {
    const inserted = await db
      .insertInto('login_throttle')
      .values({ username, ip, failures, last_failure_at: at })
      .onConflict((oc) => oc.columns(['username', 'ip']).doNothing())
      .returning('username')
      .executeTakeFirst();
    return inserted !== undefined;
  }
  const updated = await db
    .updateTable('login_throttle')
    .set({ failures, last_failure_at: at })
    .where('username', '=', username)
    .where('ip', '=', ip)
    .where('failures', '=', expected)
    .returning('username')
    .executeTakeFirst();
  return updated !== undefined;
}

/** Counts a failure for the username over all IPs; a count older than `forgetBefore` starts again at one. */
export async function countUserFailure(db: Kysely<DB>, username: string, at: Date, forgetBefore: Date): Promise<void> {
  await db
    .insertInto('login_throttle')
    .values({ username, ip: ALL_IPS, failures: 1, last_failure_at: at })
    .onConflict((oc) =>
      oc.columns(['username', 'ip']).doUpdateSet({
        failures: sql`CASE WHEN login_throttle.last_failure_at <= ${forgetBefore} THEN 1 ELSE login_throttle.failures + 1 END`,
        last_failure_at: at,
      }),
    )
    .execute();
}

/** The pair signed in (or proved the password): its count ends. The username's count over all IPs stays. */
export async function clearPair(db: Kysely<DB>, username: string, ip: string): Promise<void> {
  await db.deleteFrom('login_throttle').where('username', '=', username).where('ip', '=', ip).execute();
}

/** Drops counts nobody remembers any more (an index range on `last_failure_at`). */
export async function forgetOld(db: Kysely<DB>, before: Date): Promise<void> {
  await db.deleteFrom('login_throttle').where('last_failure_at', '<=', before).execute();
}

/** Every live count of these usernames, for the admin user list. */
export async function liveCountsOf(db: Kysely<DB>, usernames: string[], since: Date) {
  if (usernames.length === 0) return [];
  return db
    .selectFrom('login_throttle')
    .select(['username', 'ip', 'failures', 'last_failure_at'])
    .where('username', 'in', usernames)
    .where('last_failure_at', '>', since)
    .execute();
}
