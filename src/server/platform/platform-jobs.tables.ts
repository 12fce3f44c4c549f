/**
 * Column types added by migration 0003_platform_jobs. They extend the table
 * interfaces declared in cases.tables.ts by declaration merging, so that file's
 * owner can fold them in later without any caller changing.
 */
import type { Timestamp } from '../db/foundation.tables.js';

declare module '../modules/cases/cases.tables.js' {
  interface TimersTable {
    /** When a failed timer may be tried again; null = at due_at. */
    retry_at: Timestamp | null;
  }
  interface OutboxTable {
    /** Set when the row exhausted its attempts: kept with last_error, never claimed again. */
    failed_at: Timestamp | null;
  }
  interface NotificationsTable {
    title_en: string | null;
    body_en: string | null;
  }
}

export {};
