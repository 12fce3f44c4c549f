/**
 * The statutory holidays of a year nobody has published yet, derived from 《全国年节及纪念日放假办法》 as amended
 * in 2024 (in force since 1 January 2025): 元旦 1 day (1 January); 春节 4 days (除夕 and 正月初一 to 初三);
 * 清明 1 day (the solar term's day); 劳动节 2 days (1–2 May); 端午 1 day (五月初五); 中秋 1 day (八月十五);
 * 国庆 3 days (1–3 October). Article 6: a holiday that falls on a Saturday or Sunday is made up on a working
 * day (补假) — here the first weekdays after that holiday's run, which is where the State Council's notices
 * put them. The 调休 swaps a notice adds cannot be derived; the year stays `provisional` until one is imported.
 *
 * Lunar dates and the solar term come from the maintained `chinese-days` package.
 */
import chineseDays from 'chinese-days';
import type { CalendarDay } from './days.rules.js';
import { isWeekday, nextDate } from './work-time.rules.js';

/** The first year the amended rules (with 除夕 and the second 劳动节 day) apply to. */
export const STATUTORY_RULES_FROM = 2025;

/**
 * chinese-days computes with the host's local-time getters (see package-days.ts); its answers are right
 * only at or east of UTC. Its functions are synchronous, so pinning the zone to UTC around one call cannot
 * be observed by any other code, and Node re-reads `process.env.TZ` on every assignment.
 */
function inUtc<T>(fn: () => T): T {
  const saved = process.env.TZ;
  if (saved === 'UTC') return fn();
  process.env.TZ = 'UTC';
  try {
    return fn();
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
}

function previousDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - 86_400_000).toISOString().slice(0, 10);
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The statutory holidays of `year` with their 补假 days, or null for a year before the amended rules. */
export function statutoryDays(year: number): CalendarDay[] | null {
  if (!Number.isSafeInteger(year) || year < STATUTORY_RULES_FROM || year > 2099) return null;
  const lunar = (month: number, day: number) => inUtc(() => chineseDays.getSolarDateFromLunar(`${year}-${pad(month)}-${pad(day)}`).date);
  const springFestival = lunar(1, 1);
  const runs: { name: string; dates: string[] }[] = [
    { name: '元旦', dates: [`${year}-01-01`] },
    // 除夕 is the last day of the old lunar year: the 29th or the 30th of 腊月, so take the day before 初一.
    { name: '春节', dates: [previousDate(springFestival), springFestival, nextDate(springFestival), nextDate(nextDate(springFestival))] },
    { name: '清明节', dates: [inUtc(() => chineseDays.getSolarTermDate(year, 4, 'pure_brightness'))] },
    { name: '劳动节', dates: [`${year}-05-01`, `${year}-05-02`] },
    { name: '端午节', dates: [lunar(5, 5)] },
    { name: '中秋节', dates: [lunar(8, 15)] },
    { name: '国庆节', dates: [`${year}-10-01`, `${year}-10-02`, `${year}-10-03`] },
  ];
  const days = new Map<string, CalendarDay>();
  for (const run of runs) for (const date of run.dates) days.set(date, { date, kind: 'holiday', name: run.name, source: 'statutory' });
  // 补假 after each run, in the order of the year, skipping days already off.
  for (const run of runs) {
    let owed = run.dates.filter((d) => !isWeekday(d)).length;
    let date = run.dates.at(-1)!;
    while (owed > 0) {
      date = nextDate(date);
      if (!isWeekday(date) || days.has(date)) continue;
      days.set(date, { date, kind: 'holiday', name: `${run.name}（补假）`, source: 'statutory' });
      owed--;
    }
  }
  return [...days.values()].filter((d) => d.date.startsWith(`${year}-`)).sort((a, b) => a.date.localeCompare(b.date));
}
