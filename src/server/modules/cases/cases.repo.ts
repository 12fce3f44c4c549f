/**
 * All SQL of the cases module. No decisions here: the service decides, the
 * repository reads and writes.
 */
import { sql, type Insertable, type Kysely, type OperationNodeSource, type Selectable, type Updateable } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { CaseEventsTable, CasesTable, CategoriesTable } from './cases.tables.js';

export type CaseRow = Selectable<CasesTable>;
export type NewCase = Insertable<CasesTable>;
export type CasePatch = Updateable<CasesTable>;
export type CaseEventRow = Selectable<CaseEventsTable>;
export type CategoryRow = Selectable<CategoriesTable>;

export function findCategory(db: Kysely<DB>, code: string) {
  return db.selectFrom('categories').selectAll().where('code', '=', code).executeTakeFirst();
}

export function listCategories(db: Kysely<DB>, includeInactive = false) {
  let q = db.selectFrom('categories').selectAll().orderBy('sort').orderBy('code');
  if (!includeInactive) q = q.where('active', '=', true);
  return q.execute();
}

/**
 * Reserves the next `count` numbers of the day and returns the last of them.
 * A statement of its own, outside any intake transaction, so concurrent
 * intakes do not queue on this one row until commit; numbers an intake does
 * not use (a rollback, a restart) are skipped, as with a sequence.
 */
export async function reserveDailyNumbers(db: Kysely<DB>, day: string, count: number): Promise<number> {
  const row = await db
    .insertInto('case_daily_counters')
    .values({ day, last: count })
    .onConflict((oc) => oc.column('day').doUpdateSet({ last: sql`case_daily_counters.last + ${count}` }))
    .returning('last')
    .executeTakeFirstOrThrow();
  return row.last;
}

/** A new case with its first event and its attachments, as intake writes it. */
export interface NewCaseWithEvent {
  row: NewCase & { id: string; search_text: string };
  event: Insertable<CaseEventsTable>;
  attachmentIds: string[];
}

/**
 * Writes new cases, their first timeline events, the given side rows (timers,
 * outbox messages: unexecuted INSERTs) and their attachment links in ONE
 * statement: one round trip and one commit for the lot, all or nothing, and
 * the shared rows the case insert touches (dashboard counters, by trigger)
 * are locked only for that statement and updated once per statement.
 */
export async function insertCasesWithEffects(db: Kysely<DB>, cases: readonly NewCaseWithEvent[], sideRows: OperationNodeSource[]): Promise<CaseRow[]> {
  const parts = [
    ...sideRows.map((query, i) => sql`${sql.raw(`w${i}`)} AS (${query})`),
    sql`c AS (${db
      .insertInto('cases')
      .values(cases.map(({ row: { search_text, ...values } }) => ({ ...values, search_tokens: sql`to_tsvector('simple', ${search_text})` })))
      .returningAll()})`,
    // Events reference their case: foreign keys are checked at the end of the statement.
    sql`e AS (${db.insertInto('case_events').values(cases.map((c) => c.event))})`,
    ...cases
      .filter((c) => c.attachmentIds.length)
      .map((c, i) => sql`${sql.raw(`a${i}`)} AS (${db.updateTable('attachments').set({ case_id: c.row.id }).where('id', 'in', c.attachmentIds)})`),
  ];
  const { rows } = await sql<CaseRow>`WITH ${sql.join(parts)} SELECT * FROM c`.execute(db);
  return rows;
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

// The staff list and search moved to their own file (plans tuned on a million cases).
export { COUNT_CAP, SEARCH_COUNT_CAP, listCases, type CaseListFilter } from './cases.search.repo.js';

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

export function districtRoot(db: Kysely<DB>) {
  return db
    .selectFrom('org_units')
    .select(['id', 'code', 'name', 'name_en', 'type', 'path', 'parent_id', 'active'])
    .where('type', '=', 'district')
    .where('parent_id', 'is', null)
    .orderBy('created_at')
    .executeTakeFirst();
}

/**
 * The building whose address is most similar to `address` (trigram
 * nearest neighbour on the GiST index), if similar enough not to be a wild guess.
 */
export async function closestBuildingByAddress(db: Kysely<DB>, address: string) {
  const { rows } = await sql<{ code: string; address: string; community_id: string; grid_id: string | null; lat: number | null; lng: number | null; score: number }>`
    SELECT code, address, community_id, grid_id, lat, lng, similarity(address, ${address}) AS score
      FROM buildings
     WHERE active
     ORDER BY address <-> ${address}
     LIMIT 1`.execute(db);
  return rows[0] && rows[0].score >= 0.35 ? rows[0] : undefined;
}

export function recordSlaMiss(db: Kysely<DB>, miss: { case_id: string; org_id: string; clock: string; due_at: Date; recorded_at: Date }) {
  return db.insertInto('sla_misses').values(miss).onConflict((oc) => oc.doNothing()).execute();
}

export function attachmentsByIds(db: Kysely<DB>, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('attachments').selectAll().where('id', 'in', ids).execute();
}
