/**
 * The ordered list of migrations. Static imports (rather than reading a folder)
 * keep migrations working from any working directory and under bundlers.
 * Append new migrations at the end; never edit one that has shipped.
 */
import type { Migration } from 'kysely';
import * as m0001 from './0001_foundation.js';
import * as m0002 from './0002_cases.js';
import * as m0003 from './0003_platform_jobs.js';
import * as m0004 from './0004_category_defaults.js';
import * as m0005 from './0005_orders_supervision.js';
import * as m0006 from './0006_public_portal.js';
import * as m0007 from './0007_dashboard_counters.js';
import * as m0008 from './0008_case_search.js';
import * as m0009 from './0009_intake_path.js';
import * as m0010 from './0010_counter_slots.js';
import * as m0011 from './0011_timer_indexes.js';
import * as m0012 from './0012_audit_anchor.js';
import * as m0013 from './0013_upload_cleanup.js';
import * as m0014 from './0014_login_throttle.js';
import * as m0015 from './0015_setting_defaults.js';
import * as m0016 from './0016_work_calendar.js';

export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_cases': m0002,
  '0003_platform_jobs': m0003,
  '0004_category_defaults': m0004,
  '0005_orders_supervision': m0005,
  '0006_public_portal': m0006,
  '0007_dashboard_counters': m0007,
  '0008_case_search': m0008,
  '0009_intake_path': m0009,
  '0010_counter_slots': m0010,
  '0011_timer_indexes': m0011,
  '0012_audit_anchor': m0012,
  '0013_upload_cleanup': m0013,
  '0014_login_throttle': m0014,
  '0015_setting_defaults': m0015,
  '0016_work_calendar': m0016,
};
