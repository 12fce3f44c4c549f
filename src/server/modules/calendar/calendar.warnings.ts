/**
 * Telling people a year is provisional. From 1 November, while next year's arrangement is still the statutory
 * derivation, district admins get a notice once a week (a timer per week, so it is sent exactly once however
 * many processes run) and the calendar page shows a banner; /metrics carries `fengqiao_calendar_provisional`;
 * the start-up log names the provisional years.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { AppContext, Sweeper } from '../../platform/context.js';
import { inTransaction } from '../../platform/tx.js';
import { notify } from '../notifications/index.js';
import { rootOrgIds } from '../orgs/index.js';
import { shanghaiDate } from './work-time.rules.js';
import { currentDayTable } from './calendar.store.js';

/** The year whose provisional status is worth a warning at `now`: next year from 1 November (Shanghai), else none. */
export function warningYear(now: Date): number | null {
  const today = shanghaiDate(now);
  const year = Number(today.slice(0, 4));
  return today.slice(5) >= '11-01' ? year + 1 : null;
}

/** The provisional years among this year and the next: what the log and the metrics report. */
export async function provisionalAround(db: Kysely<DB>, now: Date): Promise<number[]> {
  const table = await currentDayTable(db);
  const year = Number(shanghaiDate(now).slice(0, 4));
  return [year, year + 1].filter((y) => table.year(y).status === 'provisional');
}

/** The banner's year, if next year is still provisional and the season for warnings has begun. */
export async function provisionalWarning(db: Kysely<DB>, now: Date): Promise<{ year: number } | null> {
  const year = warningYear(now);
  if (year === null) return null;
  return (await currentDayTable(db)).year(year).status === 'provisional' ? { year } : null;
}

/** `2026-W45`: the ISO week of a Shanghai date (weeks start on Monday). */
export function isoWeek(date: string): string {
  const d = new Date(`${date}T00:00:00.000Z`);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday 0
  const thursday = new Date(d.getTime() + (3 - weekday) * 86_400_000);
  const yearStart = Date.UTC(thursday.getUTCFullYear(), 0, 1);
  const week = 1 + Math.floor((thursday.getTime() - yearStart) / (7 * 86_400_000));
  return `${thursday.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/**
 * The weekly notice to district admins while next year is provisional. The row for (year, week) is inserted
 * before the notice is queued, in one transaction, so each week's notice goes out once whatever the number of
 * processes; a process that finds this week's row needs no query until the week (or the day table) changes.
 */
export function provisionalNoticeSweeper(): Sweeper {
  const sentFor = new WeakMap<AppContext, string>();
  return async (ctx) => {
    const now = ctx.clock.now();
    const warning = await provisionalWarning(ctx.db, now);
    if (!warning) return 0;
    const week = isoWeek(shanghaiDate(now));
    const memo = `${warning.year}|${week}`;
    if (sentFor.get(ctx) === memo) return 0;
    const sent = await inTransaction(ctx, async (trx) => {
      const claimed = await trx
        .insertInto('calendar_warnings')
        .values({ year: warning.year, week, sent_at: now })
        .onConflict((oc) => oc.columns(['year', 'week']).doNothing())
        .returning('year')
        .executeTakeFirst();
      if (!claimed) return 0;
      const roots = await rootOrgIds(trx);
      if (roots.length === 0) return 0;
      await notify(
        trx,
        {
          recipients: { orgIds: roots, roles: ['district_admin'] },
          kind: 'calendar.provisional',
          title: {
            'zh-CN': `${warning.year}年工作日历仍为暂定：请导入国务院办公厅节假日安排通知`,
            en: `The ${warning.year} working calendar is still provisional: import the State Council's holiday notice`,
          },
          body: '',
          data: { year: warning.year, link: `/staff/admin/calendar?year=${warning.year}` },
        },
        now,
      );
      return 1;
    });
    sentFor.set(ctx, memo);
    return sent;
  };
}
