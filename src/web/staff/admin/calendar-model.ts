/**
 * What the working-calendar page computes without React: the month grids (Monday first), the day each
 * date shows once the admin's unsaved edits are laid over what the server sent, and the PUT body those
 * edits become. Dates are `YYYY-MM-DD` strings handled as calendar dates (UTC arithmetic), so the
 * browser's own time zone never shifts a holiday by a day.
 */
import type { CalendarYearView } from '../../../server/modules/calendar/calendar.schemas.js';

export type CalendarDay = CalendarYearView['days'][number];
export type DayKind = CalendarDay['kind'];
export type DaySource = CalendarDay['source'];

/** An unsaved change of one date: make it a local day, or drop its local day (`default`). */
export type DayEdit = { kind: DayKind; name: string } | 'default';

export const pad2 = (n: number): string => String(n).padStart(2, '0');
export const dateKey = (year: number, month: number, day: number): string => `${year}-${pad2(month)}-${pad2(day)}`;

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** 0 = Monday … 6 = Sunday. */
export function weekdayOf(year: number, month: number, day: number): number {
  return (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7;
}

/** The month as weeks of seven cells, Monday first; `null` pads before the 1st and after the last day. */
export function monthWeeks(year: number, month: number): (number | null)[][] {
  const cells: (number | null)[] = Array.from({ length: weekdayOf(year, month, 1) }, () => null);
  for (let d = 1; d <= daysInMonth(year, month); d++) cells.push(d);
  while (cells.length % 7 !== 0) cells.push(null);
  const weeks: (number | null)[][] = [];
  for (let i = 0; i < cells.length; i += 7) weeks.push(cells.slice(i, i + 7));
  return weeks;
}

/**
 * The edit as it should be kept, or null when it changes nothing: `default` only undoes a local day (a
 * built-in or official day already is the default), and a day set to what it already is is no edit.
 */
export function normaliseEdit(loaded: CalendarDay | undefined, edit: DayEdit): DayEdit | null {
  if (edit === 'default') return loaded?.source === 'local' ? 'default' : null;
  const name = edit.name.trim();
  if (loaded && loaded.kind === edit.kind && loaded.name === name) return null;
  return { kind: edit.kind, name };
}

/**
 * The exceptional day a date shows: the pending edit if any, else what the server sent. A local day
 * being reset shows as an ordinary date until saved (the server then says what lies beneath it).
 */
export function effectiveDay(loaded: ReadonlyMap<string, CalendarDay>, edits: ReadonlyMap<string, DayEdit>, date: string): CalendarDay | undefined {
  const edit = edits.get(date);
  if (edit === 'default') return undefined;
  if (edit) return { date, kind: edit.kind, name: edit.name, source: 'local' };
  return loaded.get(date);
}

/**
 * The PUT body: the year's stored days (local and official) as read, with the edits applied as local
 * days. Built-in days (package, statutory) are left out: the year's base provides them anyway, and a PUT
 * replaces only the stored days.
 */
export function putDays(loaded: readonly CalendarDay[], edits: ReadonlyMap<string, DayEdit>): { date: string; kind: DayKind; name: string; source: 'local' | 'official' }[] {
  const byDate = new Map(loaded.map((d) => [d.date, d]));
  const dates = [...new Set([...byDate.keys(), ...edits.keys()])].sort();
  const out: { date: string; kind: DayKind; name: string; source: 'local' | 'official' }[] = [];
  for (const date of dates) {
    const edit = edits.get(date);
    const day = byDate.get(date);
    if (edit === 'default') continue;
    if (edit) out.push({ date, kind: edit.kind, name: edit.name.trim(), source: 'local' });
    else if (day && (day.source === 'local' || day.source === 'official')) out.push({ date, kind: day.kind, name: day.name, source: day.source });
  }
  return out;
}

export interface DayRun {
  from: number;
  to: number;
  kind: DayKind;
  name: string;
}

/** A month's exceptional days as runs of consecutive dates with the same name and kind (春节 5–10). */
export function monthRuns(days: readonly CalendarDay[]): DayRun[] {
  const runs: DayRun[] = [];
  for (const d of [...days].sort((a, b) => a.date.localeCompare(b.date))) {
    const day = Number(d.date.slice(8, 10));
    const last = runs.at(-1);
    if (last && last.to === day - 1 && last.kind === d.kind && last.name === d.name) last.to = day;
    else runs.push({ from: day, to: day, kind: d.kind, name: d.name });
  }
  return runs;
}
