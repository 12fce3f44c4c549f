import { sql, type Kysely } from 'kysely';

/**
 * Uploads that never reach a case are deleted after a grace period, and a
 * resident's uploads are capped per day (security issue #13, finding 5).
 *
 * - `attachments_unattached_idx`: the orphan sweep reads the oldest uploads
 *   without a case. Partial, so it holds only the few uploads waiting to be
 *   put on a case, not every attachment ever stored.
 * - `attachments_uploader_day_idx`: a resident's uploads of the day, for the
 *   daily cap (count and bytes).
 * - `attachments_all_linked(linked, expected)`: intake links its uploads in
 *   the same statement that writes the case; if the sweep deleted one of them
 *   after intake checked it (or another case took it), fewer rows are linked
 *   than named and this raises SQLSTATE FQ001, which fails that statement as a
 *   whole, so no case is ever written naming an attachment that is not there.
 *   A plain SQL expression cannot do this safely: PostgreSQL may fold a
 *   constant error branch at planning time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX IF NOT EXISTS attachments_unattached_idx ON attachments (created_at, id) WHERE case_id IS NULL`.execute(db);
  await sql`
    CREATE INDEX IF NOT EXISTS attachments_uploader_day_idx ON attachments (uploader_phone_hash, created_at)
    WHERE uploader_phone_hash IS NOT NULL`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION attachments_all_linked(linked bigint, expected int) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $fn$
    BEGIN
      IF linked <> expected THEN
        RAISE EXCEPTION 'only % of % attachments could be linked (deleted or already on a case)', linked, expected
          USING ERRCODE = 'FQ001';
      END IF;
      RETURN true;
    END
    $fn$`.execute(db);
}
