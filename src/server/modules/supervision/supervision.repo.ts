/**
 * All SQL of the supervision module.
 */
import { sql, type Insertable, type Kysely } from 'kysely';
import type { OrgType } from '../orgs/index.js';
import type { DB } from '../../db/schema.js';
import { CLOSED_STATES, FINISHED_STATES } from '../../../shared/lifecycle.js';
import type { Actor } from '../../platform/policies.js';
import { inActorScope } from '../../platform/scope.js';
import type { SupervisionReportKind, SupervisionNoticesTable } from './supervision.tables.js';

/**
 * Inserts a report unless this (kind, unit, period) already has one; returns
 * the new row's id or undefined. The unique key is what makes a report
 * exactly-once across processes, whichever timer or sweeper gets there first.
 */
export async function insertReportOnce(db: Kysely<DB>, r: { kind: SupervisionReportKind; orgId: string; period: string; data: Record<string, unknown>; now: Date }) {
  const row = await db
    .insertInto('supervision_reports')
    .values({ kind: r.kind, org_id: r.orgId, period: r.period, data: JSON.stringify(r.data), created_at: r.now })
    .onConflict((oc) => oc.columns(['kind', 'org_id', 'period']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id;
}

export function reportExists(db: Kysely<DB>, kind: SupervisionReportKind, orgId: string, period: string) {
  return db.selectFrom('supervision_reports').select('id').where('kind', '=', kind).where('org_id', '=', orgId).where('period', '=', period).executeTakeFirst();
}

/** Units that have at least one active user: the ones a digest can reach. */
export function staffedUnits(db: Kysely<DB>) {
  return db
    .selectFrom('org_units')
    .select(['org_units.id', 'org_units.name', 'org_units.path', 'org_units.type'])
    .where('org_units.active', '=', true)
    .where('org_units.type', 'in', ['district', 'subdistrict', 'community', 'department'])
    .where((eb) =>
      eb.exists(eb.selectFrom('user_roles').innerJoin('users', 'users.id', 'user_roles.user_id').whereRef('user_roles.org_id', '=', 'org_units.id').where('users.active', '=', true).select(sql`1`.as('x'))),
    )
    .orderBy('org_units.path')
    .execute();
}

export interface DigestCounts {
  unit_id: string;
  open_cases: number;
  amber_cases: number;
  overdue_cases: number;
  open_orders: number;
  overdue_orders: number;
  open_notices: number;
  pending_appointments: number;
}

/** Open, amber and overdue cases and orders in each unit's subtree, one grouped query per table. */
export async function digestCounts(db: Kysely<DB>, unitIds: string[]): Promise<Map<string, DigestCounts>> {
  const out = new Map<string, DigestCounts>();
  if (unitIds.length === 0) return out;
  const ids = sql.join(unitIds);
  const cases = await sql<{ unit_id: string; open_cases: string; amber_cases: string; overdue_cases: string }>`
    SELECT u.id AS unit_id,
           count(c.id) AS open_cases,
           count(c.id) FILTER (WHERE c.warning AND NOT c.overdue) AS amber_cases,
           count(c.id) FILTER (WHERE c.overdue) AS overdue_cases
      FROM org_units u
      LEFT JOIN cases c ON c.owner_path LIKE u.path || '%' AND c.status NOT IN (${sql.join(CLOSED_STATES)})
     WHERE u.id IN (${ids})
     GROUP BY u.id`.execute(db);
  const orders = await sql<{ unit_id: string; open_orders: string; overdue_orders: string }>`
    SELECT u.id AS unit_id,
           count(o.id) AS open_orders,
           count(o.id) FILTER (WHERE (o.acknowledge_overdue AND o.status = 'issued') OR (o.arrive_overdue AND o.arrived_at IS NULL)) AS overdue_orders
      FROM org_units u
      LEFT JOIN orders o ON (o.department_path LIKE u.path || '%' OR o.issuer_path LIKE u.path || '%') AND o.status <> 'confirmed'
     WHERE u.id IN (${ids})
     GROUP BY u.id`.execute(db);
  const notices = await sql<{ unit_id: string; open_notices: string }>`
    SELECT u.id AS unit_id, count(n.id) AS open_notices
      FROM org_units u LEFT JOIN supervision_notices n ON n.org_path LIKE u.path || '%' AND n.status = 'open'
     WHERE u.id IN (${ids}) GROUP BY u.id`.execute(db);
  const appointments = await sql<{ unit_id: string; pending: string }>`
    SELECT u.id AS unit_id, count(a.id) AS pending
      FROM org_units u LEFT JOIN leader_appointments a ON a.org_id = u.id AND a.status <> 'held'
     WHERE u.id IN (${ids}) GROUP BY u.id`.execute(db);
  for (const id of unitIds) {
    const c = cases.rows.find((r) => r.unit_id === id);
    const o = orders.rows.find((r) => r.unit_id === id);
    out.set(id, {
      unit_id: id,
      open_cases: Number(c?.open_cases ?? 0),
      amber_cases: Number(c?.amber_cases ?? 0),
      overdue_cases: Number(c?.overdue_cases ?? 0),
      open_orders: Number(o?.open_orders ?? 0),
      overdue_orders: Number(o?.overdue_orders ?? 0),
      open_notices: Number(notices.rows.find((r) => r.unit_id === id)?.open_notices ?? 0),
      pending_appointments: Number(appointments.rows.find((r) => r.unit_id === id)?.pending ?? 0),
    });
  }
  return out;
}

/** Up to `limit` overdue open cases in a unit's subtree, most overdue first, for the digest's links. */
export function overdueCaseIds(db: Kysely<DB>, path: string, limit = 20) {
  return db
    .selectFrom('cases')
    .select(['id', 'tracking_no'])
    .where('owner_path', 'like', `${path}%`)
    .where('overdue', '=', true)
    .where('status', 'not in', CLOSED_STATES)
    .orderBy('updated_at')
    .limit(limit)
    .execute();
}

export function districtRoot(db: Kysely<DB>) {
  return db.selectFrom('org_units').select(['id', 'name', 'path']).where('type', '=', 'district').where('parent_id', 'is', null).orderBy('created_at').executeTakeFirst();
}

export function unitsOfTypes(db: Kysely<DB>, types: OrgType[]) {
  return db.selectFrom('org_units').select(['id', 'name', 'name_en', 'type', 'parent_id', 'path', 'code']).where('type', 'in', types).where('active', '=', true).execute();
}

/** Yesterday's figures per subdistrict for the circular. */
export async function circularFigures(db: Kysely<DB>, from: Date, to: Date) {
  const { rows } = await sql<{ id: string; name: string; received: string; resolved: string; overdue_open: string }>`
    SELECT s.id, s.name,
           (SELECT count(*) FROM cases c WHERE (c.first_path LIKE s.path || '%' OR c.owner_path LIKE s.path || '%') AND c.created_at >= ${from} AND c.created_at < ${to}) AS received,
           (SELECT count(*) FROM cases c WHERE c.owner_path LIKE s.path || '%' AND c.resolved_at >= ${from} AND c.resolved_at < ${to}) AS resolved,
           (SELECT count(*) FROM cases c WHERE c.owner_path LIKE s.path || '%' AND c.overdue AND c.status NOT IN (${sql.join(CLOSED_STATES)})) AS overdue_open
      FROM org_units s
     WHERE s.type = 'subdistrict' AND s.active
     ORDER BY s.code`.execute(db);
  const orders = await sql<{ issued: string; checked_in: string; flagged: string }>`
    SELECT count(*) AS issued,
           count(*) FILTER (WHERE arrived_at IS NOT NULL) AS checked_in,
           count(*) FILTER (WHERE late OR under_ranked OR under_staffed) AS flagged
      FROM orders WHERE created_at >= ${from} AND created_at < ${to}`.execute(db);
  return { subdistricts: rows.map((r) => ({ id: r.id, name: r.name, received: Number(r.received), resolved: Number(r.resolved), overdueOpen: Number(r.overdue_open) })), orders: orders.rows[0] };
}

/** Monthly analysis: volumes by service type and risk, top categories, hotspots (communities), daily trend. */
export async function monthlyFigures(db: Kysely<DB>, from: Date, to: Date) {
  const where = sql`c.created_at >= ${from} AND c.created_at < ${to} AND c.status <> 'merged'`;
  const total = await sql<{ n: string; resolved: string }>`SELECT count(*) AS n, count(*) FILTER (WHERE resolved_at IS NOT NULL) AS resolved FROM cases c WHERE ${where}`.execute(db);
  const byService = await sql<{ key: string; n: string }>`SELECT service_type AS key, count(*) AS n FROM cases c WHERE ${where} GROUP BY 1 ORDER BY 2 DESC, 1`.execute(db);
  const byRisk = await sql<{ key: string; n: string }>`SELECT risk_level AS key, count(*) AS n FROM cases c WHERE ${where} GROUP BY 1 ORDER BY 2 DESC, 1`.execute(db);
  const byCategory = await sql<{ key: string; name: string; n: string }>`
    SELECT c.category AS key, k.name, count(*) AS n FROM cases c JOIN categories k ON k.code = c.category WHERE ${where} GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT 10`.execute(db);
  const hotspots = await sql<{ key: string; name: string; n: string }>`
    SELECT u.id AS key, u.name, count(*) AS n FROM cases c JOIN org_units u ON u.id = c.community_id WHERE ${where} GROUP BY 1, 2 ORDER BY 3 DESC, 2 LIMIT 10`.execute(db);
  const daily = await sql<{ key: string; n: string }>`
    SELECT to_char(c.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS key, count(*) AS n FROM cases c WHERE ${where} GROUP BY 1 ORDER BY 1`.execute(db);
  const num = <T extends { n: string }>(rows: T[]) => rows.map((r) => ({ ...r, n: Number(r.n) }));
  return {
    total: Number(total.rows[0]?.n ?? 0),
    resolved: Number(total.rows[0]?.resolved ?? 0),
    byServiceType: num(byService.rows),
    byRiskLevel: num(byRisk.rows),
    topCategories: num(byCategory.rows),
    hotspots: num(hotspots.rows),
    daily: num(daily.rows),
  };
}

/** Cases accepted in [from, to) and not resolved: the end-of-day regrade's input. */
export function unresolvedAcceptedBetween(db: Kysely<DB>, from: Date, to: Date) {
  return db
    .selectFrom('cases')
    .select(['id', 'tracking_no', 'title', 'status', 'risk_level', 'overdue', 'warning', 'major', 'escalation_level', 'community_id', 'owner_path', 'owner_org_id'])
    .where('accepted_at', '>=', from)
    .where('accepted_at', '<', to)
    .where('resolved_at', 'is', null)
    .where('status', 'not in', FINISHED_STATES)
    .orderBy('accepted_at')
    .execute();
}

export function insertAppointment(db: Kysely<DB>, a: { case_id: string; day: string; level: 'green' | 'yellow' | 'red'; leader_role: string; org_id: string; created_at: Date }) {
  return db.insertInto('leader_appointments').values(a).onConflict((oc) => oc.columns(['case_id', 'day']).doNothing()).returningAll().executeTakeFirst();
}

export function lockAppointment(db: Kysely<DB>, id: string) {
  return db
    .selectFrom('leader_appointments')
    .innerJoin('org_units', 'org_units.id', 'leader_appointments.org_id')
    .selectAll('leader_appointments')
    .select('org_units.path as org_path')
    .where('leader_appointments.id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export function updateAppointment(db: Kysely<DB>, id: string, patch: { status?: string; scheduled_at?: Date | null; outcome?: string | null }) {
  return db.updateTable('leader_appointments').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export async function listAppointments(db: Kysely<DB>, actor: Actor, f: { status?: string; day?: string; caseId?: string; limit: number; offset: number }) {
  let q = db
    .selectFrom('leader_appointments')
    .innerJoin('org_units', 'org_units.id', 'leader_appointments.org_id')
    .innerJoin('cases', 'cases.id', 'leader_appointments.case_id')
    .where((eb) => inActorScope(eb, eb.ref('org_units.path'), actor, 'case:read'));
  if (f.status) q = q.where('leader_appointments.status', '=', f.status);
  if (f.day) q = q.where('leader_appointments.day', '=', f.day);
  if (f.caseId) q = q.where('leader_appointments.case_id', '=', f.caseId);
  const [rows, total] = await Promise.all([
    q
      .selectAll('leader_appointments')
      .select(['org_units.name as org_name', 'org_units.path as org_path', 'cases.tracking_no', 'cases.title', 'cases.risk_level'])
      .orderBy('leader_appointments.created_at', 'desc')
      .orderBy('leader_appointments.id')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export function insertNotice(db: Kysely<DB>, n: Insertable<SupervisionNoticesTable>) {
  return db.insertInto('supervision_notices').values(n).returningAll().executeTakeFirstOrThrow();
}

export function lockNotice(db: Kysely<DB>, id: string) {
  return db.selectFrom('supervision_notices').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function findNotice(db: Kysely<DB>, id: string) {
  return db.selectFrom('supervision_notices').selectAll().where('id', '=', id).executeTakeFirst();
}

export function updateNotice(db: Kysely<DB>, id: string, patch: Partial<{ status: 'open' | 'answered'; overdue: boolean; answer: string; answered_by: string; answered_at: Date }>) {
  return db.updateTable('supervision_notices').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export async function listNotices(db: Kysely<DB>, actor: Actor, f: { status?: 'open' | 'answered'; caseId?: string; limit: number; offset: number }) {
  let q = db.selectFrom('supervision_notices').where((eb) => inActorScope(eb, eb.ref('org_path'), actor, 'case:read'));
  if (f.status) q = q.where('status', '=', f.status);
  if (f.caseId) q = q.where('case_id', '=', f.caseId);
  const [rows, total] = await Promise.all([
    q.selectAll().orderBy('issued_at', 'desc').orderBy('id').limit(f.limit).offset(f.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export async function listReports(db: Kysely<DB>, actor: Actor, f: { kind?: SupervisionReportKind; period?: string; limit: number; offset: number }) {
  let q = db
    .selectFrom('supervision_reports')
    .innerJoin('org_units', 'org_units.id', 'supervision_reports.org_id')
    .where((eb) => inActorScope(eb, eb.ref('org_units.path'), actor, 'case:read'));
  if (f.kind) q = q.where('supervision_reports.kind', '=', f.kind);
  if (f.period) q = q.where('supervision_reports.period', '=', f.period);
  const [rows, total] = await Promise.all([
    q.selectAll('supervision_reports').select('org_units.name as org_name').orderBy('supervision_reports.id', 'desc').limit(f.limit).offset(f.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export function ladderEvents(db: Kysely<DB>, caseId: string) {
  return db
    .selectFrom('case_events')
    .selectAll()
    .where('case_id', '=', caseId)
    .where('action', 'in', ['submit', 'dispatch', 'transfer', 'escalate', 'breach'])
    .orderBy('id')
    .execute();
}
