/**
 * All SQL of the resident portal: one-time codes, verification tokens,
 * failed look-ups, and the few case reads and writes the portal needs beyond
 * the cases module's repository.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

/**
 * Serialises code requests and checks for one phone within the caller's
 * transaction, so two parallel requests cannot both pass the throttle.
 */
export async function lockPhone(trx: Kysely<DB>, phone: string): Promise<void> {
  await sql`SELECT pg_advisory_xact_lock(hashtext(${`fengqiao:otp:${phone}`}))`.execute(trx);
}

export async function codeTimesForPhone(db: Kysely<DB>, phone: string, since: Date): Promise<Date[]> {
  const rows = await db.selectFrom('otp_codes').select('created_at').where('phone', '=', phone).where('created_at', '>', since).execute();
  return rows.map((r) => r.created_at);
}

export async function codeTimesForIp(db: Kysely<DB>, ip: string, since: Date): Promise<Date[]> {
  const rows = await db.selectFrom('otp_codes').select('created_at').where('ip', '=', ip).where('created_at', '>', since).execute();
  return rows.map((r) => r.created_at);
}

export async function insertCode(trx: Kysely<DB>, row: { phone: string; code_hash: string; created_at: Date; expires_at: Date; ip: string }) {
  // Old rows of this phone serve no throttle any more (the longest window is an hour).
  await trx.deleteFrom('otp_codes').where('phone', '=', row.phone).where('created_at', '<', new Date(row.created_at.getTime() - 86_400_000)).execute();
  return trx.insertInto('otp_codes').values(row).returning('id').executeTakeFirstOrThrow();
}

/** The phone's newest code, locked: only the newest code is ever valid. */
export function latestCodeForUpdate(trx: Kysely<DB>, phone: string) {
  return trx.selectFrom('otp_codes').selectAll().where('phone', '=', phone).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(1).forUpdate().executeTakeFirst();
}

export async function countAttempt(trx: Kysely<DB>, id: number): Promise<number> {
  const row = await trx.updateTable('otp_codes').set({ attempts: sql`attempts + 1` }).where('id', '=', id).returning('attempts').executeTakeFirstOrThrow();
  return row.attempts;
}

export function consumeCode(trx: Kysely<DB>, id: number, now: Date) {
  return trx.updateTable('otp_codes').set({ consumed_at: now, attempts: sql`attempts + 1` }).where('id', '=', id).execute();
}

export async function insertVerification(trx: Kysely<DB>, row: { token_hash: string; phone: string; created_at: Date; expires_at: Date }) {
  await trx.deleteFrom('phone_verifications').where('expires_at', '<', row.created_at).execute();
  await trx.insertInto('phone_verifications').values(row).execute();
}

export function findVerification(db: Kysely<DB>, tokenHash: string) {
  return db.selectFrom('phone_verifications').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function lookupFailureTimes(db: Kysely<DB>, ip: string, since: Date): Promise<Date[]> {
  const rows = await db.selectFrom('public_lookup_failures').select('at').where('ip', '=', ip).where('at', '>', since).execute();
  return rows.map((r) => r.at);
}

/** Records a failed look-up; drops rows older than the window (any IP) so the table stays small. */
export async function recordLookupFailure(db: Kysely<DB>, ip: string, at: Date, keepSince: Date): Promise<void> {
  await db.deleteFrom('public_lookup_failures').where('at', '<', keepSince).execute();
  await db.insertInto('public_lookup_failures').values({ ip, at }).execute();
}

/** A resident's own cases by verified phone, newest first (bounded). */
export function casesByPhone(db: Kysely<DB>, phone: string, limit: number) {
  return db
    .selectFrom('cases')
    .select(['tracking_no', 'title', 'status', 'created_at'])
    .where('reporter_phone', '=', phone)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** A replayed submission hands out a fresh access code (the first answer may never have arrived). */
export function setAccessCodeHash(db: Kysely<DB>, caseId: string, hash: string) {
  return db.updateTable('cases').set({ access_code_hash: hash }).where('id', '=', caseId).execute();
}

export function setRating(trx: Kysely<DB>, caseId: string, rating: number, comment: string | null, now: Date) {
  return trx
    .updateTable('cases')
    .set({ rating, rating_comment: comment, updated_at: now, version: sql`version + 1` })
    .where('id', '=', caseId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function latestResolution(db: Kysely<DB>, caseId: string) {
  return db
    .selectFrom('case_events')
    .select(['note', 'at'])
    .where('case_id', '=', caseId)
    .where('action', '=', 'resolve')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
}

export function categoryNames(db: Kysely<DB>, code: string) {
  return db.selectFrom('categories').select(['name', 'name_en', 'anonymous_allowed']).where('code', '=', code).executeTakeFirst();
}
