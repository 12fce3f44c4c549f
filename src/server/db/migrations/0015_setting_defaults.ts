import type { Kysely } from 'kysely';
import type { DB } from '../schema.js';
import { writeSettingDefaults } from '../../platform/settings.js';
import { SETTINGS } from '../../modules/config/index.js';

/**
 * Every policy of the settings registry as a row, so a district reads, exports and edits what applies instead of
 * a fallback hidden in code. Rows an admin already edited are left alone. The defaults come from the registry's
 * definitions (one place for each number), so this writes the defaults of the code that runs it: a fresh
 * database gets today's defaults, an existing one keeps its rows.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await writeSettingDefaults(db as unknown as Kysely<DB>, SETTINGS);
}
