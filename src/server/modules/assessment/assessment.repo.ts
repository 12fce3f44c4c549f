/**
 * All SQL of the assessment module. Every figure is one query over a set of
 * (unit, item, case) rows: the ranking counts the items per unit, and the
 * drill-down lists the very same rows for one unit, so a figure and the cases
 * behind it can never disagree.
 *
 * Which cases belong to a unit: those it received first (首接负责) and those it
 * owns now — a case dispatched from a community to a department counts for
 * both, because each is accountable for its own part. Cases merged into
 * another are duplicates and do not count. Deadline misses count against the
 * unit that held the clock when it was missed (the `sla_misses` row).
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { Metric } from './assessment.rules.js';

export type Part = 'numerator' | 'denominator';

export interface Window {
  from: Date;
  to: Date;
  /** Orders due after this instant and not yet checked in are still open, not late. */
  asOf: Date;
  satisfiedRating: number;
}

/** (unit_id, case_id) for every case of the period, once per accountable unit. */
function population(w: Window): RawBuilder<unknown> {
  return sql`
    SELECT DISTINCT u.unit_id, c.id AS case_id
      FROM cases c
      CROSS JOIN LATERAL (VALUES (c.first_org_id), (c.owner_org_id)) AS u(unit_id)
     WHERE c.created_at >= ${w.from} AND c.created_at < ${w.to} AND c.status <> 'merged'`;
}

const missAgainstUnit = (clock: string) =>
  sql`EXISTS (SELECT 1 FROM sla_misses m WHERE m.case_id = c.id AND m.clock = ${clock} AND m.org_id = p.unit_id)`;
const reopened = sql`EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.action = 'reopen')`;

/** The condition a case of the population must meet to be counted in the given part of a case rate. */
function caseCondition(metric: Metric, part: Part, w: Window): RawBuilder<unknown> | null {
  const num = part === 'numerator';
  switch (metric) {
    case 'responseRate':
      return num ? sql`c.responded_at IS NOT NULL` : sql`TRUE`;
    case 'acceptOnTimeRate':
      return num ? sql`c.accepted_at IS NOT NULL AND NOT ${missAgainstUnit('accept')}` : sql`c.accepted_at IS NOT NULL`;
    case 'resolutionRate':
      return num ? sql`c.accepted_at IS NOT NULL AND c.resolved_at IS NOT NULL` : sql`c.accepted_at IS NOT NULL`;
    case 'resolveOnTimeRate':
      return num ? sql`c.resolved_at IS NOT NULL AND NOT ${missAgainstUnit('resolve')}` : sql`c.resolved_at IS NOT NULL`;
    case 'satisfactionRate':
      return num ? sql`c.rating IS NOT NULL AND c.rating >= ${w.satisfiedRating}` : sql`c.rating IS NOT NULL`;
    case 'reopenRate':
      return num ? reopened : sql`(c.resolved_at IS NOT NULL OR ${reopened})`;
    default:
      return null;
  }
}

/**
 * The rows behind one figure: `unit_id`, `item_id` (what is counted: a case,
 * an order or a deadline miss) and `case_id` (what a drill-down shows).
 */
export function figureRows(metric: Metric, part: Part, w: Window): RawBuilder<unknown> {
  const caseCond = caseCondition(metric, part, w);
  if (caseCond) {
    return sql`
      SELECT p.unit_id, c.id::text AS item_id, c.id AS case_id
        FROM (${population(w)}) p JOIN cases c ON c.id = p.case_id
       WHERE ${caseCond}`;
  }
  switch (metric) {
    case 'orderTimelinessRate': {
      // Due = checked in, or past its arrive-by: an order still within its window is not judged yet.
      const due = sql`(o.arrived_at IS NOT NULL OR o.arrive_by <= ${w.asOf})`;
      const timely = sql`o.arrived_at IS NOT NULL AND NOT o.late AND NOT o.under_ranked AND NOT o.under_staffed`;
      return sql`
        SELECT o.department_id AS unit_id, o.id::text AS item_id, o.case_id
          FROM orders o
         WHERE o.created_at >= ${w.from} AND o.created_at < ${w.to} AND ${due}
           ${part === 'numerator' ? sql`AND ${timely}` : sql``}`;
    }
    case 'orderFaults':
      return sql`
        SELECT o.department_id AS unit_id, o.id::text AS item_id, o.case_id
          FROM orders o
         WHERE o.created_at >= ${w.from} AND o.created_at < ${w.to}
           AND (o.late OR o.under_ranked OR o.under_staffed OR (o.arrived_at IS NULL AND o.arrive_by <= ${w.asOf}))`;
    case 'slaMisses':
      return sql`
        SELECT m.org_id AS unit_id, m.id::text AS item_id, m.case_id
          FROM sla_misses m
         WHERE m.recorded_at >= ${w.from} AND m.recorded_at < ${w.to}`;
    case 'overdueNotices':
      return sql`
        SELECT n.org_id AS unit_id, n.id::text AS item_id, n.case_id
          FROM supervision_notices n
         WHERE n.issued_at >= ${w.from} AND n.issued_at < ${w.to} AND n.overdue`;
    default:
      throw new Error(`unknown metric ${metric}`);
  }
}

/** One query: the figure for every unit in `unitIds`. */
export async function countByUnit(db: Kysely<DB>, metric: Metric, part: Part, w: Window, unitIds: string[]): Promise<Map<string, number>> {
  if (unitIds.length === 0) return new Map();
  const { rows } = await sql<{ unit_id: string; n: string | number }>`
    SELECT x.unit_id, count(DISTINCT x.item_id) AS n
      FROM (${figureRows(metric, part, w)}) x
     WHERE x.unit_id IN (${sql.join(unitIds)})
     GROUP BY x.unit_id`.execute(db);
  return new Map(rows.map((r) => [r.unit_id, Number(r.n)]));
}

/** The rows behind one unit's figure, for the drill-down. */
export async function drillRows(db: Kysely<DB>, metric: Metric, part: Part, w: Window, unitId: string) {
  const { rows } = await sql<{ item_id: string; case_id: string }>`
    SELECT DISTINCT x.item_id, x.case_id
      FROM (${figureRows(metric, part, w)}) x
     WHERE x.unit_id = ${unitId}
     ORDER BY x.case_id, x.item_id`.execute(db);
  return rows;
}

export function unitsOfType(db: Kysely<DB>, type: 'community' | 'department' | 'subdistrict', pathPrefixes: string[]) {
  if (pathPrefixes.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('org_units')
    .select(['id', 'code', 'name', 'name_en', 'path', 'parent_id'])
    .where('type', '=', type)
    .where('active', '=', true)
    .where((eb) => eb.or(pathPrefixes.map((p) => eb('path', 'like', `${p.replace(/[\\%_]/g, (c) => `\\${c}`)}%`))))
    .orderBy('code')
    .execute();
}

export function findOrg(db: Kysely<DB>, id: string) {
  return db.selectFrom('org_units').select(['id', 'code', 'name', 'name_en', 'type', 'path']).where('id', '=', id).executeTakeFirst();
}

export function caseSummaries(db: Kysely<DB>, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('cases')
    .select(['id', 'tracking_no', 'title', 'category', 'risk_level', 'status', 'owner_org_id', 'first_org_id', 'created_at'])
    .where('id', 'in', ids)
    .execute();
}


