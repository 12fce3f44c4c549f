import type { Generated } from 'kysely';
import type { Json, Timestamp } from '../../db/columns.js';
import type { DayKind, StoredSource } from './days.rules.js';

/** The exceptional days people wrote: an imported notice (`official`) or the district's own (`local`). */
export interface CalendarDaysTable {
  /** `YYYY-MM-DD`, Shanghai; text, so no driver or zone ever shifts it. */
  date: string;
  source: StoredSource;
  kind: DayKind;
  name: string;
  updated_at: Timestamp;
  updated_by: string | null;
}

/** One row per change of the calendar; its id is the revision every process and follower compares. */
export interface CalendarRevisionsTable {
  id: Generated<number>;
  year: number;
  /** What the change did: `put` or `import`, with the dates whose working status moved. */
  change: Json<{ action: 'put' | 'import'; changedDates: string[]; days: number }>;
  created_at: Timestamp;
  created_by: string | null;
}

/**
 * How far each follower (a module that recomputes deadlines) has worked through the calendar's revisions:
 * `done_revision` is fully applied; while a pass is running, `pass_revision` is its target and `after_key`
 * the last row it finished, so a crash resumes the pass where it stopped.
 */
export interface CalendarFollowersTable {
  consumer: string;
  done_revision: number;
  pass_revision: number | null;
  after_key: string | null;
  updated_at: Timestamp;
}

/** The weekly "next year is provisional" notices already sent: one row per (year, ISO week), so once per week. */
export interface CalendarWarningsTable {
  year: number;
  week: string;
  sent_at: Timestamp;
}

export interface CalendarTables {
  calendar_warnings: CalendarWarningsTable;
  calendar_days: CalendarDaysTable;
  calendar_revisions: CalendarRevisionsTable;
  calendar_followers: CalendarFollowersTable;
}
