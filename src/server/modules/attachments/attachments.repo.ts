/** All SQL of the attachments module. */
import { sql, type Insertable, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { AttachmentsTable } from './attachments.tables.js';

export function insertAttachment(db: Kysely<DB>, row: Insertable<AttachmentsTable>) {
  return db.insertInto('attachments').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findAttachment(db: Kysely<DB>, id: string) {
  return db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findCaseScope(db: Kysely<DB>, caseId: string) {
  return db.selectFrom('cases').select(['id', 'owner_path', 'first_path']).where('id', '=', caseId).executeTakeFirst();
}

/**
 * Serialises the daily-allowance check and insert of one resident's uploads
 * within the caller's transaction, so two parallel uploads cannot both take
 * the last place of the day.
 */
export async function lockUploader(trx: Kysely<DB>, phoneHash: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`fengqiao:uploads:${phoneHash}`}))`.execute(trx);
}

/** Files and bytes a resident (by phone fingerprint) has uploaded since `since` (through `attachments_uploader_day_idx`). */
export async function uploadsSince(db: Kysely<DB>, phoneHash: string, since: Date): Promise<{ files: number; bytes: number }> {
  const row = await db
    .selectFrom('attachments')
    .select([sql<number>`count(*)::int`.as('files'), sql<number>`COALESCE(sum(size_bytes), 0)::float8`.as('bytes')])
    .where('uploader_phone_hash', '=', phoneHash)
    .where('created_at', '>=', since)
    .executeTakeFirstOrThrow();
  return { files: row.files, bytes: row.bytes };
}

/**
 * Deletes up to `limit` uploads that are on no case and older than `cutoff`,
 * oldest first, and returns them. The rows are claimed `FOR UPDATE SKIP
 * LOCKED`, so two sweepers never take the same row and neither waits for the
 * other, nor for an intake that is linking one of them right now (its row
 * lock is held until it commits, and then the row has a case). The delete
 * itself re-checks `case_id IS NULL` on the locked row: under READ COMMITTED a
 * link committed after this statement's snapshot is seen when the row is
 * locked, so a linked upload is never deleted.
 */
export function deleteOrphans(trx: Kysely<DB>, cutoff: Date, limit: number) {
  return trx
    .deleteFrom('attachments')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('attachments')
        .select('id')
        .where('case_id', 'is', null)
        .where('created_at', '<', cutoff)
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .where('case_id', 'is', null)
    .returning(['id', 'storage_key', 'size_bytes'])
    .execute();
}

/** When the oldest upload on no case was made (null: there is none), so the sweep knows when to look again. */
export async function oldestUnattachedAt(db: Kysely<DB>): Promise<Date | null> {
  const row = await db.selectFrom('attachments').select(sql<Date | null>`min(created_at)`.as('at')).where('case_id', 'is', null).executeTakeFirstOrThrow();
  return row.at === null ? null : new Date(row.at);
}
