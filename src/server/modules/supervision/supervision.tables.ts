import type { Generated } from 'kysely';
import type { Defaulted, Json, Timestamp } from '../../db/columns.js';

export interface SupervisionNoticesTable {
  id: Generated<string>;
  case_id: string;
  org_id: string;
  org_path: string;
  content: string;
  issued_by: string | null;
  issued_at: Timestamp;
  answer_by: Timestamp;
  status: 'open' | 'answered';
  overdue: Defaulted<boolean>;
  answer: string | null;
  answered_by: string | null;
  answered_at: Timestamp | null;
}

export type SupervisionReportKind = 'digest' | 'circular' | 'weekly_ranking' | 'monthly_analysis' | 'quarterly_assessment';

export interface SupervisionReportsTable {
  id: Generated<number>;
  kind: SupervisionReportKind;
  org_id: string;
  period: string;
  data: Json<Record<string, unknown>>;
  created_at: Timestamp;
}

export interface LeaderAppointmentsTable {
  id: Generated<string>;
  case_id: string;
  day: string;
  level: 'green' | 'yellow' | 'red';
  leader_role: string;
  org_id: string;
  status: Defaulted<string>;
  scheduled_at: Timestamp | null;
  outcome: string | null;
  created_at: Timestamp;
}

export interface SupervisionTables {
  leader_appointments: LeaderAppointmentsTable;
  supervision_notices: SupervisionNoticesTable;
  supervision_reports: SupervisionReportsTable;
}
