import { sql, type Kysely } from 'kysely';

/**
 * Dashboard counter slots follow the writing connection, not the case.
 *
 * 0007 spread each counter over 4 slots by the last byte of the case id so
 * that concurrent intakes would not queue on one row lock. Intake now writes
 * concurrent cases together (up to 50 per statement, several statements in
 * flight): a statement of 10 cases touches all 4 slots of every hot key (the
 * district's "received today", …), so every pair of concurrent statements
 * collided again and waited for each other's commit — measured at 5 ms per
 * statement spent in the counter upsert, mostly waiting.
 *
 * Now a statement writes all its counter changes into the slot of its
 * connection (`pg_backend_pid() % 8`): two statements on different
 * connections of a pool take different slots (backends of one pool get
 * consecutive pids) and never wait for each other. Readers sum the slots as
 * before. A case's +1 and its later -1 may land in different slots, so a
 * slot may hold a negative number; only sums over slots mean anything, and
 * the reconciliation compares those sums. The facts of a case therefore lose
 * their slot column; rebuilds write slot 0.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP FUNCTION dashboard_case_facts(text, uuid, timestamptz, timestamptz, timestamptz, text, text, boolean, text, text)`.execute(db);
  await sql`
    CREATE FUNCTION dashboard_case_facts(
      owner_path text, created timestamptz, accepted timestamptz, resolved timestamptz,
      st text, risk text, is_overdue boolean, cat text, service text
    ) RETURNS TABLE (org_id uuid, bucket int, metric text, dim text)
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT u.id::uuid, v.bucket, v.metric, v.dim
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

  await sql`
    CREATE FUNCTION dashboard_writer_slot() RETURNS smallint LANGUAGE sql STABLE PARALLEL SAFE AS $$
      SELECT (pg_backend_pid() % 8)::smallint
    $$`.execute(db);

  const facts = (rows: string) =>
    sql.raw(`LATERAL dashboard_case_facts(${rows}.owner_path, ${rows}.created_at, ${rows}.accepted_at, ${rows}.resolved_at, ${rows}.status, ${rows}.risk_level, ${rows}.overdue, ${rows}.category, ${rows}.service_type)`);
  // Adds (1) or subtracts (-1) the facts of a set of case rows, in this connection's slot;
  // sorted so that writers sharing a slot still lock in one order.
  for (const [name, body] of [
    ['dashboard_counters_on_insert', sql`SELECT f.*, 1::bigint AS n FROM new_rows c, ${facts('c')} f`],
    ['dashboard_counters_on_delete', sql`SELECT f.*, -1::bigint AS n FROM old_rows c, ${facts('c')} f`],
    [
      'dashboard_counters_on_update',
      sql`SELECT f.*, 1::bigint AS n FROM new_rows c, ${facts('c')} f
          UNION ALL
          SELECT f.*, -1::bigint AS n FROM old_rows c, ${facts('c')} f`,
    ],
  ] as const) {
    await sql`
      CREATE OR REPLACE FUNCTION ${sql.raw(name)}() RETURNS trigger LANGUAGE plpgsql AS $fn$
      DECLARE
        writer_slot smallint := dashboard_writer_slot();
      BEGIN
        INSERT INTO dashboard_counters AS d (org_id, bucket, metric, dim, slot, n)
        SELECT org_id, bucket, metric, dim, writer_slot, sum(n)::bigint FROM (${body}) x
        GROUP BY org_id, bucket, metric, dim
        HAVING sum(n) <> 0
        ORDER BY org_id, bucket, metric, dim
        ON CONFLICT (org_id, bucket, metric, dim, slot) DO UPDATE SET n = d.n + EXCLUDED.n;
        RETURN NULL;
      END $fn$`.execute(db);
  }
}
