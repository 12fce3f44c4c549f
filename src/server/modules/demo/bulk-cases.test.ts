import { sql, type Kysely } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { DB } from '../../db/schema.js';
import { loadActor } from '../../platform/auth.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { driftAgainstCases } from '../dashboard/index.js';
import { getNaiveSummary, getSummary } from '../dashboard/index.js';
import { seedBulkCases } from './bulk-cases.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** What the migrations made of `cases`: indexes, constraints, and the enabled state of its own triggers. */
async function casesSchema(db: Kysely<DB>) {
  const { rows } = await sql<{ item: string }>`
    SELECT 'index ' || pg_get_indexdef(indexrelid) AS item FROM pg_index WHERE indrelid = 'cases'::regclass
    UNION ALL
    SELECT 'constraint ' || conname::text || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'cases'::regclass
    UNION ALL
    -- Internal (foreign-key) triggers are named after OIDs, which a re-created constraint changes.
    SELECT 'trigger ' || tgname::text || ' ' || tgenabled::text FROM pg_trigger WHERE tgrelid = 'cases'::regclass AND NOT tgisinternal
    ORDER BY 1`.execute(db);
  return rows.map((r) => r.item);
}

const count = async (db: Kysely<DB>, table: 'cases' | 'dashboard_counters') =>
  Number((await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(db)).rows[0]!.n);

/** Counters equal the recount from the cases, and the summary equals the GROUP BY for the district and a community. */
async function expectExactCounters(app: TestApp) {
  const db = app.database.db;
  const drift = await driftAgainstCases(db, 5);
  expect(drift.drift).toEqual([]);
  expect(drift.driftCount).toBe(0);
  expect(drift.keysChecked).toBeGreaterThan(0);
  const admin = await db.selectFrom('users').select('id').where('username', '=', 'sysadmin').executeTakeFirstOrThrow();
  const actor = (await loadActor(db, admin.id))!;
  for (const code of ['GM', 'GM.GUANGMING.BIYAN']) {
    const unit = await db.selectFrom('org_units').select('id').where('code', '=', code).executeTakeFirstOrThrow();
    const fast = await getSummary(app.app.ctx, actor, unit.id);
    expect(fast, code).toEqual(await getNaiveSummary(app.app.ctx, actor, unit.id));
  }
}

/** Shapes a generated history must have whatever the strategy. */
async function expectRealisticCases(app: TestApp, n: number) {
  const db = app.database.db;
  const now = app.clock.now();
  const { rows } = await sql<{
    n: number; bulk: number; bad_order: number; future: number; too_old: number; no_tokens: number; open: number; closed: number;
    red: number; communities: number; categories: number; distinct_tracking: number; out_of_district: number;
  }>`
    SELECT count(*)::int AS n,
      count(*) FILTER (WHERE extra->>'bulk' = 'true')::int AS bulk,
      count(*) FILTER (WHERE accepted_at < created_at OR resolved_at < accepted_at OR closed_at < created_at)::int AS bad_order,
      count(*) FILTER (WHERE created_at > ${now})::int AS future,
      count(*) FILTER (WHERE created_at < ${now}::timestamptz - interval '3 years 2 days')::int AS too_old,
      count(*) FILTER (WHERE search_tokens IS NULL OR length(search_tokens) = 0)::int AS no_tokens,
      count(*) FILTER (WHERE status IN ('submitted','accepted','dispatched','in_progress','suspended'))::int AS open,
      count(*) FILTER (WHERE status = 'closed')::int AS closed,
      count(*) FILTER (WHERE risk_level = 'red')::int AS red,
      count(DISTINCT community_id)::int AS communities,
      count(DISTINCT category)::int AS categories,
      count(DISTINCT tracking_no)::int AS distinct_tracking,
      count(*) FILTER (WHERE owner_path NOT LIKE (SELECT path FROM org_units WHERE code = 'GM') || '%')::int AS out_of_district
    FROM cases`.execute(db);
  const s = rows[0]!;
  expect(s.n).toBe(n);
  expect(s.bulk).toBe(n);
  expect(s.distinct_tracking).toBe(n);
  expect({ badOrder: s.bad_order, future: s.future, tooOld: s.too_old, noTokens: s.no_tokens, outOfDistrict: s.out_of_district }).toEqual({
    badOrder: 0, future: 0, tooOld: 0, noTokens: 0, outOfDistrict: 0,
  });
  // Years of history: mostly closed, some still open, a few red; spread over the tree and the catalogue.
  expect(s.closed).toBeGreaterThan(n * 0.5);
  expect(s.open).toBeGreaterThan(0);
  expect(s.red).toBeGreaterThan(0);
  expect(s.red).toBeLessThan(n * 0.1);
  expect(s.communities).toBeGreaterThan(10);
  expect(s.categories).toBeGreaterThan(5);
  // The search text is the community and category names (computed per pair, stored per case).
  const hit = await db.selectFrom('cases').select(['title']).where(sql<boolean>`search_tokens @@ to_tsquery('simple', '碧眼社区')`).limit(1).executeTakeFirst();
  expect(hit?.title).toMatch(/^碧眼社区/);
}

describe('seedBulkCases', () => {
  it('appends in batches on a table that has cases, and the counters equal a direct count', { timeout: 300_000 }, async () => {
    t = await createTestApp();
    const db = t.database.db;
    const first = await seedBulkCases(db, { count: 1_500, batchSize: 700, clock: t.clock, strategy: 'append' });
    expect(first).toMatchObject({ inserted: 1_500, strategy: 'append' });
    // Not empty any more: a forced `load` must append instead of taking the table over.
    const progress: number[] = [];
    const second = await seedBulkCases(db, { count: 1_000, batchSize: 400, clock: t.clock, strategy: 'load', onProgress: (done) => progress.push(done) });
    expect(second.strategy).toBe('append');
    expect(progress).toEqual([400, 800, 1_000]);
    await expectRealisticCases(t, 2_500);
    await expectExactCounters(t);
  });

  it('loads an empty table with indexes and foreign keys rebuilt as the migrations made them', { timeout: 300_000 }, async () => {
    t = await createTestApp();
    const db = t.database.db;
    const before = await casesSchema(db);
    expect(before.some((x) => x.startsWith('index CREATE INDEX'))).toBe(true);
    expect(before.some((x) => x.includes('FOREIGN KEY'))).toBe(true);
    expect(await count(db, 'cases')).toBe(0);
    for (const loadCounters of ['rebuild', 'trigger'] as const) {
      const steps: string[] = [];
      const res = await seedBulkCases(db, { count: 3_000, batchSize: 1_000, clock: t.clock, strategy: 'load', loadCounters, onStep: (m) => steps.push(m) });
      expect(res.strategy, loadCounters).toBe('load');
      expect(steps.some((s) => s.startsWith('building index'))).toBe(true);
      expect(steps.some((s) => s.startsWith('recounting')), loadCounters).toBe(loadCounters === 'rebuild');
      expect(await casesSchema(db), loadCounters).toEqual(before);
      await expectRealisticCases(t, 3_000);
      await expectExactCounters(t);
      // Empty it again (TRUNCATE fires no DELETE trigger, so the counters go too) for the other way.
      await sql`TRUNCATE cases, dashboard_counters CASCADE`.execute(db);
    }
    // The re-created foreign keys are real: a case pointing at a missing unit is refused.
    await seedBulkCases(db, { count: 10, clock: t.clock, strategy: 'append' });
    await expect(sql`UPDATE cases SET community_id = gen_random_uuid()`.execute(db)).rejects.toThrow(/foreign key/);
  });

  it('leaves an empty table and the schema untouched when a load is interrupted', { timeout: 300_000 }, async () => {
    t = await createTestApp();
    const db = t.database.db;
    const before = await casesSchema(db);
    const countersBefore = await count(db, 'dashboard_counters');
    const interrupted = seedBulkCases(db, {
      count: 3_000, batchSize: 1_000, clock: t.clock, strategy: 'load', loadCounters: 'rebuild',
      onProgress: (done) => {
        if (done >= 2_000) throw new Error('interrupted');
      },
    });
    await expect(interrupted).rejects.toThrow('interrupted');
    expect(await count(db, 'cases')).toBe(0);
    expect(await count(db, 'dashboard_counters')).toBe(countersBefore);
    expect(await casesSchema(db)).toEqual(before);
  });
});
