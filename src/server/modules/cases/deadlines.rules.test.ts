import { describe, it, expect } from 'vitest';
import chineseDays from 'chinese-days';
import {
  DEFAULT_SLA_POLICY,
  DEFAULT_WORK_CALENDAR,
  MAJOR_ESCALATION_RESOLVE,
  SECRETARY_SLA,
  addWorkingDays,
  addWorkingMinutes,
  clockKindOf,
  computeDeadlines,
  createWorkCalendar,
  deadlineFor,
  endOfDay,
  holidayDataCovers,
  nextOfficeInstant,
  remainingOnSuspend,
  resumeDeadline,
  shanghaiDate,
  validateSlaPolicy,
  warningAt,
  workingMinutesBetween,
  type SlaPolicy,
} from './deadlines.rules.js';
import type { ValidationIssue } from './grading.rules.js';

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
const cal = DEFAULT_WORK_CALENDAR;
const iso = (d: Date): string => d.toISOString();

describe('WorkCalendar (chinese-days + office hours)', () => {
  it.each([
    ['2026-03-13', true], // Fri
    ['2026-03-14', false], // Sat
    ['2026-03-15', false], // Sun
    ['2026-02-13', true], // Fri before Spring Festival
    ['2026-02-14', true], // Sat, 调休 working day
    ['2026-02-15', false],
    ['2026-02-16', false],
    ['2026-02-20', false],
    ['2026-02-23', false], // Mon, still the holiday
    ['2026-02-24', true],
    ['2026-02-28', true], // Sat, 调休 working day
    ['2026-09-20', true], // Sun, 调休 working day
    ['2026-09-25', false], // Mid-autumn
    ['2026-09-30', true],
    ['2026-10-01', false],
    ['2026-10-04', false],
    ['2026-10-07', false],
    ['2026-10-08', true],
    ['2026-10-10', true], // Sat, 调休 working day
    ['2026-10-11', false], // Sun
  ])('%s working = %s', (date, expected) => {
    expect(cal.isWorkingDay(date)).toBe(expected);
  });

  it('reads an instant on its Shanghai date, not its UTC date', () => {
    const t = new Date('2026-09-30T16:30:00.000Z'); // Thu Oct 1 00:30 in Shanghai, a holiday
    expect(shanghaiDate(t)).toBe('2026-10-01');
    expect(cal.isWorkingDay(t)).toBe(false);
    expect(cal.isWorkingDay(new Date('2026-09-30T15:59:59.999Z'))).toBe(true); // Sep 30 23:59:59.999
  });

  it('rejects malformed dates', () => {
    expect(() => cal.isWorkingDay('2026-3-1')).toThrow(RangeError);
    expect(() => cal.isWorkingDay(new Date('nope'))).toThrow(RangeError);
  });

  // chinese-days' own API is only right on hosts at or east of UTC (see deadlines.rules.ts).
  it.runIf(new Date(2026, 0, 1).getTimezoneOffset() <= 0 && new Date(2026, 6, 1).getTimezoneOffset() <= 0)(
    'agrees with chinese-days.isWorkday on every day of 2024–2026',
    () => {
      const mismatches: string[] = [];
      for (let t = Date.UTC(2024, 0, 1); t <= Date.UTC(2026, 11, 31); t += 86_400_000) {
        const d = new Date(t).toISOString().slice(0, 10);
        if (createWorkCalendar().isWorkingDay(d) !== chineseDays.isWorkday(d)) mismatches.push(d);
      }
      expect(mismatches).toEqual([]);
    },
  );

  it('does not depend on the host time zone (chinese-days 1.5.7 does, west of UTC)', () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'America/Los_Angeles';
      const fresh = createWorkCalendar();
      expect(['2026-03-13', '2026-03-14', '2026-09-20', '2026-10-01', '2026-10-10', '2026-10-11'].map((d) => fresh.isWorkingDay(d)))
        .toEqual([true, false, true, false, true, false]);
      // Fri Oct 9 17:00 + 2 working hours → 调休 Sat Oct 10 10:00
      expect(iso(addWorkingMinutes(sh('2026-10-09T17:00'), 120, fresh))).toBe('2026-10-10T02:00:00.000Z');
      expect(iso(endOfDay(sh('2026-03-16T18:30'), fresh))).toBe('2026-03-17T15:59:59.999Z');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('reports which years the holiday data covers', () => {
    expect(holidayDataCovers(2026)).toBe(true);
    expect(holidayDataCovers(2004)).toBe(true);
    expect(holidayDataCovers(1999)).toBe(false);
  });

  it('has 420 working minutes a day by default', () => {
    expect(cal.minutesPerDay).toBe(420);
  });

  it('validates configured office hours', () => {
    expect(() => createWorkCalendar({ officeHours: [] })).toThrow(/at least one/);
    expect(() => createWorkCalendar({ officeHours: [{ start: '14:00', end: '12:00' }] })).toThrow(/after start/);
    expect(() =>
      createWorkCalendar({ officeHours: [{ start: '09:00', end: '12:00' }, { start: '11:00', end: '18:00' }] }),
    ).toThrow(/overlaps/);
    expect(() => createWorkCalendar({ officeHours: [{ start: '9:00', end: '12:00' }] })).toThrow(/HH:MM/);
    expect(() => createWorkCalendar({ sameDayCutoff: '18:60' })).toThrow(/HH:MM/);
  });
});

describe('addWorkingMinutes', () => {
  it.each<[string, number, string, string]>([
    // [start (Shanghai), minutes, expected UTC, why]
    ['2026-03-13T17:00', 120, '2026-03-16T02:00:00.000Z', 'Fri 17:00: 1 h Fri, weekend skipped, Mon 09:00–10:00 → Mon 10:00'],
    ['2026-03-16T11:00', 120, '2026-03-16T07:00:00.000Z', 'Mon 11:00–12:00, lunch skipped, 14:00–15:00 → 15:00'],
    ['2026-03-16T07:30', 120, '2026-03-16T03:00:00.000Z', 'before opening: 09:00–11:00 → 11:00'],
    ['2026-03-16T12:30', 30, '2026-03-16T06:30:00.000Z', 'in the lunch break: 14:00–14:30'],
    ['2026-03-16T17:00', 60, '2026-03-16T10:00:00.000Z', 'uses up the day exactly → Mon 18:00, not Tue 09:00'],
    ['2026-03-16T09:00', 1260, '2026-03-18T10:00:00.000Z', '3 × 420 min from Mon 09:00 → Wed 18:00'],
    ['2026-03-14T10:00', 120, '2026-03-16T03:00:00.000Z', 'Sat is off → Mon 09:00–11:00'],
    ['2026-09-30T17:00', 120, '2026-10-08T02:00:00.000Z', 'Wed Sep 30 17:00: 1 h, Oct 1–7 off → Thu Oct 8 10:00'],
    ['2026-10-09T17:00', 120, '2026-10-10T02:00:00.000Z', 'Fri Oct 9 17:00: 1 h, then 调休 Sat Oct 10 → 10:00'],
    ['2026-09-19T10:00', 120, '2026-09-20T03:00:00.000Z', 'Sat Sep 19 off → 调休 Sun Sep 20 09:00–11:00'],
    ['2026-09-24T17:00', 120, '2026-09-28T02:00:00.000Z', 'Thu Sep 24 17:00: Mid-autumn Fri + weekend → Mon Sep 28 10:00'],
    ['2026-02-13T16:30', 120, '2026-02-14T01:30:00.000Z', 'Fri Feb 13 16:30: 1.5 h, 调休 Sat Feb 14 09:00–09:30'],
    ['2026-02-14T17:00', 120, '2026-02-24T02:00:00.000Z', 'Sat Feb 14 17:00: 1 h, Spring Festival → Tue Feb 24 10:00'],
  ])('%s + %i min → %s (%s)', (start, minutes, expected) => {
    expect(iso(addWorkingMinutes(sh(start), minutes, cal))).toBe(expected);
  });

  it('zero minutes is due at once, even outside office hours', () => {
    expect(iso(addWorkingMinutes(sh('2026-03-14T23:00'), 0, cal))).toBe('2026-03-14T15:00:00.000Z');
  });

  it('keeps seconds and fractions of a minute', () => {
    // Mon 17:59:30 + 1.5 min: 30 s Mon, then Tue 09:00:00 + 60 s → Tue 09:01:00
    expect(iso(addWorkingMinutes(sh('2026-03-16T17:59:30'), 1.5, cal))).toBe('2026-03-17T01:01:00.000Z');
  });

  it('rejects negative or non-finite amounts', () => {
    expect(() => addWorkingMinutes(sh('2026-03-16T10:00'), -1, cal)).toThrow(RangeError);
    expect(() => addWorkingMinutes(sh('2026-03-16T10:00'), Number.NaN, cal)).toThrow(RangeError);
  });

  it('follows custom office hours (08:30–17:30, no lunch break)', () => {
    const custom = createWorkCalendar({ officeHours: [{ start: '08:30', end: '17:30' }] });
    // Fri 17:00: 30 min Fri, Mon 08:30 + 30 min → Mon 09:00
    expect(iso(addWorkingMinutes(sh('2026-03-13T17:00'), 60, custom))).toBe('2026-03-16T01:00:00.000Z');
    expect(custom.minutesPerDay).toBe(540);
  });

  it('honours a local closure layered on chinese-days (e.g. a typhoon day)', () => {
    const typhoon = createWorkCalendar({ isWorkday: (d) => d !== '2026-03-16' && cal.isWorkingDay(d) });
    // Fri 17:00 + 2 h: Mon closed → Tue 10:00
    expect(iso(addWorkingMinutes(sh('2026-03-13T17:00'), 120, typhoon))).toBe('2026-03-17T02:00:00.000Z');
  });
});

describe('workingMinutesBetween / nextOfficeInstant', () => {
  it('counts only office minutes', () => {
    expect(workingMinutesBetween(sh('2026-03-13T17:00'), sh('2026-03-16T10:00'), cal)).toBe(120);
    expect(workingMinutesBetween(sh('2026-09-30T08:00'), sh('2026-10-08T12:00'), cal)).toBe(420 + 180);
    expect(workingMinutesBetween(sh('2026-03-16T10:00'), sh('2026-03-16T09:00'), cal)).toBe(0);
  });

  it('finds the next opening', () => {
    expect(iso(nextOfficeInstant(sh('2026-03-16T12:00'), cal))).toBe('2026-03-16T06:00:00.000Z'); // 12:00 is closed → 14:00
    expect(iso(nextOfficeInstant(sh('2026-03-16T11:59'), cal))).toBe('2026-03-16T03:59:00.000Z'); // already open
    expect(iso(nextOfficeInstant(sh('2026-10-01T10:00'), cal))).toBe('2026-10-08T01:00:00.000Z'); // Oct 8 09:00
  });
});

describe('addWorkingDays', () => {
  it.each<[string, number, string, string]>([
    ['2026-03-16T10:30', 1, '2026-03-17T02:30:00.000Z', 'Mon 10:30 → Tue 10:30'],
    ['2026-03-13T10:30', 1, '2026-03-16T02:30:00.000Z', 'Fri 10:30 → Mon 10:30'],
    ['2026-03-13T19:00', 1, '2026-03-17T01:00:00.000Z', 'Fri 19:00 counts from Mon 09:00 → Tue 09:00'],
    ['2026-03-16T12:30', 1, '2026-03-17T06:00:00.000Z', 'Mon lunch counts from 14:00 → Tue 14:00'],
    ['2026-03-16T18:00', 1, '2026-03-18T01:00:00.000Z', 'Mon 18:00 (closed) counts from Tue 09:00 → Wed 09:00'],
    ['2026-03-13T19:00', 0, '2026-03-16T01:00:00.000Z', 'n = 0 is the normalised start, Mon 09:00'],
    ['2026-09-30T17:00', 3, '2026-10-10T09:00:00.000Z', 'Sep 30 → Oct 8, Oct 9, 调休 Sat Oct 10, 17:00'],
    ['2026-10-01T10:00', 1, '2026-10-09T01:00:00.000Z', 'filed on a holiday: from Oct 8 09:00 → Oct 9 09:00'],
    ['2026-02-13T10:00', 1, '2026-02-14T02:00:00.000Z', 'Fri Feb 13 → 调休 Sat Feb 14 10:00'],
    ['2026-02-13T10:00', 2, '2026-02-24T02:00:00.000Z', 'then Spring Festival → Tue Feb 24 10:00'],
  ])('%s + %i working days → %s (%s)', (start, n, expected) => {
    expect(iso(addWorkingDays(sh(start), n, cal))).toBe(expected);
  });

  it('rejects negative and fractional n', () => {
    expect(() => addWorkingDays(sh('2026-03-16T10:00'), -1, cal)).toThrow(RangeError);
    expect(() => addWorkingDays(sh('2026-03-16T10:00'), 1.5, cal)).toThrow(RangeError);
  });
});

describe('endOfDay ("same day")', () => {
  it.each<[string, string, string]>([
    ['2026-03-16T10:00:00.000', '2026-03-16T15:59:59.999Z', 'Mon 10:00 → Mon 23:59:59.999'],
    ['2026-03-16T00:30:00.000', '2026-03-16T15:59:59.999Z', 'just after midnight (UTC still Sunday) → Mon'],
    ['2026-03-16T18:00:00.000', '2026-03-16T15:59:59.999Z', 'exactly 18:00 is not after 18:00 → same day'],
    ['2026-03-16T18:00:00.001', '2026-03-17T15:59:59.999Z', 'one ms after 18:00 → next day'],
    ['2026-03-16T18:30:00.000', '2026-03-17T15:59:59.999Z', 'accepted 18:30 → Tue 23:59:59.999'],
    ['2026-10-01T18:30:00.000', '2026-10-02T15:59:59.999Z', 'a calendar rule: holidays do not move it'],
    ['2026-12-31T18:30:00.000', '2027-01-01T15:59:59.999Z', 'across a year end'],
  ])('%s → %s (%s)', (start, expected) => {
    expect(iso(endOfDay(sh(start), cal))).toBe(expected);
  });

  it('uses the configured cutoff', () => {
    const late = createWorkCalendar({ sameDayCutoff: '20:00' });
    expect(iso(endOfDay(sh('2026-03-16T18:30'), late))).toBe('2026-03-16T15:59:59.999Z');
    expect(iso(endOfDay(sh('2026-03-16T20:30'), late))).toBe('2026-03-17T15:59:59.999Z');
  });
});

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

/** The issues as English clients read them; every one must also have its Chinese sentence. */
function inEnglish(r: { ok: true } | { ok: false; issues: ValidationIssue[] }) {
  if (r.ok) return r;
  for (const i of r.issues) expect(i.reason['zh-CN'], `${i.path}: ${i.reason.en}`).toMatch(/\p{Script=Han}/u);
  return { ok: false, issues: r.issues.map((i) => ({ path: i.path, reason: i.reason.en })) };
}

describe('validateSlaPolicy', () => {
  const clone = (): Record<string, unknown> => structuredClone(DEFAULT_SLA_POLICY) as unknown as Record<string, unknown>;

  it('accepts the defaults', () => {
    expect(validateSlaPolicy(clone())).toEqual({ ok: true, policy: DEFAULT_SLA_POLICY });
  });

  it('accepts a policy without channel overrides', () => {
    const p = clone();
    delete p.channels;
    expect(validateSlaPolicy(p)).toEqual({ ok: true, policy: { levels: DEFAULT_SLA_POLICY.levels, channels: {}, autoConfirmDays: 3 } });
  });

  it('takes the auto-confirm wait as policy: absent means the default, out of range is refused', () => {
    const p = clone();
    delete p.autoConfirmDays;
    expect(validateSlaPolicy(p)).toEqual({ ok: true, policy: DEFAULT_SLA_POLICY });
    expect(validateSlaPolicy({ ...clone(), autoConfirmDays: 7 })).toMatchObject({ ok: true, policy: { autoConfirmDays: 7 } });
    for (const bad of [0, 31, 2.5, '3']) {
      expect(inEnglish(validateSlaPolicy({ ...clone(), autoConfirmDays: bad }))).toEqual({ ok: false, issues: [{ path: 'autoConfirmDays', reason: 'must be an integer from 1 to 30' }] });
    }
  });

  it.each<[string, (p: { levels: Record<string, Record<string, unknown>>; channels: Record<string, unknown> } & Record<string, unknown>) => void, { path: string; reason: string }[]]>([
    ['zero minutes', (p) => { p.levels.red.respond = { kind: 'minutes', minutes: 0, clock: 'calendar' }; }, [{ path: 'levels.red.respond.minutes', reason: 'must be an integer from 1 to 525600' }]],
    ['fractional minutes', (p) => { p.levels.red.respond = { kind: 'minutes', minutes: 1.5, clock: 'calendar' }; }, [{ path: 'levels.red.respond.minutes', reason: 'must be an integer from 1 to 525600' }]],
    ['a bad clock', (p) => { p.levels.red.respond = { kind: 'minutes', minutes: 10, clock: 'wall' }; }, [{ path: 'levels.red.respond.clock', reason: 'must be calendar or working' }]],
    ['zero days', (p) => { p.levels.blue.resolve = { kind: 'working_days', days: 0 }; }, [{ path: 'levels.blue.resolve.days', reason: 'must be an integer from 1 to 365' }]],
    ['an unknown kind', (p) => { p.levels.blue.resolve = { kind: 'weeks', weeks: 1 }; }, [{ path: 'levels.blue.resolve.kind', reason: 'must be minutes, working_days or same_day' }]],
    ['an extra key in a spec', (p) => { p.levels.red.resolve = { kind: 'same_day', minutes: 5 }; }, [{ path: 'levels.red.resolve.minutes', reason: 'unknown key' }]],
    ['a missing clock', (p) => { delete p.levels.yellow.accept; }, [{ path: 'levels.yellow.accept', reason: 'required' }]],
    ['a missing level', (p) => { delete p.levels.blue; }, [{ path: 'levels.blue', reason: 'required' }]],
    ['an unknown level', (p) => { p.levels.green = {}; }, [{ path: 'levels.green', reason: 'unknown level' }]],
    ['an unknown channel', (p) => { p.channels.secretery = {}; }, [{ path: 'channels.secretery', reason: 'unknown channel (one of walk_in, hotline, online, qr, grid, secretary, open311, api)' }]],
    ['an unknown clock in an override', (p) => { p.channels.qr = { reply: { kind: 'same_day' } }; }, [{ path: 'channels.qr.reply', reason: 'unknown key' }]],
    ['an unknown top-level key', (p) => { p.categories = {}; }, [{ path: 'categories', reason: 'unknown key' }]],
  ])('rejects %s', (_name, mutate, issues) => {
    const p = clone() as Parameters<typeof mutate>[0];
    mutate(p);
    expect(inEnglish(validateSlaPolicy(p))).toEqual({ ok: false, issues });
  });

  it('rejects a non-object', () => {
    expect(validateSlaPolicy(null)).toEqual({ ok: false, issues: [{ path: '', reason: { 'zh-CN': '应为对象', en: 'must be an object' } }] });
  });

  it('words the reasons in Chinese too, with the same limits and channel names', () => {
    const p = clone() as { levels: Record<string, Record<string, unknown>>; channels: Record<string, unknown> };
    p.levels.red.respond = { kind: 'minutes', minutes: 0, clock: 'calendar' };
    p.channels.secretery = {};
    expect(validateSlaPolicy(p)).toEqual({
      ok: false,
      issues: [
        { path: 'levels.red.respond.minutes', reason: { 'zh-CN': '应为1到525600之间的整数', en: 'must be an integer from 1 to 525600' } },
        {
          path: 'channels.secretery',
          reason: {
            'zh-CN': '不认识的渠道（应为以下之一：walk_in、hotline、online、qr、grid、secretary、open311、api）',
            en: 'unknown channel (one of walk_in, hotline, online, qr, grid, secretary, open311, api)',
          },
        },
      ],
    });
  });

  it('defaults cannot be mutated by accident', () => {
    expect(Object.isFrozen(DEFAULT_SLA_POLICY.levels.blue.respond)).toBe(true);
  });
});
