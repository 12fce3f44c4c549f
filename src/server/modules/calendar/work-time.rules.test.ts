import { describe, it, expect } from 'vitest';
import chineseDays from 'chinese-days';
import {
  addWorkingDays,
  addWorkingMinutes,
  createWorkCalendar,
  endOfDay,
  nextOfficeInstant,
  shanghaiDate,
  workingMinutesBetween,
  type WorkCalendarOptions,
} from './work-time.rules.js';
import { builtInDayTable } from './calendar.store.js';
import { packageCovers as holidayDataCovers } from './package-days.js';
import { DEFAULT_WORK_CALENDAR } from './index.js';

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
/** A calendar on the built-in days (package + statutory) with other office hours. */
const builtIn = (options: WorkCalendarOptions = {}) => createWorkCalendar({ isWorkday: builtInDayTable().isWorkday, ...options });

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

  // chinese-days' own API is only right on hosts at or east of UTC (see package-days.ts).
  it.runIf(new Date(2026, 0, 1).getTimezoneOffset() <= 0 && new Date(2026, 6, 1).getTimezoneOffset() <= 0)(
    'agrees with chinese-days.isWorkday on every day of 2024–2026',
    () => {
      const mismatches: string[] = [];
      for (let t = Date.UTC(2024, 0, 1); t <= Date.UTC(2026, 11, 31); t += 86_400_000) {
        const d = new Date(t).toISOString().slice(0, 10);
        if (builtIn().isWorkingDay(d) !== chineseDays.isWorkday(d)) mismatches.push(d);
      }
      expect(mismatches).toEqual([]);
    },
  );

  it('does not depend on the host time zone (chinese-days 1.5.7 does, west of UTC)', () => {
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'America/Los_Angeles';
      const fresh = builtIn();
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
    const custom = builtIn({ officeHours: [{ start: '08:30', end: '17:30' }] });
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
    const late = builtIn({ sameDayCutoff: '20:00' });
    expect(iso(endOfDay(sh('2026-03-16T18:30'), late))).toBe('2026-03-16T15:59:59.999Z');
    expect(iso(endOfDay(sh('2026-03-16T20:30'), late))).toBe('2026-03-17T15:59:59.999Z');
  });
});

