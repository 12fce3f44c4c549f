import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { DEFAULT_CATEGORIES } from '../../modules/cases/index.js';

/** The default category catalogue. Later edits happen through the admin API; this never overwrites them. */
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [i, c] of DEFAULT_CATEGORIES.entries()) {
    await sql`
      INSERT INTO categories (code, service_type, name, name_en, handling, department_code, anonymous_allowed, sort)
      VALUES (${c.code}, ${c.serviceType}, ${c.name}, ${c.nameEn}, ${c.handling}, ${c.departmentCode ?? null}, ${c.anonymousAllowed}, ${i})
      ON CONFLICT (code) DO NOTHING`.execute(db);
  }
}
