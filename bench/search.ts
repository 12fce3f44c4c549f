/**
 * Search benchmark (PostgreSQL): fills the cases table to 1,000,000 rows with
 * set-based SQL, then measures GET /api/v1/cases?q=<word> against the real
 * server (child process, 127.0.0.1 only) as a district admin and as a
 * community user, and prints EXPLAIN ANALYZE of the SQL behind one query.
 *
 *   bash .ci/with-postgres.sh npm run bench:search
 *
 * Options: --cases 1000000 --queries 300 --texts 4000 --log-level warn
 * PostgreSQL memory: PG_EXTRA_OPTS="-c shared_buffers=2GB" bash .ci/with-postgres.sh …
 *
 * The fill: a few thousand distinct realistic texts are segmented in JS with
 * jieba (`caseSearchText`, exactly as intake stores them), loaded into a temp
 * table, and INSERT … SELECT over generate_series picks among them, among the
 * demo communities (valid owner_path / first_path) and among statuses, risk
 * levels and three years of creation times. `search_tokens` is written as
 * intake writes it; the scope half of the search index (migration 0008) is
 * computed by PostgreSQL from the paths, so the fill needs nothing more. Rows get tracking numbers BK…, so a
 * rerun on the same database only tops up.
 */
import { parseArgs } from 'node:util';
import { Kysely, PostgresDialect, type CompiledQuery } from 'kysely';
import pg from 'pg';
import type { DB } from '../src/server/db/schema.js';
import { loadActor } from '../src/server/platform/auth.js';
import { SLA_POLICY } from '../src/server/modules/cases/index.js';
import { syntheticSla } from '../src/server/modules/demo/index.js';
import { readSetting } from '../src/server/platform/settings.js';
import { listCases } from '../src/server/modules/cases/index.js';
import { caseSearchText, searchQuery } from '../src/server/modules/cases/index.js';
import { SEARCH_WORDS, percentile, pick, progress, rng, sampleText } from './case-samples.js';
import { cpuBreakdown, cpuProbe, getJson, loadAverage, login, machineLine, postmasterPid, startServer } from './bench-support.js';

const { values: args } = parseArgs({
  options: {
    cases: { type: 'string', default: '1000000' },
    queries: { type: 'string', default: '300' },
    texts: { type: 'string', default: '4000' },
    'log-level': { type: 'string', default: 'warn' },
  },
});
if (!process.env.DATABASE_URL) throw new Error('bench:search needs DATABASE_URL (run through bash .ci/with-postgres.sh)');
const target = Number(args.cases);
const queryCount = Number(args.queries);
const textCount = Number(args.texts);
const BATCH = 100_000;

async function loadTexts(pool: pg.Pool) {
  const r = rng(7);
  const { rows: cats } = await pool.query<{ code: string; service_type: string }>('SELECT code, service_type FROM categories');
  const serviceOf = new Map(cats.map((c) => [c.code, c.service_type]));
  await pool.query(`DROP TABLE IF EXISTS bench_texts`);
  await pool.query(`CREATE UNLOGGED TABLE bench_texts (i int PRIMARY KEY, category text, service_type text, title text, description text, address text, tokens text, reporter text, phone text)`);
  const started = performance.now();
  for (let start = 0; start < textCount; start += 500) {
    const params: unknown[] = [];
    const tuples: string[] = [];
    for (let i = start; i < Math.min(textCount, start + 500); i++) {
      const t = sampleText(r);
      const tokens = caseSearchText([t.title, t.description, t.address]);
      const name = pick(r, ['王', '李', '张', '刘', '陈']) + pick(r, ['伟', '芳', '敏', '强', '丽', '军']);
      const phone = `13${String(Math.floor(r() * 1e9)).padStart(9, '0')}`;
      const row = [i, t.category, serviceOf.get(t.category) ?? 'dispute', t.title, t.description, t.address, tokens, name, phone];
      tuples.push(`(${row.map((_, k) => `$${params.length + k + 1}`).join(',')})`);
      params.push(...row);
    }
    await pool.query(`INSERT INTO bench_texts VALUES ${tuples.join(',')}`, params);
  }
  console.log(`${textCount} distinct texts segmented with jieba and loaded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * Set-based fill. Pseudo-random but deterministic picks come from hashint4 of
 * the row number. 85% of cases are closed, owners are communities (5% escalated
 * to the community's subdistrict, first_path still the community), creation
 * times spread over three years.
 */
async function fill(pool: pg.Pool, from: number, to: number) {
  await pool.query(`DROP TABLE IF EXISTS bench_units`);
  await pool.query(`
    CREATE UNLOGGED TABLE bench_units AS
    SELECT (row_number() OVER (ORDER BY c.code) - 1)::int AS i, c.id, c.path, p.id AS parent_id, p.path AS parent_path
      FROM org_units c JOIN org_units p ON p.id = c.parent_id
     WHERE c.type = 'community' AND c.active`);
  const { rows: u } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM bench_units');
  const units = u[0].n;
  // Deadlines as the district's SLA policy sets them (nominal lengths: synthetic data needs no calendar).
  const sla = syntheticSla(await readSetting(new Kysely<DB>({ dialect: new PostgresDialect({ pool }) }), SLA_POLICY));
  const started = performance.now();
  for (let lo = from; lo <= to; lo += BATCH) {
    const hi = Math.min(to, lo + BATCH - 1);
    await pool.query(
      `
      INSERT INTO cases (tracking_no, access_code_hash, channel, service_type, category, title, description, address,
                         community_id, location_source, reporter_name, reporter_phone, people_involved, amount_involved,
                         urgency, risk_level, risk_reasons, status, owner_org_id, owner_path, first_org_id, first_path,
                         respond_by, accept_by, resolve_by, responded_at, accepted_at, resolved_at, closed_at,
                         search_tokens, created_at, updated_at)
      SELECT 'BK' || lpad(g::text, 9, '0'), 'bench',
             (ARRAY['walk_in','walk_in','hotline','online','qr','grid'])[1 + abs(h1) % 6],
             t.service_type, t.category, t.title, t.description, t.address,
             u.id, 'building', t.reporter, t.phone, 1 + abs(h2) % 5, (abs(h2) % 100000)::numeric,
             'normal', risk, '[]'::jsonb, status,
             CASE WHEN abs(h3) % 20 = 0 THEN u.parent_id ELSE u.id END,
             CASE WHEN abs(h3) % 20 = 0 THEN u.parent_path ELSE u.path END,
             u.id, u.path,
             created + interval '1 minute' * (CASE risk WHEN 'red' THEN $5::int[] WHEN 'yellow' THEN $6::int[] ELSE $7::int[] END)[1],
             created + interval '1 minute' * (CASE risk WHEN 'red' THEN $5::int[] WHEN 'yellow' THEN $6::int[] ELSE $7::int[] END)[2],
             created + interval '1 minute' * (CASE risk WHEN 'red' THEN $5::int[] WHEN 'yellow' THEN $6::int[] ELSE $7::int[] END)[3],
             created + interval '30 minutes',
             CASE WHEN status <> 'submitted' THEN created + interval '1 hour' END,
             CASE WHEN status IN ('resolved','closed') THEN created + interval '2 days' END,
             CASE WHEN status = 'closed' THEN created + interval '5 days' END,
             to_tsvector('simple', t.tokens), created, created
        FROM (
          SELECT g, hashint4(g) AS h1, hashint4(g + 1000000007) AS h2, hashint4(g * 3 + 17) AS h3,
                 now() - (abs(hashint4(g * 7 + 5)) % (3 * 365 * 86400)) * interval '1 second' AS created,
                 CASE WHEN abs(hashint4(g * 11)) % 100 < 85 THEN 'closed'
                      WHEN abs(hashint4(g * 11)) % 100 < 90 THEN 'resolved'
                      ELSE (ARRAY['submitted','accepted','dispatched','in_progress'])[1 + abs(hashint4(g * 13)) % 4] END AS status,
                 CASE WHEN abs(hashint4(g * 19)) % 100 < 5 THEN 'red' WHEN abs(hashint4(g * 19)) % 100 < 25 THEN 'yellow' ELSE 'blue' END AS risk
            FROM generate_series($1::int, $2::int) g
        ) s
        JOIN bench_texts t ON t.i = abs(hashint4(g * 31 + 1)) % $3
        JOIN bench_units u ON u.i = abs(h1) % $4`,
      [lo, hi, textCount, units, ...(['red', 'yellow', 'blue'] as const).map((r) => [sla[r].respond, sla[r].accept, sla[r].resolve])],
    );
    const done = hi - from + 1;
    const secs = (performance.now() - started) / 1000;
    progress(`fill: ${done.toLocaleString('en')} / ${(to - from + 1).toLocaleString('en')} cases, ${Math.round(done / secs)}/s`, hi === to);
    if (!process.stdout.isTTY && hi !== to) console.log(`fill: ${done} cases in ${secs.toFixed(0)} s`);
  }
  console.log(`filled ${(to - from + 1).toLocaleString('en')} cases in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

interface Timing {
  word: string;
  ms: number;
  total: number;
}

async function measure(port: number, token: string, words: string[], label: string): Promise<Timing[]> {
  const out: Timing[] = [];
  for (const word of words) {
    const t0 = performance.now();
    const res = await getJson(port, `/api/v1/cases?q=${encodeURIComponent(word)}`, token);
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`${label} q=${word}: ${res.status} ${res.body.slice(0, 300)}`);
    out.push({ word, ms, total: (JSON.parse(res.body) as { total: number }).total });
  }
  return out;
}

function summarize(label: string, timings: Timing[]) {
  const sorted = Float64Array.from(timings.map((t) => t.ms)).sort();
  const totals = timings.map((t) => t.total).sort((a, b) => a - b);
  const worst = [...timings].sort((a, b) => b.ms - a.ms).slice(0, 3).map((t) => `${t.word} ${t.ms.toFixed(0)} ms (total ${t.total})`);
  console.log(
    `${label.padEnd(34)} n=${timings.length}  p50 ${percentile(sorted, 50).toFixed(1)} ms  p95 ${percentile(sorted, 95).toFixed(1)} ms  p99 ${percentile(sorted, 99).toFixed(1)} ms  max ${percentile(sorted, 100).toFixed(1)} ms  matches p50 ${percentile(totals, 50)} max ${percentile(totals, 100)}`,
  );
  console.log(`    slowest: ${worst.join('; ')}`);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

/** The SQL listCases sends for `q`, captured from Kysely, then run under EXPLAIN ANALYZE. */
async function explain(pool: pg.Pool, username: string, q: string) {
  const captured: CompiledQuery[] = [];
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), log: (e) => void (e.level === 'query' && captured.push(e.query)) });
  const { rows } = await pool.query<{ id: string }>('SELECT id FROM users WHERE username = $1', [username]);
  const actor = await loadActor(db, rows[0].id);
  captured.length = 0;
  await listCases(db, actor!, { q, tsQuery: searchQuery(q), limit: 20, offset: 0 });
  for (const c of captured) {
    console.log(`\nEXPLAIN (ANALYZE, BUFFERS) as ${username}, q=${q}:\n  ${c.sql}\n  params: ${JSON.stringify(c.parameters)}`);
    const plan = await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${c.sql}`, c.parameters as unknown[]);
    for (const line of plan.rows) console.log(`  ${line['QUERY PLAN']}`);
  }
}

async function main() {
  console.log(`machine: ${machineLine()}; load average before: ${loadAverage()}; ${cpuProbe()}`);
  const server = await startServer({ logLevel: args['log-level']! });
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
  try {
    const { rows: settings } = await pool.query<{ v: string; sb: string; wm: string }>(
      "SELECT current_setting('server_version') AS v, current_setting('shared_buffers') AS sb, current_setting('work_mem') AS wm",
    );
    // shared_buffers decides whether heap pages are buffer hits or system calls: set it with PG_EXTRA_OPTS (README).
    console.log(`postgres ${settings[0].v} (shared_buffers ${settings[0].sb}, work_mem ${settings[0].wm}); server pid ${server.pid} on 127.0.0.1:${server.port}`);
    const { rows: have } = await pool.query<{ n: number; max: number | null }>(
      `SELECT count(*)::int AS n, max(substring(tracking_no FROM 3)::int) AS max FROM cases WHERE tracking_no LIKE 'BK%'`,
    );
    const existing = have[0].max ?? 0;
    if (existing < target) {
      await loadTexts(pool);
      await fill(pool, existing + 1, target);
      await pool.query('DROP TABLE bench_texts');
      await pool.query('DROP TABLE bench_units');
    }
    const t0 = performance.now();
    await pool.query('VACUUM ANALYZE cases');
    console.log(`VACUUM ANALYZE cases: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const { rows: total } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM cases');
    console.log(`cases in the table: ${total[0].n.toLocaleString('en')}`);

    const r = rng(99);
    const words = Array.from({ length: queryCount }, () => pick(r, SEARCH_WORDS));
    const users = ['district.admin', 'biyan.secretary'];
    const tokens = await Promise.all(users.map((u) => login(server.port, u)));
    // Warm-up: the server's first queries pay for jieba's dictionary and cold caches.
    for (const token of tokens) await measure(server.port, token, SEARCH_WORDS, 'warm-up');
    console.log(`load average before measuring: ${loadAverage()}`);
    const pgPid = await postmasterPid(pool);
    for (let k = 0; k < users.length; k++) {
      const cpu = cpuBreakdown(server.pid, pgPid);
      const timings = await measure(server.port, tokens[k], words, users[k]);
      summarize(`GET /cases?q= as ${users[k]}`, timings);
      console.log(`    ${cpu()}; load average ${loadAverage()}`);
    }
    // A common word (district: capped count, then the created_at walk) and two words (index intersection).
    for (const q of ['工资', '押金 房东']) for (const user of users) await explain(pool, user, q);
  } finally {
    await server.stop();
    await pool.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
