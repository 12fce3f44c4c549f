/**
 * The sign-in throttle around a password check (rules in login-throttle.rules.ts). Sign-in and the self-service
 * password change both go through it, keyed by the same (username, IP), so a wrong current password counts like a
 * wrong sign-in. Nothing here depends on whether the username exists.
 */
import { appendAudit, type AuditEntry } from '../../platform/audit.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { clockTime, describeWait } from '../public/index.js';
import * as repo from './login-throttle.repo.js';
import { isThrottled, liveFailures, memoryMs, nextAttemptAt, type ThrottlePolicy } from './login-throttle.rules.js';

export function throttlePolicy(config: AppContext['config']): ThrottlePolicy {
  return { freeFailures: config.loginFreeFailures, userFreeFailures: config.loginUserFreeFailures, maxDelayMs: config.loginMaxDelaySeconds * 1000 };
}

/** A password check under way, counted as a failure until `attemptSucceeded`. */
export interface Attempt {
  username: string;
  ip: string;
}

/** 429 naming the wait in both languages; the error handler copies `retryAfterSeconds` into `Retry-After`. */
function retryLater(ctx: AppContext, until: Date): AppError {
  const wait = describeWait(until.getTime() - ctx.clock.now().getTime());
  return new AppError(
    'RETRY_LATER',
    { waitZh: wait.waitZh, waitEn: wait.waitEn, retryAt: clockTime(until, ctx.config.timezone) },
    { retryAfterSeconds: wait.seconds, retryAt: until.toISOString() },
  );
}

/**
 * Lets the password check of (username, IP) go ahead, or answers 429 if the pair must still wait. The attempt is
 * counted as a failure before the check (a compare-and-set on the count), so a burst of parallel guesses cannot all
 * pass one look at the count.
 */
export async function beginAttempt(ctx: AppContext, username: string, ip: string): Promise<Attempt> {
  const policy = throttlePolicy(ctx.config);
  for (let tries = 0; tries < 5; tries++) {
    const now = ctx.clock.now();
    const { pair, user } = await repo.countsFor(ctx.db, username, ip);
    const until = nextAttemptAt(pair, user, now, policy);
    if (until) throw retryLater(ctx, until);
    if (await repo.claimAttempt(ctx.db, username, ip, pair?.failures, liveFailures(pair, now, policy) + 1, now)) return { username, ip };
  }
  // Outrun five times by attempts of the same pair: it is sending many at once.
  throw retryLater(ctx, new Date(ctx.clock.now().getTime() + 1000));
}

/** The password was wrong: counts it for the username over all IPs too, and audits it, in one transaction. */
export async function attemptFailed(ctx: AppContext, attempt: Attempt, audit: AuditEntry): Promise<void> {
  const now = ctx.clock.now();
  const forgetBefore = new Date(now.getTime() - memoryMs(throttlePolicy(ctx.config)));
  await ctx.db.transaction().execute(async (trx) => {
    await repo.countUserFailure(trx, attempt.username, now, forgetBefore);
    await appendAudit(trx, ctx.clock, { ...audit, ip: attempt.ip });
  });
  await repo.forgetOld(ctx.db, forgetBefore);
}

/** The password was right: the pair starts afresh. */
export async function attemptSucceeded(ctx: AppContext, attempt: Attempt): Promise<void> {
  await repo.clearPair(ctx.db, attempt.username, attempt.ip);
}

/** Which of these usernames are being slowed down now (some IP, or all IPs together, past the allowance). */
export async function throttledUsernames(ctx: AppContext, usernames: string[]): Promise<Set<string>> {
  const policy = throttlePolicy(ctx.config);
  const now = ctx.clock.now();
  const rows = await repo.liveCountsOf(ctx.db, usernames, new Date(now.getTime() - memoryMs(policy)));
  const count = (r: (typeof rows)[number]) => ({ failures: r.failures, lastFailureAt: r.last_failure_at });
  return new Set(
    usernames.filter((u) => {
      const mine = rows.filter((r) => r.username === u);
      const all = mine.find((r) => r.ip === repo.ALL_IPS);
      return isThrottled(mine.filter((r) => r.ip !== repo.ALL_IPS).map(count), all && count(all), now, policy);
    }),
  );
}
