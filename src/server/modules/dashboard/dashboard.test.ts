import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActor } from '../../platform/auth.js';
import { AppError } from '../../platform/errors.js';
import type { Actor } from '../../platform/policies.js';
import { runDueWork } from '../../platform/scheduler.js';
import { inTransaction } from '../../platform/tx.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { CASE_ACTIONS, type CaseAction } from '../cases/index.js';
import { performAction } from '../cases/index.js';
import { createCase, type IntakeInput } from '../cases/index.js';
import { driftAgainstCases } from './dashboard.repo.js';
import { getNaiveSummary, getSummary, reconcile } from './dashboard.service.js';
import { nextReconcileAt, TIMER_RECONCILE } from './dashboard.timers.js';

let t: TestApp;
const org: Record<string, { id: string; path: string }> = {};
const actors: Record<string, Actor> = {};

beforeAll(async () => {
  t = await createTestApp();
  for (const o of await t.database.db.selectFrom('org_units').select(['id', 'code', 'path']).execute()) org[o.code] = { id: o.id, path: o.path };
  for (const u of await t.database.db.selectFrom('users').select(['id', 'username']).execute()) {
    const a = await loadActor(t.database.db, u.id);
    if (a) actors[u.username] = a;
  }
});
afterAll(async () => t.close());

/** Mulberry32: a seeded PRNG, so a failing run can be replayed from its seed. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

/** Actions that a case in each state usually gets next. */
const LIKELY: Record<string, readonly CaseAction[]> = {
  submitted: ['respond', 'accept', 'accept', 'reject', 'regrade'],
  accepted: ['dispatch', 'dispatch', 'suspend', 'escalate', 'regrade', 'comment'],
  dispatched: ['start', 'resolve', 'transfer', 'escalate', 'merge'],
  in_progress: ['resolve', 'resolve', 'suspend', 'escalate', 'transfer'],
  suspended: ['resume'],
  resolved: ['confirm', 'confirm', 'reopen'],
  confirmed: ['close', 'close', 'reopen'],
  rejected: ['close'],
};

const counters = async () =>
  (
    await sql<{ k: string; n: number }>`SELECT org_id || ':' || bucket || ':' || metric || ':' || dim AS k, sum(n)::bigint AS n
      FROM dashboard_counters GROUP BY 1 HAVING sum(n) <> 0 ORDER BY 1`.execute(t.database.db)
  ).rows;

/** Summary as the API computes it must equal the GROUP BY over the cases, for every level of the tree. */
async function expectSummaryMatchesCases(codes: string[]) {
  for (const code of codes) {
    const fast = await getSummary(t.app.ctx, actors['sysadmin']!, org[code]!.id);
    const naive = await getNaiveSummary(t.app.ctx, actors['sysadmin']!, org[code]!.id);
    expect(fast, code).toEqual(naive);
  }
}

describe('counters maintained by the database', () => {
  it('equal a direct count after thousands of random case actions, timers and direct SQL changes', { timeout: 600_000 }, async () => {
    const seed = Number(process.env.DASHBOARD_TEST_SEED ?? 20261123);
    const random = prng(seed);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const db = t.database.db;
    const categories = (await db.selectFrom('categories').select('code').where('active', '=', true).execute()).map((c) => c.code);
    const buildings = (await db.selectFrom('buildings').select('code').limit(200).execute()).map((b) => b.code);
    const units = Object.values(org).map((o) => o.id);
    const staff = ['sysadmin', 'district.admin', 'guangming.admin', 'biyan.secretary', 'biyan.reception', 'changzhen.secretary', 'hrss.handler'];
    const caseIds: string[] = [];
    const tally = { created: 0, actions: 0, refused: 0, timers: 0, sql: 0 };

    const create = async () => {
      const input: IntakeInput = {
        channel: pick(['walk_in', 'hotline', 'online', 'grid'] as const),
        category: pick(categories),
        title: '测试诉求',
        description: '随机生成的测试诉求',
        location: random() < 0.8 ? { buildingCode: pick(buildings) } : { address: '光明区某处' },
        reporter: { name: '测试', phone: '13800000000' },
        peopleInvolved: pick([1, 1, 1, 2, 4, 12]),
        amountInvolved: pick([0, 0, 1000, 60000, 600000]),
        urgency: pick(['normal', 'normal', 'urgent', 'critical'] as const),
      };
      const actor = actors[pick(['sysadmin', 'biyan.reception', 'changzhen.reception', 'district.admin'])]!;
      try {
        const { row } = await createCase(t.app.ctx, { kind: 'staff', actor }, input);
        caseIds.push(row.id);
        tally.created++;
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        tally.refused++;
      }
    };

    for (let i = 0; i < 60; i++) await create();
    for (let step = 0; step < 1500; step++) {
      const r = random();
      if (r < 0.15) {
        await create();
      } else if (r < 0.94) {
        // Mostly an action the case's state allows (so the lifecycle really advances), sometimes any action at all.
        const caseId = pick(caseIds);
        const current = await db.selectFrom('cases').select('status').where('id', '=', caseId).executeTakeFirstOrThrow();
        const action: CaseAction = random() < 0.85 ? pick(LIKELY[current.status] ?? CASE_ACTIONS) : pick(CASE_ACTIONS);
        const actor = actors[random() < 0.7 ? 'sysadmin' : pick(staff)]!;
        try {
          await performAction(t.app.ctx, actor, caseId, {
            action,
            note: '测试',
            redirectTo: '12345 热线',
            targetOrgId: pick(units),
            targetCaseId: pick(caseIds),
            riskLevel: pick(['red', 'yellow', 'blue'] as const),
            major: random() < 0.3,
          });
          tally.actions++;
        } catch (err) {
          // Illegal transitions, scope and validation refusals roll back: they must leave no trace either.
          if (!(err instanceof AppError)) throw err;
          tally.refused++;
        }
      } else if (r < 0.97) {
        // Time passes: warnings, breaches (overdue) and automatic escalations fire through the timers.
        t.clock.advanceMinutes(pick([5, 30, 120, 240]));
        tally.timers += await runDueWork(t.app.ctx);
      } else {
        // Direct SQL through the same table: multi-row statements must be counted as well as single rows.
        const some = Array.from({ length: 5 }, () => pick(caseIds));
        await sql`UPDATE cases SET overdue = NOT overdue, risk_level = ${pick(['red', 'yellow', 'blue'])} WHERE id = ANY(${some}::uuid[])`.execute(db);
        tally.sql++;
      }
    }
    // A row inserted and deleted by plain SQL is counted and then uncounted.
    const template = caseIds[0]!;
    await sql`INSERT INTO cases (tracking_no, access_code_hash, channel, service_type, category, title, description, risk_level, status,
        owner_org_id, owner_path, first_org_id, first_path, created_at, updated_at, accepted_at)
      SELECT 'X-' || id, access_code_hash, channel, service_type, category, title, description, 'red', 'accepted',
        owner_org_id, owner_path, first_org_id, first_path, created_at, updated_at, created_at FROM cases WHERE id = ${template}`.execute(db);
    await sql`DELETE FROM cases WHERE tracking_no = ${'X-' + template}`.execute(db);

    expect(tally.created).toBeGreaterThan(200);
    expect(tally.actions).toBeGreaterThan(500);
    expect(tally.timers).toBeGreaterThan(100);
    // Thousands of changes in all, successful or rolled back.
    expect(tally.created + tally.actions + tally.refused + tally.timers + tally.sql).toBeGreaterThan(2000);
    const statuses = await db.selectFrom('cases').select('status').distinct().execute();
    expect(statuses.length).toBeGreaterThanOrEqual(6);

    const check = await driftAgainstCases(db, 10);
    expect(check.drift).toEqual([]);
    expect(check.driftCount).toBe(0);
    expect(check.cases).toBe(caseIds.length);
    await expectSummaryMatchesCases(['GM', 'GM.GUANGMING', 'GM.GUANGMING.BIYAN', 'GM.YUTANG', 'GM.YUTANG.CHANGZHEN', 'GM.DEPT.HRSS']);
    const district = await getSummary(t.app.ctx, actors['sysadmin']!, org['GM']!.id);
    expect(district.allTime.received).toBe(caseIds.length);
    expect(district.openByRisk.total).toBeGreaterThan(0);
  });

  it('writes nothing when the transaction that changed cases rolls back', async () => {
    const before = await counters();
    const [one] = await t.database.db.selectFrom('cases').select(['id']).where('status', '=', 'submitted').limit(1).execute();
    await expect(
      inTransaction(t.app.ctx, async (trx) => {
        await sql`UPDATE cases SET status = 'closed', resolved_at = now(), accepted_at = now(), owner_org_id = ${org['GM.DEPT.HRSS']!.id} WHERE id = ${one!.id}`.execute(trx);
        await sql`INSERT INTO cases (tracking_no, access_code_hash, channel, service_type, category, title, description, risk_level, status,
            owner_org_id, owner_path, first_org_id, first_path, created_at, updated_at)
          SELECT 'R-' || id, access_code_hash, channel, service_type, category, title, description, 'red', 'submitted',
            owner_org_id, owner_path, first_org_id, first_path, created_at, updated_at FROM cases LIMIT 50`.execute(trx);
        // The counters did move inside the transaction…
        const inside = await sql<{ n: number }>`SELECT count(*)::int AS n FROM dashboard_counters`.execute(trx);
        expect(inside.rows[0]!.n).toBeGreaterThan(0);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    // …and nothing of it survives.
    expect(await counters()).toEqual(before);
    expect((await driftAgainstCases(t.database.db, 10)).driftCount).toBe(0);
  });

  it('reconciliation reports drift, and --fix rebuilds the counters from the cases', async () => {
    const clean = await reconcile(t.app.ctx, { source: 'test' });
    expect(clean.driftCount).toBe(0);
    const [row] = (await sql<{ org_id: string }>`SELECT org_id FROM dashboard_counters WHERE bucket = 0 AND metric = 'received' AND n > 0 LIMIT 1`.execute(t.database.db)).rows;
    await sql`UPDATE dashboard_counters SET n = n + 7 WHERE org_id = ${row!.org_id} AND bucket = 0 AND metric = 'received' AND slot = (
      SELECT min(slot) FROM dashboard_counters WHERE org_id = ${row!.org_id} AND bucket = 0 AND metric = 'received')`.execute(t.database.db);
    const drifted = await reconcile(t.app.ctx, { source: 'test' });
    expect(drifted.driftCount).toBe(1);
    expect(drifted.drift[0]).toMatchObject({ orgId: row!.org_id, bucket: 0, metric: 'received' });
    expect(drifted.drift[0]!.actual - drifted.drift[0]!.expected).toBe(7);
    expect(drifted.fixed).toBe(false);
    const fixed = await reconcile(t.app.ctx, { source: 'test', fix: true });
    expect(fixed).toMatchObject({ driftCount: 1, fixed: true });
    expect((await reconcile(t.app.ctx, { source: 'test' })).driftCount).toBe(0);
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/dashboard/reconciliation', headers: await t.as('district.admin') });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ source: 'test', driftCount: 0 });
  });

  it('runs the reconciliation nightly from a durable timer that reschedules itself', async () => {
    const pending = () =>
      t.database.db.selectFrom('timers').select(['due_at']).where('kind', '=', TIMER_RECONCILE).where('fired_at', 'is', null).where('cancelled_at', 'is', null).execute();
    const [next] = await pending();
    expect(next).toBeDefined();
    const before = await t.database.db.selectFrom('dashboard_reconciliations').select('id').where('source', '=', 'nightly').execute();
    const minutes = Math.ceil((next!.due_at.getTime() - t.clock.now().getTime()) / 60_000) + 1;
    t.clock.advanceMinutes(Math.max(minutes, 1));
    await runDueWork(t.app.ctx);
    const after = await t.database.db.selectFrom('dashboard_reconciliations').select(['drift_count']).where('source', '=', 'nightly').execute();
    expect(after.length).toBe(before.length + 1);
    expect(after.at(-1)!.drift_count).toBe(0);
    const [again] = await pending();
    expect(again!.due_at.toISOString()).toBe(nextReconcileAt(t.clock.now()).toISOString());
    expect(again!.due_at.getTime()).toBeGreaterThan(t.clock.now().getTime());
  });
});

describe('GET /api/v1/dashboard/summary', () => {
  it('summarises the caller’s own subtree by default and a drill-down unit on request', async () => {
    const mine = await t.app.inject({ method: 'GET', url: '/api/v1/dashboard/summary', headers: await t.as('guangming.admin') });
    expect(mine.statusCode).toBe(200);
    const body = mine.json();
    expect(body.org.id).toBe(org['GM.GUANGMING']!.id);
    expect(body.children.map((c: { type: string }) => c.type)).toContain('community');
    expect(body.communities.length).toBeGreaterThan(0);
    expect(body.trend).toHaveLength(30);
    expect(body.services.map((s: { serviceType: string }) => s.serviceType)).toEqual(['complaint', 'dispute', 'legal', 'psych', 'assistance']);
    const drill = await t.app.inject({ method: 'GET', url: `/api/v1/dashboard/summary?orgId=${org['GM.GUANGMING.BIYAN']!.id}`, headers: await t.as('guangming.admin') });
    expect(drill.statusCode).toBe(200);
    expect(drill.json().org.id).toBe(org['GM.GUANGMING.BIYAN']!.id);
    expect(drill.json().allTime.received).toBeLessThanOrEqual(body.allTime.received);
  });

  it('refuses a unit outside the caller’s subtree (403), an unknown unit (404) and a bad id (400)', async () => {
    const outside = await t.app.inject({ method: 'GET', url: `/api/v1/dashboard/summary?orgId=${org['GM.YUTANG.CHANGZHEN']!.id}`, headers: await t.as('biyan.secretary') });
    expect(outside.statusCode).toBe(403);
    expect(outside.json().error.code).toBe('OUT_OF_SCOPE');
    const up = await t.app.inject({ method: 'GET', url: `/api/v1/dashboard/summary?orgId=${org['GM']!.id}`, headers: await t.as('biyan.secretary') });
    expect(up.statusCode).toBe(403);
    const unknown = await t.app.inject({ method: 'GET', url: '/api/v1/dashboard/summary?orgId=00000000-0000-4000-8000-000000000000', headers: await t.as('district.admin') });
    expect(unknown.statusCode).toBe(404);
    const bad = await t.app.inject({ method: 'GET', url: '/api/v1/dashboard/summary?orgId=nope', headers: await t.as('district.admin') });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().error.details)).toContain('orgId');
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/v1/dashboard/summary' });
    expect(anonymous.statusCode).toBe(401);
  });

  it('counts a new red case in today’s figures, its community’s map colour and the open red total', async () => {
    const headers = await t.as('district.admin');
    const before = (await t.app.inject({ method: 'GET', url: '/api/v1/dashboard/summary', headers })).json();
    const res = await t.app.inject({
      method: 'POST', url: '/api/v1/cases', headers: await t.as('biyan.reception'),
      payload: { channel: 'walk_in', category: 'labor.wage_arrears', title: '欠薪', description: '二十名工人欠薪', peopleInvolved: 20, reporter: { name: '李四', phone: '13900000000' } },
    });
    expect(res.statusCode).toBe(201);
    const after = (await t.app.inject({ method: 'GET', url: '/api/v1/dashboard/summary', headers })).json();
    expect(after.today.received).toBe(before.today.received + 1);
    expect(after.allTime.received).toBe(before.allTime.received + 1);
    expect(after.openByRisk.red).toBe(before.openByRisk.red + 1);
    const biyan = after.communities.find((c: { id: string }) => c.id === org['GM.GUANGMING.BIYAN']!.id);
    expect(biyan.level).toBe('red');
    expect(biyan.open.red).toBe(before.communities.find((c: { id: string }) => c.id === org['GM.GUANGMING.BIYAN']!.id).open.red + 1);
  });
});
