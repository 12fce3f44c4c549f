import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openTestDatabase } from '../testing/test-db.js';
import { migrateToLatest } from './migrate.js';
import { migrations } from './migrations/index.js';

describe('migrations', () => {
  it('apply cleanly to an empty database, in order, and re-running is a no-op', async () => {
    const database = await openTestDatabase('empty');
    try {
      const applied = await database.db.selectFrom('schema_migrations' as never).select(sql<string>`name`.as('name')).orderBy(sql`name`).execute();
      expect(applied.map((r) => (r as { name: string }).name)).toEqual(Object.keys(migrations));
      expect(await migrateToLatest(database.db)).toEqual([]);
      const { rows } = await sql<{ server_version_num: string }>`SHOW server_version_num`.execute(database.db);
      expect(Number(rows[0].server_version_num)).toBeGreaterThanOrEqual(150000);
    } finally {
      await database.close();
    }
  });
});
