/**
 * Bulk generator of realistic cases (`fengqiao seed --cases N`) for load tests
 * and a lively big screen: years of history, growing towards today, spread
 * over the communities and categories with skew, graded red/yellow/blue with
 * their resolution times, and the lifecycle state those times imply (old cases
 * closed, recent ones open, some overdue).
 *
 * Set-based: each batch is ONE `INSERT … SELECT … FROM generate_series` with
 * the randomness drawn in SQL. Everything that depends only on the
 * (community, category) pair — owner paths, titles, the search text and its
 * tsvector — is computed once per pair per batch (a few hundred rows) and
 * joined in, instead of once per case.
 *
 * Two ways to load (bench/README.md "Command centre" has the measurements):
 *
 * - `append` (a table that already has cases, or a small count): batches of
 *   their own transactions; an interrupted run keeps what it wrote. The
 *   dashboard counters stay exact through the statement-level trigger of
 *   migration 0007 (one aggregated upsert per batch).
 * - `load` (the `cases` table is empty and the count is large): ONE
 *   transaction that takes the table over (ACCESS EXCLUSIVE lock), drops the
 *   secondary indexes and the foreign keys of `cases`, disables the insert
 *   counter trigger, loads every batch, recounts the counters once with the
 *   dashboard's own rebuild, re-creates the indexes and foreign keys from
 *   the definitions PostgreSQL reports for them before the drop (so whatever
 *   the migrations made is what comes back, by name), and commits. Interrupted
 *   anywhere, it rolls back to the empty table with its schema untouched:
 *   DDL is transactional, and no other session can see the dropped state.
 *   Dropping is only ever done on an empty table, so building the indexes
 *   once at the end costs one sort per index instead of millions of random
 *   B-tree and GIN insertions, and the foreign keys are checked by one join
 *   each instead of one lookup per row and key. Meanwhile readers of `cases`
 *   wait, and so do writers of the tables its foreign keys point at (org
 *   units, categories, users): this is for filling a fresh database.
 *
 * Bulk cases are for volume, not for the workflow: they carry no timeline
 * events and no timers, their access codes are unusable random hashes, their
 * tracking numbers (`GM<date>-B<run><n>`) never collide with real ones, their
 * reporters are fake, and `extra.bulk` marks them.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import { systemClock, type Clock } from '../../platform/clock.js';
import { readSetting } from '../../platform/settings.js';
import { SLA_POLICY } from '../cases/index.js';
import type { DeadlineSpec, SlaPolicy } from '../cases/index.js';
import { rebuildCounters } from '../dashboard/index.js';

export type BulkStrategy = 'auto' | 'append' | 'load';

export interface BulkCasesOptions {
  count: number;
  /** Years of history ending now (default 3). */
  years?: number;
  /** Rows per INSERT statement (default 100,000). */
  batchSize?: number;
  clock?: Clock;
  /**
   * `auto` (default): `load` when `cases` is empty and count >= LOAD_THRESHOLD, else `append`.
   * `load` falls back to `append` when the table is not empty.
   */
  strategy?: BulkStrategy;
  /**
   * `load` only: `rebuild` (default) disables the counter trigger for the load and recounts
   * once after with the dashboard's rebuild; `trigger` keeps it on, one aggregated upsert per
   * batch. Inside the one load transaction every batch's upsert makes a new version of most
   * counter rows that nothing can prune before the commit: at 10M rows that slowed the inserts
   * from 87 to 146 s per million and left 2 GB of counter versions (bench/README.md).
   */
  loadCounters?: 'rebuild' | 'trigger';
  /** Called after each batch with the rows written so far. */
  onProgress?: (done: number, total: number) => void;
  /** Called when a phase after the inserts starts (recount, each index), for long runs. */
  onStep?: (message: string) => void;
}

export interface BulkCasesResult {
  inserted: number;
  ms: number;
  strategy: 'append' | 'load';
  /** Time spent in each phase, ms (`load` only reports the post-insert phases). */
  phases: { insert: number; counters?: number; indexes?: number; foreignKeys?: number; analyze?: number };
}

/** Below this, dropping and re-creating the indexes costs more than it saves. */
export const LOAD_THRESHOLD = 200_000;

interface Unit {
  id: string;
  path: string;
  name: string;
}

/** The org tree and catalogue the cases are drawn from. */
async function loadPlan(db: Kysely<DB>) {
  const district = await db.selectFrom('org_units').select(['id', 'path', 'name']).where('type', '=', 'district').orderBy('created_at').executeTakeFirst();
  if (!district) throw new Error('no district in the org tree: load one first (fengqiao seed --demo, or fengqiao org import)');
  const all = await db
    .selectFrom('org_units')
    .select(['id', 'path', 'name', 'type', 'code', 'parent_id'])
    .where('path', 'like', `${district.path}%`)
    .where('active', '=', true)
    .orderBy('code')
    .execute();
  const byId = new Map(all.map((u) => [u.id, u]));
  const communities = all.filter((u) => u.type === 'community');
  if (communities.length === 0) throw new Error('the org tree has no communities to receive cases');
  const subdistrictOf = (c: (typeof all)[number]): Unit => {
    const parent = c.parent_id ? byId.get(c.parent_id) : undefined;
    return parent && parent.type === 'subdistrict' ? parent : district;
  };
  const categories = await db.selectFrom('categories').select(['code', 'service_type', 'name', 'handling', 'department_code']).where('active', '=', true).orderBy('sort').orderBy('code').execute();
  if (categories.length === 0) throw new Error('no categories: run the migrations first');
  const deptByCode = new Map(all.filter((u) => u.type === 'department').map((u) => [u.code, u]));
  // Department-handled categories go to their department (the district when it is missing).
  const deptOf = (c: (typeof categories)[number]): Unit | null =>
    c.handling === 'department' ? ((c.department_code ? deptByCode.get(c.department_code) : undefined) ?? district) : null;

  // One row per (community, category) pair, key (ci - 1) * nk + ki with 1-based ci, ki:
  // what every case of that pair shares, so SQL computes it per pair, not per case.
  const pairs = {
    cids: [] as string[], cpaths: [] as string[], sids: [] as string[], spaths: [] as string[],
    kdepts: [] as (string | null)[], kdpaths: [] as (string | null)[],
    codes: [] as string[], services: [] as string[],
    titles: [] as string[], descriptions: [] as string[], addresses: [] as string[], search: [] as string[],
  };
  for (const c of communities) {
    const sub = subdistrictOf(c);
    for (const k of categories) {
      const dept = deptOf(k);
      pairs.cids.push(c.id);
      pairs.cpaths.push(c.path);
      pairs.sids.push(sub.id);
      pairs.spaths.push(sub.path);
      pairs.kdepts.push(dept?.id ?? null);
      pairs.kdpaths.push(dept?.path ?? null);
      pairs.codes.push(k.code);
      pairs.services.push(k.service_type);
      pairs.titles.push(c.name + k.name);
      pairs.descriptions.push(`批量生成的演示诉求：${c.name}居民反映${k.name}问题`);
      pairs.addresses.push(`${c.name}某小区`);
      pairs.search.push(`${c.name} ${k.name}`);
    }
  }
  return { district, nc: communities.length, nk: categories.length, pairs };
}

type Plan = Awaited<ReturnType<typeof loadPlan>>;

/**
 * A deadline's length for synthetic cases, ignoring the calendar: working minutes and days as wall time, "same
 * day" as 12 hours. Generated cases follow the district's SLA policy this way without the cost of a calendar per row.
 */
export function nominalMinutes(spec: DeadlineSpec): number {
  switch (spec.kind) {
    case 'minutes':
      return spec.minutes;
    case 'working_days':
      return spec.days * 24 * 60;
    case 'same_day':
      return 12 * 60;
  }
}

/** The nominal respond / accept / resolve minutes of each risk level, and the auto-confirm wait, from the policy. */
export function syntheticSla(policy: SlaPolicy) {
  const level = (l: keyof SlaPolicy['levels']) => ({
    respond: nominalMinutes(policy.levels[l].respond),
    accept: nominalMinutes(policy.levels[l].accept),
    resolve: nominalMinutes(policy.levels[l].resolve),
  });
  return { red: level('red'), yellow: level('yellow'), blue: level('blue'), autoConfirmDays: policy.autoConfirmDays };
}

type SyntheticSla = ReturnType<typeof syntheticSla>;

/** The story of a generated case after confirmation: archived two days later. Not policy, just plausible data. */
const CLOSE_AFTER_CONFIRM_DAYS = 2;

interface BatchParams {
  plan: Plan;
  sla: SyntheticSla;
  run: string;
  now: Date;
  spanDays: number;
  from: number;
  to: number;
}

const DAY_MS = 86_400_000;
const SHANGHAI_MS = 8 * 3_600_000; // China has no DST

/** One batch: `INSERT INTO cases … SELECT … FROM generate_series(from, to)`. */
function batchInsert({ plan, sla, run, now, spanDays, from, to }: BatchParams) {
  const p = plan.pairs;
  const byRisk = (clock: 'respond' | 'accept' | 'resolve') =>
    sql`interval '1 minute' * CASE risk WHEN 'red' THEN ${sla.red[clock]}::int WHEN 'yellow' THEN ${sla.yellow[clock]}::int ELSE ${sla.blue[clock]}::int END`;
  const confirmAfter = sql`interval '1 day' * ${sla.autoConfirmDays}::int`;
  const closeAfter = sql`interval '1 day' * ${sla.autoConfirmDays + CLOSE_AFTER_CONFIRM_DAYS}::int`;
  // Midnight of today in Shanghai, computed once instead of per row.
  const today0 = new Date(Math.floor((now.getTime() + SHANGHAI_MS) / DAY_MS) * DAY_MS - SHANGHAI_MS);
  return sql`
    WITH pairs AS MATERIALIZED (
      SELECT k::int AS k, cid, cpath, sid, spath, kdept, kdpath, code, service, title, description, address,
        to_tsvector('simple', search) AS tokens
      FROM unnest(
        ${p.cids}::uuid[], ${p.cpaths}::text[], ${p.sids}::uuid[], ${p.spaths}::text[], ${p.kdepts}::uuid[], ${p.kdpaths}::text[],
        ${p.codes}::text[], ${p.services}::text[], ${p.titles}::text[], ${p.descriptions}::text[], ${p.addresses}::text[], ${p.search}::text[]
      ) WITH ORDINALITY AS x(cid, cpath, sid, spath, kdept, kdpath, code, service, title, description, address, search, k)
    ), g AS (
      SELECT i, random() AS r_age, random() AS r_tod, random() AS r_c, random() AS r_k, random() AS r_risk,
        random() AS r_dur, random() AS r_st, random() AS r_esc, random() AS r_acc, random() AS r_x
      FROM generate_series(${from}::int, ${to}::int) AS i
    ), a AS (
      SELECT g.*,
        -- Volume grows towards today (density of the age falls linearly); daytime hours dominate.
        LEAST(${now}::timestamptz - interval '1 minute' * (1 + floor(r_x * 30)),
          ${today0}::timestamptz
            - interval '1 day' * floor(${spanDays}::int * (1 - sqrt(r_age)))
            + CASE WHEN r_tod < 0.85 THEN interval '8 hours' + interval '11 hours' * (r_tod / 0.85)
                   ELSE interval '24 hours' * ((r_tod - 0.85) / 0.15) END
        ) AS created_at,
        -- Skewed picks: some communities and categories are much busier than others.
        (LEAST(${plan.nc - 1}::int, floor(power(r_c, 1.4) * ${plan.nc}::int)::int)) * ${plan.nk}::int
          + 1 + LEAST(${plan.nk - 1}::int, floor(power(r_k, 1.8) * ${plan.nk}::int)::int) AS pk,
        CASE WHEN r_risk < 0.03 THEN 'red' WHEN r_risk < 0.20 THEN 'yellow' ELSE 'blue' END AS risk
      FROM g
      -- OFFSET 0 keeps each step a subquery of its own: flattened, every use of created_at,
      -- acc_at, resolved_at… below would repeat the whole expression it stands for (measured:
      -- most of the per-row cost). Still streamed, not materialised.
      OFFSET 0
    ), b AS (
      SELECT a.*, pr.*,
        CASE WHEN kdept IS NOT NULL THEN CASE WHEN r_esc < 0.02 THEN ${plan.district.id}::uuid ELSE kdept END
             WHEN r_esc < 0.01 THEN ${plan.district.id}::uuid WHEN r_esc < 0.06 THEN sid ELSE cid END AS owner_id,
        CASE WHEN kdept IS NOT NULL THEN CASE WHEN r_esc < 0.02 THEN ${plan.district.path}::text ELSE kdpath END
             WHEN r_esc < 0.01 THEN ${plan.district.path}::text WHEN r_esc < 0.06 THEN spath ELSE cpath END AS owner_path,
        COALESCE(kdept, cid) AS first_id, COALESCE(kdpath, cpath) AS first_path,
        created_at + interval '1 minute' * (3 + r_acc * 90) AS acc_at,
        -- Resolution time by risk: red within the day, yellow about a day, blue a few days (long tail).
        interval '1 hour' * CASE risk WHEN 'red' THEN 1 + r_dur * 10 WHEN 'yellow' THEN 3 + r_dur * 30 ELSE 6 + power(r_dur, 2) * 150 END AS dur,
        ${byRisk('resolve')} AS sla
      FROM a JOIN pairs pr ON pr.k = a.pk
      OFFSET 0
    ), s AS (
      SELECT b.*,
        CASE WHEN r_st < 0.015 THEN 'rejected' WHEN r_st < 0.02 THEN 'merged' WHEN acc_at > ${now}::timestamptz THEN 'submitted' ELSE 'accepted' END AS fate,
        CASE WHEN r_st >= 0.02 AND acc_at <= ${now}::timestamptz THEN acc_at END AS accepted_at,
        CASE WHEN r_st >= 0.02 AND acc_at + dur <= ${now}::timestamptz THEN acc_at + dur END AS resolved_at
      FROM b
      OFFSET 0
    )
    INSERT INTO cases (
      tracking_no, access_code_hash, channel, service_type, category, title, description, address,
      community_id, location_source, reporter_name, reporter_phone, people_involved, amount_involved, urgency,
      risk_level, risk_reasons, status, owner_org_id, owner_path, first_org_id, first_path, escalation_level,
      respond_by, accept_by, resolve_by, responded_at, accepted_at, resolved_at, confirmed_at, closed_at,
      overdue, rating, extra, search_tokens, created_at, updated_at
    )
    SELECT
      'GM' || to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-B' || ${run}::text || i,
      md5(i::text || r_x::text),
      (ARRAY['walk_in','hotline','hotline','online','online','qr','grid','secretary'])[1 + floor(r_tod * 8)::int],
      service, code, title, description, address,
      cid, 'address',
      (ARRAY['张','王','李','赵','陈','刘','杨','黄'])[1 + floor(r_c * 8)::int] || (CASE WHEN r_acc < 0.5 THEN '先生' ELSE '女士' END),
      '13' || lpad(floor(r_x * 1e9)::bigint::text, 9, '0'),
      CASE risk WHEN 'red' THEN 10 + floor(r_dur * 30)::int WHEN 'yellow' THEN 3 + floor(r_dur * 6)::int ELSE 1 + floor(r_dur * 2)::int END,
      CASE risk WHEN 'red' THEN round((50000 + r_acc * 900000)::numeric, 2) WHEN 'yellow' THEN round((r_acc * 60000)::numeric, 2) ELSE round((r_acc * 5000)::numeric, 2) END,
      CASE risk WHEN 'red' THEN 'critical' WHEN 'yellow' THEN 'urgent' ELSE 'normal' END,
      risk,
      CASE risk WHEN 'red' THEN '[{"code": "bulk", "level": "red"}]'::jsonb WHEN 'yellow' THEN '[{"code": "bulk", "level": "yellow"}]'::jsonb
                ELSE '[{"code": "bulk", "level": "blue"}]'::jsonb END,
      CASE
        WHEN fate = 'rejected' THEN CASE WHEN created_at + interval '3 days' <= ${now}::timestamptz THEN 'closed' ELSE 'rejected' END
        WHEN fate IN ('merged','submitted') THEN fate
        WHEN resolved_at IS NULL THEN CASE WHEN r_esc > 0.97 THEN 'suspended' WHEN r_acc < 0.2 THEN 'dispatched' ELSE 'in_progress' END
        WHEN resolved_at + ${closeAfter} <= ${now}::timestamptz THEN 'closed'
        WHEN resolved_at + ${confirmAfter} <= ${now}::timestamptz THEN 'confirmed'
        ELSE 'resolved'
      END,
      owner_id, owner_path, first_id, first_path,
      CASE WHEN owner_id = first_id THEN 0 WHEN owner_id = ${plan.district.id}::uuid THEN 2 ELSE 1 END,
      created_at + ${byRisk('respond')},
      created_at + ${byRisk('accept')},
      acc_at + sla,
      CASE WHEN fate <> 'submitted' THEN created_at + interval '1 minute' * (1 + r_acc * 20) END,
      accepted_at, resolved_at,
      CASE WHEN resolved_at + ${confirmAfter} <= ${now}::timestamptz THEN resolved_at + ${confirmAfter} END,
      CASE WHEN resolved_at + ${closeAfter} <= ${now}::timestamptz THEN resolved_at + ${closeAfter}
           WHEN fate = 'rejected' AND created_at + interval '3 days' <= ${now}::timestamptz THEN created_at + interval '3 days' END,
      fate IN ('accepted','submitted') AND resolved_at IS NULL AND acc_at + sla < ${now}::timestamptz,
      CASE WHEN resolved_at + ${closeAfter} <= ${now}::timestamptz THEN (ARRAY[5,5,5,4,4,3,2])[1 + floor(r_risk * 7)::int] END,
      '{"bulk": true}'::jsonb,
      tokens,
      created_at,
      COALESCE(resolved_at, accepted_at, created_at)
    FROM s`;
}

interface Prepared {
  plan: Plan;
  sla: SyntheticSla;
  run: string;
  now: Date;
  spanDays: number;
  total: number;
  batchSize: number;
}

/** Runs the batches on `db` (a transaction in `load`, the pool in `append`), reporting progress. */
async function insertBatches(db: Kysely<DB>, p: Prepared, onProgress?: (done: number, total: number) => void) {
  let done = 0;
  while (done < p.total) {
    const to = Math.min(p.total, done + p.batchSize);
    const statement = batchInsert({ plan: p.plan, sla: p.sla, run: p.run, now: p.now, spanDays: p.spanDays, from: done + 1, to });
    if (db.isTransaction) await statement.execute(db);
    else {
      await db.transaction().execute(async (trx) => {
        await noJit(trx);
        await statement.execute(trx);
      });
    }
    done = to;
    onProgress?.(done, p.total);
  }
}

/**
 * Inserts `count` cases (see the module comment for the two strategies).
 * The counters equal a direct count afterwards either way.
 */
export async function seedBulkCases(db: Kysely<DB>, opts: BulkCasesOptions): Promise<BulkCasesResult> {
  const started = performance.now();
  const total = Math.max(0, Math.floor(opts.count));
  const prepared: Prepared = {
    plan: await loadPlan(db),
    sla: syntheticSla(await readSetting(db, SLA_POLICY)),
    // Makes this run's tracking numbers unique without reading the existing ones.
    run: randomBytes(3).toString('hex').toUpperCase(),
    now: (opts.clock ?? systemClock).now(),
    spanDays: Math.max(1, Math.round((opts.years ?? 3) * 365)),
    total,
    batchSize: Math.max(1, Math.floor(opts.batchSize ?? 100_000)),
  };
  const strategy = opts.strategy ?? 'auto';
  if (strategy === 'load' || (strategy === 'auto' && total >= LOAD_THRESHOLD)) {
    const loaded = await loadIntoEmptyTable(db, prepared, opts);
    if (loaded) return { inserted: total, ms: Math.round(performance.now() - started), strategy: 'load', phases: loaded };
  }
  const t0 = performance.now();
  await insertBatches(db, prepared, opts.onProgress);
  return { inserted: total, ms: Math.round(performance.now() - started), strategy: 'append', phases: { insert: Math.round(performance.now() - t0) } };
}

/**
 * JIT compilation off for this transaction: the planner's estimates for a
 * 100,000-row INSERT … SELECT (and the counter trigger's aggregate) invite it,
 * and compiling cost more than it saved (measured on the loaded VM: 6.8 s of a
 * 62.6 s batch, 13 s for the SELECT alone).
 */
async function noJit(trx: Transaction<DB>) {
  await sql`SET LOCAL jit = off`.execute(trx);
}

/** A signal to leave the load transaction without changes: the table was not empty. */
class NotEmpty extends Error {}

/**
 * The `load` strategy (module comment). Returns the phase timings, or null when
 * `cases` is not empty (nothing was changed; the caller appends instead).
 */
async function loadIntoEmptyTable(db: Kysely<DB>, p: Prepared, opts: BulkCasesOptions): Promise<BulkCasesResult['phases'] | null> {
  const useTrigger = opts.loadCounters === 'trigger';
  const step = opts.onStep ?? (() => {});
  const phases: BulkCasesResult['phases'] = { insert: 0 };
  try {
    await db.transaction().execute(async (trx) => {
      // Nobody else may see (or write) the table while its indexes are gone; waits for current users.
      await sql`LOCK TABLE cases IN ACCESS EXCLUSIVE MODE`.execute(trx);
      const any = await sql<{ one: number }>`SELECT 1 AS one FROM cases LIMIT 1`.execute(trx);
      if (any.rows.length > 0) throw new NotEmpty();
      // Sorting for the index builds and hashing for the recount want memory; local to this transaction.
      await sql`SET LOCAL maintenance_work_mem = '256MB'`.execute(trx);
      await sql`SET LOCAL work_mem = '256MB'`.execute(trx);
      await noJit(trx);

      const indexes = await secondaryIndexes(trx);
      const foreignKeys = await foreignKeysOfCases(trx);
      for (const fk of foreignKeys) await sql`ALTER TABLE cases DROP CONSTRAINT ${sql.id(fk.name)}`.execute(trx);
      for (const ix of indexes) await sql`DROP INDEX ${sql.id(ix.schema, ix.name)}`.execute(trx);
      if (!useTrigger) await sql`ALTER TABLE cases DISABLE TRIGGER dashboard_counters_insert`.execute(trx);

      let t = performance.now();
      await insertBatches(trx, p, opts.onProgress);
      phases.insert = Math.round(performance.now() - t);

      if (!useTrigger) {
        await sql`ALTER TABLE cases ENABLE TRIGGER dashboard_counters_insert`.execute(trx);
        step('recounting the dashboard counters');
        t = performance.now();
        await rebuildCounters(trx);
        phases.counters = Math.round(performance.now() - t);
      }
      t = performance.now();
      for (const ix of indexes) {
        step(`building index ${ix.name}`);
        await sql.raw(ix.definition).execute(trx);
      }
      phases.indexes = Math.round(performance.now() - t);
      t = performance.now();
      for (const fk of foreignKeys) {
        step(`checking foreign key ${fk.name}`);
        await sql`ALTER TABLE cases ADD CONSTRAINT ${sql.id(fk.name)} ${sql.raw(fk.definition)}`.execute(trx);
      }
      phases.foreignKeys = Math.round(performance.now() - t);
      t = performance.now();
      step('analyzing');
      await sql`ANALYZE cases`.execute(trx);
      phases.analyze = Math.round(performance.now() - t);
    });
  } catch (err) {
    if (err instanceof NotEmpty) return null;
    throw err;
  }
  return phases;
}

/**
 * The indexes of `cases` that no constraint owns (primary key and unique
 * constraints stay), with their full definitions as PostgreSQL reports them.
 */
async function secondaryIndexes(trx: Transaction<DB>) {
  const { rows } = await sql<{ schema: string; name: string; definition: string }>`
    SELECT n.nspname AS schema, i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    JOIN pg_namespace n ON n.oid = i.relnamespace
    WHERE x.indrelid = 'cases'::regclass
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid)
    ORDER BY i.relname`.execute(trx);
  return rows;
}

/** The foreign keys FROM `cases` (checked on every inserted row), with their definitions. */
async function foreignKeysOfCases(trx: Transaction<DB>) {
  const { rows } = await sql<{ name: string; definition: string }>`
    SELECT conname AS name, pg_get_constraintdef(oid) AS definition
    FROM pg_constraint
    WHERE conrelid = 'cases'::regclass AND contype = 'f'
    ORDER BY conname`.execute(trx);
  return rows;
}

/**
 * Progress for long work (ENGINEERING §11): a redrawn bar on a TTY, a log
 * line per step otherwise (so CI logs stay readable).
 */
export function progressReporter(label: string, stream: NodeJS.WriteStream = process.stderr): (done: number, total: number) => void {
  const started = performance.now();
  return (done, total) => {
    const secs = (performance.now() - started) / 1000;
    const rate = done / Math.max(secs, 0.001);
    const eta = rate > 0 ? (total - done) / rate : 0;
    const pct = total ? done / total : 1;
    const stats = `${done.toLocaleString('en')}/${total.toLocaleString('en')} ${(pct * 100).toFixed(1)}% ${Math.round(rate).toLocaleString('en')}/s ETA ${Math.round(eta)}s`;
    if (stream.isTTY) {
      const width = 30;
      const filled = Math.round(pct * width);
      stream.write(`\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${stats}`);
      if (done >= total) stream.write('\n');
    } else {
      stream.write(`${label}: ${stats}\n`);
    }
  };
}

/** Messages for the phases after the inserts, on the same stream as the progress bar. */
export function stepReporter(label: string, stream: NodeJS.WriteStream = process.stderr): (message: string) => void {
  const started = performance.now();
  return (message) => stream.write(`${label}: ${message} (${((performance.now() - started) / 1000).toFixed(0)} s)\n`);
}
