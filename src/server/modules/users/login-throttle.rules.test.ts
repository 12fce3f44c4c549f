import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.js';
import { delayAfter, isThrottled, liveFailures, memoryMs, nextAttemptAt, type ThrottlePolicy } from './login-throttle.rules.js';

const policy: ThrottlePolicy = { freeFailures: 5, userFreeFailures: 50, maxDelayMs: 900_000 };
const now = new Date('2026-11-23T02:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);

describe('delayAfter', () => {
  it('is free below the allowance, then doubles from one second, up to the cap', () => {
    expect([0, 4, 5, 6, 7, 14, 15, 16, 1000].map((n) => delayAfter(n, 5, 900_000))).toEqual([0, 0, 1000, 2000, 4000, 512_000, 900_000, 900_000, 900_000]);
  });
});

describe('liveFailures', () => {
  it('forgets a count once no failure came for the memory (an hour, or twice the longest wait)', () => {
    expect(memoryMs(policy)).toBe(3_600_000);
    expect(memoryMs({ ...policy, maxDelayMs: 7_200_000 })).toBe(14_400_000);
    expect(liveFailures({ failures: 9, lastFailureAt: ago(3_599_999) }, now, policy)).toBe(9);
    expect(liveFailures({ failures: 9, lastFailureAt: ago(3_600_000) }, now, policy)).toBe(0);
    expect(liveFailures(undefined, now, policy)).toBe(0);
  });
});

describe('nextAttemptAt', () => {
  it('lets a pair without failures in, whatever the username has suffered elsewhere', () => {
    expect(nextAttemptAt(undefined, { failures: 10_000, lastFailureAt: now }, now, policy)).toBeNull();
    expect(nextAttemptAt({ failures: 3, lastFailureAt: ago(3_600_001) }, { failures: 10_000, lastFailureAt: now }, now, policy)).toBeNull();
  });
  it('makes a pair past its allowance wait from its last failure', () => {
    expect(nextAttemptAt({ failures: 4, lastFailureAt: now }, undefined, now, policy)).toBeNull();
    expect(nextAttemptAt({ failures: 5, lastFailureAt: now }, undefined, now, policy)).toEqual(new Date(now.getTime() + 1000));
    expect(nextAttemptAt({ failures: 7, lastFailureAt: ago(1000) }, undefined, now, policy)).toEqual(new Date(now.getTime() + 3000));
    expect(nextAttemptAt({ failures: 7, lastFailureAt: ago(4000) }, undefined, now, policy)).toBeNull();
  });
  it('takes the username ceiling when it is the longer wait', () => {
    expect(nextAttemptAt({ failures: 1, lastFailureAt: now }, { failures: 49, lastFailureAt: now }, now, policy)).toBeNull();
    expect(nextAttemptAt({ failures: 1, lastFailureAt: now }, { failures: 53, lastFailureAt: now }, now, policy)).toEqual(new Date(now.getTime() + 8000));
    expect(nextAttemptAt({ failures: 8, lastFailureAt: now }, { failures: 50, lastFailureAt: now }, now, policy)).toEqual(new Date(now.getTime() + 8000));
  });
});

describe('isThrottled', () => {
  it('is true while some IP or the username as a whole is past its allowance', () => {
    expect(isThrottled([{ failures: 4, lastFailureAt: now }], { failures: 4, lastFailureAt: now }, now, policy)).toBe(false);
    expect(isThrottled([{ failures: 4, lastFailureAt: now }, { failures: 5, lastFailureAt: now }], undefined, now, policy)).toBe(true);
    expect(isThrottled([], { failures: 50, lastFailureAt: now }, now, policy)).toBe(true);
    expect(isThrottled([{ failures: 50, lastFailureAt: ago(3_600_000) }], undefined, now, policy)).toBe(false);
  });
});

describe('settings', () => {
  it('defaults to 5 per (username, IP), 50 per username, 15 minutes at most', () => {
    const c = loadConfig({ NODE_ENV: 'test' });
    expect([c.loginFreeFailures, c.loginUserFreeFailures, c.loginMaxDelaySeconds]).toEqual([5, 50, 900]);
  });
  it('refuses the lock-out settings it replaced, naming the new ones', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', FENGQIAO_LOGIN_LOCK_MINUTES: '15' })).toThrow(/FENGQIAO_LOGIN_LOCK_MINUTES is no longer used.*FENGQIAO_LOGIN_MAX_DELAY_SECONDS/);
    expect(() => loadConfig({ NODE_ENV: 'test', FENGQIAO_LOGIN_MAX_FAILURES: '5' })).toThrow(/FENGQIAO_LOGIN_FREE_FAILURES/);
  });
});
