/**
 * The sign-in throttle as pure functions of the failure counts and the time.
 *
 * It replaced a lock-out (five wrong passwords locked an account for 15 minutes), which let anyone lock anyone out
 * and, by answering "locked" only for real accounts, told which usernames exist. Now:
 * - failures are counted per (username, IP), whether or not the username exists;
 * - past `freeFailures`, that pair waits 1 s, 2 s, 4 s … (up to `maxDelayMs`) after each failure before its next
 *   attempt is even checked;
 * - failures for the username from all IPs together (a distributed guess) past `userFreeFailures` make every IP that
 *   has failed for it wait as well, growing the same way;
 * - an IP with no failure for the username never waits, so the owner at their own desk or phone signs in at once
 *   however many strangers guess elsewhere.
 * Counts are forgotten once no failure came for `memoryMs`.
 */

export interface ThrottlePolicy {
  freeFailures: number;
  userFreeFailures: number;
  maxDelayMs: number;
}

/** A failure count as stored: how many, and when the last one was. */
export interface FailureCount {
  failures: number;
  lastFailureAt: Date;
}

const FIRST_DELAY_MS = 1000;

/** How long a count is remembered after its last failure: an hour, or twice the longest wait if that is more. */
export function memoryMs(policy: ThrottlePolicy): number {
  return Math.max(3_600_000, 2 * policy.maxDelayMs);
}

/** The failures that still count at `now` (0 when none, or when the last one is older than the memory). */
export function liveFailures(count: FailureCount | undefined, now: Date, policy: ThrottlePolicy): number {
  if (!count || count.lastFailureAt.getTime() <= now.getTime() - memoryMs(policy)) return 0;
  return count.failures;
}

/** The wait after `failures` failures when `free` of them cost nothing: 0, then 1 s, 2 s, 4 s … capped. */
export function delayAfter(failures: number, free: number, maxDelayMs: number): number {
  if (failures < free) return 0;
  return Math.min(FIRST_DELAY_MS * 2 ** Math.min(failures - free, 40), maxDelayMs);
}

/**
 * When the (username, IP) pair may try again, or null if it may now. The wait runs from the pair's own last failure,
 * and is the longer of the pair's delay and the username's (all IPs) delay.
 */
export function nextAttemptAt(pair: FailureCount | undefined, user: FailureCount | undefined, now: Date, policy: ThrottlePolicy): Date | null {
  const pairFailures = liveFailures(pair, now, policy);
  if (!pair || pairFailures === 0) return null;
  const delay = Math.max(
    delayAfter(pairFailures, policy.freeFailures, policy.maxDelayMs),
    delayAfter(liveFailures(user, now, policy), policy.userFreeFailures, policy.maxDelayMs),
  );
  const at = pair.lastFailureAt.getTime() + delay;
  return at > now.getTime() ? new Date(at) : null;
}

/** Whether sign-ins for a username are being slowed at all (the admin user list shows it). */
export function isThrottled(pairs: readonly FailureCount[], user: FailureCount | undefined, now: Date, policy: ThrottlePolicy): boolean {
  if (liveFailures(user, now, policy) >= policy.userFreeFailures) return true;
  return pairs.some((p) => liveFailures(p, now, policy) >= policy.freeFailures);
}
