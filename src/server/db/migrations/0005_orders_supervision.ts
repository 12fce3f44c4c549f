import { sql, type Kysely } from 'kysely';

/**
 * Orders (社区吹哨，部门报到, SPEC §6) and supervision (SPEC §7): one order row
 * per department, supervision notices (督办单) with the owner's answer, and the
 * periodic supervision reports (daily digest per unit, daily circular, weekly
 * rankings, monthly analysis, quarterly assessment), each unique per kind, unit
 * and period so a report is produced exactly once however many sweepers run.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE orders (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      -- the departments of one whistle share a batch id
      batch_id uuid NOT NULL,
      case_id uuid NOT NULL REFERENCES cases(id),
      kind text NOT NULL CHECK (kind IN ('emergency','difficult','routine')),
      risk_level text NOT NULL,
      instructions text NOT NULL,
      issuer_org_id uuid NOT NULL REFERENCES org_units(id),
      issuer_path text NOT NULL,
      issued_by uuid REFERENCES users(id),
      department_id uuid NOT NULL REFERENCES org_units(id),
      department_path text NOT NULL,
      status text NOT NULL CHECK (status IN ('issued','acknowledged','arrived','completed','confirmed')),
      acknowledge_by timestamptz NOT NULL,
      arrive_by timestamptz NOT NULL,
      min_leader_rank text,
      min_headcount int NOT NULL,
      acknowledged_at timestamptz,
      acknowledged_by uuid REFERENCES users(id),
      acknowledge_late boolean NOT NULL DEFAULT false,
      arrived_at timestamptz,
      checked_in_at timestamptz,
      checked_in_by uuid REFERENCES users(id),
      leader_rank text,
      headcount int,
      lat double precision,
      lng double precision,
      late boolean NOT NULL DEFAULT false,
      under_ranked boolean NOT NULL DEFAULT false,
      under_staffed boolean NOT NULL DEFAULT false,
      -- set by the timers when a deadline passes with nothing done
      acknowledge_overdue boolean NOT NULL DEFAULT false,
      arrive_overdue boolean NOT NULL DEFAULT false,
      completed_at timestamptz,
      completed_by uuid REFERENCES users(id),
      report text,
      confirmed_at timestamptz,
      confirmed_by uuid REFERENCES users(id),
      confirm_note text,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX orders_case_idx ON orders (case_id, created_at)`.execute(db);
  await sql`CREATE INDEX orders_department_idx ON orders (department_path text_pattern_ops, created_at DESC)`.execute(db);
  await sql`CREATE INDEX orders_issuer_idx ON orders (issuer_path text_pattern_ops, created_at DESC)`.execute(db);
  await sql`CREATE INDEX orders_created_idx ON orders (created_at)`.execute(db);

  await sql`
    CREATE TABLE supervision_notices (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      case_id uuid NOT NULL REFERENCES cases(id),
      -- the owner when the notice was issued: that unit must answer
      org_id uuid NOT NULL REFERENCES org_units(id),
      org_path text NOT NULL,
      content text NOT NULL,
      issued_by uuid REFERENCES users(id),
      issued_at timestamptz NOT NULL,
      answer_by timestamptz NOT NULL,
      status text NOT NULL CHECK (status IN ('open','answered')),
      overdue boolean NOT NULL DEFAULT false,
      answer text,
      answered_by uuid REFERENCES users(id),
      answered_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX supervision_notices_case_idx ON supervision_notices (case_id)`.execute(db);
  await sql`CREATE INDEX supervision_notices_org_idx ON supervision_notices (org_path text_pattern_ops, issued_at DESC)`.execute(db);

  await sql`
    CREATE TABLE supervision_reports (
      id bigserial PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('digest','circular','weekly_ranking','monthly_analysis','quarterly_assessment')),
      org_id uuid NOT NULL REFERENCES org_units(id),
      period text NOT NULL,
      data jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      UNIQUE (kind, org_id, period)
    )`.execute(db);
  await sql`CREATE INDEX supervision_reports_org_idx ON supervision_reports (org_id, kind, created_at DESC)`.execute(db);

  // Drill-downs and the regrade read these by time and by kind.
  await sql`CREATE INDEX IF NOT EXISTS case_events_action_idx ON case_events (action, case_id)`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS sla_misses_org_idx ON sla_misses (org_id, clock, case_id)`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS cases_accepted_idx ON cases (accepted_at) WHERE accepted_at IS NOT NULL`.execute(db);
}
