/**
 * Working time on China's calendar (SPEC §5) — pure functions of (calendar, instant), no I/O.
 *
 * Time zone: every instant is a `Date` (UTC internally), but days, office hours and "same day"
 * are those of Asia/Shanghai. China has had no daylight saving time since 1991, so a fixed
 * +08:00 offset is exact for every date this system will see and keeps the code independent of
 * the host's TZ and of the ICU data shipped with Node.
 *
 * Which dates are working days is an input (`WorkCalendarOptions.isWorkday`): the calendar module
 * builds it from its day table (the package's, the statutory derivation, imported notices and a
 * district's own changes); this file only does the arithmetic.
 */
export const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
export const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * 60 * 1000;
/** A guard against endless loops when a calendar has (almost) no working days. */
const MAX_DAYS_SCANNED = 3 * 366;

// ---------------------------------------------------------------------------------------------
// Shanghai wall-clock helpers
// ---------------------------------------------------------------------------------------------

/** The Shanghai calendar date (`YYYY-MM-DD`) of an instant. */
export function shanghaiDate(instant: Date): string {
  return new Date(instant.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** Milliseconds since Shanghai midnight of the given instant. */
function shanghaiMsOfDay(instant: Date): number {
  const local = instant.getTime() + SHANGHAI_OFFSET_MS;
  return ((local % DAY_MS) + DAY_MS) % DAY_MS;
}

/** The instant of Shanghai midnight starting the given `YYYY-MM-DD`. */
export function shanghaiMidnight(date: string): number {
  return Date.parse(`${date}T00:00:00.000Z`) - SHANGHAI_OFFSET_MS;
}

export function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + DAY_MS).toISOString().slice(0, 10);
}

export const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

function toDateString(date: string | Date): string {
  if (date instanceof Date) {
    if (Number.isNaN(date.getTime())) throw new RangeError('invalid Date');
    return shanghaiDate(date);
  }
  if (!DATE_RE.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00.000Z`))) {
    throw new RangeError(`expected YYYY-MM-DD, got ${JSON.stringify(date)}`);
  }
  return date;
}

export function assertValidInstant(d: Date, name: string): void {
  if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new RangeError(`${name} must be a valid Date`);
}

// ---------------------------------------------------------------------------------------------
// Work calendar
// ---------------------------------------------------------------------------------------------

/** An office-hours period in Shanghai wall-clock time, `HH:MM` (end exclusive, `24:00` allowed). */
export interface OfficePeriod {
  start: string;
  end: string;
}

export interface WorkCalendarOptions {
  /** Default 09:00–12:00 and 14:00–18:00. Must be sorted and non-overlapping. */
  officeHours?: readonly OfficePeriod[];
  /** A case accepted strictly after this time gets the next day for "same day". Default 18:00. */
  sameDayCutoff?: string;
  /**
   * Whether a Shanghai date (`YYYY-MM-DD`) is a working day: the day table's answer (holidays off,
   * 调休 weekend days on). Defaults to plain Monday–Friday, which only tests and tools should rely on.
   */
  isWorkday?: (date: string) => boolean;
}

/** Office hours resolved to minutes since midnight, `[startMinute, endMinute)`. */
export interface ResolvedPeriod {
  startMinute: number;
  endMinute: number;
}

export interface WorkCalendar {
  readonly periods: readonly ResolvedPeriod[];
  /** Minutes since midnight; see `WorkCalendarOptions.sameDayCutoff`. */
  readonly sameDayCutoffMinute: number;
  /** Working minutes in one working day (420 with the defaults). */
  readonly minutesPerDay: number;
  /** Accepts a `YYYY-MM-DD` Shanghai date, or an instant (its Shanghai date is used). */
  isWorkingDay(date: string | Date): boolean;
}

export const DEFAULT_OFFICE_HOURS: readonly OfficePeriod[] = Object.freeze([
  { start: '09:00', end: '12:00' },
  { start: '14:00', end: '18:00' },
]);
export const DEFAULT_SAME_DAY_CUTOFF = '18:00';

function parseHHMM(s: string, what: string): number {
  const m = /^(\d{2}):(\d{2})$/.exec(s);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || Number(m[2]) > 59 || minutes > 24 * 60) throw new RangeError(`${what}: expected HH:MM, got ${JSON.stringify(s)}`);
  return minutes;
}

/** Monday to Friday: the rule for any date no day table lists. */
export function isWeekday(date: string): boolean {
  const weekday = new Date(`${date}T00:00:00.000Z`).getUTCDay();
  return weekday >= 1 && weekday <= 5;
}

/**
 * Builds the calendar all working-time arithmetic runs on. Office hours are configuration
 * (SPEC §5: "all configurable"), so they are validated here once instead of in every function.
 */
export function createWorkCalendar(options: WorkCalendarOptions = {}): WorkCalendar {
  const raw = options.officeHours ?? DEFAULT_OFFICE_HOURS;
  if (raw.length === 0) throw new RangeError('officeHours: at least one period is required');
  const periods: ResolvedPeriod[] = raw.map((p, i) => ({
    startMinute: parseHHMM(p.start, `officeHours[${i}].start`),
    endMinute: parseHHMM(p.end, `officeHours[${i}].end`),
  }));
  periods.forEach((p, i) => {
    if (p.endMinute <= p.startMinute) throw new RangeError(`officeHours[${i}]: end must be after start`);
    const prev = periods[i - 1];
    if (prev && p.startMinute < prev.endMinute) throw new RangeError(`officeHours[${i}]: overlaps or is out of order`);
  });
  const sameDayCutoffMinute = parseHHMM(options.sameDayCutoff ?? DEFAULT_SAME_DAY_CUTOFF, 'sameDayCutoff');
  const isWorkday = options.isWorkday ?? isWeekday;
  const cache = new Map<string, boolean>();
  return Object.freeze({
    periods: Object.freeze(periods),
    sameDayCutoffMinute,
    minutesPerDay: periods.reduce((sum, p) => sum + p.endMinute - p.startMinute, 0),
    isWorkingDay(date: string | Date): boolean {
      const d = toDateString(date);
      let v = cache.get(d);
      if (v === undefined) {
        v = isWorkday(d);
        if (cache.size > 4096) cache.clear();
        cache.set(d, v);
      }
      return v;
    },
  });
}

/** Absolute office-hours segments `[start, end)` (epoch ms) of one Shanghai date, empty on days off. */
function segmentsOf(date: string, cal: WorkCalendar): Array<[number, number]> {
  if (!cal.isWorkingDay(date)) return [];
  const midnight = shanghaiMidnight(date);
  return cal.periods.map((p) => [midnight + p.startMinute * MINUTE_MS, midnight + p.endMinute * MINUTE_MS]);
}

/** Adds working milliseconds; the workhorse behind minutes, resume and warnings. */
export function addWorkingMs(start: Date, ms: number, cal: WorkCalendar): Date {
  assertValidInstant(start, 'start');
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError('working time must be a non-negative number');
  if (ms === 0) return new Date(start.getTime());
  let remaining = ms;
  let date = shanghaiDate(start);
  for (let i = 0; i < MAX_DAYS_SCANNED; i++, date = nextDate(date)) {
    for (const [segStart, segEnd] of segmentsOf(date, cal)) {
      const from = Math.max(segStart, start.getTime());
      if (from >= segEnd) continue;
      const available = segEnd - from;
      // `<=`: a deadline that uses up a period exactly lands on its end (Fri 18:00), not on the
      // next opening — the same working instant, but the earlier wall-clock reading.
      if (remaining <= available) return new Date(from + remaining);
      remaining -= available;
    }
  }
  throw new RangeError(`no working time found within ${MAX_DAYS_SCANNED} days`);
}

/** Working milliseconds in `[from, to)`; 0 when `to` is not after `from`. */
export function workingMsBetween(from: Date, to: Date, cal: WorkCalendar): number {
  assertValidInstant(from, 'from');
  assertValidInstant(to, 'to');
  if (to.getTime() <= from.getTime()) return 0;
  let total = 0;
  const last = shanghaiDate(to);
  for (let date = shanghaiDate(from), i = 0; i <= MAX_DAYS_SCANNED * 10; date = nextDate(date), i++) {
    for (const [segStart, segEnd] of segmentsOf(date, cal)) {
      const a = Math.max(segStart, from.getTime());
      const b = Math.min(segEnd, to.getTime());
      if (b > a) total += b - a;
    }
    if (date === last) return total;
  }
  throw new RangeError('interval too long');
}

/**
 * Working minutes between two instants. Exposed so reports and the suspend logic measure
 * "how much of the window is left" on the same clock the deadline was computed on.
 * May carry a fraction of a minute (exact to the millisecond).
 */
export function workingMinutesBetween(from: Date, to: Date, cal: WorkCalendar): number {
  return workingMsBetween(from, to, cal) / MINUTE_MS;
}

/**
 * The instant `minutes` of office time after `start`. Blue cases' clocks only run while the
 * office is open (SPEC §5), so nights, lunch breaks, weekends and holidays are skipped, and
 * 调休 weekend days count. Zero minutes returns `start` unchanged (due immediately).
 */
export function addWorkingMinutes(start: Date, minutes: number, cal: WorkCalendar): Date {
  return addWorkingMs(start, minutes * MINUTE_MS, cal);
}

/** The first instant at or after `t` that is inside office hours. */
export function nextOfficeInstant(t: Date, cal: WorkCalendar): Date {
  assertValidInstant(t, 't');
  let date = shanghaiDate(t);
  for (let i = 0; i < MAX_DAYS_SCANNED; i++, date = nextDate(date)) {
    for (const [segStart, segEnd] of segmentsOf(date, cal)) {
      if (t.getTime() < segEnd) return new Date(Math.max(segStart, t.getTime()));
    }
  }
  throw new RangeError(`no working time found within ${MAX_DAYS_SCANNED} days`);
}

/**
 * `n` working days after `start`: the same office time of day on the n-th following working
 * day. This is how staff read "1 working day" (Mon 10:30 → Tue 10:30) and it does not depend on
 * how many office hours a day has.
 *
 * Decision: a start outside office hours (evening, lunch break, weekend, holiday) is first moved
 * to the next office opening, so a case filed Friday 19:00 is treated as filed Monday 09:00 and
 * one working day later is Tuesday 09:00; a case filed 12:30 counts from 14:00. `n = 0` returns
 * that normalised start.
 */
export function addWorkingDays(start: Date, n: number, cal: WorkCalendar): Date {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError('n must be a non-negative integer');
  const from = nextOfficeInstant(start, cal);
  const timeOfDay = shanghaiMsOfDay(from);
  let date = shanghaiDate(from);
  let left = n;
  for (let i = 0; left > 0; i++) {
    if (i > MAX_DAYS_SCANNED) throw new RangeError(`no working day found within ${MAX_DAYS_SCANNED} days`);
    date = nextDate(date);
    if (cal.isWorkingDay(date)) left--;
  }
  return new Date(shanghaiMidnight(date) + timeOfDay);
}

/**
 * The "same day" deadline: 23:59:59.999 Shanghai of the start's day, or of the next calendar
 * day when the start is strictly after the cutoff (default 18:00; exactly 18:00:00.000 still
 * counts as the same day). SPEC §5: "a case accepted after 18:00 gets the next day". This is a
 * calendar rule: weekends and holidays do not move it (red and yellow cases run around the clock).
 */
export function endOfDay(start: Date, cal: WorkCalendar): Date {
  assertValidInstant(start, 'start');
  const date = shanghaiDate(start);
  const target = shanghaiMsOfDay(start) > cal.sameDayCutoffMinute * MINUTE_MS ? nextDate(date) : date;
  return new Date(shanghaiMidnight(target) + DAY_MS - 1);
}
