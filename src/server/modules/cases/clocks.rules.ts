/**
 * The clocks of a case or an order (SPEC §5): a deadline from a rule and a start, the three clocks of a case,
 * what is left of a paused clock and when a clock turns amber. Pure functions of (rule, start, calendar).
 */
import {
  addWorkingDays, addWorkingMinutes, addWorkingMs, assertValidInstant, endOfDay, workingMinutesBetween, workingMsBetween, MINUTE_MS,
  type WorkCalendar,
} from '../calendar/index.js';
import type { RiskLevel } from './grading.rules.js';
import { targetsFor, type ClockKind, type DeadlineSpec, type SlaPolicy } from './sla-policy.rules.js';

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

