/**
 * All SQL of the cases module. No decisions here: the service decides, the
 * repository reads and writes.
 */
import { sql, type Insertable, type Kysely, type OperationNodeSource, type Selectable, type Updateable } from 'kysely';
import type { DB } from '../../db/schema.js';
import { escapeLike, inActorScope } from '../../platform/scope.js';
import type { Actor } from '../../platform/policies.js';
import type { CaseEventsTable, CasesTable } from './cases.tables.js';

export type CaseRow = Selectable<CasesTable>;
export type NewCase = Insertable<CasesTable>;
export type CasePatch = Updateable<CasesTable>;
export type CaseEventRow = Selectable<CaseEventsTable>;

export function findCategory(db: Kysely<DB>, code: string) {
  return db.selectFrom('categories').selectAll().where('code', '=', code).executeTakeFirst();
}

export function listCategories(db: Kysely<DB>, includeInactive = false) {
  let q = db.selectFrom('categories').selectAll().orderBy('sort').orderBy('code');
  if (!includeInactive) q = q.where('active', '=', true);
  return q.execute();
}

/**
 * Bumps the day's counter in its own statement, outside the intake
 * transaction, so concurrent intakes do not queue on one row lock until commit.
 * A rolled-back intake leaves a gap in the numbers, as a sequence would.
 */
export async function nextDailyNumber(db: Kysely<DB>, day: string): Promise<number> {
  const row = await db
    .insertInto('case_daily_counters')
    .values({ day, last: 1 })
    .onConflict((oc) => oc.column('day').doUpdateSet({ last: sql`case_daily_counters.last + 1` }))
    .returning('last')
    .executeTakeFirstOrThrow();
  return row.last;
}

export function insertCase(db: Kysely<DB>, row: NewCase & { search_text: string }) {
  const { search_text, ...values } = row;
  return db
    .insertInto('cases')
    .values({ ...values, search_tokens: sql`to_tsvector('simple', ${search_text})` })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Writes a new case, its first timeline event, the given side rows (timers,
 * outbox messages: unexecuted INSERTs) and its attachment links in ONE
 * statement, so intake needs one round trip instead of a transaction of many,
 * and the shared rows the case insert touches (dashboard counters, by trigger)
 * stay locked only for that statement. All or nothing, like a transaction.
 */
export async function insertCaseWithEffects(
  db: Kysely<DB>,
  row: NewCase & { id: string; search_text: string },
  event: Insertable<CaseEventsTable>,
  sideRows: OperationNodeSource[],
  attachmentIds: string[],
): Promise<CaseRow> {
  const { search_text, ...values } = row;
  const parts = [
    ...sideRows.map((query, i) => sql`${sql.raw(`w${i}`)} AS (${query})`),
    sql`c AS (${db
      .insertInto('cases')
      .values({ ...values, search_tokens: sql`to_tsvector('simple', ${search_text})` })
      .returningAll()})`,
    // The event references the case: foreign keys are checked at the end of the statement.
    sql`e AS (${db.insertInto('case_events').values(event)})`,
    ...(attachmentIds.length ? [sql`a AS (${db.updateTable('attachments').set({ case_id: row.id }).where('id', 'in', attachmentIds)})`] : []),
  ];
  const { rows } = await sql<CaseRow>`WITH ${sql.join(parts)} SELECT * FROM c`.execute(db);
  return rows[0];
}

export function findCaseByIdempotencyKey(db: Kysely<DB>, key: string) {
  return db.selectFrom('cases').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
}

export function findCase(db: Kysely<DB>, id: string) {
  return db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findCaseByTrackingNo(db: Kysely<DB>, trackingNo: string) {
  return db.selectFrom('cases').selectAll().where('tracking_no', '=', trackingNo).executeTakeFirst();
}

/** Locks the case row for a state change. */
export function lockCase(db: Kysely<DB>, id: string) {
  return db.selectFrom('cases').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export function updateCase(db: Kysely<DB>, id: string, patch: CasePatch) {
  return db
    .updateTable('cases')
    .set({ ...patch, version: sql`version + 1` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function insertEvent(db: Kysely<DB>, event: Insertable<CaseEventsTable>) {
  return db.insertInto('case_events').values(event).returningAll().executeTakeFirstOrThrow();
}

export function listEvents(db: Kysely<DB>, caseId: string) {
  return db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('id').execute();
}

export interface CaseListFilter {
  status?: string[];
  riskLevel?: string[];
  orgId?: string;
  orgPath?: string;
  q?: string;
  tsQuery?: string | null;
  overdue?: boolean;
  warning?: boolean;
  phone?: string;
  open?: boolean;
  limit: number;
  offset: number;
}

/**
 * Totals are counted up to this many matches; beyond it the list reports
 * `totalCapped` ("10000+"). Counting every match of a broad search (a common
 * word over a million cases, or a whole district's list) reads every matching
 * row and cost several times the page itself.
 */
export const COUNT_CAP = 10_000;

/** A case is visible where its owner or its first-receiving unit lies in the actor's scope. */
export async function listCases(db: Kysely<DB>, actor: Actor, f: CaseListFilter) {
  let query = db
    .selectFrom('cases')
    .where((eb) => eb.or([inActorScope(eb, eb.ref('owner_path'), actor, 'case:read'), inActorScope(eb, eb.ref('first_path'), actor, 'case:read')]));
  if (f.status?.length) query = query.where('status', 'in', f.status);
  if (f.riskLevel?.length) query = query.where('risk_level', 'in', f.riskLevel);
  if (f.orgPath) query = query.where('owner_path', 'like', `${escapeLike(f.orgPath)}%`);
  if (f.overdue !== undefined) query = query.where('overdue', '=', f.overdue);
  if (f.warning !== undefined) query = query.where('warning', '=', f.warning);
  if (f.phone) query = query.where('reporter_phone', '=', f.phone);
  if (f.open) query = query.where('status', 'not in', ['closed', 'merged', 'rejected']);
  if (f.q) {
    const q = f.q;
    const tracking = /^[A-Z]{1,4}\d{8}-\d{3,}$/i.test(q.trim());
    query = tracking
      ? query.where('tracking_no', '=', q.trim().toUpperCase())
      : f.tsQuery
        ? query.where(sql<boolean>`search_tokens @@ to_tsquery('simple', ${f.tsQuery})`)
        : query.where(sql<boolean>`false`);
  }
  const [rows, counted] = await Promise.all([
    query.selectAll().orderBy('created_at', 'desc').orderBy('id').limit(f.limit).offset(f.offset).execute(),
    db
      .selectFrom(query.select(sql<number>`1`.as('one')).limit(COUNT_CAP + 1).as('matches'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
  ]);
  const n = Number(counted.n);
  return { rows, total: Math.min(n, COUNT_CAP), totalCapped: n > COUNT_CAP };
}

/** Org units by id, for names in responses. */
export function orgsByIds(db: Kysely<DB>, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('org_units').select(['id', 'code', 'name', 'name_en', 'type', 'path', 'parent_id']).where('id', 'in', ids).execute();
}

export function findOrg(db: Kysely<DB>, id: string) {
  return db.selectFrom('org_units').select(['id', 'code', 'name', 'name_en', 'type', 'path', 'parent_id', 'active']).where('id', '=', id).executeTakeFirst();
}

export function findOrgByCode(db: Kysely<DB>, code: string) {
  return db.selectFrom('org_units').select(['id', 'code', 'name', 'name_en', 'type', 'path', 'parent_id', 'active']).where('code', '=', code).executeTakeFirst();
}

/**
 * In one query, what intake routing may need: the district root(s), the units
 * in `ids`, and the unit with `code`. Oldest first, so the first district root
 * found is the one `districtRoot` returns.
 */
export function orgsForRouting(db: Kysely<DB>, ids: string[], code: string | null) {
  return db
    .selectFrom('org_units')
    .select(['id', 'code', 'name', 'name_en', 'type', 'path', 'parent_id', 'active'])
    .where((eb) =>
      eb.or([
        eb.and([eb('type', '=', 'district'), eb('parent_id', 'is', null)]),
        ...(ids.length ? [eb('id', 'in', ids)] : []),
        ...(code ? [eb('code', '=', code)] : []),
      ]),
    )
    .orderBy('created_at')
    .execute();
}

export function districtRoot(db: Kysely<DB>) {
  return db
    .selectFrom('org_units')
    .select(['id', 'code', 'name', 'name_en', 'type', 'path', 'parent_id', 'active'])
    .where('type', '=', 'district')
    .where('parent_id', 'is', null)
    .orderBy('created_at')
    .executeTakeFirst();
}

export function findBuilding(db: Kysely<DB>, code: string) {
  return db.selectFrom('buildings').selectAll().where('code', '=', code).where('active', '=', true).executeTakeFirst();
}

/** Closest building address by trigram similarity, above a floor that avoids wild guesses. */
export async function closestBuildingByAddress(db: Kysely<DB>, address: string) {
  const { rows } = await sql<{ code: string; address: string; community_id: string; grid_id: string | null; lat: number | null; lng: number | null; score: number }>`
    SELECT code, address, community_id, grid_id, lat, lng, similarity(address, ${address}) AS score
      FROM buildings
     WHERE active AND address % ${address}
     ORDER BY score DESC
     LIMIT 1`.execute(db);
  return rows[0] && rows[0].score >= 0.35 ? rows[0] : undefined;
}

/** Communities with a polygon, for point-in-polygon location. Small (tens of rows); cached by the caller. */
export function communitiesWithGeometry(db: Kysely<DB>) {
  return db
    .selectFrom('org_units')
    .select(['id', 'geometry'])
    .where('type', '=', 'community')
    .where('active', '=', true)
    .where('geometry', 'is not', null)
    .execute();
}

/** Users holding any of `roles` on any of `orgIds`. */
export function usersWithRoles(db: Kysely<DB>, orgIds: string[], roles: string[]) {
  if (orgIds.length === 0 || roles.length === 0) return Promise.resolve([]);
  return db.selectFrom('user_roles').select('user_id').distinct().where('org_id', 'in', orgIds).where('role', 'in', roles).execute();
}

export function recordSlaMiss(db: Kysely<DB>, miss: { case_id: string; org_id: string; clock: string; due_at: Date; recorded_at: Date }) {
  return db.insertInto('sla_misses').values(miss).onConflict((oc) => oc.doNothing()).execute();
}

export function attachmentsByIds(db: Kysely<DB>, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('attachments').selectAll().where('id', 'in', ids).execute();
}
