/**
 * Time source for all business code. Deadlines, timers and audit rows read the
 * injected clock so tests (and the `--test-clock` server) can move time forward
 * deterministically instead of waiting.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = {
  now: () => new Date(),
};

/** A clock that only moves when told to. Used by tests and by `serve --test-clock`. */
export class TestClock implements Clock {
  private current: number;

  constructor(start: Date = new Date()) {
    this.current = start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  set(to: Date): void {
    this.current = to.getTime();
  }

  advanceMinutes(minutes: number): Date {
    this.current += Math.round(minutes * 60_000);
    return this.now();
  }
}

export function isTestClock(clock: Clock): clock is TestClock {
  return clock instanceof TestClock;
}
