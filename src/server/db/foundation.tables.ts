import type { ColumnType, Generated } from 'kysely';

/** A timestamp column: read as Date, written as Date or ISO string. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp column the database fills by default on insert. */
export type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A JSON column. pg parses jsonb on read; writes take a JSON string or value. */
export type Json<T> = ColumnType<T, string | T, string | T>;

export type OrgType = 'district' | 'subdistrict' | 'community' | 'station' | 'grid' | 'department';

export interface OrgUnitsTable {
  id: Generated<string>;
  code: string;
  name: string;
  name_en: string | null;
  type: OrgType;
  parent_id: string | null;
  path: string;
  depth: number;
  geometry: Json<unknown> | null;
  lat: number | null;
  lng: number | null;
  sample: Generated<boolean>;
  active: Generated<boolean>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface BuildingsTable {
  id: Generated<string>;
  code: string;
  address: string;
  lat: number | null;
  lng: number | null;
  community_id: string;
  grid_id: string | null;
  active: Generated<boolean>;
  created_at: GeneratedTimestamp;
}

export interface UsersTable {
  id: Generated<string>;
  username: string;
  display_name: string;
  phone: string | null;
  password_hash: string;
  active: Generated<boolean>;
  created_at: GeneratedTimestamp;
  updated_at: GeneratedTimestamp;
}

export interface UserRolesTable {
  user_id: string;
  role: string;
  org_id: string;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
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

export interface FoundationTables {
  org_units: OrgUnitsTable;
  buildings: BuildingsTable;
  users: UsersTable;
  user_roles: UserRolesTable;
  sessions: SessionsTable;
  audit_log: AuditLogTable;
}
