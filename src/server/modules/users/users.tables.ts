import type { Timestamp } from '../../db/foundation.tables.js';

/** Failed sign-ins per (username, IP); `ip` '*' counts the username over all IPs (migration 0014). */
export interface LoginThrottleTable {
  username: string;
  ip: string;
  failures: number;
  last_failure_at: Timestamp;
}

export interface UserTables {
  login_throttle: LoginThrottleTable;
}
