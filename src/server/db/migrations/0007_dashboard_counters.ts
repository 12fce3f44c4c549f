import { sql, type Kysely } from 'kysely';

/**
 * Command-centre counters (SPEC §10), maintained by the database itself so the
 * big screen's summary costs O(org units), not O(cases):
 *
 * - `dashboard_case_facts(...)` is the ONE definition of what a case counts
 *   for: a set of (org, bucket, metric, dim, slot) keys, for the owning unit
 *   AND each of its ancestors (from the case's `owner_path`, the column case
 *   scoping uses). So the summary of any unit's subtree reads that unit's own
 *   rows, plus one row group per child or community for the breakdown: its
 *   cost depends neither on the case count nor on the subtree's size. Writes
 *   touch depth (<= 4) times more rows, aggregated per statement. The triggers,
 *   the bulk generator, the rebuild and the nightly reconciliation all use it,
 *   so they cannot disagree about a definition.
 * - Statement-level AFTER triggers with transition tables on `cases` add the
 *   facts of the new rows and subtract those of the old rows in the same
 *   transaction as the change (no application hook to forget, works on PGlite
 *   and PostgreSQL). Being per statement, a bulk INSERT of 100,000 rows does
 *   one aggregated upsert instead of 100,000; a single-row change that moves no
 *   figure (e.g. a comment bumping updated_at) nets to zero and writes nothing.
 * - Hot rows: every intake in a community would otherwise update the same
 *   "today / received" and "all / received" rows and serialise on their row
 *   lock until commit. Each counter is spread over 4 slots chosen by the last
 *   byte of the case id (random for gen_random_uuid), and readers sum the
 *   slots. A case always maps to the same slot, so its +1 and later -1 meet.
 *   (Superseded by 0010: the slot is now the writing connection's.)
 * - Buckets: 0 (all time) or the Shanghai calendar day (days since 1970-01-01) for the
 *   day-based metrics (received by created_at, accepted by accepted_at,
 *   resolved by resolved_at); the trend and "today" read day buckets.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE dashboard_counters (
      org_id uuid NOT NULL,
      -- 0 = all time; otherwise the Shanghai calendar day as days since 1970-01-01
      bucket int NOT NULL,
      metric text NOT NULL,
      dim text NOT NULL,
      slot smallint NOT NULL,
      n bigint NOT NULL,
      PRIMARY KEY (org_id, bucket, metric, dim, slot)
    )`.execute(db);

  // Results of each reconciliation (nightly timer or CLI): drift is reported, never silently fixed.
  await sql`
    CREATE TABLE dashboard_reconciliations (
      id bigserial PRIMARY KEY,
      started_at timestamptz NOT NULL,
      finished_at timestamptz NOT NULL,
      source text NOT NULL,
      cases bigint NOT NULL,
      keys_checked int NOT NULL,
      drift_count int NOT NULL,
      drift jsonb NOT NULL DEFAULT '[]'::jsonb,
      fixed boolean NOT NULL DEFAULT false
    )`.execute(db);

  // The day of an instant in the district's zone, as days since 1970-01-01 (fixed +08:00 like
  // deadlines.rules.ts: China has no DST). Built only from immutable operators so it inlines.
  await sql`
    CREATE FUNCTION dashboard_day(ts timestamptz) RETURNS int LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT ((ts AT TIME ZONE 'UTC') + interval '8 hours')::date - DATE '1970-01-01'
    $$`.execute(db);

  await sql`
    CREATE FUNCTION dashboard_case_facts(
      owner_path text, case_id uuid, created timestamptz, accepted timestamptz, resolved timestamptz,
      st text, risk text, is_overdue boolean, cat text, service text
    ) RETURNS TABLE (org_id uuid, bucket int, metric text, dim text, slot smallint)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT u.id::uuid, v.bucket, v.metric, v.dim, (get_byte(uuid_send(case_id), 15) & 3)::smallint
      FROM unnest(string_to_array(trim(BOTH '/' FROM owner_path), '/')) AS u(id),
      (VALUES
        (0, 'received', ''),
        (dashboard_day(created), 'received', ''),
        (0, 'category', cat),
        (0, 'service', service),
        (CASE WHEN accepted IS NOT NULL THEN 0 END, 'accepted', ''),
        (dashboard_day(accepted), 'accepted', ''),
        (CASE WHEN resolved IS NOT NULL THEN 0 END, 'resolved', ''),
        (dashboard_day(resolved), 'resolved', ''),
        (CASE WHEN resolved IS NOT NULL THEN 0 END, 'service_resolved', service),
        (CASE WHEN st IN ('submitted','accepted','dispatched','in_progress','suspended') THEN 0 END, 'open', risk),
        (CASE WHEN is_overdue AND st IN ('submitted','accepted','dispatched','in_progress','suspended') THEN 0 END, 'overdue', risk)
      ) AS v(bucket, metric, dim)
      WHERE v.bucket IS NOT NULL
    $$`.execute(db);

  // Adds (sign 1) or subtracts (sign -1) the facts of a set of case rows; sorted so concurrent writers lock in one order.
  for (const [name, body] of [
    [
      'dashboard_counters_on_insert',
      sql`SELECT f.*, 1::bigint AS n FROM new_rows c, LATERAL dashboard_case_facts(c.owner_path, c.id, c.created_at, c.accepted_at, c.resolved_at, c.status, c.risk_level, c.overdue, c.category, c.service_type) f`,
    ],
    [
      'dashboard_counters_on_delete',
      sql`SELECT f.*, -1::bigint AS n FROM old_rows c, LATERAL dashboard_case_facts(c.owner_path, c.id, c.created_at, c.accepted_at, c.resolved_at, c.status, c.risk_level, c.overdue, c.category, c.service_type) f`,
    ],
    [
      'dashboard_counters_on_update',
      sql`SELECT f.*, 1::bigint AS n FROM new_rows c, LATERAL dashboard_case_facts(c.owner_path, c.id, c.created_at, c.accepted_at, c.resolved_at, c.status, c.risk_level, c.overdue, c.category, c.service_type) f
          UNION ALL
          SELECT f.*, -1::bigint AS n FROM old_rows c, LATERAL dashboard_case_facts(c.owner_path, c.id, c.created_at, c.accepted_at, c.resolved_at, c.status, c.risk_level, c.overdue, c.category, c.service_type) f`,
    ],
  ] as const) {
    await sql`
      CREATE FUNCTION ${sql.raw(name)}() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        INSERT INTO dashboard_counters AS d (org_id, bucket, metric, dim, slot, n)
        SELECT org_id, bucket, metric, dim, slot, sum(n)::bigint FROM (${body}) x
        GROUP BY org_id, bucket, metric, dim, slot
        HAVING sum(n) <> 0
        ORDER BY org_id, bucket, metric, dim, slot
        ON CONFLICT (org_id, bucket, metric, dim, slot) DO UPDATE SET n = d.n + EXCLUDED.n;
        RETURN NULL;
      END $fn$`.execute(db);
  }
  await sql`
    CREATE TRIGGER dashboard_counters_insert AFTER INSERT ON cases
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_counters_on_insert()`.execute(db);
  await sql`
    CREATE TRIGGER dashboard_counters_update AFTER UPDATE ON cases
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_counters_on_update()`.execute(db);
  await sql`
    CREATE TRIGGER dashboard_counters_delete AFTER DELETE ON cases
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dashboard_counters_on_delete()`.execute(db);

  // Orders in flight are counted directly: few by nature (open orders only), found through this partial index.
  await sql`
    CREATE INDEX orders_in_flight_idx ON orders (issuer_path text_pattern_ops)
    WHERE status IN ('issued','acknowledged','arrived')`.execute(db);
}
