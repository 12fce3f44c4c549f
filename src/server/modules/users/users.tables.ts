import type { Generated } from 'kysely';
import type { GeneratedTimestamp, Timestamp } from '../../db/columns.js';

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

/** Bearer tokens: written at sign-in and revoked here; platform/auth.ts resolves a token to its actor. */
export interface SessionsTable {
  token_hash: string;
  user_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

/** Failed sign-ins per (username, IP); `ip` '*' counts the username over all IPs (migration 0014). */
export interface LoginThrottleTable {
  username: string;
  ip: string;
  failures: number;
  last_failure_at: Timestamp;
}

export interface UserTables {
  users: UsersTable;
  user_roles: UserRolesTable;
  sessions: SessionsTable;
  login_throttle: LoginThrottleTable;
}
