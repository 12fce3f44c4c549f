/**
 * All SQL of the command centre. The summary reads `dashboard_counters` only
 * (O(org units × days in the trend)); the naive variants and the
 * reconciliation read `cases` and exist to check the counters and to measure
 * against them.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { UNFINISHED_STATES } from '../../../shared/lifecycle.js';
import { escapeLike } from '../../platform/scope.js';
import { dayStart, type CounterRow, type UnitInfo } from './dashboard.rules.js';

/** The facts of each case row `c`, in SQL: the one definition shared with the triggers. */
const caseFacts = sql`dashboard_case_facts(c.owner_path, c.created_at, c.accepted_at, c.resolved_at, c.status, c.risk_level, c.overdue, c.category, c.service_type)`;

/** 在办 (open): the shared list of not-yet-finished states, as an SQL list. */
const OPEN_STATES = sql`(${sql.join(UNFINISHED_STATES)})`;

export async function findUnit(db: Kysely<DB>, id: string): Promise<UnitInfo | undefined> {
  const row = await db
    .selectFrom('org_units')
    .select(['id', 'name', 'name_en', 'type', 'path', 'parent_id'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row && { id: row.id, name: row.name, nameEn: row.name_en, type: row.type, path: row.path, parentId: row.parent_id };
}

/**
 * The units a summary breaks down into: the children of `org` and the
 * communities of its subtree (inactive ones too: they may still own cases).
 */
export async function summaryUnits(db: Kysely<DB>, org: UnitInfo): Promise<{ children: UnitInfo[]; communities: UnitInfo[] }> {
  const rows = await db
    .selectFrom('org_units')
    .select(['id', 'name', 'name_en', 'type', 'path', 'parent_id'])
    .where((eb) => eb.or([eb('parent_id', '=', org.id), eb.and([eb('type', '=', 'community'), eb('path', 'like', `${escapeLike(org.path)}%`)])]))
    .orderBy('depth')
    .orderBy('code')
    .execute();
  const units = rows.map((r) => ({ id: r.id, name: r.name, nameEn: r.name_en, type: r.type, path: r.path, parentId: r.parent_id }));
  return { children: units.filter((u) => u.parentId === org.id), communities: units.filter((u) => u.type === 'community') };
}

/** One unit's counters (its whole subtree), summed over slots: all-time metrics and the day buckets from `fromDay`. */
export async function ownCounters(db: Kysely<DB>, orgId: string, fromDay: number): Promise<CounterRow[]> {
  const { rows } = await sql<{ bucket: number; metric: string; dim: string; n: number }>`
    SELECT bucket, metric, dim, sum(n)::bigint AS n
    FROM dashboard_counters
    WHERE org_id = ${orgId} AND (bucket = 0 OR bucket >= ${fromDay})
    GROUP BY bucket, metric, dim`.execute(db);
  return rows.map((r) => ({ orgId, bucket: r.bucket, metric: r.metric, dim: r.dim, n: Number(r.n) }));
}

/** All-time figures of several units (each its subtree) for the drill-down list and the map. */
export async function unitCounters(db: Kysely<DB>, orgIds: string[]): Promise<CounterRow[]> {
  if (orgIds.length === 0) return [];
  const { rows } = await sql<{ org_id: string; metric: string; dim: string; n: number }>`
    SELECT org_id, metric, dim, sum(n)::bigint AS n
    FROM dashboard_counters
    WHERE org_id = ANY(${orgIds}::uuid[]) AND bucket = 0 AND metric IN ('received','resolved','open','overdue')
    GROUP BY org_id, metric, dim`.execute(db);
  return rows.map((r) => ({ orgId: r.org_id, bucket: 0, metric: r.metric, dim: r.dim, n: Number(r.n) }));
}

/** Orders not yet completed that a unit of the subtree issued or must carry out (few by nature; partial index). */
export async function ordersInFlight(db: Kysely<DB>, path: string): Promise<number> {
  const prefix = `${escapeLike(path)}%`;
  const { rows } = await sql<{ n: number }>`
    SELECT count(*)::bigint AS n FROM orders
    WHERE status IN ('issued','acknowledged','arrived') AND (issuer_path LIKE ${prefix} OR department_path LIKE ${prefix})`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

export async function categoryNames(db: Kysely<DB>): Promise<Map<string, { name: string; nameEn: string }>> {
  const rows = await db.selectFrom('categories').select(['code', 'name', 'name_en']).execute();
  return new Map(rows.map((r) => [r.code, { name: r.name, nameEn: r.name_en }]));
}

/**
 * The same figures computed the naive way, GROUP BY over the subtree's cases,
 * as rows per owning unit (with its path, to roll up by prefix). Used by tests
 * as the oracle and by the benchmark as the baseline; never by the screens.
 */
export async function naiveCounters(db: Kysely<DB>, path: string, fromDay: number): Promise<(CounterRow & { ownerPath: string })[]> {
  const prefix = `${escapeLike(path)}%`;
  // Compare the raw timestamps with the window's start so the indexes on them stay usable.
  const from = dayStart(fromDay);
  const { rows } = await sql<{ org_id: string; owner_path: string; bucket: number; metric: string; dim: string; n: number }>`
    SELECT owner_org_id AS org_id, owner_path, 0 AS bucket, 'received' AS metric, '' AS dim, count(*)::bigint AS n FROM cases WHERE owner_path LIKE ${prefix} GROUP BY 1, 2
    UNION ALL
    SELECT owner_org_id, owner_path, 0, 'accepted', '', count(*)::bigint FROM cases WHERE owner_path LIKE ${prefix} AND accepted_at IS NOT NULL GROUP BY 1, 2
    UNION ALL
    SELECT owner_org_id, owner_path, 0, 'resolved', '', count(*)::bigint FROM cases WHERE owner_path LIKE ${prefix} AND resolved_at IS NOT NULL GROUP BY 1, 2
    UNION ALL
    SELECT owner_org_id, owner_path, 0, 'open', risk_level, count(*)::bigint FROM cases WHERE owner_path LIKE ${prefix} AND status IN ${OPEN_STATES} GROUP BY 1, 2, 5
    UNION ALL
    SELECT owner_org_id, owner_path, 0, 'overdue', risk_level, count(*)::bigint FROM cases WHERE owner_path LIKE ${prefix} AND overdue AND status IN ${OPEN_STATES} GROUP BY 1, 2, 5
    UNION ALL
    SELECT owner_org_id, owner_path, 0, 'category', category, count(*)::bigint FROM cases WHERE owner_path LIKE ${prefix} GROUP BY 1, 2, 5
    UNION ALL
    SELECT owner_org_id, owner_path, 0, 'service', service_type, count(*)::bigint FROM cases WHERE owner_path LIKE ${prefix} GROUP BY 1, 2, 5
    UNION ALL
    SELECT owner_org_id, owner_path, 0, 'service_resolved', service_type, count(*)::bigint FROM cases WHERE owner_path LIKE ${prefix} AND resolved_at IS NOT NULL GROUP BY 1, 2, 5
    UNION ALL
    SELECT owner_org_id, owner_path, dashboard_day(created_at), 'received', '', count(*)::bigint FROM cases WHERE owner_path LIKE ${prefix} AND created_at >= ${from} GROUP BY 1, 2, 3
    UNION ALL
    SELECT owner_org_id, owner_path, dashboard_day(accepted_at), 'accepted', '', count(*)::bigint FROM cases WHERE owner_path LIKE ${prefix} AND accepted_at >= ${from} GROUP BY 1, 2, 3
    UNION ALL
    SELECT owner_org_id, owner_path, dashboard_day(resolved_at), 'resolved', '', count(*)::bigint FROM cases WHERE owner_path LIKE ${prefix} AND resolved_at >= ${from} GROUP BY 1, 2, 3`.execute(db);
  return rows.map((r) => ({ orgId: r.org_id, ownerPath: r.owner_path, bucket: Number(r.bucket), metric: r.metric, dim: r.dim, n: Number(r.n) }));
}

export interface DriftRow {
  orgId: string;
  bucket: number;
  metric: string;
  dim: string;
  expected: number;
  actual: number;
}

/**
 * Recounts every counter key from the cases and compares it with the stored
 * counters, in ONE statement so both sides come from the same snapshot even
 * while cases keep changing (a concurrent commit is either in both or in
 * neither). Returns the keys that differ (at most `limit`) and how many keys
 * were checked.
 */
export async function driftAgainstCases(db: Kysely<DB>, limit: number): Promise<{ drift: DriftRow[]; driftCount: number; keysChecked: number; cases: number }> {
  const { rows } = await sql<{
    org_id: string | null; bucket: number | null; metric: string | null; dim: string | null;
    expected: number | null; actual: number | null; drift_count: number; keys_checked: number; cases: number;
  }>`
    WITH expected AS (
      SELECT f.org_id, f.bucket, f.metric, f.dim, count(*)::bigint AS n
      FROM cases c, LATERAL ${caseFacts} f
      GROUP BY 1, 2, 3, 4
    ), actual AS (
      SELECT org_id, bucket, metric, dim, sum(n)::bigint AS n FROM dashboard_counters
      GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0
    ), compared AS (
      SELECT org_id, bucket, metric, dim, e.n AS expected, a.n AS actual
      FROM expected e FULL JOIN actual a USING (org_id, bucket, metric, dim)
    ), drifted AS (
      SELECT * FROM compared WHERE expected IS DISTINCT FROM actual
    ), stats AS (
      SELECT (SELECT count(*) FROM drifted)::bigint AS drift_count, (SELECT count(*) FROM compared)::bigint AS keys_checked,
        (SELECT count(*) FROM cases)::bigint AS cases
    )
    SELECT d.org_id, d.bucket, d.metric, d.dim, d.expected, d.actual, s.drift_count, s.keys_checked, s.cases
    FROM stats s LEFT JOIN LATERAL (SELECT * FROM drifted ORDER BY org_id, bucket, metric, dim LIMIT ${limit}) d ON true`.execute(db);
  const first = rows[0];
  return {
    drift: rows
      .filter((r) => r.org_id !== null)
      .map((r) => ({
        orgId: r.org_id!, bucket: Number(r.bucket), metric: r.metric!, dim: r.dim!,
        expected: Number(r.expected ?? 0), actual: Number(r.actual ?? 0),
      })),
    driftCount: Number(first?.drift_count ?? 0),
    keysChecked: Number(first?.keys_checked ?? 0),
    cases: Number(first?.cases ?? 0),
  };
}

/**
 * Rebuilds every counter from the cases. Takes a SHARE lock on `cases` first
 * (writers wait, readers do not), so no change can slip between the recount
 * and the swap. Run inside a transaction.
 */
export async function rebuildCounters(trx: Kysely<DB>): Promise<void> {
  await sql`LOCK TABLE cases IN SHARE MODE`.execute(trx);
  await sql`DELETE FROM dashboard_counters`.execute(trx);
  await sql`
    INSERT INTO dashboard_counters (org_id, bucket, metric, dim, slot, n)
    SELECT f.org_id, f.bucket, f.metric, f.dim, 0, count(*)
    FROM cases c, LATERAL ${caseFacts} f
    GROUP BY 1, 2, 3, 4`.execute(trx);
}

export async function recordReconciliation(
  db: Kysely<DB>,
  row: { startedAt: Date; finishedAt: Date; source: string; cases: number; keysChecked: number; driftCount: number; drift: DriftRow[]; fixed: boolean },
) {
  return db
    .insertInto('dashboard_reconciliations')
    .values({
      started_at: row.startedAt, finished_at: row.finishedAt, source: row.source, cases: row.cases,
      keys_checked: row.keysChecked, drift_count: row.driftCount, drift: JSON.stringify(row.drift), fixed: row.fixed,
    })
    .returning(['id'])
    .executeTakeFirstOrThrow();
}

export function latestReconciliation(db: Kysely<DB>) {
  return db.selectFrom('dashboard_reconciliations').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
}
