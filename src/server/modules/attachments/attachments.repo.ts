/** All SQL of the attachments module. */
import type { Insertable, Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { AttachmentsTable } from '../cases/cases.tables.js';
import '../public/public.tables.js';

export function insertAttachment(db: Kysely<DB>, row: Insertable<AttachmentsTable>) {
  return db.insertInto('attachments').values(row).returningAll().executeTakeFirstOrThrow();
}

export function findAttachment(db: Kysely<DB>, id: string) {
  return db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findCaseScope(db: Kysely<DB>, caseId: string) {
  return db.selectFrom('cases').select(['id', 'owner_path', 'first_path']).where('id', '=', caseId).executeTakeFirst();
}
