/**
 * The working calendar as data (SPEC §5): one row per exceptional date — a `holiday` off or a `workday`
 * (调休) on — each with its source. Pure: given the stored rows and the built-in days, which dates work.
 *
 * Precedence is `local` > `official` > `package` > `statutory`, applied in two steps:
 * - a year's base is ONE source, the most authoritative that has the year: an imported official notice
 *   (国务院办公厅通知) replaces the package's days for that year, and the package's replaces the statutory
 *   derivation. Layering them date by date instead would keep a derived day the notice moved elsewhere;
 *   a notice is the whole year's arrangement;
 * - a district's own `local` days (a typhoon closure, a restored working day) then override the base
 *   date by date.
 * A year whose base is the statutory derivation is `provisional`: the State Council has not published it
 * (or the district has not imported it) yet.
 */
import { isWeekday } from './work-time.rules.js';

export const DAY_KINDS = ['holiday', 'workday'] as const;
export type DayKind = (typeof DAY_KINDS)[number];
export const DAY_SOURCES = ['local', 'official', 'package', 'statutory'] as const;
export type DaySource = (typeof DAY_SOURCES)[number];
/** Sources a person writes (PUT or import); the other two are built in. */
export type StoredSource = Extract<DaySource, 'local' | 'official'>;

export interface CalendarDay {
  /** Shanghai date, `YYYY-MM-DD`. */
  date: string;
  kind: DayKind;
  /** The holiday's name, e.g. 元旦, 春节; for a 调休 workday the holiday it makes up for. */
  name: string;
  source: DaySource;
}

export type YearStatus = 'official' | 'provisional';

export interface CalendarYear {
  year: number;
  status: YearStatus;
  /** Where the year's base came from; `none` for a year before the statutory rules this code derives. */
  base: 'official' | 'package' | 'statutory' | 'none';
  /** The effective exceptional days, in date order. */
  days: CalendarDay[];
}

/** The built-in days: the maintained package's years and the statutory derivation for the others. */
export interface BuiltInDays {
  /** Whether the package lists this year's arrangement. */
  packageCovers(year: number): boolean;
  packageDays(year: number): CalendarDay[];
  /** The statutory holidays of a year the package does not cover, or null when none are derived (too early). */
  statutoryDays(year: number): CalendarDay[] | null;
}

export interface DayTable {
  /** The calendar revision these rows are (0: nothing stored yet). */
  readonly revision: number;
  year(year: number): CalendarYear;
  isWorkday(date: string): boolean;
  /** The effective day of a date, if it is exceptional. */
  dayOf(date: string): CalendarDay | undefined;
}

export const yearOf = (date: string): number => Number(date.slice(0, 4));

/** Resolves one year from its stored rows and the built-in days (see the precedence above). */
export function resolveYear(year: number, stored: readonly CalendarDay[], builtIn: BuiltInDays): CalendarYear {
  const official = stored.filter((d) => d.source === 'official');
  const local = stored.filter((d) => d.source === 'local');
  let base: CalendarYear['base'];
  let baseDays: CalendarDay[];
  if (official.length > 0) [base, baseDays] = ['official', official];
  else if (builtIn.packageCovers(year)) [base, baseDays] = ['package', builtIn.packageDays(year)];
  else {
    const derived = builtIn.statutoryDays(year);
    [base, baseDays] = derived ? ['statutory', derived] : ['none', []];
  }
  const byDate = new Map(baseDays.map((d) => [d.date, d]));
  for (const d of local) byDate.set(d.date, d);
  return {
    year,
    status: base === 'official' || base === 'package' ? 'official' : 'provisional',
    base,
    days: [...byDate.values()].sort((a, b) => a.date.localeCompare(b.date)),
  };
}

/** The table every deadline reads: immutable once built, each year resolved on first use. */
export function createDayTable(revision: number, stored: readonly CalendarDay[], builtIn: BuiltInDays): DayTable {
  const storedByYear = new Map<number, CalendarDay[]>();
  for (const d of stored) {
    const y = yearOf(d.date);
    const list = storedByYear.get(y);
    if (list) list.push(d);
    else storedByYear.set(y, [d]);
  }
  const years = new Map<number, { resolved: CalendarYear; byDate: Map<string, CalendarDay> }>();
  const entry = (y: number) => {
    let e = years.get(y);
    if (!e) {
      const resolved = resolveYear(y, storedByYear.get(y) ?? [], builtIn);
      years.set(y, (e = { resolved, byDate: new Map(resolved.days.map((d) => [d.date, d])) }));
    }
    return e;
  };
  return Object.freeze({
    revision,
    year: (y: number) => entry(y).resolved,
    dayOf: (date: string) => entry(yearOf(date)).byDate.get(date),
    isWorkday(date: string): boolean {
      const day = entry(yearOf(date)).byDate.get(date);
      return day ? day.kind === 'workday' : isWeekday(date);
    },
  });
}

/** Dates whose working status differs between two tables within the given years (what a change moves). */
export function changedDates(before: DayTable, after: DayTable, years: readonly number[]): string[] {
  const dates = new Set<string>();
  for (const y of years) for (const t of [before, after]) for (const d of t.year(y).days) dates.add(d.date);
  return [...dates].filter((d) => before.isWorkday(d) !== after.isWorkday(d)).sort();
}
