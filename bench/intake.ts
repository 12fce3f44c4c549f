/**
 * End-to-end intake benchmark: POST /api/v1/cases against the real server
 * (child process, 127.0.0.1 only) from N concurrent keep-alive connections,
 * then, on PostgreSQL, the raw-SQL ceiling in the same run: the very rows the
 * server wrote (case, event, timers, outbox, plus the tracking-number counter
 * bump) re-inserted straight through `pg`, one transaction per case, with no
 * HTTP and no application logic.
 *
 *   bash .ci/with-postgres.sh npm run bench:intake            # PostgreSQL
 *   npm run bench:intake -- --engine pglite                   # embedded PGlite
 *
 * Options: --connections 64 --duration 20 --count 40000 --warmup 2000
 *          --raw-duration 15 --no-raw --log-level warn --engine pg|pglite
 *          --cpu-prof DIR (profile the server with node --cpu-prof)
 *          --workers N (PostgreSQL: serve --workers N, N server processes on the port)
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { caseSearchText } from '../src/server/modules/cases/index.js';
import { caseBody, percentile, progress, rng, type BuildingRef } from './case-samples.js';
import { cpuBreakdown, cpuProbe, cpuSampler, postmasterPid, getJson, httpRequest, loadAverage, login, machineLine, serverCpuSeconds, startServer } from './bench-support.js';

const { values: args } = parseArgs({
  options: {
    engine: { type: 'string' },
    connections: { type: 'string', default: '64' },
    duration: { type: 'string', default: '20' },
    count: { type: 'string', default: '40000' },
    warmup: { type: 'string', default: '2000' },
    'raw-duration': { type: 'string', default: '15' },
    'raw-count': { type: 'string', default: '60000' },
    'no-raw': { type: 'boolean', default: false },
    'raw-batch': { type: 'string', default: '50' },
    'raw-batch-connections': { type: 'string', default: '8' },
    'log-level': { type: 'string', default: 'warn' },
    'cpu-prof': { type: 'string' },
    workers: { type: 'string' },
  },
});

const engine = (args.engine ?? (process.env.DATABASE_URL ? 'pg' : 'pglite')) as 'pg' | 'pglite';
if (engine === 'pg' && !process.env.DATABASE_URL) throw new Error('--engine pg needs DATABASE_URL (run through bash .ci/with-postgres.sh)');
const connections = Number(args.connections);
const durationS = Number(args.duration);
const maxCount = Number(args.count);
const warmupCount = Number(args.warmup);

/** The PostgreSQL postmaster, when local: its backends' CPU is reported per phase. */
let pgPid: number | null = null;

interface LoadResult {
  done: number;
  elapsedS: number;
  latencies: Float64Array;
  errors: Map<string, number>;
  errorSamples: string[];
  cpuBusy: number;
  serverCpuS: number;
  /** The slowest requests and when they were sent. */
  tail?: string;
  /** Where the CPU went during the phase. */
  cpu?: string;
}

/**
 * Runs `total` requests (or until `durationS` passes) from `conns` workers,
 * each with its own keep-alive socket. Latency is from request start to the
 * last byte of the response.
 */
async function runLoad(agent: http.Agent, port: number, token: string, bodies: string[], conns: number, total: number, seconds: number, serverPid: number, label: string): Promise<LoadResult> {
  const latencies = new Float64Array(total);
  const startedAt = new Float64Array(total);
  const errors = new Map<string, number>();
  const errorSamples: string[] = [];
  const headers = { authorization: `Bearer ${token}` };
  let next = 0;
  let done = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const busy = cpuSampler();
  const breakdown = cpuBreakdown(serverPid, pgPid);
  const cpu0 = serverCpuSeconds(serverPid);
  const ticker = setInterval(() => progress(`${label}: ${done} requests, ${Math.round(done / ((performance.now() - started) / 1000))}/s`), 500);
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= total || performance.now() > deadline) return;
      const t0 = performance.now();
      startedAt[i] = t0 - started;
      let status: string;
      try {
        const res = await httpRequest(port, 'POST', '/api/v1/cases', { agent, headers, body: bodies[i % bodies.length] });
        status = String(res.status);
        if (res.status !== 201 && errorSamples.length < 5) errorSamples.push(`${res.status} ${res.body.slice(0, 300)}`);
      } catch (err) {
        status = `network: ${(err as Error).message}`;
        if (errorSamples.length < 5) errorSamples.push(status);
      }
      latencies[i] = performance.now() - t0;
      done++;
      if (status !== '201') errors.set(status, (errors.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: conns }, worker));
  const elapsedS = (performance.now() - started) / 1000;
  clearInterval(ticker);
  progress(`${label}: ${done} requests in ${elapsedS.toFixed(1)} s`, true);
  const slowest = [...latencies.slice(0, done).keys()].sort((a, b) => latencies[b] - latencies[a]).slice(0, 3);
  const tail = slowest.map((i) => `${latencies[i].toFixed(0)} ms (sent at +${(startedAt[i] / 1000).toFixed(1)} s)`).join(', ');
  return { done, elapsedS, latencies: latencies.slice(0, done).sort(), errors, errorSamples, cpuBusy: busy(), serverCpuS: serverCpuSeconds(serverPid) - cpu0, tail, cpu: breakdown() };
}

function summary(r: { done: number; elapsedS: number; latencies: Float64Array }) {
  const l = r.latencies;
  return {
    count: r.done,
    seconds: Number(r.elapsedS.toFixed(2)),
    perSecond: Math.round(r.done / r.elapsedS),
    p50: Number(percentile(l, 50).toFixed(1)),
    p95: Number(percentile(l, 95).toFixed(1)),
    p99: Number(percentile(l, 99).toFixed(1)),
    max: Number(percentile(l, 100).toFixed(1)),
  };
}

async function fixtures(port: number) {
  const reception = await login(port, 'biyan.reception');
  const admin = await login(port, 'district.admin');
  const buildings: BuildingRef[] = [];
  // The receptionist's own community first, then buildings elsewhere in the district (residents walk in from anywhere).
  for (const [token, page] of [[reception, 1], [admin, 1], [admin, 3], [admin, 5]] as const) {
    const res = await getJson(port, `/api/v1/buildings?pageSize=500&page=${page}`, token);
    if (res.status !== 200) throw new Error(`GET /buildings: ${res.status} ${res.body}`);
    const items = (JSON.parse(res.body) as { items: BuildingRef[] }).items;
    // Own community weighted 3:1 against the rest.
    for (let k = 0; k < (token === reception ? 3 : 1); k++) buildings.push(...items.map((b) => ({ code: b.code, lat: b.lat, lng: b.lng })));
  }
  if (buildings.length === 0) throw new Error('no buildings: is the demo seeded?');
  const cats = await getJson(port, '/api/v1/categories', reception);
  const anonymousOk = new Set(
    (JSON.parse(cats.body) as { items: { code: string; anonymousAllowed: boolean }[] }).items.filter((c) => c.anonymousAllowed).map((c) => c.code),
  );
  const r = rng(20261123);
  const bodies = Array.from({ length: 8000 }, () => JSON.stringify(caseBody(r, buildings, anonymousOk)));
  return { reception, bodies, buildingCount: new Set(buildings.map((b) => b.code)).size };
}

// ---------------------------------------------------------------- outbox

async function outboxCounts(pool: pg.Pool) {
  const { rows } = await pool.query<{ queued: number; delivered: number }>(
    `SELECT count(*)::int AS queued, count(delivered_at)::int AS delivered FROM outbox`,
  );
  return rows[0];
}

/** Outbox messages due and undelivered, as the server's /metrics reports them (either engine). */
async function outboxDue(port: number): Promise<number> {
  const res = await getJson(port, '/metrics');
  const match = /^fengqiao_outbox_messages\{state="due"\} (\d+)$/m.exec(res.body);
  if (!match) throw new Error('/metrics has no fengqiao_outbox_messages{state="due"}');
  return Number(match[1]);
}

/**
 * Intake is only sustainable if the messages it queues (notifications of the
 * new case) are delivered as fast as they are queued: a growing backlog is
 * work deferred past the measurement. Reports the backlog at the end of the
 * phase and how long the server then takes to clear it; on PostgreSQL also
 * both rates over the phase.
 */
async function reportOutbox(port: number, pool: pg.Pool | null, before: { queued: number; delivered: number }, elapsedS: number) {
  const dueAtEnd = await outboxDue(port);
  const after = pool ? await outboxCounts(pool) : null;
  const started = performance.now();
  let due = dueAtEnd;
  while (due > 0 && performance.now() - started < 120_000) {
    await new Promise((r) => setTimeout(r, 250));
    due = await outboxDue(port);
  }
  const rates = after
    ? `${Math.round((after.queued - before.queued) / elapsedS)}/s queued, ${Math.round((after.delivered - before.delivered) / elapsedS)}/s delivered; `
    : '';
  console.log(
    `    outbox during the phase: ${rates}${dueAtEnd} due at the end, ` +
      (due === 0 ? `all delivered ${((performance.now() - started) / 1000).toFixed(1)} s later` : `${due} still due after 120 s`),
  );
}

// ---------------------------------------------------------------- raw-SQL ceiling

const CASE_COLUMNS = [
  'tracking_no', 'access_code_hash', 'idempotency_key', 'channel', 'service_type', 'category', 'title', 'description', 'address', 'lat', 'lng',
  'building_code', 'community_id', 'grid_id', 'location_source', 'reporter_name', 'reporter_phone', 'reporter_id_no', 'anonymous',
  'people_involved', 'amount_involved', 'urgency', 'flags', 'risk_level', 'risk_reasons', 'status', 'owner_org_id', 'owner_path',
  'first_org_id', 'first_path', 'respond_by', 'accept_by', 'resolve_by', 'extra', 'created_by', 'created_at', 'updated_at',
] as const;
const EVENT_COLUMNS = ['at', 'actor_kind', 'actor_id', 'actor_name', 'action', 'from_status', 'to_status', 'org_id', 'note', 'data', 'attachments'] as const;

type Row = Record<string, unknown>;
interface Template {
  values: unknown[];
  searchText: string;
  event: unknown[];
  timers: Row[];
  outbox: Row[];
}

const json = (v: unknown) => JSON.stringify(v);

/** Copies rows the server wrote in the measured run: the raw phase inserts exactly these shapes again. */
async function loadTemplates(pool: pg.Pool, limit: number): Promise<Template[]> {
  const { rows: cases } = await pool.query<Row>(`SELECT * FROM cases WHERE created_by IS NOT NULL ORDER BY random() LIMIT $1`, [limit]);
  const ids = cases.map((c) => c.id as string);
  const { rows: events } = await pool.query<Row>(`SELECT * FROM case_events WHERE case_id = ANY($1::uuid[]) AND action = 'submit'`, [ids]);
  const { rows: timers } = await pool.query<Row>(`SELECT kind, subject_id, due_at, payload, created_at FROM timers WHERE subject_id = ANY($1::uuid[])`, [ids]);
  const { rows: outbox } = await pool.query<Row>(
    `SELECT topic, payload, created_at, available_at, payload->>'caseId' AS case_id FROM outbox WHERE payload->>'caseId' = ANY($1::text[])`,
    [ids],
  );
  const by = <T extends Row>(rows: T[], key: string) => {
    const m = new Map<string, T[]>();
    for (const r of rows) m.set(String(r[key]), [...(m.get(String(r[key])) ?? []), r]);
    return m;
  };
  const eventsBy = by(events, 'case_id');
  const timersBy = by(timers, 'subject_id');
  const outboxBy = by(outbox, 'case_id');
  return cases.map((c) => {
    const e = eventsBy.get(c.id as string)![0];
    return {
      values: CASE_COLUMNS.map((col) => (col === 'risk_reasons' || col === 'extra' ? json(c[col]) : c[col])),
      searchText: caseSearchText([c.title as string, c.description as string, c.address as string | null]),
      event: EVENT_COLUMNS.map((col) => (col === 'data' || col === 'attachments' ? json(e[col]) : e[col])),
      timers: timersBy.get(c.id as string) ?? [],
      outbox: outboxBy.get(c.id as string) ?? [],
    };
  });
}

const insertCaseSql = `INSERT INTO cases (${CASE_COLUMNS.join(', ')}, search_tokens) VALUES (${CASE_COLUMNS.map((_, i) => `$${i + 1}`).join(', ')}, to_tsvector('simple', $${CASE_COLUMNS.length + 1})) RETURNING id`;
const insertEventSql = `INSERT INTO case_events (case_id, ${EVENT_COLUMNS.join(', ')}) VALUES ($1, ${EVENT_COLUMNS.map((_, i) => `$${i + 2}`).join(', ')})`;

function multiRow(table: string, columns: string[], n: number): string {
  const tuples = Array.from({ length: n }, (_, r) => `(${columns.map((_, c) => `$${r * columns.length + c + 1}`).join(', ')})`);
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`;
}

/** One case the raw way: counter bump, then BEGIN; case; event; timers; outbox; COMMIT. */
async function rawCase(pool: pg.Pool, t: Template, day: string): Promise<void> {
  const client = await pool.connect();
  try {
    const { rows } = await client.query<{ last: number }>(
      `INSERT INTO case_daily_counters (day, last) VALUES ($1, 1) ON CONFLICT (day) DO UPDATE SET last = case_daily_counters.last + 1 RETURNING last`,
      [day],
    );
    const values = [...t.values];
    values[0] = `RW${day.slice(4)}-${String(rows[0].last).padStart(7, '0')}`;
    await client.query('BEGIN');
    const inserted = await client.query<{ id: string }>(insertCaseSql, [...values, t.searchText]);
    const id = inserted.rows[0].id;
    await client.query(insertEventSql, [id, ...t.event]);
    if (t.timers.length) {
      await client.query(
        multiRow('timers', ['kind', 'subject_id', 'due_at', 'payload', 'created_at'], t.timers.length),
        t.timers.flatMap((tm) => [tm.kind, id, tm.due_at, json(tm.payload), tm.created_at]),
      );
    }
    if (t.outbox.length) {
      await client.query(
        multiRow('outbox', ['topic', 'payload', 'created_at', 'available_at'], t.outbox.length),
        t.outbox.flatMap((o) => [o.topic, json({ ...(o.payload as Row), caseId: id }), o.created_at, o.available_at]),
      );
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/**
 * `batch` cases the raw way with group commit, as the server's intake writer does:
 * one counter bump for the block, then ONE statement (case, event, timer and
 * outbox rows of every case, as CTEs) — one round trip and one commit per batch.
 */
async function rawBatch(pool: pg.Pool, ts: Template[], day: string): Promise<void> {
  const { rows } = await pool.query<{ last: number }>(
    `INSERT INTO case_daily_counters (day, last) VALUES ($1, $2) ON CONFLICT (day) DO UPDATE SET last = case_daily_counters.last + $2 RETURNING last`,
    [day, ts.length],
  );
  const params: unknown[] = [];
  const p = (v: unknown) => `$${params.push(v)}`;
  const cases: string[] = [];
  const events: string[] = [];
  const timers: string[] = [];
  const outbox: string[] = [];
  ts.forEach((t, k) => {
    const id = randomUUID();
    const values = [...t.values];
    values[0] = `RB${day.slice(4)}-${String(rows[0].last - k).padStart(7, '0')}`;
    cases.push(`(${p(id)}, ${values.map(p).join(', ')}, to_tsvector('simple', ${p(t.searchText)}))`);
    events.push(`(${p(id)}, ${t.event.map(p).join(', ')})`);
    for (const tm of t.timers) timers.push(`(${p(tm.kind)}, ${p(id)}, ${p(tm.due_at)}, ${p(json(tm.payload))}, ${p(tm.created_at)})`);
    for (const o of t.outbox) outbox.push(`(${p(o.topic)}, ${p(json({ ...(o.payload as Row), caseId: id }))}, ${p(o.created_at)}, ${p(o.available_at)})`);
  });
  const parts = [
    `c AS (INSERT INTO cases (id, ${CASE_COLUMNS.join(', ')}, search_tokens) VALUES ${cases.join(', ')})`,
    `e AS (INSERT INTO case_events (case_id, ${EVENT_COLUMNS.join(', ')}) VALUES ${events.join(', ')})`,
    ...(timers.length ? [`t AS (INSERT INTO timers (kind, subject_id, due_at, payload, created_at) VALUES ${timers.join(', ')})`] : []),
    ...(outbox.length ? [`o AS (INSERT INTO outbox (topic, payload, created_at, available_at) VALUES ${outbox.join(', ')})`] : []),
  ];
  await pool.query(`WITH ${parts.join(', ')} SELECT 1`, params);
}

/**
 * `workers` connections each running `step` (which writes some cases and says how
 * many) until `seconds` pass or `maxSteps` steps have run; latency is per step.
 */
async function rawLoad(
  workers: number,
  seconds: number,
  maxSteps: number,
  label: string,
  step: (pool: pg.Pool, i: number) => Promise<number>,
): Promise<LoadResult> {
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: workers });
  // Open every connection before the clock starts, as the HTTP phase's server pool already is.
  await Promise.all(Array.from({ length: workers }, async () => (await pool.connect()).release()));
  const latencies: number[] = [];
  const errors = new Map<string, number>();
  const errorSamples: string[] = [];
  let next = 0;
  let done = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const busy = cpuSampler();
  const breakdown = cpuBreakdown(null, pgPid);
  const ticker = setInterval(() => progress(`${label}: ${done} cases, ${Math.round(done / ((performance.now() - started) / 1000))}/s`), 500);
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (;;) {
        const i = next++;
        if (i >= maxSteps || performance.now() > deadline) return;
        const t0 = performance.now();
        try {
          const written = await step(pool, i);
          done += written;
        } catch (err) {
          const key = (err as Error).message.slice(0, 120);
          errors.set(key, (errors.get(key) ?? 0) + 1);
          if (errorSamples.length < 5) errorSamples.push(key);
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsedS = (performance.now() - started) / 1000;
  clearInterval(ticker);
  progress(`${label}: ${done} cases in ${elapsedS.toFixed(1)} s`, true);
  await pool.end();
  return { done, elapsedS, latencies: Float64Array.from(latencies).sort(), errors, errorSamples, cpuBusy: busy(), serverCpuS: NaN, cpu: breakdown() };
}

/** The ceiling the issue names: one transaction per case, `conns` connections. */
function rawCeiling(templates: Template[], conns: number, total: number, seconds: number, label: string, day: string): Promise<LoadResult> {
  return rawLoad(conns, seconds, total, label, async (pool, i) => {
    await rawCase(pool, templates[i % templates.length], day);
    return 1;
  });
}

/** Group commit without the server: `batch` cases per statement on `workers` connections. */
function rawBatchCeiling(templates: Template[], workers: number, batch: number, seconds: number, label: string, day: string): Promise<LoadResult> {
  return rawLoad(workers, seconds, Number.POSITIVE_INFINITY, label, async (pool, i) => {
    const slice = Array.from({ length: batch }, (_, k) => templates[(i * batch + k) % templates.length]);
    await rawBatch(pool, slice, day);
    return slice.length;
  });
}

// ---------------------------------------------------------------- main

function report(label: string, r: LoadResult) {
  const s = summary(r);
  const errs = [...r.errors.entries()].map(([k, v]) => `${k}×${v}`).join(', ') || 'none';
  console.log(
    `${label.padEnd(28)} ${String(s.perSecond).padStart(6)}/s  n=${s.count} in ${s.seconds}s  p50 ${s.p50} ms  p95 ${s.p95} ms  p99 ${s.p99} ms  max ${s.max} ms  errors: ${errs}  machine CPU busy ${r.cpuBusy}%` +
      (Number.isNaN(r.serverCpuS) ? '' : `  server CPU ${(r.serverCpuS / r.elapsedS).toFixed(2)} cores`),
  );
  for (const e of r.errorSamples) console.log(`    error sample: ${e}`);
  if (r.tail) console.log(`    slowest: ${r.tail}`);
  if (r.cpu) console.log(`    ${r.cpu}`);
  return s;
}

async function main() {
  console.log(`machine: ${machineLine()}; load average before: ${loadAverage()}; ${cpuProbe()}`);
  console.log(`engine: ${engine === 'pg' ? 'PostgreSQL (DATABASE_URL)' : 'PGlite (temporary data dir)'}; ${connections} connections; server LOG_LEVEL=${args['log-level']}`);
  let pgVersion = '';
  const pool = engine === 'pg' ? new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 2 }) : null;
  if (pool) pgVersion = (await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v;
  if (pgVersion) console.log(`postgres ${pgVersion}`);
  if (pool) pgPid = await postmasterPid(pool);

  const dataDir = engine === 'pglite' ? fs.mkdtempSync(path.join(os.tmpdir(), 'fengqiao-bench-')) : undefined;
  const nodeArgs = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(args['cpu-prof'])}`] : [];
  const t0 = performance.now();
  const serverArgs = args.workers ? ['--workers', args.workers] : [];
  const server = await startServer({ dataDir, logLevel: args['log-level']!, nodeArgs, serverArgs });
  console.log(`server pid ${server.pid} on 127.0.0.1:${server.port}, ready in ${((performance.now() - t0) / 1000).toFixed(1)} s (log: ${server.logFile})`);
  let http1: ReturnType<typeof summary>;
  try {
    const { reception, bodies, buildingCount } = await fixtures(server.port);
    console.log(`${bodies.length} distinct bodies over ${buildingCount} buildings; warm-up ${warmupCount} requests`);
    // One agent for warm-up and measurement: the measured phase starts on open keep-alive connections.
    const agent = new http.Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
    await runLoad(agent, server.port, reception, bodies.slice(-2000), connections, warmupCount, 60, server.pid, 'warm-up');
    // The demo database starts with a few dozen cases, so PostgreSQL's first plans (foreign-key checks,
    // the outbox claim) are those of tiny tables until autovacuum's first ANALYZE, which comes at its
    // next 1-minute nap: later than this run. A district's database in service has statistics.
    if (pool) await pool.query('ANALYZE');
    const outboxBefore = pool ? await outboxCounts(pool) : { queued: NaN, delivered: NaN };
    const measured = await runLoad(agent, server.port, reception, bodies, connections, maxCount, durationS, server.pid, 'HTTP intake');
    agent.destroy();
    console.log(`load average after HTTP: ${loadAverage()}`);
    http1 = report('HTTP POST /api/v1/cases', measured);
    await reportOutbox(server.port, pool, outboxBefore, measured.elapsedS);
  } finally {
    await server.stop();
  }

  if (pool && !args['no-raw']) {
    const counts = (
      await pool.query<{ cases: number; timers: number; outbox: number; events: number }>(
        `SELECT (SELECT count(*) FROM cases WHERE created_by IS NOT NULL)::int AS cases,
                (SELECT count(*) FROM timers)::int AS timers,
                (SELECT count(*) FROM outbox WHERE payload ? 'caseId')::int AS outbox,
                (SELECT count(*) FROM case_events)::int AS events`,
      )
    ).rows[0];
    console.log(
      `rows written by the server: ${counts.cases} cases, ${counts.events} events, ${(counts.timers / counts.cases).toFixed(2)} timers and ${(counts.outbox / counts.cases).toFixed(2)} outbox rows per case`,
    );
    const templates = await loadTemplates(pool, 3000);
    const day = `raw-${Date.now()}`;
    await rawCeiling(templates, connections, 2000, 30, 'raw warm-up', day);
    const raw = await rawCeiling(templates, connections, Number(args['raw-count']), Number(args['raw-duration']), 'raw SQL ceiling', day);
    console.log(`load average after raw: ${loadAverage()}`);
    const r = report('raw SQL (pg, same rows)', raw);
    console.log(`HTTP intake reached ${Math.round((100 * http1.perSecond) / r.perSecond)}% of the raw-SQL ceiling (one transaction per case)`);
    const batch = Number(args['raw-batch']);
    const workers = Number(args['raw-batch-connections']);
    const batched = await rawBatchCeiling(templates, workers, batch, Number(args['raw-duration']), `raw SQL, ${batch} per statement`, `${day}b`);
    console.log(`load average after batched raw: ${loadAverage()}`);
    const b = report(`raw SQL, ${batch}/statement, ${workers} conns`, batched);
    console.log(`    (latency above is per statement of ${batch} cases)`);
    console.log(`HTTP intake reached ${Math.round((100 * http1.perSecond) / b.perSecond)}% of the batched raw-SQL ceiling`);
  }
  await pool?.end();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  console.log(`after the run: ${cpuProbe()}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
