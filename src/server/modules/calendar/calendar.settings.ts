/**
 * Office hours (SPEC §5), a definition of the settings registry (platform/settings.ts), and the working
 * calendar every deadline runs on: these hours on the current day table (calendar.store.ts).
 */
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import type { DB } from '../../db/schema.js';
import { COMMON_REASONS, l, type Localised } from '../../platform/messages.js';
import { readSetting, type SettingCheck, type SettingDefinition } from '../../platform/settings.js';
import { currentDayTable } from './calendar.store.js';
import type { DayTable } from './days.rules.js';
import { DEFAULT_OFFICE_HOURS, DEFAULT_SAME_DAY_CUTOFF, createWorkCalendar, type OfficePeriod, type WorkCalendar } from './work-time.rules.js';

type ValidationIssue = { path: string; reason: Localised };

export interface OfficeHours {
  periods: OfficePeriod[];
  sameDayCutoff: string;
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const HHMMSchema = Type.String({ pattern: HHMM.source });
const OfficeHoursSchema = Type.Object(
  { periods: Type.Array(Type.Object({ start: HHMMSchema, end: HHMMSchema }, { additionalProperties: false }), { minItems: 1 }), sameDayCutoff: HHMMSchema },
  { additionalProperties: false },
);

/** Office periods in order and without overlap, and the cut-off after which "same day" means the next day. */
function checkOfficeHours(v: unknown): SettingCheck<OfficeHours> {
  const issues: ValidationIssue[] = [];
  const value = v as Partial<OfficeHours> | null;
  if (!value || typeof value !== 'object') return { ok: false, issues: [{ path: '', reason: COMMON_REASONS.notAnObject }] };
  if (!Array.isArray(value.periods) || value.periods.length === 0) issues.push({ path: 'periods', reason: l('至少需要一个办公时段', 'needs at least one period') });
  else {
    let previousEnd = '00:00';
    value.periods.forEach((p, i) => {
      if (!p || !HHMM.test(p.start) || !HHMM.test(p.end)) issues.push({ path: `periods.${i}`, reason: l('开始和结束时间应为 HH:MM 格式', 'start and end must be HH:MM') });
      else if (p.start >= p.end || p.start < previousEnd) issues.push({ path: `periods.${i}`, reason: l('办公时段应按先后顺序排列且不能重叠', 'periods must be ordered and not overlap') });
      else previousEnd = p.end;
    });
  }
  if (typeof value.sameDayCutoff !== 'string' || !HHMM.test(value.sameDayCutoff)) issues.push({ path: 'sameDayCutoff', reason: l('应为 HH:MM 格式', 'must be HH:MM') });
  return issues.length ? { ok: false, issues } : { ok: true, value: value as OfficeHours };
}

export const OFFICE_HOURS: SettingDefinition<OfficeHours> = {
  key: 'office_hours',
  path: 'office-hours',
  schema: OfficeHoursSchema,
  defaults: { periods: [...DEFAULT_OFFICE_HOURS], sameDayCutoff: DEFAULT_SAME_DAY_CUTOFF },
  check: checkOfficeHours,
};

/** The working calendar of configured office hours on a day table. */
export function calendarOf(hours: OfficeHours, days: DayTable): WorkCalendar {
  return createWorkCalendar({ officeHours: hours.periods, sameDayCutoff: hours.sameDayCutoff, isWorkday: days.isWorkday });
}

// One calendar per (hours, day table), so its per-date cache stays warm across the many reads of a busy hour.
const calendars = new WeakMap<DayTable, Map<string, WorkCalendar>>();

/** The working calendar now: the district's office hours on the current day table. */
export async function workCalendar(db: Kysely<DB>): Promise<WorkCalendar> {
  const [hours, days] = await Promise.all([readSetting(db, OFFICE_HOURS), currentDayTable(db)]);
  let byHours = calendars.get(days);
  if (!byHours) calendars.set(days, (byHours = new Map()));
  const key = JSON.stringify(hours);
  let calendar = byHours.get(key);
  if (!calendar) byHours.set(key, (calendar = calendarOf(hours, days)));
  return calendar;
}
