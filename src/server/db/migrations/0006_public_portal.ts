import { sql, type Kysely } from 'kysely';

/**
 * The resident portal (SPEC §9, §12): failed progress look-ups per IP, kept in
 * the database so the throttle holds across server processes and restarts;
 * and who uploaded an attachment when the uploader is a resident (identified
 * by a verified phone, not a user id).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE public_lookup_failures (
      id bigserial PRIMARY KEY,
      ip text NOT NULL,
      at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX public_lookup_failures_ip_idx ON public_lookup_failures (ip, at)`.execute(db);
  await sql`CREATE INDEX public_lookup_failures_at_idx ON public_lookup_failures (at)`.execute(db);
  // SHA-256 of the verified phone that uploaded the file; null for staff uploads (uploaded_by is set then).
  await sql`ALTER TABLE attachments ADD COLUMN uploader_phone_hash text`.execute(db);
  await sql`CREATE INDEX phone_verifications_expires_idx ON phone_verifications (expires_at)`.execute(db);
}
