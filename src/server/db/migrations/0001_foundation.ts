import { sql, type Kysely } from 'kysely';

/** Org tree, buildings, users and roles, sessions, audit log. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);

  await sql`
    CREATE TABLE org_units (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      code text NOT NULL UNIQUE,
      name text NOT NULL,
      name_en text,
      type text NOT NULL CHECK (type IN ('district','subdistrict','community','station','grid','department')),
      parent_id uuid REFERENCES org_units(id),
      -- materialised path of ancestor ids and self, each followed by '/': subtree = path LIKE 'prefix%'
      path text NOT NULL UNIQUE,
      depth int NOT NULL,
      geometry jsonb,
      lat double precision,
      lng double precision,
      sample boolean NOT NULL DEFAULT false,
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX org_units_path_idx ON org_units (path text_pattern_ops)`.execute(db);
  await sql`CREATE INDEX org_units_parent_idx ON org_units (parent_id)`.execute(db);
  await sql`CREATE INDEX org_units_type_idx ON org_units (type)`.execute(db);

  await sql`
    CREATE TABLE buildings (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      code text NOT NULL UNIQUE,
      address text NOT NULL,
      lat double precision,
      lng double precision,
      community_id uuid NOT NULL REFERENCES org_units(id),
      grid_id uuid REFERENCES org_units(id),
      active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX buildings_community_idx ON buildings (community_id)`.execute(db);
  await sql`CREATE INDEX buildings_address_trgm_idx ON buildings USING gin (address gin_trgm_ops)`.execute(db);

  await sql`
    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      username text NOT NULL UNIQUE,
      display_name text NOT NULL,
      phone text,
      password_hash text NOT NULL,
      active boolean NOT NULL DEFAULT true,
      failed_logins int NOT NULL DEFAULT 0,
      locked_until timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE user_roles (
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      role text NOT NULL,
      org_id uuid NOT NULL REFERENCES org_units(id),
      PRIMARY KEY (user_id, role, org_id)
    )`.execute(db);
  await sql`CREATE INDEX user_roles_org_idx ON user_roles (org_id)`.execute(db);

  await sql`
    CREATE TABLE sessions (
      token_hash text PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX sessions_user_idx ON sessions (user_id)`.execute(db);

  await sql`
    CREATE TABLE audit_log (
      seq bigserial PRIMARY KEY,
      at timestamptz NOT NULL,
      actor_id uuid,
      actor_name text,
      action text NOT NULL,
      target_type text,
      target_id text,
      data jsonb NOT NULL DEFAULT '{}'::jsonb,
      ip text,
      prev_hash text NOT NULL,
      hash text NOT NULL
    )`.execute(db);
  // Append-only: updates and deletes are refused by the database itself.
  await sql`
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('fengqiao.audit_maintenance', true) = 'on' THEN
        RETURN COALESCE(NEW, OLD);
      END IF;
      RAISE EXCEPTION 'audit_log is append-only';
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()`.execute(db);
}
