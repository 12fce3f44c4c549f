import { describe, it, expect } from 'vitest';
import { DEFAULT_WORK_CALENDAR, createWorkCalendar } from '../calendar/index.js';
import { computeDeadlines, deadlineFor, remainingOnSuspend, resumeDeadline, warningAt } from './clocks.rules.js';
import { DEFAULT_SLA_POLICY, MAJOR_ESCALATION_RESOLVE, SECRETARY_SLA, clockKindOf, type SlaPolicy } from './sla-policy.rules.js';

/**
 * Inputs are written in Shanghai wall-clock time (parsed natively by `Date` from an explicit
 * +08:00 offset); expected outputs are asserted as UTC ISO strings, with the Shanghai reading in
 * a comment (UTC = Shanghai − 8 h). Neither side goes through the code under test.
 *
 * The 2026 calendar facts these tests rely on (from chinese-days, checked in the first block):
 * - Spring Festival: Sat Feb 14 is a 调休 working day; Sun Feb 15 – Mon Feb 23 off; Sat Feb 28 working.
 * - Mid-autumn: Fri Sep 25 off. National Day: Sun Sep 20 working (调休); Oct 1–7 off; Sat Oct 10
 *   working (调休); Sun Oct 11 off.
 * - An ordinary weekend: Fri Mar 13, Sat Mar 14, Sun Mar 15, Mon Mar 16 2026.
 */
const sh = (local: string): Date => new Date(`${local}+08:00`);
const iso = (d: Date): string => d.toISOString();
const cal = DEFAULT_WORK_CALENDAR;

describe('deadlineFor', () => {
  const start = sh('2026-03-13T17:00'); // Fri
  it('dispatches on the spec kind', () => {
    expect(iso(deadlineFor({ kind: 'minutes', minutes: 120, clock: 'calendar' }, start, cal))).toBe('2026-03-13T11:00:00.000Z'); // Fri 19:00
    expect(iso(deadlineFor({ kind: 'minutes', minutes: 120, clock: 'working' }, start, cal))).toBe('2026-03-16T02:00:00.000Z'); // Mon 10:00
    expect(iso(deadlineFor({ kind: 'working_days', days: 1 }, start, cal))).toBe('2026-03-16T09:00:00.000Z'); // Mon 17:00
    expect(iso(deadlineFor({ kind: 'same_day' }, start, cal))).toBe('2026-03-13T15:59:59.999Z'); // Fri 23:59:59.999
  });

  it('major escalation: 3 working days from the escalation, across National Day', () => {
    // Tue Sep 29 15:00 → Sep 30, Oct 8, Oct 9 → Fri Oct 9 15:00
    expect(iso(deadlineFor(MAJOR_ESCALATION_RESOLVE, sh('2026-09-29T15:00'), cal))).toBe('2026-10-09T07:00:00.000Z');
  });

  it('maps each spec to its clock', () => {
    expect(clockKindOf({ kind: 'minutes', minutes: 1, clock: 'working' })).toBe('working');
    expect(clockKindOf({ kind: 'minutes', minutes: 1, clock: 'calendar' })).toBe('calendar');
    expect(clockKindOf({ kind: 'working_days', days: 1 })).toBe('working');
    expect(clockKindOf({ kind: 'same_day' })).toBe('calendar');
  });
});

describe('computeDeadlines', () => {
  const base = { policy: DEFAULT_SLA_POLICY, calendar: cal, channel: 'hotline' };
  const out = (d: ReturnType<typeof computeDeadlines>) => ({
    respondBy: iso(d.respondBy),
    acceptBy: iso(d.acceptBy),
    resolveBy: iso(d.resolveBy),
    resolveProvisional: d.resolveProvisional,
  });

  it('red on National Day runs around the clock', () => {
    const d = computeDeadlines({ ...base, level: 'red', createdAt: sh('2026-10-01T10:00'), acceptedAt: sh('2026-10-01T10:20') });
    expect(out(d)).toEqual({
      respondBy: '2026-10-01T02:10:00.000Z', // Oct 1 10:10
      acceptBy: '2026-10-01T02:30:00.000Z', // Oct 1 10:30
      resolveBy: '2026-10-01T15:59:59.999Z', // Oct 1 23:59:59.999
      resolveProvisional: false,
    });
  });

  it('red accepted at 18:30 resolves by the next day 23:59:59.999', () => {
    const d = computeDeadlines({ ...base, level: 'red', createdAt: sh('2026-03-16T18:15'), acceptedAt: sh('2026-03-16T18:30') });
    expect(out(d)).toEqual({
      respondBy: '2026-03-16T10:25:00.000Z', // Mon 18:25
      acceptBy: '2026-03-16T10:45:00.000Z', // Mon 18:45
      resolveBy: '2026-03-17T15:59:59.999Z', // Tue 23:59:59.999
      resolveProvisional: false,
    });
  });

  it('yellow on an ordinary Saturday; resolve is provisional until accepted', () => {
    const created = sh('2026-03-14T17:00');
    expect(out(computeDeadlines({ ...base, level: 'yellow', createdAt: created }))).toEqual({
      respondBy: '2026-03-14T09:30:00.000Z', // Sat 17:30
      acceptBy: '2026-03-14T11:00:00.000Z', // Sat 19:00
      resolveBy: '2026-03-15T15:59:59.999Z', // from acceptBy 19:00 (> 18:00) → Sun 23:59:59.999
      resolveProvisional: true,
    });
    const accepted = computeDeadlines({ ...base, level: 'yellow', createdAt: created, acceptedAt: sh('2026-03-14T17:45') });
    expect(iso(accepted.resolveBy)).toBe('2026-03-14T15:59:59.999Z'); // Sat 23:59:59.999
    expect(accepted.resolveProvisional).toBe(false);
  });

  it('yellow during the Spring Festival holiday is not delayed', () => {
    const d = computeDeadlines({ ...base, level: 'yellow', createdAt: sh('2026-02-17T09:00'), acceptedAt: sh('2026-02-17T10:00') });
    expect(out(d)).toEqual({
      respondBy: '2026-02-17T01:30:00.000Z', // 09:30
      acceptBy: '2026-02-17T03:00:00.000Z', // 11:00
      resolveBy: '2026-02-17T15:59:59.999Z',
      resolveProvisional: false,
    });
  });

  it('blue across an ordinary weekend', () => {
    const created = sh('2026-03-13T17:00'); // Fri
    expect(out(computeDeadlines({ ...base, level: 'blue', createdAt: created }))).toEqual({
      respondBy: '2026-03-16T02:00:00.000Z', // Mon 10:00 (2 working hours)
      acceptBy: '2026-03-16T09:00:00.000Z', // Mon 17:00 (1 working day)
      resolveBy: '2026-03-19T09:00:00.000Z', // provisional: Mon 17:00 + 3 working days → Thu 17:00
      resolveProvisional: true,
    });
    const accepted = computeDeadlines({ ...base, level: 'blue', createdAt: created, acceptedAt: sh('2026-03-16T09:30') });
    expect(iso(accepted.resolveBy)).toBe('2026-03-19T01:30:00.000Z'); // Thu 09:30
  });

  it('blue across National Day, using the 调休 Saturday', () => {
    const d = computeDeadlines({ ...base, level: 'blue', createdAt: sh('2026-09-30T17:00') });
    expect(out(d)).toEqual({
      respondBy: '2026-10-08T02:00:00.000Z', // Thu Oct 8 10:00
      acceptBy: '2026-10-08T09:00:00.000Z', // Thu Oct 8 17:00
      resolveBy: '2026-10-12T09:00:00.000Z', // Oct 9, Sat Oct 10 (调休), Mon Oct 12 (Sun off) → 17:00
      resolveProvisional: true,
    });
  });

  it('blue filed on the Friday before a 调休 Saturday', () => {
    const d = computeDeadlines({ ...base, level: 'blue', createdAt: sh('2026-10-09T17:00') });
    expect(out(d)).toEqual({
      respondBy: '2026-10-10T02:00:00.000Z', // Sat Oct 10 10:00
      acceptBy: '2026-10-10T09:00:00.000Z', // Sat Oct 10 17:00
      resolveBy: '2026-10-14T09:00:00.000Z', // Oct 12, 13, 14 → Wed 17:00
      resolveProvisional: true,
    });
  });

  it('blue across the Spring Festival', () => {
    const d = computeDeadlines({ ...base, level: 'blue', createdAt: sh('2026-02-13T15:00') });
    expect(out(d)).toEqual({
      respondBy: '2026-02-13T09:00:00.000Z', // Fri 17:00
      acceptBy: '2026-02-14T07:00:00.000Z', // 调休 Sat Feb 14 15:00
      resolveBy: '2026-02-26T07:00:00.000Z', // Feb 24, 25, 26 → Thu 15:00
      resolveProvisional: true,
    });
  });

  it('the secretary channel overrides a blue case to 10 min / 30 min / same day', () => {
    const d = computeDeadlines({ ...base, level: 'blue', channel: 'secretary', createdAt: sh('2026-03-13T17:00') });
    expect(out(d)).toEqual({
      respondBy: '2026-03-13T09:10:00.000Z', // Fri 17:10
      acceptBy: '2026-03-13T09:30:00.000Z', // Fri 17:30
      resolveBy: '2026-03-13T15:59:59.999Z', // from 17:30 (≤ 18:00) → Fri 23:59:59.999
      resolveProvisional: true,
    });
    expect(DEFAULT_SLA_POLICY.channels.secretary).toEqual(SECRETARY_SLA);
  });

  it('a partial channel override replaces only the clocks it names; unknown channels are ignored', () => {
    const policy: SlaPolicy = {
      levels: DEFAULT_SLA_POLICY.levels,
      channels: { online: { respond: { kind: 'minutes', minutes: 60, clock: 'working' } } },
      autoConfirmDays: 3,
    };
    const created = sh('2026-03-13T17:00');
    const d = computeDeadlines({ policy, calendar: cal, level: 'blue', channel: 'online', createdAt: created });
    expect(iso(d.respondBy)).toBe('2026-03-13T10:00:00.000Z'); // Fri 18:00
    expect(iso(d.acceptBy)).toBe('2026-03-16T09:00:00.000Z'); // unchanged: Mon 17:00
    const other = computeDeadlines({ policy, calendar: cal, level: 'blue', channel: 'pigeon', createdAt: created });
    expect(iso(other.respondBy)).toBe('2026-03-16T02:00:00.000Z');
  });
});

describe('suspend and resume keep the remaining time on the same clock', () => {
  it('calendar clock: 90 minutes left stay 90 minutes', () => {
    const r = remainingOnSuspend(sh('2026-03-16T12:00'), sh('2026-03-16T10:30'), 'calendar', cal);
    expect(r).toEqual({ clock: 'calendar', ms: 90 * 60_000 });
    expect(iso(resumeDeadline(r, sh('2026-03-16T20:00'), cal))).toBe('2026-03-16T13:30:00.000Z'); // 21:30
  });

  it('calendar clock on a same-day window: the remainder is kept, not a new "same day"', () => {
    const r = remainingOnSuspend(sh('2026-03-16T23:59:59.999'), sh('2026-03-16T20:00'), 'calendar', cal);
    expect(r).toEqual({ clock: 'calendar', ms: 4 * 3_600_000 - 1 });
    expect(iso(resumeDeadline(r, sh('2026-03-18T09:00'), cal))).toBe('2026-03-18T04:59:59.999Z'); // Wed 12:59:59.999
  });

  it('working clock: 690 working minutes survive a holiday and a weekend', () => {
    // suspended Mon Mar 16 15:00, deadline Wed Mar 18 10:30: 180 (Mon) + 420 (Tue) + 90 (Wed) = 690
    const r = remainingOnSuspend(sh('2026-03-18T10:30'), sh('2026-03-16T15:00'), 'working', cal);
    expect(r).toEqual({ clock: 'working', minutes: 690 });
    // resumed Thu Sep 24 16:00: 120 Thu; Fri Sep 25 Mid-autumn, weekend; 420 Mon Sep 28; 150 Tue → 11:30
    expect(iso(resumeDeadline(r, sh('2026-09-24T16:00'), cal))).toBe('2026-09-29T03:30:00.000Z');
  });

  it('working clock suspended on a Saturday loses nothing of the weekend', () => {
    const r = remainingOnSuspend(sh('2026-03-16T10:00'), sh('2026-03-14T12:00'), 'working', cal);
    expect(r).toEqual({ clock: 'working', minutes: 60 });
    // resumed Mon 17:30: 30 min Mon, 30 min Tue → Tue 09:30
    expect(iso(resumeDeadline(r, sh('2026-03-16T17:30'), cal))).toBe('2026-03-17T01:30:00.000Z');
  });

  it('working clock is exact to the second', () => {
    // suspended Mon 17:59:30, deadline Tue 09:01 → 0.5 + 1 = 1.5 working minutes
    const r = remainingOnSuspend(sh('2026-03-17T09:01'), sh('2026-03-16T17:59:30'), 'working', cal);
    expect(r).toEqual({ clock: 'working', minutes: 1.5 });
    // resumed Tue 11:59: 1 min to 12:00, then 30 s after 14:00
    expect(iso(resumeDeadline(r, sh('2026-03-17T11:59'), cal))).toBe('2026-03-17T06:00:30.000Z');
  });

  it('a window already over when suspended resumes as due at once', () => {
    const cal0 = remainingOnSuspend(sh('2026-03-16T10:00'), sh('2026-03-16T11:00'), 'calendar', cal);
    const work0 = remainingOnSuspend(sh('2026-03-16T10:00'), sh('2026-03-16T11:00'), 'working', cal);
    expect(cal0).toEqual({ clock: 'calendar', ms: 0 });
    expect(work0).toEqual({ clock: 'working', minutes: 0 });
    expect(iso(resumeDeadline(cal0, sh('2026-03-17T08:00'), cal))).toBe('2026-03-17T00:00:00.000Z');
    expect(iso(resumeDeadline(work0, sh('2026-03-17T08:00'), cal))).toBe('2026-03-17T00:00:00.000Z');
  });
});

describe('warningAt (80% of the window)', () => {
  it('calendar clock: red accept 10:00 → 10:30 warns at 10:24', () => {
    expect(iso(warningAt(sh('2026-03-16T10:00'), sh('2026-03-16T10:30'), 0.8, cal, 'calendar'))).toBe('2026-03-16T02:24:00.000Z');
  });

  it('defaults to 80% when the fraction is left undefined', () => {
    expect(iso(warningAt(sh('2026-03-16T10:00'), sh('2026-03-16T10:30'), undefined, cal, 'calendar'))).toBe('2026-03-16T02:24:00.000Z');
  });

  it('calendar clock on a same-day window, rounded to the millisecond', () => {
    // 14:00 → 23:59:59.999 is 35,999,999 ms; 80% = 28,799,999.2 → 28,799,999 → 21:59:59.999
    expect(iso(warningAt(sh('2026-03-16T14:00'), sh('2026-03-16T23:59:59.999'), 0.8, cal, 'calendar'))).toBe('2026-03-16T13:59:59.999Z');
  });

  it('working clock: blue respond Fri 17:00 → Mon 10:00 warns Mon 09:36', () => {
    // 120 working minutes; 96 = 60 (Fri) + 36 (Mon from 09:00)
    expect(iso(warningAt(sh('2026-03-13T17:00'), sh('2026-03-16T10:00'), 0.8, cal, 'working'))).toBe('2026-03-16T01:36:00.000Z');
  });

  it('working clock skips the lunch break', () => {
    // Mon 10:00 → Tue 10:00 is 420 working minutes; 336 = 120 (to 12:00) + 216 (from 14:00) → 17:36
    expect(iso(warningAt(sh('2026-03-16T10:00'), sh('2026-03-17T10:00'), 0.8, cal, 'working'))).toBe('2026-03-16T09:36:00.000Z');
  });

  it('working clock across National Day warns on Oct 8, not during the holiday', () => {
    // Sep 30 17:00 → Oct 8 17:00 is 60 + 360 = 420 working minutes; 336 = 60 + 180 + 96 → Oct 8 15:36
    const w = warningAt(sh('2026-09-30T17:00'), sh('2026-10-08T17:00'), 0.8, cal, 'working');
    expect(iso(w)).toBe('2026-10-08T07:36:00.000Z');
    // the same window on a calendar clock would warn during the holiday: 80% of 192 h = 153.6 h
    // = 6 days 9 h 36 min after Sep 30 17:00 → Oct 7 02:36
    expect(iso(warningAt(sh('2026-09-30T17:00'), sh('2026-10-08T17:00'), 0.8, cal, 'calendar'))).toBe('2026-10-06T18:36:00.000Z');
  });

  it('handles the ends of the range and degenerate windows', () => {
    const s = sh('2026-03-16T10:00');
    const d = sh('2026-03-17T10:00');
    expect(iso(warningAt(s, d, 0, cal, 'working'))).toBe(iso(s));
    expect(iso(warningAt(s, d, 1, cal, 'working'))).toBe(iso(d));
    expect(iso(warningAt(d, s, 0.8, cal, 'calendar'))).toBe(iso(s)); // inverted → the deadline
    expect(() => warningAt(s, d, 1.2, cal, 'calendar')).toThrow(RangeError);
  });
});
