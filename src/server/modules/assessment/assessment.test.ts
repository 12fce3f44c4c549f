import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueWork } from '../../platform/scheduler.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { findOrgByCode } from '../orgs/index.js';
import { DEDUCTIONS, RATES, periodRange, type Metric, type RateName } from './assessment.rules.js';

let t: TestApp;
const org: Record<string, string> = {};
const WEEK = { period: 'week', date: '2026-11-25' } as const;

const base = {
  channel: 'hotline',
  title: '诉求',
  description: '测试诉求',
  reporter: { name: '张三', phone: '13812345678' },
};
const red = { ...base, category: 'labor.wage_arrears', peopleInvolved: 15 };
const blue = { ...base, category: 'neighbor.noise', peopleInvolved: 1 };

async function call(user: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  return t.app.inject({ method, url: `/api/v1${url}`, headers: await t.as(user), ...(payload === undefined ? {} : { payload: payload as object }) });
}
async function newCase(user: string, body: Record<string, unknown>, address: string): Promise<string> {
  const res = await call(user, 'POST', '/cases', { ...body, location: { address } });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}
async function act(user: string, id: string, payload: Record<string, unknown>) {
  const res = await call(user, 'POST', `/cases/${id}/actions`, payload);
  expect(res.statusCode, res.body).toBe(200);
}

let policeOrder = '';
let hrssOrder = '';

/**
 * A small week of work in two communities and two departments: on-time and
 * missed acceptance, resolution, a reopen, ratings, a rejection, and two orders —
 * one answered on time, one late with too junior a leader.
 */
beforeAll(async () => {
  t = await createTestApp();
  for (const code of ['GM.GUANGMING.BIYAN', 'GM.YUTANG.CHANGZHEN', 'GM.DEPT.HRSS', 'GM.DEPT.POLICE', 'GM.GUANGMING']) org[code] = (await findOrgByCode(t.database.db, code))!.id;
  await runDueWork(t.app.ctx);

  const c1 = await newCase('biyan.reception', red, '碧眼社区');
  await act('biyan.secretary', c1, { action: 'respond' });
  await act('biyan.secretary', c1, { action: 'accept' });
  await act('biyan.secretary', c1, { action: 'dispatch', targetOrgId: org['GM.GUANGMING.BIYAN'] });
  await act('biyan.secretary', c1, { action: 'resolve', note: '已支付' });
  await t.database.db.updateTable('cases').set({ rating: 5 }).where('id', '=', c1).execute();

  const c3 = await newCase('biyan.reception', red, '碧眼社区'); // will miss its accept deadline
  const c4 = await newCase('biyan.reception', blue, '碧眼社区');
  await act('biyan.secretary', c4, { action: 'accept' });
  await act('biyan.secretary', c4, { action: 'dispatch', targetOrgId: org['GM.GUANGMING.BIYAN'] });
  await act('biyan.secretary', c4, { action: 'resolve', note: '已调解' });
  await act('biyan.secretary', c4, { action: 'reopen', note: '居民不满意' });
  const c5 = await newCase('biyan.reception', blue, '碧眼社区');
  await act('biyan.secretary', c5, { action: 'reject', note: '不属于受理范围', redirectTo: '法院' });

  const c6 = await newCase('changzhen.reception', blue, '长圳社区');
  await act('changzhen.secretary', c6, { action: 'accept' });
  await act('changzhen.secretary', c6, { action: 'dispatch', targetOrgId: org['GM.YUTANG.CHANGZHEN'] });
  await act('changzhen.secretary', c6, { action: 'resolve', note: '已处理' });
  await t.database.db.updateTable('cases').set({ rating: 2 }).where('id', '=', c6).execute();
  // A department-handled case (labor.injury routes to 人社局) that the department resolves.
  const c7 = (await call('district.admin', 'POST', '/cases', { ...base, category: 'labor.injury', peopleInvolved: 1 })).json().id as string;
  await act('hrss.handler', c7, { action: 'accept' });
  await act('district.admin', c7, { action: 'dispatch', targetOrgId: org['GM.DEPT.HRSS'] });
  await act('hrss.handler', c7, { action: 'resolve', note: '已认定工伤' });

  const orders = (await call('biyan.secretary', 'POST', `/cases/${c1}/orders`, { kind: 'emergency', departmentIds: [org['GM.DEPT.HRSS'], org['GM.DEPT.POLICE']], instructions: '到场' })).json().items;
  hrssOrder = orders.find((o: { department: { id: string } }) => o.department.id === org['GM.DEPT.HRSS']).id;
  policeOrder = orders.find((o: { department: { id: string } }) => o.department.id === org['GM.DEPT.POLICE']).id;
  t.clock.advanceMinutes(20);
  expect((await call('hrss.handler', 'POST', `/orders/${hrssOrder}/check-in`, { leaderRank: 'deputy_division', headcount: 2 })).statusCode).toBe(200);

  t.clock.advanceMinutes(15); // 35 minutes after the start: c3's 30-minute accept deadline has passed
  await runDueWork(t.app.ctx);
  await act('guangming.admin', c3, { action: 'accept' });
});
afterAll(async () => t.close());

type Figure = { value: number | null; numerator: number; denominator: number; numeratorUrl: string; denominatorUrl: string };
type Row = { orgId: string; rank: number; score: number | null; rates: Record<RateName, Figure>; deductions: Record<string, { count: number; casesUrl: string }> };

async function ranking(kind: 'community' | 'department', period: 'week' | 'month' | 'quarter' = WEEK.period, date: string = WEEK.date) {
  const res = await call('district.admin', 'GET', `/assessment/rankings?period=${period}&date=${date}&kind=${kind}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: Row[]; from: string; to: string };
}

/** The same figures counted directly from the rows, in plain code, independent of the ranking's SQL. */
async function directCounts(from: Date, to: Date, asOf: Date) {
  const db = t.database.db;
  const cases = await db.selectFrom('cases').selectAll().where('created_at', '>=', from).where('created_at', '<', to).where('status', '<>', 'merged').execute();
  const misses = await db.selectFrom('sla_misses').selectAll().execute();
  const reopened = new Set((await db.selectFrom('case_events').select('case_id').where('action', '=', 'reopen').execute()).map((e) => e.case_id));
  const orders = await db.selectFrom('orders').selectAll().where('created_at', '>=', from).where('created_at', '<', to).execute();
  return (unit: string): Record<RateName, [number, number]> => {
    const pop = cases.filter((c) => c.first_org_id === unit || c.owner_org_id === unit);
    const missed = (id: string, clock: string) => misses.some((m) => m.case_id === id && m.clock === clock && m.org_id === unit);
    const count = (xs: unknown[]) => xs.length;
    const accepted = pop.filter((c) => c.accepted_at);
    const resolved = pop.filter((c) => c.resolved_at);
    const rated = pop.filter((c) => c.rating !== null);
    const due = orders.filter((o) => o.department_id === unit && (o.arrived_at || o.arrive_by.getTime() <= asOf.getTime()));
    return {
      responseRate: [count(pop.filter((c) => c.responded_at)), pop.length],
      acceptOnTimeRate: [count(accepted.filter((c) => !missed(c.id, 'accept'))), accepted.length],
      resolutionRate: [count(accepted.filter((c) => c.resolved_at)), accepted.length],
      resolveOnTimeRate: [count(resolved.filter((c) => !missed(c.id, 'resolve'))), resolved.length],
      satisfactionRate: [count(rated.filter((c) => (c.rating ?? 0) >= 4)), rated.length],
      orderTimelinessRate: [count(due.filter((o) => o.arrived_at && !o.late && !o.under_ranked && !o.under_staffed)), due.length],
      reopenRate: [count(pop.filter((c) => reopened.has(c.id))), count(pop.filter((c) => c.resolved_at || reopened.has(c.id)))],
    };
  };
}

describe('weekly rankings', () => {
  it("every rate's numerator and denominator equal a direct count over the cases and orders, for every unit", async () => {
    for (const kind of ['community', 'department'] as const) {
      const r = await ranking(kind);
      const direct = await directCounts(new Date(r.from), new Date(r.to), t.clock.now());
      expect(r.items.length).toBeGreaterThan(kind === 'community' ? 30 : 10);
      for (const row of r.items) {
        const expected = direct(row.orgId);
        for (const rate of RATES) {
          expect([row.rates[rate].numerator, row.rates[rate].denominator], `${kind} ${row.orgId} ${rate}`).toEqual(expected[rate]);
        }
      }
    }
  });

  it('shows the figures this week produced, with the reasons', async () => {
    const rows = (await ranking('community')).items;
    const biyan = rows.find((r) => r.orgId === org['GM.GUANGMING.BIYAN'])!;
    // c1, c3, c4, c5 (c3 now owned by the subdistrict still counts: biyan received it first).
    expect(biyan.rates.responseRate).toMatchObject({ numerator: 4, denominator: 4, value: 1 });
    // c3's acceptance came after its deadline was missed against biyan.
    expect(biyan.rates.acceptOnTimeRate).toMatchObject({ numerator: 2, denominator: 3 });
    expect(biyan.rates.resolutionRate).toMatchObject({ numerator: 1, denominator: 3 });
    expect(biyan.rates.reopenRate).toMatchObject({ numerator: 1, denominator: 2, value: 0.5 });
    expect(biyan.rates.satisfactionRate).toMatchObject({ numerator: 1, denominator: 1 });
    expect(biyan.deductions.slaMisses.count).toBeGreaterThanOrEqual(1);
    const changzhen = rows.find((r) => r.orgId === org['GM.YUTANG.CHANGZHEN'])!;
    expect(changzhen.rates.satisfactionRate).toMatchObject({ numerator: 0, denominator: 1, value: 0 });
    // A community with no cases has no figures and no score, and ranks after those that have.
    const empty = rows.find((r) => r.rates.responseRate.denominator === 0)!;
    expect(empty.score).toBeNull();
    expect(empty.rank).toBeGreaterThan(biyan.rank);
  });

  it("a late, under-ranked check-in lowers that department's order timeliness rate and its rank", async () => {
    const before = (await ranking('department')).items;
    const police0 = before.find((r) => r.orgId === org['GM.DEPT.POLICE'])!;
    const hrss = before.find((r) => r.orgId === org['GM.DEPT.HRSS'])!;
    // The police order is past its arrive-by without a check-in: already judged, and not timely.
    expect(police0.rates.orderTimelinessRate).toMatchObject({ numerator: 0, denominator: 1, value: 0 });
    expect(hrss.rates.orderTimelinessRate).toMatchObject({ numerator: 1, denominator: 1, value: 1 });

    const ci = await call('police.handler', 'POST', `/orders/${policeOrder}/check-in`, { leaderRank: 'clerk', headcount: 2 });
    expect(ci.json().flags).toMatchObject({ late: true, underRanked: true, underStaffed: false });
    const after = (await ranking('department')).items;
    const police = after.find((r) => r.orgId === org['GM.DEPT.POLICE'])!;
    expect(police.rates.orderTimelinessRate).toMatchObject({ numerator: 0, denominator: 1, value: 0 });
    expect(police.deductions.orderFaults.count).toBe(1);
    expect(police.score!).toBeLessThan(after.find((r) => r.orgId === org['GM.DEPT.HRSS'])!.score!);
    expect(police.rank).toBeGreaterThan(after.find((r) => r.orgId === org['GM.DEPT.HRSS'])!.rank);
    // The drill-down behind the police figure is that order's case.
    const drill = (await call('district.admin', 'GET', police.rates.orderTimelinessRate.denominatorUrl.replace('/api/v1', ''))).json();
    expect(drill.items.map((i: { itemId: string }) => i.itemId)).toEqual([policeOrder]);
  });

  it('counts an order still inside its window as not yet judged', async () => {
    const c = await newCase('biyan.reception', red, '碧眼社区');
    const o = (await call('biyan.secretary', 'POST', `/cases/${c}/orders`, { kind: 'routine', departmentIds: [org['GM.DEPT.POLICE']], instructions: '协助' })).json().items[0];
    const police = (await ranking('department')).items.find((r) => r.orgId === org['GM.DEPT.POLICE'])!;
    expect(police.rates.orderTimelinessRate.denominator).toBe(1);
    const drill = (await call('district.admin', 'GET', police.rates.orderTimelinessRate.denominatorUrl.replace('/api/v1', ''))).json();
    expect(drill.items.map((i: { itemId: string }) => i.itemId)).not.toContain(o.id);
  });
});

describe('quarterly assessment', () => {
  it('every figure, rates and deductions, can be traced to exactly the cases behind it', async () => {
    const range = periodRange('quarter', WEEK.date);
    for (const kind of ['community', 'department'] as const) {
      const r = await ranking(kind, 'quarter', WEEK.date);
      expect(r.from).toBe(range.from.toISOString());
      const direct = await directCounts(range.from, range.to, t.clock.now());
      for (const row of r.items.filter((x) => x.rates.responseRate.denominator > 0 || x.rates.orderTimelinessRate.denominator > 0)) {
        for (const rate of RATES) {
          for (const part of ['numerator', 'denominator'] as const) {
            const fig = row.rates[rate];
            const res = await call('district.admin', 'GET', (part === 'numerator' ? fig.numeratorUrl : fig.denominatorUrl).replace('/api/v1', ''));
            expect(res.statusCode, res.body).toBe(200);
            const drill = res.json();
            expect(drill.count, `${row.orgId} ${rate} ${part}`).toBe(fig[part]);
            expect(drill.items).toHaveLength(fig[part]);
            expect(fig[part]).toBe(direct(row.orgId)[rate][part === 'numerator' ? 0 : 1]);
          }
        }
        for (const d of DEDUCTIONS) {
          const drill = (await call('district.admin', 'GET', row.deductions[d].casesUrl.replace('/api/v1', ''))).json();
          expect(drill.count).toBe(row.deductions[d].count);
        }
      }
    }
    // The biyan case ids behind its response rate are exactly its cases of the quarter.
    const biyanCases = await t.database.db.selectFrom('cases').select('id')
      .where((eb) => eb.or([eb('first_org_id', '=', org['GM.GUANGMING.BIYAN']), eb('owner_org_id', '=', org['GM.GUANGMING.BIYAN'])]))
      .where('created_at', '>=', range.from).where('created_at', '<', range.to).execute();
    const drill = (await call('district.admin', 'GET', `/assessment/drilldown?metric=responseRate&part=denominator&orgId=${org['GM.GUANGMING.BIYAN']}&period=quarter&date=${WEEK.date}`)).json();
    expect([...drill.caseIds].sort()).toEqual(biyanCases.map((c) => c.id).sort());
  });

  it('scores with the weights stored as data, validated on write', async () => {
    const weights = (await call('district.admin', 'GET', '/config/assessment-weights')).json();
    const bad = await call('district.admin', 'PUT', '/config/assessment-weights', { ...weights, rates: { ...weights.rates, resolutionRate: -1, nonsense: 1 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields.map((f: { path: string }) => f.path).sort()).toEqual(['body.rates.nonsense', 'body.rates.resolutionRate']);
    expect(bad.json().error.details.fields).toContainEqual({ path: 'body.rates.resolutionRate', message: '应为0到1000之间的数值' });
    // Only satisfaction counts, no deductions: changzhen (0 of 1 satisfied) scores 0, biyan 100.
    const only = { ...weights, rates: Object.fromEntries(RATES.map((r) => [r, r === 'satisfactionRate' ? 1 : 0])), deductions: { slaMisses: 0, orderFaults: 0, overdueNotices: 0 } };
    expect((await call('district.admin', 'PUT', '/config/assessment-weights', only)).statusCode).toBe(200);
    const rows = (await ranking('community', 'quarter')).items;
    expect(rows.find((r) => r.orgId === org['GM.GUANGMING.BIYAN'])!.score).toBe(100);
    expect(rows.find((r) => r.orgId === org['GM.YUTANG.CHANGZHEN'])!.score).toBe(0);
    await call('district.admin', 'PUT', '/config/assessment-weights', weights);
  });

  it('is scoped: a community secretary sees their own unit only, a department handler nothing, a bad metric is a 400', async () => {
    const own = (await call('biyan.secretary', 'GET', '/assessment/rankings?period=week&kind=community')).json();
    expect(own.items.map((r: Row) => r.orgId)).toEqual([org['GM.GUANGMING.BIYAN']]);
    expect((await call('biyan.secretary', 'GET', `/assessment/drilldown?metric=responseRate&orgId=${org['GM.YUTANG.CHANGZHEN']}&period=week`)).statusCode).toBe(404);
    expect((await call('hrss.handler', 'GET', '/assessment/rankings?period=week&kind=department')).statusCode).toBe(403);
    const bad = await call('district.admin', 'GET', `/assessment/drilldown?metric=happiness&orgId=${org['GM.YUTANG.CHANGZHEN']}&period=year`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields.map((f: { path: string }) => f.path)).toEqual(expect.arrayContaining(['querystring.metric', 'querystring.period']));
    expect((await call('district.admin', 'GET', '/assessment/rankings?period=week&kind=community&date=2026-02-30')).statusCode).toBe(400);
  });
});

export type { Metric };
