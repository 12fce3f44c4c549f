import type { Generated } from 'kysely';
import type { Defaulted, Json, Timestamp } from '../../db/columns.js';

/** The in-app inbox: one row per recipient of a delivered `notify` message. */
export interface NotificationsTable {
  id: Generated<number>;
  user_id: string;
  kind: string;
  title: string;
  body: Defaulted<string>;
  case_id: string | null;
  data: Json<Record<string, unknown>>;
  source_id: number | null;
  created_at: Timestamp;
  read_at: Timestamp | null;
  /** English title and body beside the Chinese ones (migration 0003). */
  title_en: string | null;
  body_en: string | null;
}

export interface NotificationTables {
  notifications: NotificationsTable;
}
