/**
 * The recompute after a working-calendar change (issue 15): N open blue cases, each with its timers, then the
 * official 2027 notice makes Saturday 20 February a working day, and the cases' follower recomputes every
 * accept deadline (Monday 22 → Saturday 20 February) in batches of 200, one transaction each.
 *
 *   bash .ci/with-postgres.sh npx tsx bench/calendar-recompute.ts --cases 10000     # PostgreSQL
 *   npx tsx bench/calendar-recompute.ts --cases 2000                                # embedded PGlite (in memory)
 *
 * Prints the intake time (setup, not measured), the recompute's wall time, cases per second, the batches and
 * the check that every case moved once.
 */
import fs from 'node:fs';
import { sql } from 'kysely';
import { buildApp } from '../src/server/app.js';
import { loadConfig } from '../src/server/config.js';
import { openDatabase } from '../src/server/db/database.js';
import { migrateToLatest } from '../src/server/db/migrate.js';
import { loadActor } from '../src/server/platform/auth.js';
import { TestClock } from '../src/server/platform/clock.js';
import { runDueWork } from '../src/server/platform/scheduler.js';
import { createCase, type IntakeInput } from '../src/server/modules/cases/index.js';
import { seedDemo } from '../src/server/modules/demo/index.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]!.replace(/_/g, '')) : fallback;
};
const loadavg = () => fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const sh = (local: string) => new Date(`${local}+08:00`);

async function main() {
  const count = arg('cases', 10_000);
  const concurrency = arg('concurrency', 16);
  const url = process.env.DATABASE_URL;
  const database = await openDatabase(url ? { databaseUrl: url, poolSize: concurrency + 4 } : { dataDir: 'memory://' });
  const db = database.db;
  await migrateToLatest(db);
  await seedDemo(db, { password: 'Demo@2026' });
  const clock = new TestClock(sh('2027-02-19T17:00'));
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent', FENGQIAO_AUDIT_KEY: process.env.FENGQIAO_AUDIT_KEY ?? 'b2'.repeat(32) }, { testClock: true });
  const app = await buildApp({ config, database, clock, logger: false });
  const user = await db.selectFrom('users').select('id').where('username', '=', 'biyan.reception').executeTakeFirstOrThrow();
  const actor = (await loadActor(db, user.id))!;
  const input = {
    channel: 'walk_in', category: 'neighbor.noise', title: '楼上夜间噪音', description: '楼上住户每晚十一点后仍在装修',
    location: { address: '碧眼社区3栋' }, reporter: { name: '李四', phone: '13800001111' }, peopleInvolved: 1,
  } as IntakeInput;

  let t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next++;
        await createCase(app.ctx, { kind: 'staff', actor }, input);
      }
    }),
  );
  console.log(`engine ${database.engine}: ${count} open blue cases created in ${((performance.now() - t0) / 1000).toFixed(1)} s (setup; load ${loadavg()})`);

  // As autovacuum would after a load of this size: fresh statistics, so the planner knows a subject has few timers.
  if (database.engine === 'postgres') await sql`ANALYZE`.execute(db);

  const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'district.admin', password: 'Demo@2026' } });
  const token = login.json<{ token: string }>().token;
  const put = await app.inject({
    method: 'PUT', url: '/api/v1/calendar/2027', headers: { authorization: `Bearer ${token}` },
    payload: { days: [{ date: '2027-02-20', kind: 'workday', name: '春节', source: 'official' }] },
  });
  if (put.statusCode !== 200) throw new Error(`PUT calendar: ${put.statusCode} ${put.body}`);

  t0 = performance.now();
  await runDueWork(app.ctx);
  const ms = performance.now() - t0;
  const moved = Number((await db.selectFrom('cases').select(sql<number>`count(*)`.as('n')).where('accept_by', '=', sh('2027-02-20T17:00')).executeTakeFirstOrThrow()).n);
  const events = Number((await db.selectFrom('case_events').select(sql<number>`count(*)`.as('n')).where('action', '=', 'deadlines_recomputed').executeTakeFirstOrThrow()).n);
  console.log(
    `recompute: ${moved} cases moved, ${events} timeline events, ${Math.ceil(count / 200)} batches of ≤200, ` +
      `${(ms / 1000).toFixed(2)} s = ${Math.round(count / (ms / 1000))} cases/s (load ${loadavg()})`,
  );
  if (moved < count || events !== moved) throw new Error('not every case moved exactly once');
  await app.close();
  await database.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
