/**
 * The days the maintained `chinese-days` package knows (one official arrangement per year it covers).
 *
 * We read the data file the package ships for this purpose (`dist/chinese-days.json`, documented in its
 * README) rather than calling its `isWorkday`: chinese-days 1.5.7 parses `YYYY-MM-DD` as UTC midnight but
 * reads it back with local-time getters, so on any host west of UTC every answer is shifted by one day.
 * Read on first use, not on import, so importing the rules costs no I/O.
 */
import { createRequire } from 'node:module';
import type { CalendarDay } from './days.rules.js';
import { DATE_RE } from './work-time.rules.js';

interface PackageData {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

let loaded: { byYear: Map<number, CalendarDay[]> } | null = null;

/** `"Spring Festival,春节,4"` → `春节`. */
function chineseName(value: string): string {
  return value.split(',')[1]?.trim() || value;
}

function load() {
  if (loaded) return loaded;
  const raw: unknown = createRequire(import.meta.url)('chinese-days/dist/chinese-days.json');
  const isMap = (v: unknown): v is Record<string, string> =>
    typeof v === 'object' && v !== null && Object.entries(v).every(([k, x]) => DATE_RE.test(k) && typeof x === 'string');
  if (typeof raw !== 'object' || raw === null || !('holidays' in raw) || !('workdays' in raw) || !isMap(raw.holidays) || !isMap(raw.workdays)) {
    throw new Error('chinese-days/dist/chinese-days.json has an unexpected shape; check the package version');
  }
  const data = raw as PackageData;
  const byYear = new Map<number, CalendarDay[]>();
  const add = (date: string, day: CalendarDay) => {
    const y = Number(date.slice(0, 4));
    const list = byYear.get(y);
    if (list) list.push(day);
    else byYear.set(y, [day]);
  };
  for (const [date, v] of Object.entries(data.holidays)) add(date, { date, kind: 'holiday', name: chineseName(v), source: 'package' });
  // A date listed as both would be a package bug; the 调休 listing wins, as chinese-days' own isWorkday decides.
  for (const [date, v] of Object.entries(data.workdays)) add(date, { date, kind: 'workday', name: chineseName(v), source: 'package' });
  for (const list of byYear.values()) {
    const unique = new Map(list.map((d) => [d.date, d]));
    list.splice(0, list.length, ...[...unique.values()].sort((a, b) => a.date.localeCompare(b.date)));
  }
  return (loaded = { byYear });
}

/** Whether the installed package has the holidays of `year`. */
export function packageCovers(year: number): boolean {
  return (load().byYear.get(year) ?? []).some((d) => d.kind === 'holiday');
}

export function packageDays(year: number): CalendarDay[] {
  return packageCovers(year) ? [...load().byYear.get(year)!] : [];
}

/** The years the package covers, for the start-up log and the metrics. */
export function packageYears(): number[] {
  return [...load().byYear.keys()].filter(packageCovers).sort((a, b) => a - b);
}
