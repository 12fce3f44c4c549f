/**
 * Deadlines (SLA), SPEC §5 — pure functions of (policy, calendar, start instant), no I/O.
 *
 * Time zone: every instant is a `Date` (UTC internally), but days, office hours and "same day"
 * are those of Asia/Shanghai. China has had no daylight saving time since 1991, so a fixed
 * +08:00 offset is exact for every date this system will see and keeps the code independent of
 * the host's TZ and of the ICU data shipped with Node.
 *
 * Calendar: statutory holidays and 调休 working days come from the maintained `chinese-days`
 * package (never a hand-kept list). We read the data file the package ships for this purpose
 * (`dist/chinese-days.json`, documented in its README) rather than calling its `isWorkday`:
 * chinese-days 1.5.7 parses `YYYY-MM-DD` as UTC midnight but reads it back with local-time
 * getters, so on any host west of UTC every answer is shifted by one day (a Saturday reads as
 * the Friday before). The rule applied to the data is the package's own: a listed 调休 working day
 * works; otherwise Monday–Friday works unless listed as a holiday. For a year the package does
 * not cover yet this is plain Monday–Friday, so bump the package when the State Council publishes
 * the next year's schedule (usually in November); `holidayDataCovers` lets a health check warn.
 */
import { createRequire } from 'node:module';
import { COMMON_REASONS, l } from '../../platform/messages.js';
import type { RiskLevel, ValidationIssue } from './grading.rules.js';

/** Asia/Shanghai offset from UTC, fixed (no DST). */
export const SHANGHAI_OFFSET_MS = 8 * 60 * 60 * 1000;
const MINUTE_MS = 60_000;
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
function shanghaiMidnight(date: string): number {
  return Date.parse(`${date}T00:00:00.000Z`) - SHANGHAI_OFFSET_MS;
}

function nextDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + DAY_MS).toISOString().slice(0, 10);
}

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

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

function assertValidInstant(d: Date, name: string): void {
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
   * Whether a Shanghai date is a working day. Defaults to the `chinese-days` data (holidays off,
   * 调休 weekend days on). Override only to add local closures on top of it, e.g. a typhoon day.
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

interface ChineseDaysData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

function loadChineseDays(): ChineseDaysData {
  const raw: unknown = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json');
  const isMap = (v: unknown): v is Record<string, string> =>
    typeof v === 'object' && v !== null && Object.entries(v).every(([k, x]) => DATE_RE.test(k) && typeof x === 'string');
  if (typeof raw !== 'object' || raw === null || !('holidays' in raw) || !('workdays' in raw) || !isMap(raw.holidays) || !isMap(raw.workdays)) {
    throw new Error('chinese-days/dist/chinese-days.json has an unexpected shape; check the package version');
  }
  return { holidays: raw.holidays, workdays: raw.workdays };
}

const CHINESE_DAYS = loadChineseDays();

/** China's official working days: 调休 days work, holidays do not, else Monday–Friday. */
function chineseWorkday(date: string): boolean {
  if (Object.hasOwn(CHINESE_DAYS.workdays, date)) return true;
  if (Object.hasOwn(CHINESE_DAYS.holidays, date)) return false;
  const weekday = new Date(`${date}T00:00:00.000Z`).getUTCDay();
  return weekday >= 1 && weekday <= 5;
}

/**
 * Whether the installed `chinese-days` knows the holidays of `year`. Beyond it every weekday
 * counts as working, so the server should warn (not fail) when the current year is not covered.
 */
export function holidayDataCovers(year: number): boolean {
  const prefix = `${year}-`;
  return Object.keys(CHINESE_DAYS.holidays).some((d) => d.startsWith(prefix));
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
  const isWorkday = options.isWorkday ?? chineseWorkday;
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

/** The calendar with SPEC defaults; shared because it is immutable. */
export const DEFAULT_WORK_CALENDAR: WorkCalendar = createWorkCalendar();

/** Absolute office-hours segments `[start, end)` (epoch ms) of one Shanghai date, empty on days off. */
function segmentsOf(date: string, cal: WorkCalendar): Array<[number, number]> {
  if (!cal.isWorkingDay(date)) return [];
  const midnight = shanghaiMidnight(date);
  return cal.periods.map((p) => [midnight + p.startMinute * MINUTE_MS, midnight + p.endMinute * MINUTE_MS]);
}

/** Adds working milliseconds; the workhorse behind minutes, resume and warnings. */
function addWorkingMs(start: Date, ms: number, cal: WorkCalendar): Date {
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
function workingMsBetween(from: Date, to: Date, cal: WorkCalendar): number {
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
export function endOfDay(start: Date, cal: WorkCalendar = DEFAULT_WORK_CALENDAR): Date {
  assertValidInstant(start, 'start');
  const date = shanghaiDate(start);
  const target = shanghaiMsOfDay(start) > cal.sameDayCutoffMinute * MINUTE_MS ? nextDate(date) : date;
  return new Date(shanghaiMidnight(target) + DAY_MS - 1);
}

// ---------------------------------------------------------------------------------------------
// SLA policy
// ---------------------------------------------------------------------------------------------

/** Defaults are shared module state: freeze them all the way down so no caller can edit them. */
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

export type ClockKind = 'calendar' | 'working';

/** One deadline rule; data, so an admin can edit it and it can be stored as JSON. */
export type DeadlineSpec =
  | { kind: 'minutes'; minutes: number; clock: ClockKind }
  | { kind: 'working_days'; days: number }
  | { kind: 'same_day' };

export const SLA_CLOCKS = ['respond', 'accept', 'resolve'] as const;
export type SlaClock = (typeof SLA_CLOCKS)[number];

export type SlaTargets = Record<SlaClock, DeadlineSpec>;

/** Intake channels (SPEC §1) that may carry an SLA override. */
export const SLA_CHANNELS = ['walk_in', 'hotline', 'online', 'qr', 'grid', 'secretary', 'open311', 'api'] as const;
export type SlaChannel = (typeof SLA_CHANNELS)[number];

/**
 * Targets per risk level, plus per-channel overrides. An override replaces the level's target
 * for the clocks it names, whatever the level (书记在线 promises 10/30 min and same day to everyone).
 */
export interface SlaPolicy {
  levels: Record<RiskLevel, SlaTargets>;
  channels: Partial<Record<SlaChannel, Partial<SlaTargets>>>;
  /** Days a resolved case waits for the resident's objection before it confirms itself (SPEC §3, default 3). */
  autoConfirmDays: number;
}

/** The longest wait for a resident's objection an admin may set. */
export const MAX_AUTO_CONFIRM_DAYS = 30;

/** 书记在线: notify in 10 min, handle in 30 min, basically complete the same day. */
export const SECRETARY_SLA: Readonly<SlaTargets> = Object.freeze({
  respond: { kind: 'minutes', minutes: 10, clock: 'calendar' },
  accept: { kind: 'minutes', minutes: 30, clock: 'calendar' },
  resolve: { kind: 'same_day' },
});

/** A case escalated as major/difficult (重大疑难) gets 3 working days from the escalation. */
export const MAJOR_ESCALATION_RESOLVE: Readonly<DeadlineSpec> = Object.freeze({ kind: 'working_days', days: 3 });

/** SPEC §5 defaults. Red and yellow run around the clock; blue runs in working time. */
export const DEFAULT_SLA_POLICY: Readonly<SlaPolicy> = deepFreeze({
  levels: {
    red: {
      respond: { kind: 'minutes', minutes: 10, clock: 'calendar' },
      accept: { kind: 'minutes', minutes: 30, clock: 'calendar' },
      resolve: { kind: 'same_day' },
    },
    yellow: {
      respond: { kind: 'minutes', minutes: 30, clock: 'calendar' },
      accept: { kind: 'minutes', minutes: 120, clock: 'calendar' },
      resolve: { kind: 'same_day' },
    },
    blue: {
      respond: { kind: 'minutes', minutes: 120, clock: 'working' },
      accept: { kind: 'working_days', days: 1 },
      resolve: { kind: 'working_days', days: 3 },
    },
  },
  channels: { secretary: SECRETARY_SLA },
  autoConfirmDays: 3,
} satisfies SlaPolicy);

/** Which clock a spec runs on; suspend/resume and warnings must measure on that same clock. */
export function clockKindOf(spec: DeadlineSpec): ClockKind {
  switch (spec.kind) {
    case 'minutes':
      return spec.clock;
    case 'working_days':
      return 'working';
    case 'same_day':
      return 'calendar';
  }
}

/**
 * The single primitive every deadline goes through (case clocks, escalations, orders), so the
 * three kinds of rule behave identically wherever they are used.
 */
export function deadlineFor(spec: DeadlineSpec, start: Date, calendar: WorkCalendar): Date {
  assertValidInstant(start, 'start');
  switch (spec.kind) {
    case 'minutes':
      return spec.clock === 'calendar'
        ? new Date(start.getTime() + spec.minutes * MINUTE_MS)
        : addWorkingMinutes(start, spec.minutes, calendar);
    case 'working_days':
      return addWorkingDays(start, spec.days, calendar);
    case 'same_day':
      return endOfDay(start, calendar);
  }
}

/** The targets that apply to a case: the level's, with the channel's override on top. */
export function targetsFor(policy: Readonly<SlaPolicy>, level: RiskLevel, channel?: string | null): SlaTargets {
  const base = policy.levels[level];
  const override: Partial<SlaTargets> =
    channel && (SLA_CHANNELS as readonly string[]).includes(channel) ? (policy.channels[channel as SlaChannel] ?? {}) : {};
  return {
    respond: override.respond ?? base.respond,
    accept: override.accept ?? base.accept,
    resolve: override.resolve ?? base.resolve,
  };
}

export interface ComputeDeadlinesInput {
  policy: Readonly<SlaPolicy>;
  level: RiskLevel;
  channel?: string | null;
  createdAt: Date;
  acceptedAt?: Date | null;
  calendar: WorkCalendar;
}

export interface CaseDeadlines {
  respondBy: Date;
  acceptBy: Date;
  resolveBy: Date;
  /** True when `resolveBy` was computed from `acceptBy` because the case is not accepted yet. */
  resolveProvisional: boolean;
}

/**
 * The three clocks of a case (SPEC §5). Respond and accept run from creation; resolve runs from
 * acceptance. Before acceptance, resolve is computed provisionally from the accept deadline —
 * the latest acceptance that is still on time — so the case card and the ledgers always show a
 * resolve date; the service recomputes it (`resolveProvisional: false`) once the case is accepted.
 */
export function computeDeadlines(input: ComputeDeadlinesInput): CaseDeadlines {
  const { policy, level, channel, createdAt, acceptedAt, calendar } = input;
  const targets = targetsFor(policy, level, channel);
  const respondBy = deadlineFor(targets.respond, createdAt, calendar);
  const acceptBy = deadlineFor(targets.accept, createdAt, calendar);
  const resolveStart = acceptedAt ?? acceptBy;
  return {
    respondBy,
    acceptBy,
    resolveBy: deadlineFor(targets.resolve, resolveStart, calendar),
    resolveProvisional: !acceptedAt,
  };
}

// ---------------------------------------------------------------------------------------------
// Suspend / resume and warnings
// ---------------------------------------------------------------------------------------------

/** Time left on a paused clock, in the unit of that clock. Stored on the case while suspended. */
export type Remaining = { clock: 'calendar'; ms: number } | { clock: 'working'; minutes: number };

/**
 * What is left of a window when the case is suspended (SPEC §5: suspended cases stop their
 * clocks). Measured on the clock the deadline runs on, so a blue case suspended on Friday
 * afternoon does not lose the weekend. A window already over when suspended is left as 0: the
 * breach was recorded when it happened, and resuming makes the deadline due at once.
 */
export function remainingOnSuspend(deadline: Date, suspendedAt: Date, clock: ClockKind, calendar: WorkCalendar): Remaining {
  assertValidInstant(deadline, 'deadline');
  assertValidInstant(suspendedAt, 'suspendedAt');
  return clock === 'calendar'
    ? { clock: 'calendar', ms: Math.max(0, deadline.getTime() - suspendedAt.getTime()) }
    : { clock: 'working', minutes: workingMinutesBetween(suspendedAt, deadline, calendar) };
}

/** The new deadline after a resume: the stored remainder, counted on the same kind of clock. */
export function resumeDeadline(remaining: Remaining, resumedAt: Date, calendar: WorkCalendar): Date {
  assertValidInstant(resumedAt, 'resumedAt');
  return remaining.clock === 'calendar'
    ? new Date(resumedAt.getTime() + Math.max(0, remaining.ms))
    : addWorkingMinutes(resumedAt, Math.max(0, remaining.minutes), calendar);
}

export const DEFAULT_WARNING_FRACTION = 0.8;

/**
 * When the case turns amber (SPEC §5: at 80% of any window). For a working clock the fraction is
 * of working time, so a blue case's warning never fires at night or on a holiday. Rounded to the
 * nearest millisecond. A window that is empty or inverted warns at its deadline.
 */
export function warningAt(
  start: Date,
  deadline: Date,
  fraction: number = DEFAULT_WARNING_FRACTION,
  calendar: WorkCalendar,
  clockKind: ClockKind,
): Date {
  assertValidInstant(start, 'start');
  assertValidInstant(deadline, 'deadline');
  if (!Number.isFinite(fraction) || fraction < 0 || fraction > 1) throw new RangeError('fraction must be within [0, 1]');
  if (deadline.getTime() <= start.getTime()) return new Date(deadline.getTime());
  if (clockKind === 'calendar') {
    return new Date(start.getTime() + Math.round((deadline.getTime() - start.getTime()) * fraction));
  }
  const total = workingMsBetween(start, deadline, calendar);
  if (total === 0) return new Date(deadline.getTime());
  return addWorkingMs(start, Math.round(total * fraction), calendar);
}

// ---------------------------------------------------------------------------------------------
// Validation of admin-edited policies
// ---------------------------------------------------------------------------------------------

export type SlaValidationResult = { ok: true; policy: SlaPolicy } | { ok: false; issues: ValidationIssue[] };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPositiveInt(v: unknown, max: number): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 1 && v <= max;
}

const MAX_MINUTES = 365 * 24 * 60;
const MAX_DAYS = 365;

function checkSpec(v: unknown, path: string, issues: ValidationIssue[]): DeadlineSpec | null {
  if (!isRecord(v)) {
    issues.push({ path, reason: COMMON_REASONS.notAnObject });
    return null;
  }
  const unknownKeys = (allowed: string[]): void => {
    for (const k of Object.keys(v)) if (!allowed.includes(k)) issues.push({ path: `${path}.${k}`, reason: COMMON_REASONS.unknownKey });
  };
  switch (v.kind) {
    case 'minutes': {
      unknownKeys(['kind', 'minutes', 'clock']);
      const before = issues.length;
      if (!isPositiveInt(v.minutes, MAX_MINUTES)) issues.push({ path: `${path}.minutes`, reason: l(`应为1到${MAX_MINUTES}之间的整数`, `must be an integer from 1 to ${MAX_MINUTES}`) });
      if (v.clock !== 'calendar' && v.clock !== 'working') issues.push({ path: `${path}.clock`, reason: l('应为 calendar（自然时间）或 working（工作时间）', 'must be calendar or working') });
      return issues.length === before ? { kind: 'minutes', minutes: v.minutes as number, clock: v.clock as ClockKind } : null;
    }
    case 'working_days':
      unknownKeys(['kind', 'days']);
      if (!isPositiveInt(v.days, MAX_DAYS)) {
        issues.push({ path: `${path}.days`, reason: l(`应为1到${MAX_DAYS}之间的整数`, `must be an integer from 1 to ${MAX_DAYS}`) });
        return null;
      }
      return { kind: 'working_days', days: v.days };
    case 'same_day':
      unknownKeys(['kind']);
      return { kind: 'same_day' };
    default:
      issues.push({ path: `${path}.kind`, reason: l('应为 minutes（分钟）、working_days（工作日）或 same_day（当日）', 'must be minutes, working_days or same_day') });
      return null;
  }
}

function checkTargets(v: unknown, path: string, partial: boolean, issues: ValidationIssue[]): Partial<SlaTargets> {
  if (!isRecord(v)) {
    issues.push({ path, reason: COMMON_REASONS.notAnObject });
    return {};
  }
  const out: Partial<SlaTargets> = {};
  for (const k of Object.keys(v)) {
    if (!(SLA_CLOCKS as readonly string[]).includes(k)) issues.push({ path: `${path}.${k}`, reason: COMMON_REASONS.unknownKey });
  }
  for (const clock of SLA_CLOCKS) {
    if (!(clock in v)) {
      if (!partial) issues.push({ path: `${path}.${clock}`, reason: COMMON_REASONS.required });
      continue;
    }
    const spec = checkSpec(v[clock], `${path}.${clock}`, issues);
    if (spec) out[clock] = spec;
  }
  return out;
}

/**
 * The write-time gate for admin-edited SLA policies: every level needs all three clocks with
 * positive integer durations, and channel overrides may only name known channels and clocks
 * (a typo like `secretery` would otherwise silently do nothing).
 */
export function validateSlaPolicy(policy: unknown): SlaValidationResult {
  const issues: ValidationIssue[] = [];
  if (!isRecord(policy)) return { ok: false, issues: [{ path: '', reason: COMMON_REASONS.notAnObject }] };
  for (const k of Object.keys(policy)) {
    if (k !== 'levels' && k !== 'channels' && k !== 'autoConfirmDays') issues.push({ path: k, reason: COMMON_REASONS.unknownKey });
  }
  // Optional on write, so a policy edited before the field existed stays valid: absent means the default.
  const autoConfirmDays = policy.autoConfirmDays ?? DEFAULT_SLA_POLICY.autoConfirmDays;
  if (!isPositiveInt(autoConfirmDays, MAX_AUTO_CONFIRM_DAYS)) {
    issues.push({ path: 'autoConfirmDays', reason: l(`应为1到${MAX_AUTO_CONFIRM_DAYS}之间的整数`, `must be an integer from 1 to ${MAX_AUTO_CONFIRM_DAYS}`) });
  }
  const levels: Partial<Record<RiskLevel, Partial<SlaTargets>>> = {};
  if (!isRecord(policy.levels)) {
    issues.push({ path: 'levels', reason: COMMON_REASONS.notAnObject });
  } else {
    for (const k of Object.keys(policy.levels)) {
      if (k !== 'red' && k !== 'yellow' && k !== 'blue') issues.push({ path: `levels.${k}`, reason: l('不认识的风险等级', 'unknown level') });
    }
    for (const level of ['red', 'yellow', 'blue'] as const) {
      if (!(level in policy.levels)) issues.push({ path: `levels.${level}`, reason: COMMON_REASONS.required });
      else levels[level] = checkTargets(policy.levels[level], `levels.${level}`, false, issues);
    }
  }
  const channels: Partial<Record<SlaChannel, Partial<SlaTargets>>> = {};
  if (policy.channels !== undefined) {
    if (!isRecord(policy.channels)) {
      issues.push({ path: 'channels', reason: COMMON_REASONS.notAnObject });
    } else {
      for (const [k, v] of Object.entries(policy.channels)) {
        if (!(SLA_CHANNELS as readonly string[]).includes(k)) {
          issues.push({ path: `channels.${k}`, reason: l(`不认识的渠道（应为以下之一：${SLA_CHANNELS.join('、')}）`, `unknown channel (one of ${SLA_CHANNELS.join(', ')})`) });
        } else {
          channels[k as SlaChannel] = checkTargets(v, `channels.${k}`, true, issues);
        }
      }
    }
  }
  if (issues.length > 0) return { ok: false, issues };
  return { ok: true, policy: { levels: levels as Record<RiskLevel, SlaTargets>, channels, autoConfirmDays: autoConfirmDays as number } };
}
