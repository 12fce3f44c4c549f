/**
 * The calendar module's doorway: China's working calendar as data (holidays and 调休 days by source, the
 * provisional derivation for unpublished years, imports and edits), the working-time arithmetic every
 * deadline runs on, office hours, and the followers that recompute deadlines when the calendar changes.
 */
import type { ModuleDefinition } from '../../platform/modules.js';
import { calendarRoutes } from './calendar.routes.js';
import { provisionalNoticeSweeper } from './calendar.warnings.js';
import { builtInDayTable } from './calendar.store.js';
import { DEFAULT_OFFICE_HOURS, DEFAULT_SAME_DAY_CUTOFF, createWorkCalendar, type WorkCalendar } from './work-time.rules.js';

export {
  DATE_RE, DEFAULT_OFFICE_HOURS, DEFAULT_SAME_DAY_CUTOFF, MINUTE_MS, SHANGHAI_OFFSET_MS, addWorkingDays, addWorkingMinutes, addWorkingMs,
  assertValidInstant, createWorkCalendar, endOfDay, isWeekday, nextDate, nextOfficeInstant, shanghaiDate, workingMinutesBetween, workingMsBetween,
  type OfficePeriod, type WorkCalendar, type WorkCalendarOptions,
} from './work-time.rules.js';
export { type CalendarDay, type CalendarYear, type DayTable } from './days.rules.js';
export { builtInDayTable, currentDayTable } from './calendar.store.js';
export { OFFICE_HOURS, calendarOf, workCalendar, type OfficeHours } from './calendar.settings.js';
export { calendarFollowerSweeper, type CalendarFollower, type FollowerBatch } from './calendar.follow.js';

/**
 * SPEC office hours on the built-in days (the package's years, the statutory derivation for the others), for
 * pure computations and tests that need no database. The table is built on first use, not on import.
 */
export const DEFAULT_WORK_CALENDAR: WorkCalendar = createWorkCalendar({
  officeHours: DEFAULT_OFFICE_HOURS,
  sameDayCutoff: DEFAULT_SAME_DAY_CUTOFF,
  isWorkday: (date) => builtInDayTable().isWorkday(date),
});

export const calendarModule: ModuleDefinition = { name: 'calendar', routes: calendarRoutes, sweepers: [provisionalNoticeSweeper()] };
