/** SQL of the calendar module: the stored days, the revisions, the followers' progress. */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { CalendarDay, StoredSource } from './days.rules.js';

export async function latestRevision(db: Kysely<DB>): Promise<number> {
  const row = await db.selectFrom('calendar_revisions').select(sql<number | null>`max(id)`.as('id')).executeTakeFirst();
  return Number(row?.id ?? 0);
}

export async function storedDays(db: Kysely<DB>): Promise<CalendarDay[]> {
  return db.selectFrom('calendar_days').select(['date', 'kind', 'name', 'source']).orderBy('date').orderBy('source').execute();
}

/** Replaces the year's stored days (both sources) with these. */
export async function replaceYear(trx: Kysely<DB>, year: number, days: readonly (CalendarDay & { source: StoredSource })[], now: Date, by: string | null) {
  await trx.deleteFrom('calendar_days').where('date', '>=', `${year}-01-01`).where('date', '<=', `${year}-12-31`).execute();
  if (days.length === 0) return;
  await trx
    .insertInto('calendar_days')
    .values(days.map((d) => ({ date: d.date, source: d.source, kind: d.kind, name: d.name, updated_at: now, updated_by: by })))
    .execute();
}

export interface RevisionChange {
  action: 'put' | 'import';
  /** Dates whose working status the change moved. */
  changedDates: string[];
  /** How many exceptional days the year now stores. */
  days: number;
}

export async function insertRevision(trx: Kysely<DB>, row: { year: number; change: RevisionChange; created_at: Date; created_by: string | null }) {
  const inserted = await trx
    .insertInto('calendar_revisions')
    .values({ year: row.year, change: JSON.stringify(row.change), created_at: row.created_at, created_by: row.created_by })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(inserted.id);
}

/**
 * The follower's row, locked for this transaction (none when another process holds it). A follower new to the
 * database starts at revision 0, so its first pass applies whatever the calendar already holds.
 */
export async function lockFollower(trx: Kysely<DB>, consumer: string, now: Date) {
  await trx
    .insertInto('calendar_followers')
    .values({ consumer, done_revision: 0, pass_revision: null, after_key: null, updated_at: now })
    .onConflict((oc) => oc.column('consumer').doNothing())
    .execute();
  return trx.selectFrom('calendar_followers').selectAll().where('consumer', '=', consumer).forUpdate().skipLocked().executeTakeFirst();
}

export async function updateFollower(trx: Kysely<DB>, consumer: string, patch: { done_revision?: number; pass_revision: number | null; after_key: string | null; updated_at: Date }) {
  await trx.updateTable('calendar_followers').set(patch).where('consumer', '=', consumer).execute();
}
