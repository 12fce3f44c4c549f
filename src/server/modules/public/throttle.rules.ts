/**
 * Throttles of the resident portal (SPEC §12), as pure functions of the
 * recent attempts and the current time, so the windows are tested without a
 * database and without waiting.
 */

/** At most `max` events in any `windowMs`. */
export interface Window {
  max: number;
  windowMs: number;
}

/** One-time codes per phone: one a minute, five an hour. */
export const OTP_PHONE_WINDOWS: readonly Window[] = [
  { max: 1, windowMs: 60_000 },
  { max: 5, windowMs: 3_600_000 },
];
/** One-time codes per IP: generous (a service hall's residents share one address), still bounding SMS cost. */
export const OTP_IP_WINDOWS: readonly Window[] = [
  { max: 10, windowMs: 600_000 },
  { max: 30, windowMs: 3_600_000 },
];
/** Failed progress look-ups per IP (wrong tracking number or access code): ten in ten minutes. */
export const LOOKUP_FAILURE_WINDOW: Window = { max: 10, windowMs: 600_000 };

/** A code lives five minutes and takes at most five guesses. */
export const OTP_TTL_MS = 5 * 60_000;
export const OTP_MAX_ATTEMPTS = 5;
/** A verification token proves the phone for 30 minutes and may be used for several submissions in that time. */
export const VERIFICATION_TTL_MS = 30 * 60_000;

/**
 * When the next event is allowed, or null if it is allowed now. `times` are
 * earlier events (any order, any age). With `max` events inside a window, the
 * next one waits until the oldest of the latest `max` leaves the window.
 */
export function nextAllowedAt(times: readonly Date[], now: Date, windows: readonly Window[]): Date | null {
  let until: number | null = null;
  const sorted = times.map((t) => t.getTime()).sort((a, b) => b - a);
  for (const w of windows) {
    const inWindow = sorted.filter((t) => t > now.getTime() - w.windowMs && t <= now.getTime());
    if (inWindow.length >= w.max) {
      const freeAt = inWindow[w.max - 1] + w.windowMs;
      until = until === null ? freeAt : Math.max(until, freeAt);
    }
  }
  return until === null ? null : new Date(until);
}

/** "45秒" / "45 seconds", "3分钟" / "3 minutes": how long to wait, rounded up, in both languages. */
export function describeWait(ms: number): { waitZh: string; waitEn: string; seconds: number } {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 60) return { waitZh: `${seconds}秒`, waitEn: `${seconds} second${seconds === 1 ? '' : 's'}`, seconds };
  const minutes = Math.ceil(seconds / 60);
  return { waitZh: `${minutes}分钟`, waitEn: `${minutes} minute${minutes === 1 ? '' : 's'}`, seconds };
}

/** "10:32:05" in the district's zone: the wall-clock time a resident can retry at. */
export function clockTime(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(at);
}
