/**
 * Command-centre benchmark: summary latency from the counters against the
 * naive GROUP BY over the cases, measured in the same run on the same data.
 *
 *   bash .ci/with-postgres.sh npx tsx bench/dashboard.ts --cases 10000000
 *
 * Options: --cases N (default 1,000,000) · --years Y (3) · --runs R (200 per
 * summary variant) · --naive-runs K (the naive GROUP BY, default max(10, R/20):
 * each takes seconds, up to a minute at 10M; its median is the comparison)
 * · --load-compare M (first load M rows into the empty table both ways — the
 * counter trigger on for every batch, and trigger off + one rebuild of the
 * counters after — then empty it again; default 0 = skip)
 * · --reconcile (time the full recount too). Every figure line carries the
 * load average: the shared VM is busy with other work.
 * Needs DATABASE_URL (PostgreSQL); works on an empty database: migrates and
 * seeds the demo district first. Prints a Markdown table for bench/README.md.
 */
import fs from 'node:fs';
import { sql } from 'kysely';
import { buildApp } from '../src/server/app.js';
import { loadConfig } from '../src/server/config.js';
import { openDatabase } from '../src/server/db/database.js';
import { migrateToLatest } from '../src/server/db/migrate.js';
import { loadActor } from '../src/server/platform/auth.js';
import { systemClock } from '../src/server/platform/clock.js';
import { progressReporter, seedBulkCases, stepReporter } from '../src/server/modules/demo/index.js';
import { seedDemo } from '../src/server/modules/demo/index.js';
import { driftAgainstCases, rebuildCounters } from '../src/server/modules/dashboard/index.js';
import { getNaiveSummary, getSummary } from '../src/server/modules/dashboard/index.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]!.replace(/_/g, '')) : fallback;
}
const flag = (name: string) => process.argv.includes(`--${name}`);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function time(runs: number, fn: () => Promise<unknown>) {
  await fn(); // warm caches and plans once
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { runs, p50: percentile(ms, 50), p95: percentile(ms, 95), max: ms.at(-1)! };
}

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
/** The 1, 5 and 15 minute load averages, to print beside every figure. */
const loadavg = () => `load average ${fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`;

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('set DATABASE_URL (e.g. bash .ci/with-postgres.sh npx tsx bench/dashboard.ts)');
  const target = arg('cases', 1_000_000);
  const runs = arg('runs', 200);
  const loadCompare = arg('load-compare', 0);
  const naiveRuns = arg('naive-runs', Math.max(10, Math.round(runs / 20)));
  const database = await openDatabase({ databaseUrl: url, poolSize: 8 });
  const db = database.db;
  await migrateToLatest(db);
  await seedDemo(db, { password: 'Demo@2026' });
  const version = (await sql<{ v: string }>`SELECT current_setting('server_version') AS v`.execute(db)).rows[0]!.v;

  if (loadCompare > 0) {
    // Same generator, same size, empty table each time: counters by the trigger per batch vs one rebuild after.
    const empty = async () => sql`TRUNCATE cases, dashboard_counters CASCADE`.execute(db);
    if (Number((await sql<{ n: number }>`SELECT count(*)::bigint AS n FROM cases`.execute(db)).rows[0]!.n) > 0) throw new Error('--load-compare needs an empty database');
    for (const loadCounters of ['trigger', 'rebuild'] as const) {
      const res = await seedBulkCases(db, { count: loadCompare, strategy: 'load', loadCounters, onProgress: progressReporter(`load (${loadCounters})`), onStep: stepReporter(`load (${loadCounters})`) });
      console.log(`load ${loadCompare.toLocaleString('en')} rows, counters by ${loadCounters}: ${(res.ms / 1000).toFixed(1)} s ${JSON.stringify(res.phases)} (${loadavg()})`);
      await empty();
    }
  }

  const existing = Number((await sql<{ n: number }>`SELECT count(*)::bigint AS n FROM cases`.execute(db)).rows[0]!.n);
  if (existing < target) {
    const started = performance.now();
    const res = await seedBulkCases(db, { count: target - existing, onProgress: progressReporter('cases'), onStep: stepReporter('cases') });
    const secs = (performance.now() - started) / 1000;
    console.log(
      `generated ${res.inserted.toLocaleString('en')} cases in ${secs.toFixed(1)} s = ${Math.round(res.inserted / secs).toLocaleString('en')} rows/s ` +
        `(${res.strategy}; phases ms ${JSON.stringify(res.phases)}; ${loadavg()})`,
    );
  }
  let t0 = performance.now();
  await sql`VACUUM ANALYZE cases`.execute(db);
  await sql`VACUUM ANALYZE dashboard_counters`.execute(db);
  console.log(`VACUUM ANALYZE ${((performance.now() - t0) / 1000).toFixed(1)} s (${loadavg()})`);
  const size = (await sql<{ cases: string; counters: string; db: string }>`
    SELECT pg_size_pretty(pg_total_relation_size('cases')) AS cases, pg_size_pretty(pg_total_relation_size('dashboard_counters')) AS counters,
      pg_size_pretty(pg_database_size(current_database())) AS db`.execute(db)).rows[0]!;
  console.log(`sizes: cases with indexes ${size.cases}, counters ${size.counters}, database ${size.db}`);
  const cases = Number((await sql<{ n: number }>`SELECT count(*)::bigint AS n FROM cases`.execute(db)).rows[0]!.n);
  const counterRows = Number((await sql<{ n: number }>`SELECT count(*)::bigint AS n FROM dashboard_counters`.execute(db)).rows[0]!.n);

  if (flag('reconcile')) {
    t0 = performance.now();
    const drift = await driftAgainstCases(db, 10);
    console.log(`reconciliation: ${drift.keysChecked} keys, ${drift.driftCount} drifted, ${((performance.now() - t0) / 1000).toFixed(1)} s (${loadavg()})`);
  }

  const config = loadConfig({ ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'silent' }, {});
  const app = await buildApp({ config, database, clock: systemClock, logger: false });
  const admin = await db.selectFrom('users').select('id').where('username', '=', 'sysadmin').executeTakeFirstOrThrow();
  const actor = (await loadActor(db, admin.id))!;
  const units = Object.fromEntries(
    (await db.selectFrom('org_units').select(['code', 'id']).where('code', 'in', ['GM', 'GM.GUANGMING.BIYAN']).execute()).map((u) => [u.code, u.id]),
  );
  // Log in through the API like a screen would.
  const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'sysadmin', password: 'Demo@2026' } });
  const headers = { authorization: `Bearer ${login.json<{ token: string }>().token}` };

  const rows: string[] = [];
  for (const [label, code] of [['district 光明区', 'GM'], ['community 碧眼社区', 'GM.GUANGMING.BIYAN']] as const) {
    const orgId = units[code]!;
    const fast = await getSummary(app.ctx, actor, orgId);
    const naive = await getNaiveSummary(app.ctx, actor, orgId);
    const same = JSON.stringify({ ...fast, asOf: '' }) === JSON.stringify({ ...naive, asOf: '' });
    const http = await time(runs, async () => {
      const res = await app.inject({ method: 'GET', url: `/api/v1/dashboard/summary?orgId=${orgId}`, headers });
      if (res.statusCode !== 200) throw new Error(res.body);
    });
    const service = await time(runs, () => getSummary(app.ctx, actor, orgId));
    const groupBy = await time(naiveRuns, () => getNaiveSummary(app.ctx, actor, orgId));
    console.log(`${label}: HTTP p95 ${fmt(http.p95)} ms, service p95 ${fmt(service.p95)} ms, naive p50 ${fmt(groupBy.p50)} ms (${loadavg()})`);
    rows.push(
      `| ${label} | ${fast.allTime.received.toLocaleString('en')} | ${fmt(http.p50)} / **${fmt(http.p95)}** | ${fmt(service.p50)} / ${fmt(service.p95)} | ${fmt(groupBy.p50)} / ${fmt(groupBy.p95)} | ${(groupBy.p95 / http.p95).toFixed(0)}× | ${same ? 'yes' : 'NO'} |`,
    );
  }
  console.log(`\nPostgreSQL ${version}, ${cases.toLocaleString('en')} cases, ${counterRows.toLocaleString('en')} counter rows, ${runs} runs per variant (naive: ${naiveRuns}), ${loadavg()}\n`);
  console.log('| summary of | cases in subtree | counters via HTTP p50 / p95 ms | counters service p50 / p95 ms | naive GROUP BY p50 / p95 ms | speed-up (p95) | identical figures |');
  console.log('|---|---:|---:|---:|---:|---:|---|');
  for (const r of rows) console.log(r);
  await app.close();
  await database.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
