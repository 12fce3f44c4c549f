import { sql, type Kysely } from 'kysely';

/**
 * Cases and everything that must commit with them: timeline events, timers,
 * outbox rows; plus the configuration tables (categories, settings) whose
 * defaults are inserted by the cases module's seed on first start.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE categories (
      code text PRIMARY KEY,
      service_type text NOT NULL CHECK (service_type IN ('complaint','dispute','legal','psych','assistance')),
      name text NOT NULL,
      name_en text NOT NULL,
      -- 'community': routed to the community of the location; 'department': to department_code
      handling text NOT NULL CHECK (handling IN ('community','department')),
      department_code text,
      anonymous_allowed boolean NOT NULL DEFAULT false,
      extra_fields jsonb NOT NULL DEFAULT '[]'::jsonb,
      sort int NOT NULL DEFAULT 0,
      active boolean NOT NULL DEFAULT true
    )`.execute(db);

  // Editable configuration documents (grading rules, SLA policy, office hours…), validated on write.
  await sql`
    CREATE TABLE settings (
      key text PRIMARY KEY,
      value jsonb NOT NULL,
      updated_at timestamptz NOT NULL,
      updated_by uuid
    )`.execute(db);

  // Per-day tracking-number counters, bumped outside the intake transaction (like a sequence).
  await sql`CREATE TABLE case_daily_counters (day text PRIMARY KEY, last int NOT NULL)`.execute(db);

  await sql`
    CREATE TABLE cases (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tracking_no text NOT NULL UNIQUE,
      access_code_hash text NOT NULL,
      idempotency_key text UNIQUE,
      channel text NOT NULL,
      service_type text NOT NULL,
      category text NOT NULL REFERENCES categories(code),
      title text NOT NULL,
      description text NOT NULL,
      address text,
      lat double precision,
      lng double precision,
      building_code text,
      community_id uuid REFERENCES org_units(id),
      grid_id uuid REFERENCES org_units(id),
      location_source text NOT NULL DEFAULT 'none',
      reporter_name text,
      reporter_phone text,
      reporter_id_no text,
      anonymous boolean NOT NULL DEFAULT false,
      people_involved int NOT NULL DEFAULT 1,
      amount_involved numeric(14,2) NOT NULL DEFAULT 0,
      urgency text NOT NULL DEFAULT 'normal',
      flags text[] NOT NULL DEFAULT '{}',
      risk_level text NOT NULL CHECK (risk_level IN ('red','yellow','blue')),
      risk_reasons jsonb NOT NULL DEFAULT '[]'::jsonb,
      status text NOT NULL,
      status_before_suspend text,
      owner_org_id uuid NOT NULL REFERENCES org_units(id),
      -- the owner's materialised path, copied so scope checks are one indexed prefix match
      owner_path text NOT NULL,
      first_org_id uuid NOT NULL REFERENCES org_units(id),
      -- the first-receiving unit keeps sight of the case after dispatch (首接负责)
      first_path text NOT NULL,
      escalation_level int NOT NULL DEFAULT 0,
      major boolean NOT NULL DEFAULT false,
      respond_by timestamptz,
      accept_by timestamptz,
      resolve_by timestamptz,
      responded_at timestamptz,
      accepted_at timestamptz,
      resolved_at timestamptz,
      confirmed_at timestamptz,
      closed_at timestamptz,
      suspended_at timestamptz,
      suspended_remaining jsonb,
      warning boolean NOT NULL DEFAULT false,
      overdue boolean NOT NULL DEFAULT false,
      merged_into uuid REFERENCES cases(id),
      rating int,
      rating_comment text,
      extra jsonb NOT NULL DEFAULT '{}'::jsonb,
      search_tokens tsvector,
      created_by uuid REFERENCES users(id),
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      version int NOT NULL DEFAULT 1
    )`.execute(db);
  await sql`CREATE INDEX cases_owner_path_idx ON cases (owner_path text_pattern_ops, created_at DESC)`.execute(db);
  await sql`CREATE INDEX cases_first_path_idx ON cases (first_path text_pattern_ops, created_at DESC)`.execute(db);
  await sql`CREATE INDEX cases_status_idx ON cases (status, created_at DESC)`.execute(db);
  await sql`CREATE INDEX cases_created_idx ON cases (created_at DESC)`.execute(db);
  await sql`CREATE INDEX cases_reporter_phone_idx ON cases (reporter_phone) WHERE reporter_phone IS NOT NULL`.execute(db);
  await sql`CREATE INDEX cases_community_idx ON cases (community_id, created_at DESC)`.execute(db);
  await sql`CREATE INDEX cases_search_idx ON cases USING gin (search_tokens)`.execute(db);
  await sql`CREATE INDEX cases_open_overdue_idx ON cases (overdue) WHERE overdue AND status NOT IN ('closed','merged','rejected')`.execute(db);

  await sql`
    CREATE TABLE case_events (
      id bigserial PRIMARY KEY,
      case_id uuid NOT NULL REFERENCES cases(id),
      at timestamptz NOT NULL,
      actor_kind text NOT NULL CHECK (actor_kind IN ('staff','resident','system')),
      actor_id uuid,
      actor_name text,
      action text NOT NULL,
      from_status text,
      to_status text,
      org_id uuid,
      note text,
      data jsonb NOT NULL DEFAULT '{}'::jsonb,
      attachments jsonb NOT NULL DEFAULT '[]'::jsonb
    )`.execute(db);
  await sql`CREATE INDEX case_events_case_idx ON case_events (case_id, id)`.execute(db);
  await sql`
    CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'case_events is append-only'; END $$`.execute(db);
  await sql`
    CREATE TRIGGER case_events_no_change BEFORE UPDATE OR DELETE ON case_events
    FOR EACH ROW EXECUTE FUNCTION case_events_append_only()`.execute(db);

  await sql`
    CREATE TABLE attachments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      case_id uuid REFERENCES cases(id),
      file_name text NOT NULL,
      mime_type text NOT NULL,
      size_bytes int NOT NULL,
      sha256 text NOT NULL,
      storage_key text NOT NULL,
      uploaded_by uuid,
      created_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX attachments_case_idx ON attachments (case_id)`.execute(db);

  // Durable timers: the source of truth for every deadline reminder and breach.
  await sql`
    CREATE TABLE timers (
      id bigserial PRIMARY KEY,
      kind text NOT NULL,
      subject_id uuid NOT NULL,
      due_at timestamptz NOT NULL,
      payload jsonb NOT NULL DEFAULT '{}'::jsonb,
      fired_at timestamptz,
      cancelled_at timestamptz,
      attempts int NOT NULL DEFAULT 0,
      last_error text,
      created_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX timers_due_idx ON timers (due_at) WHERE fired_at IS NULL AND cancelled_at IS NULL`.execute(db);
  await sql`CREATE INDEX timers_subject_idx ON timers (subject_id) WHERE fired_at IS NULL AND cancelled_at IS NULL`.execute(db);
  // A given reminder fires at most once per subject and deadline.
  await sql`CREATE UNIQUE INDEX timers_once_idx ON timers (kind, subject_id, due_at)`.execute(db);

  // Transactional outbox: rows commit with the change; delivery happens after commit.
  await sql`
    CREATE TABLE outbox (
      id bigserial PRIMARY KEY,
      topic text NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL,
      available_at timestamptz NOT NULL,
      attempts int NOT NULL DEFAULT 0,
      delivered_at timestamptz,
      last_error text
    )`.execute(db);
  await sql`CREATE INDEX outbox_pending_idx ON outbox (available_at) WHERE delivered_at IS NULL`.execute(db);

  await sql`
    CREATE TABLE notifications (
      id bigserial PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      kind text NOT NULL,
      title text NOT NULL,
      body text NOT NULL DEFAULT '',
      case_id uuid,
      data jsonb NOT NULL DEFAULT '{}'::jsonb,
      -- the outbox row that produced it: redelivery never duplicates a notification
      source_id bigint,
      created_at timestamptz NOT NULL,
      read_at timestamptz,
      UNIQUE (user_id, source_id)
    )`.execute(db);
  await sql`CREATE INDEX notifications_user_idx ON notifications (user_id, id DESC)`.execute(db);

  // Deadline misses recorded against the owning unit, for assessment.
  await sql`
    CREATE TABLE sla_misses (
      id bigserial PRIMARY KEY,
      case_id uuid NOT NULL REFERENCES cases(id),
      org_id uuid NOT NULL REFERENCES org_units(id),
      clock text NOT NULL,
      due_at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL,
      UNIQUE (case_id, clock, due_at)
    )`.execute(db);

  // Leader appointments from the end-of-day regrade (领导约见).
  await sql`
    CREATE TABLE leader_appointments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      case_id uuid NOT NULL REFERENCES cases(id),
      day text NOT NULL,
      level text NOT NULL CHECK (level IN ('green','yellow','red')),
      leader_role text NOT NULL,
      org_id uuid NOT NULL REFERENCES org_units(id),
      status text NOT NULL DEFAULT 'pending',
      scheduled_at timestamptz,
      outcome text,
      created_at timestamptz NOT NULL,
      UNIQUE (case_id, day)
    )`.execute(db);

  // One-time codes for citizens' phone verification; only a hash of the code is kept.
  await sql`
    CREATE TABLE otp_codes (
      id bigserial PRIMARY KEY,
      phone text NOT NULL,
      code_hash text NOT NULL,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      attempts int NOT NULL DEFAULT 0,
      consumed_at timestamptz,
      ip text
    )`.execute(db);
  await sql`CREATE INDEX otp_codes_phone_idx ON otp_codes (phone, created_at DESC)`.execute(db);

  // Proof tokens handed out after a phone is verified; a submission spends one.
  await sql`
    CREATE TABLE phone_verifications (
      token_hash text PRIMARY KEY,
      phone text NOT NULL,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL
    )`.execute(db);
}
