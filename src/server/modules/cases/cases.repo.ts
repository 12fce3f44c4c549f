/**
 * All SQL of the cases module. No decisions here: the service decides, the
 * repository reads and writes.
 */
import { sql, type Insertable, type Kysely, type Selectable, type Updateable } from 'kysely';
import { ACTIVE_STATES } from '../../../shared/lifecycle.js';
import type { DB } from '../../db/schema.js';
import type { CheckedMessage, CheckedTimerInsert } from '../../platform/background.js';
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

/** The columns intake sets on a new case; every other column takes its default. */
export interface IntakeCaseValues {
  id: string;
  tracking_no: string;
  access_code_hash: string;
  idempotency_key: string | null;
  channel: string;
  service_type: string;
  category: string;
  title: string;
  description: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  building_code: string | null;
  community_id: string | null;
  grid_id: string | null;
  location_source: string;
  reporter_name: string | null;
  reporter_phone: string | null;
  reporter_id_no: string | null;
  anonymous: boolean;
  people_involved: number;
  amount_involved: number;
  urgency: string;
  flags: string[];
  risk_level: string;
  /** JSON text. */
  risk_reasons: string;
  status: string;
  owner_org_id: string;
  owner_path: string;
  first_org_id: string;
  first_path: string;
  respond_by: Date | null;
  accept_by: Date | null;
  resolve_by: Date | null;
  /** JSON text. */
  extra: string;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  /** Pre-segmented words, stored as `to_tsvector('simple', search_text)`. */
  search_text: string;
}

/** A timeline event as `eventRow` builds it (JSON columns as text). */
export interface NewEventRow {
  case_id: string;
  at: Date;
  actor_kind: 'staff' | 'resident' | 'system';
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  from_status: string | null;
  to_status: string | null;
  org_id: string | null;
  note: string | null;
  /** JSON text. */
  data: string;
  /** JSON text. */
  attachments: string;
}

/** A new case with its first event and its attachments, as intake writes it. */
export interface NewCaseWithEvent {
  row: IntakeCaseValues;
  event: NewEventRow;
  attachmentIds: string[];
}

/** Side rows written with new cases: checked against their kinds' and topics' schemas (platform/background.ts) before they get here. */
export interface IntakeSideRows {
  timers: readonly CheckedTimerInsert[];
  messages: readonly CheckedMessage[];
}

/** A column read from JSON: its name and SQL type, or `json` (JSON text, stored as jsonb) or `input` (read as text, not stored as such). */
type JsonColumn<Row> = readonly [name: keyof Row & string, type: string];

/**
 * `INSERT INTO table (c1, c2, …) SELECT x.c1, x.c2, … FROM
 * json_to_recordset($1::json) AS x(c1 t1, c2 t2, …)`: a set of rows passed as
 * ONE JSON parameter. The statement text depends only on the columns, never
 * on the number of rows, so a batch of 50 costs PostgreSQL as little to parse
 * and plan as a batch of 1, and the client serialises the batch with one
 * native JSON.stringify instead of binding and escaping thousands of values.
 * Rows keep their order; JSON arrays become PostgreSQL arrays, dates travel as
 * ISO text, keys not listed are ignored. `extra` adds computed columns
 * (target column, SQL over `x`).
 */
function insertJsonRows<Row>(table: string, rows: readonly Row[], columns: readonly JsonColumn<Row>[], extra: readonly (readonly [string, string])[] = []) {
  const stored = columns.filter(([, type]) => type !== 'input');
  const targets = [...stored.map(([name]) => name), ...extra.map(([target]) => target)].join(', ');
  const values = [...stored.map(([name, type]) => (type === 'json' ? `x.${name}::jsonb` : `x.${name}`)), ...extra.map(([, expr]) => expr)].join(', ');
  const record = columns.map(([name, type]) => `${name} ${type === 'json' || type === 'input' ? 'text' : type}`).join(', ');
  return sql`INSERT INTO ${sql.raw(table)} (${sql.raw(targets)}) SELECT ${sql.raw(values)} FROM json_to_recordset(${JSON.stringify(rows)}::json) AS x(${sql.raw(record)})`;
}

/** Intake's case columns; `search_text` is input only, stored as `search_tokens`. */
const CASE_COLUMNS = [
  ['id', 'uuid'], ['tracking_no', 'text'], ['access_code_hash', 'text'], ['idempotency_key', 'text'], ['channel', 'text'],
  ['service_type', 'text'], ['category', 'text'], ['title', 'text'], ['description', 'text'], ['address', 'text'],
  ['lat', 'float8'], ['lng', 'float8'], ['building_code', 'text'], ['community_id', 'uuid'], ['grid_id', 'uuid'],
  ['location_source', 'text'], ['reporter_name', 'text'], ['reporter_phone', 'text'], ['reporter_id_no', 'text'],
  ['anonymous', 'bool'], ['people_involved', 'int4'], ['amount_involved', 'numeric'], ['urgency', 'text'], ['flags', 'text[]'],
  ['risk_level', 'text'], ['risk_reasons', 'json'], ['status', 'text'], ['owner_org_id', 'uuid'], ['owner_path', 'text'],
  ['first_org_id', 'uuid'], ['first_path', 'text'], ['respond_by', 'timestamptz'], ['accept_by', 'timestamptz'],
  ['resolve_by', 'timestamptz'], ['extra', 'json'], ['created_by', 'uuid'], ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'], ['search_text', 'input'],
] as const satisfies readonly JsonColumn<IntakeCaseValues>[];

const EVENT_COLUMNS = [
  ['case_id', 'uuid'], ['at', 'timestamptz'], ['actor_kind', 'text'], ['actor_id', 'uuid'], ['actor_name', 'text'],
  ['action', 'text'], ['from_status', 'text'], ['to_status', 'text'], ['org_id', 'uuid'], ['note', 'text'],
  ['data', 'json'], ['attachments', 'json'],
] as const satisfies readonly JsonColumn<NewEventRow>[];

const TIMER_COLUMNS = [
  ['kind', 'text'], ['subject_id', 'uuid'], ['due_at', 'timestamptz'], ['payload', 'json'], ['created_at', 'timestamptz'],
] as const satisfies readonly JsonColumn<IntakeSideRows['timers'][number]>[];

const OUTBOX_COLUMNS = [
  ['topic', 'text'], ['payload', 'json'], ['created_at', 'timestamptz'], ['available_at', 'timestamptz'],
] as const satisfies readonly JsonColumn<IntakeSideRows['messages'][number]>[];

/**
 * Writes new cases, their first timeline events, their timers and outbox
 * messages and their attachment links in ONE statement: one round trip and
 * one commit for the lot, all or nothing, and the shared rows the case insert
 * touches (dashboard counters, by trigger) are locked only for that statement
 * and updated once per statement. A brand-new case has no timers to cancel,
 * so its timers are plainly inserted (unlike `scheduleTimers`). Returns the
 * stored cases.
 */
export async function insertCasesWithEffects(db: Kysely<DB>, cases: readonly NewCaseWithEvent[], side: IntakeSideRows): Promise<CaseRow[]> {
  const links = cases.flatMap((c) => c.attachmentIds.map((id) => ({ id, case_id: c.row.id })));
  const parts = [
    sql`c AS (${insertJsonRows('cases', cases.map((c) => c.row), CASE_COLUMNS, [['search_tokens', "to_tsvector('simple', x.search_text)"]])} RETURNING *)`,
    // Events reference their case: foreign keys are checked at the end of the statement.
    sql`e AS (${insertJsonRows('case_events', cases.map((c) => c.event), EVENT_COLUMNS)})`,
    ...(side.timers.length ? [sql`t AS (${insertJsonRows('timers', side.timers, TIMER_COLUMNS)})`] : []),
    ...(side.messages.length ? [sql`o AS (${insertJsonRows('outbox', side.messages, OUTBOX_COLUMNS)})`] : []),
    ...(links.length
      ? [
          // Only uploads still on no case: one the orphan sweep deleted, or another case took,
          // after intake checked it is not linked, and the check below fails the statement.
          sql`a AS (
            UPDATE attachments SET case_id = x.case_id
            FROM json_to_recordset(${JSON.stringify(links)}::json) AS x(id uuid, case_id uuid)
            WHERE attachments.id = x.id AND attachments.case_id IS NULL
            RETURNING attachments.id)`,
        ]
      : []),
  ];
  // Every named upload linked, or the whole statement fails with ATTACHMENT_LINK_LOST (migration 0013).
  const linked = links.length ? sql`WHERE attachments_all_linked((SELECT count(*) FROM a), ${links.length}::int)` : sql``;
  const { rows } = await sql<CaseRow>`WITH ${sql.join(parts)} SELECT * FROM c ${linked}`.execute(db);
  return rows;
}

/**
 * SQLSTATE raised by intake's write when an upload it names could not be
 * linked (deleted by the orphan sweep after intake checked it, or taken by
 * another case): nothing of that statement is written.
 */
export const ATTACHMENT_LINK_LOST = 'FQ001';

/**
 * Locks the named uploads for linking them to a case in the caller's
 * transaction. An upload the orphan sweep has claimed is waited for and then
 * missing; one locked here is skipped by the sweep, and has a case once this
 * transaction commits.
 */
export function lockAttachments(trx: Kysely<DB>, ids: string[]) {
  if (ids.length === 0) return Promise.resolve([]);
  return trx.selectFrom('attachments').selectAll().where('id', 'in', ids).orderBy('id').forUpdate().execute();
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

/**
 * The next batch of cases whose clocks run (the active states: cases.rules.ts `runningClocks`) after `afterId`,
 * in id order, locked for the caller's transaction.
 */
export function lockRunningCasesAfter(db: Kysely<DB>, afterId: string | null, limit: number) {
  let q = db.selectFrom('cases').selectAll().where('status', 'in', [...ACTIVE_STATES]);
  if (afterId) q = q.where('id', '>', afterId);
  return q.orderBy('id').limit(limit).forUpdate().execute();
}

/** Several timeline rows in one statement. */
export function insertEvents(db: Kysely<DB>, events: readonly Insertable<CaseEventsTable>[]) {
  return db.insertInto('case_events').values([...events]).execute();
}
