import { sql, type Kysely } from 'kysely';

/**
 * Intake's free-address fallback finds the building whose address is most
 * similar to what the resident typed. Every address of a district shares its
 * prefix (深圳市光明区…), so the GIN trigram index matches most rows and the
 * query scored every building. A GiST trigram index answers
 * `ORDER BY address <-> $1 LIMIT 1` as a nearest-neighbour search instead.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX buildings_address_trgm_gist ON buildings USING gist (address gist_trgm_ops)`.execute(db);
}
