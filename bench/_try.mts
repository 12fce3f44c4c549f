import { sql } from 'kysely';
import { openDatabase } from '../src/server/db/database.js';
import { migrateToLatest } from '../src/server/db/migrate.js';
const d = await openDatabase({});
await migrateToLatest(d.db);
const r = await sql`SELECT * FROM dashboard_case_facts(gen_random_uuid(), gen_random_uuid(), now(), now(), null, 'accepted', 'red', true, 'labor.x', 'dispute')`.execute(d.db);
console.log(r.rows);
console.log((await sql`SELECT dashboard_day('2026-11-23T16:30:00Z'::timestamptz) a, dashboard_day('2026-11-23T15:30:00Z'::timestamptz) b, '2026-11-24'::date - date '1970-01-01' c`.execute(d.db)).rows);
await d.close();
