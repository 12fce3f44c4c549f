import { sql, type Kysely } from 'kysely';

/**
 * Anchors the audit chain (security issue #13, finding 4).
 *
 * 1. Keyed rows. From now on rows are chained with HMAC-SHA-256 under a key kept
 *    outside the database (platform/audit-key.ts). Existing rows were chained
 *    with plain SHA-256 and keep verifying as they are: `hash_alg` says which,
 *    `key_id` names the key (its fingerprint). Adding the columns touches no row
 *    (a constant default), so the append-only trigger is not involved. The
 *    default is dropped afterwards: every new row must say how it was signed.
 *
 * 2. The maintenance switch. The trigger used to let through any session that
 *    had set `fengqiao.audit_maintenance = on`, a setting every session may set.
 *    Now only a session whose CURRENT role is `fengqiao_audit_maintainer` may
 *    change or remove rows: `SET LOCAL ROLE fengqiao_audit_maintainer` inside
 *    the maintenance transaction. Checking `current_user` rather than role
 *    membership matters on PGlite, where the application itself is a superuser
 *    (a member of every role): the application never switches role, so it is
 *    refused like anyone else. On PostgreSQL, the application's login must not
 *    be granted the role; a DBA who is (`GRANT fengqiao_audit_maintainer TO
 *    alice`) switches to it explicitly, and the switch is visible in the
 *    server's log and in `pg_stat_activity`.
 *
 * 3. TRUNCATE fired no row trigger, so `TRUNCATE audit_log` emptied the log
 *    from any session: a statement trigger now refuses it the same way.
 *
 * Roles belong to the whole cluster. Creating one needs CREATEROLE; a
 * migration running as a login without it leaves a notice and the DBA creates
 * the role (the trigger does not need it to exist: no role, no maintainer).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE audit_log ADD COLUMN hash_alg text NOT NULL DEFAULT 'sha256', ADD COLUMN key_id text`.execute(db);
  await sql`ALTER TABLE audit_log ALTER COLUMN hash_alg DROP DEFAULT`.execute(db);
  await sql`
    ALTER TABLE audit_log ADD CONSTRAINT audit_log_hash_alg_check
    CHECK ((hash_alg = 'sha256' AND key_id IS NULL) OR (hash_alg = 'hmac-sha256' AND key_id IS NOT NULL))`.execute(db);

  await sql`
    DO $$
    BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fengqiao_audit_maintainer') THEN
        CREATE ROLE fengqiao_audit_maintainer NOLOGIN;
      END IF;
    EXCEPTION
      WHEN insufficient_privilege THEN
        RAISE NOTICE 'create the role fengqiao_audit_maintainer (NOLOGIN) as a DBA to allow audit log maintenance';
      WHEN duplicate_object OR unique_violation THEN
        NULL; -- created meanwhile by a migration of another database in the same cluster
    END $$`.execute(db);
  await sql`
    DO $$
    BEGIN
      IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fengqiao_audit_maintainer') THEN
        GRANT SELECT, UPDATE, DELETE ON audit_log TO fengqiao_audit_maintainer;
      END IF;
    END $$`.execute(db);

  await sql`
    CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_user = 'fengqiao_audit_maintainer' THEN
        RETURN COALESCE(NEW, OLD);
      END IF;
      RAISE EXCEPTION 'audit_log is append-only (maintenance only after SET LOCAL ROLE fengqiao_audit_maintainer)';
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()`.execute(db);
}
