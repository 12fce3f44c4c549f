/**
 * Deadlines after the working calendar changed (issue 15): each working-time clock still running is computed
 * again from the same start and rule on the new calendar. Pure.
 *
 * - The start and rule of a clock are its origin: stored on the case when they are not the plain ones (a resumed
 *   clock runs its remaining working minutes from the resume; a breach escalation gives the new owner a fresh
 *   accept window from the breach; a major escalation gives 3 working days), else respond and accept run from
 *   intake on the policy's targets and resolve from its window's start (acceptance, reopening) — or, before
 *   acceptance, provisionally from the accept deadline.
 * - Calendar-time clocks (red and yellow respond/accept, "same day") do not depend on working days: untouched.
 * - A clock already due keeps its deadline: its breach was (or is being) recorded, and moving it would record
 *   it twice or take it back.
 */
import { addWorkingMinutes, type WorkCalendar } from '../calendar/index.js';
import { deadlineFor } from './clocks.rules.js';
import { clockKinds, runningClocks, type ClockFacts, type SlaClockName } from './cases.rules.js';
import type { DeadlineSpec, SlaTargets } from './sla-policy.rules.js';

/** Where a clock's current window started and on which rule. */
export interface ClockOrigin {
  start: string;
  spec: DeadlineSpec | { kind: 'working_minutes'; minutes: number };
}
export type ClockOrigins = Partial<Record<SlaClockName, ClockOrigin>>;

export interface DeadlineChange {
  clock: SlaClockName;
  from: Date;
  to: Date;
}

function due(origin: ClockOrigin, calendar: WorkCalendar): Date {
  const start = new Date(origin.start);
  // A remainder of working time is plain (possibly fractional) working minutes, which a policy spec cannot hold.
  return origin.spec.kind === 'working_minutes' ? addWorkingMinutes(start, Math.max(0, origin.spec.minutes), calendar) : deadlineFor(origin.spec, start, calendar);
}

export function recomputeWorkingClocks(
  facts: ClockFacts,
  origins: ClockOrigins,
  targets: SlaTargets,
  calendar: WorkCalendar,
  now: Date,
): DeadlineChange[] {
  const kinds = clockKinds(targets);
  const changes: DeadlineChange[] = [];
  let acceptBy = facts.accept_by;
  for (const clock of runningClocks(facts, kinds)) {
    if (clock.kind !== 'working' || clock.due.getTime() <= now.getTime()) continue;
    let origin = origins[clock.clock];
    if (!origin) {
      if (clock.clock === 'resolve') {
        const start = facts.resolveStart ?? acceptBy;
        if (!start) continue;
        origin = { start: start.toISOString(), spec: targets.resolve };
      } else origin = { start: facts.created_at.toISOString(), spec: targets[clock.clock] };
    }
    const to = due(origin, calendar);
    if (clock.clock === 'accept') acceptBy = to;
    if (to.getTime() !== clock.due.getTime()) changes.push({ clock: clock.clock, from: clock.due, to });
  }
  return changes;
}
