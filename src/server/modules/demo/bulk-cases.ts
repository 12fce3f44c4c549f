/**
 * Bulk generator of realistic cases (`fengqiao seed --cases N`) for load tests
 * and a lively big screen: years of history, growing towards today, spread
 * over the communities and categories with skew, graded red/yellow/blue with
 * their resolution times, and the lifecycle state those times imply (old cases
 * closed, recent ones open, some overdue).
 *
 * Set-based: each batch is ONE `INSERT … SELECT … FROM generate_series` with
 * the randomness drawn in SQL, so 10 million rows cost minutes on PostgreSQL
 * rather than hours of round trips. The dashboard counters stay exact without
 * any special path: the statement-level trigger of migration 0007 adds each
 * batch's facts in one aggregated upsert, in the batch's own transaction
 * (measured against "disable the trigger and rebuild at the end" in
 * bench/README.md).
 *
 * Bulk cases are for volume, not for the workflow: they carry no timeline
 * events and no timers, their access codes are unusable random hashes, their
 * tracking numbers (`GM<date>-B<run><n>`) never collide with real ones, their
 * reporters are fake, and `extra.bulk` marks them.
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { systemClock, type Clock } from '../../platform/clock.js';

export interface BulkCasesOptions {
  count: number;
  /** Years of history ending now (default 3). */
  years?: number;
  /** Rows per INSERT statement / transaction (default 100,000). */
  batchSize?: number;
  clock?: Clock;
  /** Called after each batch with the rows written so far. */
  onProgress?: (done: number, total: number) => void;
}

export interface BulkCasesResult {
  inserted: number;
  ms: number;
}

interface Unit {
  id: string;
  path: string;
  name: string;
}

/** The org tree and catalogue the cases are drawn from, as parallel arrays for SQL. */
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
  const deptOf = (code: string | null) => (code ? deptByCode.get(code) : undefined);
  return {
    district,
    communities: {
      ids: communities.map((c) => c.id),
      paths: communities.map((c) => c.path),
      names: communities.map((c) => c.name),
      subIds: communities.map((c) => subdistrictOf(c).id),
      subPaths: communities.map((c) => subdistrictOf(c).path),
    },
    categories: {
      codes: categories.map((c) => c.code),
      services: categories.map((c) => c.service_type),
      names: categories.map((c) => c.name),
      // Department-handled categories go to their department (the district when it is missing).
      deptIds: categories.map((c) => (c.handling === 'department' ? (deptOf(c.department_code) ?? district).id : null)),
      deptPaths: categories.map((c) => (c.handling === 'department' ? (deptOf(c.department_code) ?? district).path : null)),
    },
  };
}

/**
 * Inserts `count` cases in batches. Each batch commits on its own, so an
 * interrupted run keeps what it wrote (and the counters match it).
 */
export async function seedBulkCases(db: Kysely<DB>, opts: BulkCasesOptions): Promise<BulkCasesResult> {
  const started = performance.now();
  const total = Math.max(0, Math.floor(opts.count));
  const batchSize = Math.max(1, Math.floor(opts.batchSize ?? 100_000));
  const now = (opts.clock ?? systemClock).now();
  const spanDays = Math.max(1, Math.round((opts.years ?? 3) * 365));
  const plan = await loadPlan(db);
  // Makes this run's tracking numbers unique without reading the existing ones.
  const run = randomBytes(3).toString('hex').toUpperCase();
  const c = plan.communities;
  const k = plan.categories;

  let done = 0;
  while (done < total) {
    const from = done + 1;
    const to = Math.min(total, done + batchSize);
    await sql`
      WITH p AS (
        SELECT ${c.ids}::uuid[] AS cids, ${c.paths}::text[] AS cpaths, ${c.names}::text[] AS cnames,
          ${c.subIds}::uuid[] AS sids, ${c.subPaths}::text[] AS spaths,
          ${k.codes}::text[] AS kcodes, ${k.services}::text[] AS kservices, ${k.names}::text[] AS knames,
          ${k.deptIds}::uuid[] AS kdepts, ${k.deptPaths}::text[] AS kdpaths,
          ${plan.district.id}::uuid AS did, ${plan.district.path}::text AS dpath,
          ${now}::timestamptz AS now, ${spanDays}::int AS span,
          cardinality(${c.ids}::uuid[]) AS nc, cardinality(${k.codes}::text[]) AS nk
      ), g AS (
        SELECT i, random() AS r_age, random() AS r_tod, random() AS r_c, random() AS r_k, random() AS r_risk,
          random() AS r_dur, random() AS r_st, random() AS r_esc, random() AS r_acc, random() AS r_x
        FROM generate_series(${from}::int, ${to}::int) AS i
      ), a AS (
        SELECT g.*, p.*,
          -- Volume grows towards today (density of the age falls linearly); daytime hours dominate.
          LEAST(p.now - interval '1 minute' * (1 + floor(r_x * 30)),
            date_trunc('day', p.now AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai'
              - interval '1 day' * floor(p.span * (1 - sqrt(r_age)))
              + CASE WHEN r_tod < 0.85 THEN interval '8 hours' + interval '11 hours' * (r_tod / 0.85)
                     ELSE interval '24 hours' * ((r_tod - 0.85) / 0.15) END
          ) AS created_at,
          -- Skewed picks: some communities and categories are much busier than others.
          1 + LEAST(p.nc - 1, floor(power(r_c, 1.4) * p.nc))::int AS ci,
          1 + LEAST(p.nk - 1, floor(power(r_k, 1.8) * p.nk))::int AS ki,
          CASE WHEN r_risk < 0.03 THEN 'red' WHEN r_risk < 0.20 THEN 'yellow' ELSE 'blue' END AS risk
        FROM g CROSS JOIN p
      ), b AS (
        SELECT a.*,
          CASE WHEN kdepts[ki] IS NOT NULL THEN CASE WHEN r_esc < 0.02 THEN did ELSE kdepts[ki] END
               WHEN r_esc < 0.01 THEN did WHEN r_esc < 0.06 THEN sids[ci] ELSE cids[ci] END AS owner_id,
          CASE WHEN kdepts[ki] IS NOT NULL THEN CASE WHEN r_esc < 0.02 THEN dpath ELSE kdpaths[ki] END
               WHEN r_esc < 0.01 THEN dpath WHEN r_esc < 0.06 THEN spaths[ci] ELSE cpaths[ci] END AS owner_path,
          COALESCE(kdepts[ki], cids[ci]) AS first_id, COALESCE(kdpaths[ki], cpaths[ci]) AS first_path,
          created_at + interval '1 minute' * (3 + r_acc * 90) AS acc_at,
          -- Resolution time by risk: red within the day, yellow about a day, blue a few days (long tail).
          interval '1 hour' * CASE risk WHEN 'red' THEN 1 + r_dur * 10 WHEN 'yellow' THEN 3 + r_dur * 30 ELSE 6 + power(r_dur, 2) * 150 END AS dur,
          CASE risk WHEN 'red' THEN interval '12 hours' WHEN 'yellow' THEN interval '1 day' ELSE interval '3 days' END AS sla
        FROM a
      ), s AS (
        SELECT b.*,
          CASE WHEN r_st < 0.015 THEN 'rejected' WHEN r_st < 0.02 THEN 'merged' WHEN acc_at > now THEN 'submitted' ELSE 'accepted' END AS fate,
          CASE WHEN r_st >= 0.02 AND acc_at <= now THEN acc_at END AS accepted_at,
          CASE WHEN r_st >= 0.02 AND acc_at + dur <= now THEN acc_at + dur END AS resolved_at
        FROM b
      )
      INSERT INTO cases (
        tracking_no, access_code_hash, channel, service_type, category, title, description, address,
        community_id, location_source, reporter_name, reporter_phone, people_involved, amount_involved, urgency,
        risk_level, risk_reasons, status, owner_org_id, owner_path, first_org_id, first_path, escalation_level,
        respond_by, accept_by, resolve_by, responded_at, accepted_at, resolved_at, confirmed_at, closed_at,
        overdue, rating, extra, search_tokens, created_at, updated_at
      )
      SELECT
        'GM' || to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || '-B' || ${run} || i,
        md5(i::text || r_x::text),
        (ARRAY['walk_in','hotline','hotline','online','online','qr','grid','secretary'])[1 + floor(r_tod * 8)::int],
        kservices[ki], kcodes[ki],
        cnames[ci] || knames[ki],
        '批量生成的演示诉求：' || cnames[ci] || '居民反映' || knames[ki] || '问题',
        cnames[ci] || '某小区',
        cids[ci], 'address',
        (ARRAY['张','王','李','赵','陈','刘','杨','黄'])[1 + floor(r_c * 8)::int] || (CASE WHEN r_acc < 0.5 THEN '先生' ELSE '女士' END),
        '13' || lpad(floor(r_x * 1e9)::bigint::text, 9, '0'),
        CASE risk WHEN 'red' THEN 10 + floor(r_dur * 30)::int WHEN 'yellow' THEN 3 + floor(r_dur * 6)::int ELSE 1 + floor(r_dur * 2)::int END,
        CASE risk WHEN 'red' THEN round((50000 + r_acc * 900000)::numeric, 2) WHEN 'yellow' THEN round((r_acc * 60000)::numeric, 2) ELSE round((r_acc * 5000)::numeric, 2) END,
        CASE risk WHEN 'red' THEN 'critical' WHEN 'yellow' THEN 'urgent' ELSE 'normal' END,
        risk, jsonb_build_array(jsonb_build_object('code', 'bulk', 'level', risk)),
        CASE
          WHEN fate = 'rejected' THEN CASE WHEN created_at + interval '3 days' <= now THEN 'closed' ELSE 'rejected' END
          WHEN fate IN ('merged','submitted') THEN fate
          WHEN resolved_at IS NULL THEN CASE WHEN r_esc > 0.97 THEN 'suspended' WHEN r_acc < 0.2 THEN 'dispatched' ELSE 'in_progress' END
          WHEN resolved_at + interval '5 days' <= now THEN 'closed'
          WHEN resolved_at + interval '3 days' <= now THEN 'confirmed'
          ELSE 'resolved'
        END,
        owner_id, owner_path, first_id, first_path,
        CASE WHEN owner_id = first_id THEN 0 WHEN owner_id = did THEN 2 ELSE 1 END,
        created_at + CASE risk WHEN 'red' THEN interval '10 minutes' WHEN 'yellow' THEN interval '30 minutes' ELSE interval '2 hours' END,
        created_at + CASE risk WHEN 'red' THEN interval '30 minutes' WHEN 'yellow' THEN interval '2 hours' ELSE interval '1 day' END,
        acc_at + sla,
        CASE WHEN fate <> 'submitted' THEN created_at + interval '1 minute' * (1 + r_acc * 20) END,
        accepted_at, resolved_at,
        CASE WHEN resolved_at + interval '3 days' <= now THEN resolved_at + interval '3 days' END,
        CASE WHEN resolved_at + interval '5 days' <= now THEN resolved_at + interval '5 days'
             WHEN fate = 'rejected' AND created_at + interval '3 days' <= now THEN created_at + interval '3 days' END,
        fate IN ('accepted','submitted') AND resolved_at IS NULL AND acc_at + sla < now,
        CASE WHEN resolved_at + interval '5 days' <= now THEN (ARRAY[5,5,5,4,4,3,2])[1 + floor(r_risk * 7)::int] END,
        '{"bulk": true}'::jsonb,
        to_tsvector('simple', cnames[ci] || ' ' || knames[ki]),
        created_at,
        COALESCE(resolved_at, accepted_at, created_at)
      FROM s`.execute(db);
    done = to;
    opts.onProgress?.(done, total);
  }
  return { inserted: total, ms: Math.round(performance.now() - started) };
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
