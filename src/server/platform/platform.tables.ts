/**
 * The tables the platform itself reads and writes: durable timers, the
 * outbox, the settings rows and the audit chain. Business modules declare
 * their own tables in their folders; `db/schema.ts` joins them all.
 */
import type { Generated } from 'kysely';
import type { Defaulted, Json, Timestamp } from '../db/columns.js';

export interface TimersTable {
  id: Generated<number>;
  kind: string;
  subject_id: string;
  due_at: Timestamp;
  payload: Json<Record<string, unknown>>;
  fired_at: Timestamp | null;
  cancelled_at: Timestamp | null;
  attempts: Defaulted<number>;
  last_error: string | null;
  created_at: Timestamp;
  /** When a failed timer may be tried again; null = at due_at (migration 0003). */
  retry_at: Timestamp | null;
}

export interface OutboxTable {
  id: Generated<number>;
  topic: string;
  payload: Json<Record<string, unknown>>;
  created_at: Timestamp;
  available_at: Timestamp;
  attempts: Defaulted<number>;
  delivered_at: Timestamp | null;
  last_error: string | null;
  /** Set when the row exhausted its attempts: kept with last_error, never claimed again (migration 0003). */
  failed_at: Timestamp | null;
}

export interface SettingsTable {
  key: string;
  value: Json<unknown>;
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface AuditLogTable {
  seq: Generated<number>;
  at: Timestamp;
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  data: Json<Record<string, unknown>>;
  ip: string | null;
  prev_hash: string;
  hash: string;
  /** 'sha256' (rows from before migration 0012) or 'hmac-sha256' under the key `key_id` names (platform/audit-key.ts). */
  hash_alg: 'sha256' | 'hmac-sha256';
  key_id: string | null;
}

export interface PlatformTables {
  timers: TimersTable;
  outbox: OutboxTable;
  settings: SettingsTable;
  audit_log: AuditLogTable;
}
