import type { Generated } from 'kysely';
import type { Defaulted, Timestamp } from '../../db/columns.js';

export interface OrdersTable {
  id: Generated<string>;
  batch_id: string;
  case_id: string;
  kind: 'emergency' | 'difficult' | 'routine';
  risk_level: string;
  instructions: string;
  issuer_org_id: string;
  issuer_path: string;
  issued_by: string | null;
  department_id: string;
  department_path: string;
  status: 'issued' | 'acknowledged' | 'arrived' | 'completed' | 'confirmed';
  acknowledge_by: Timestamp;
  arrive_by: Timestamp;
  min_leader_rank: string | null;
  min_headcount: number;
  acknowledged_at: Timestamp | null;
  acknowledged_by: string | null;
  acknowledge_late: Defaulted<boolean>;
  arrived_at: Timestamp | null;
  checked_in_at: Timestamp | null;
  checked_in_by: string | null;
  leader_rank: string | null;
  headcount: number | null;
  lat: number | null;
  lng: number | null;
  late: Defaulted<boolean>;
  under_ranked: Defaulted<boolean>;
  under_staffed: Defaulted<boolean>;
  acknowledge_overdue: Defaulted<boolean>;
  arrive_overdue: Defaulted<boolean>;
  completed_at: Timestamp | null;
  completed_by: string | null;
  report: string | null;
  confirmed_at: Timestamp | null;
  confirmed_by: string | null;
  confirm_note: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OrderTables {
  orders: OrdersTable;
}
