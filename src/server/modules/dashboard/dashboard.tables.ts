import type { ColumnType, Generated } from 'kysely';
import type { Json, Timestamp } from '../../db/columns.js';

/** Counters maintained by the triggers of migration 0006; see there for the key design. */
export interface DashboardCountersTable {
  org_id: string;
  /** 0 = all time; otherwise the Shanghai day as days since 1970-01-01. */
  bucket: number;
  metric: string;
  dim: string;
  slot: number;
  n: ColumnType<number, number | bigint, number | bigint>;
}

export interface DashboardReconciliationsTable {
  id: Generated<number>;
  started_at: Timestamp;
  finished_at: Timestamp;
  source: string;
  cases: ColumnType<number, number, number>;
  keys_checked: number;
  drift_count: number;
  drift: Json<unknown[]>;
  fixed: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface DashboardTables {
  dashboard_counters: DashboardCountersTable;
  dashboard_reconciliations: DashboardReconciliationsTable;
}
