import type { ColumnType, Generated } from 'kysely';
import type { Defaulted, Json, Timestamp } from '../../db/columns.js';

type Numeric = ColumnType<number, number | string | undefined, number | string>;
type TsVector = ColumnType<string | null, string | null | undefined, string | null>;

export interface CategoriesTable {
  code: string;
  service_type: string;
  name: string;
  name_en: string;
  handling: 'community' | 'department';
  department_code: string | null;
  anonymous_allowed: Defaulted<boolean>;
  extra_fields: ColumnType<unknown[], string | unknown[] | undefined, string | unknown[]>;
  sort: Defaulted<number>;
  active: Defaulted<boolean>;
}

export interface CaseDailyCountersTable {
  day: string;
  last: number;
}

export interface CasesTable {
  id: Generated<string>;
  tracking_no: string;
  access_code_hash: string;
  idempotency_key: string | null;
  channel: string;
  service_type: string;
  category: string;
  title: string;
  description: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  building_code: string | null;
  community_id: string | null;
  grid_id: string | null;
  location_source: Defaulted<string>;
  reporter_name: string | null;
  reporter_phone: string | null;
  reporter_id_no: string | null;
  anonymous: Defaulted<boolean>;
  people_involved: Defaulted<number>;
  amount_involved: Numeric;
  urgency: Defaulted<string>;
  flags: Defaulted<string[]>;
  risk_level: string;
  risk_reasons: Json<unknown[]>;
  status: string;
  status_before_suspend: string | null;
  owner_org_id: string;
  owner_path: string;
  first_org_id: string;
  first_path: string;
  escalation_level: Defaulted<number>;
  major: Defaulted<boolean>;
  respond_by: Timestamp | null;
  accept_by: Timestamp | null;
  resolve_by: Timestamp | null;
  responded_at: Timestamp | null;
  accepted_at: Timestamp | null;
  resolved_at: Timestamp | null;
  confirmed_at: Timestamp | null;
  closed_at: Timestamp | null;
  suspended_at: Timestamp | null;
  suspended_remaining: Json<unknown> | null;
  warning: Defaulted<boolean>;
  overdue: Defaulted<boolean>;
  merged_into: string | null;
  rating: number | null;
  rating_comment: string | null;
  extra: Json<Record<string, unknown>>;
  search_tokens: TsVector;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  version: Defaulted<number>;
}

export interface CaseEventsTable {
  id: Generated<number>;
  case_id: string;
  at: Timestamp;
  actor_kind: 'staff' | 'resident' | 'system';
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  from_status: string | null;
  to_status: string | null;
  org_id: string | null;
  note: string | null;
  data: Json<Record<string, unknown>>;
  attachments: Json<unknown[]>;
}

export interface SlaMissesTable {
  id: Generated<number>;
  case_id: string;
  org_id: string;
  clock: string;
  due_at: Timestamp;
  recorded_at: Timestamp;
}

export interface CaseTables {
  categories: CategoriesTable;
  case_daily_counters: CaseDailyCountersTable;
  cases: CasesTable;
  case_events: CaseEventsTable;
  sla_misses: SlaMissesTable;
}
