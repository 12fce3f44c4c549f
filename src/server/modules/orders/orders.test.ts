import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueWork } from '../../platform/scheduler.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { findOrgByCode } from '../orgs/index.js';

let t: TestApp;
const org: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  for (const code of ['GM', 'GM.GUANGMING.BIYAN', 'GM.DEPT.HRSS', 'GM.DEPT.POLICE', 'GM.DEPT.HOUSING', 'GM.GUANGMING']) org[code] = (await findOrgByCode(t.database.db, code))!.id;
});
afterAll(async () => t.close());

const wageCase = {
  channel: 'hotline',
  category: 'labor.wage_arrears',
  title: '工地拖欠工资',
  description: '15名工人被拖欠三个月工资',
  location: { address: '碧眼社区某工地' },
  reporter: { name: '张三', phone: '13812345678' },
  peopleInvolved: 15,
};

async function newCase(): Promise<{ id: string; trackingNo: string }> {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/cases', headers: await t.as('biyan.reception'), payload: wageCase });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

async function call(user: string, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) {
  return t.app.inject({ method, url: `/api/v1${url}`, headers: await t.as(user), ...(payload === undefined ? {} : { payload: payload as object }) });
}

async function issue(caseId: string, kind: string, departments: string[], user = 'biyan.secretary') {
  const res = await call(user, 'POST', `/cases/${caseId}/orders`, { kind, departmentIds: departments.map((d) => org[d]), instructions: '立即到现场协调处置' });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().items as Array<{ id: string; department: { id: string }; deadlines: { acknowledgeBy: string; arriveBy: string }; createdAt: string; requirements: { minLeaderRank: string; minHeadcount: number } }>;
}

describe('issuing orders', () => {
  it("an emergency order to two departments: one row each, acknowledge-by 10 and arrive-by 30 minutes after issue", async () => {
    const c = await newCase();
    const issuedAt = t.clock.now().getTime();
    const orders = await issue(c.id, 'emergency', ['GM.DEPT.HRSS', 'GM.DEPT.POLICE']);
    expect(orders).toHaveLength(2);
    expect(orders.map((o) => o.department.id).sort()).toEqual([org['GM.DEPT.HRSS'], org['GM.DEPT.POLICE']].sort());
    for (const o of orders) {
      expect(new Date(o.createdAt).getTime()).toBe(issuedAt);
      expect(new Date(o.deadlines.acknowledgeBy).getTime() - issuedAt).toBe(10 * 60_000);
      expect(new Date(o.deadlines.arriveBy).getTime() - issuedAt).toBe(30 * 60_000);
      expect(o.requirements).toMatchObject({ minLeaderRank: 'section', minHeadcount: 2 });
    }
    const timers = await t.database.db.selectFrom('timers').select(['kind', 'due_at']).where('subject_id', '=', orders[0].id).execute();
    expect(timers.map((x) => x.kind).sort()).toEqual(['order.acknowledge_due', 'order.arrive_due']);
    const events = (await call('biyan.secretary', 'GET', `/cases/${c.id}/events`)).json().items;
    const ev = events.find((e: { action: string }) => e.action === 'order_issued');
    expect(ev.data.orders).toHaveLength(2);
    expect(ev.orgId).toBe(org['GM.GUANGMING.BIYAN']);
  });

  it('each department sees only its own orders in the inbox; the issuer sees all it issued', async () => {
    const c = await newCase();
    const orders = await issue(c.id, 'routine', ['GM.DEPT.HRSS', 'GM.DEPT.POLICE']);
    const hrss = (await call('hrss.handler', 'GET', `/orders?caseId=${c.id}`)).json();
    expect(hrss.items.map((o: { id: string }) => o.id)).toEqual([orders.find((o) => o.department.id === org['GM.DEPT.HRSS'])!.id]);
    expect(hrss.items[0].case).toMatchObject({ id: c.id, trackingNo: c.trackingNo });
    expect(hrss.items[0].allowedActions).toEqual(['acknowledge', 'check_in']);
    expect((await call('housing.handler', 'GET', `/orders?caseId=${c.id}`)).json().total).toBe(0);
    expect((await call('housing.handler', 'GET', `/orders/${orders[0].id}`)).statusCode).toBe(404);
    expect((await call('biyan.secretary', 'GET', `/orders?caseId=${c.id}&box=issued`)).json().total).toBe(2);
    expect((await call('changzhen.secretary', 'GET', `/orders?caseId=${c.id}`)).json().total).toBe(0);
  });

  it('refuses bad input with field paths, non-departments and issuers without order:issue', async () => {
    const c = await newCase();
    const bad = await call('biyan.secretary', 'POST', `/cases/${c.id}/orders`, { kind: 'urgent', departmentIds: [], instructions: '' });
    expect(bad.statusCode).toBe(400);
    const paths = bad.json().error.details.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['body.kind', 'body.departmentIds', 'body.instructions']));
    const community = await call('biyan.secretary', 'POST', `/cases/${c.id}/orders`, { kind: 'routine', departmentIds: [org['GM.GUANGMING']], instructions: '处理' });
    expect(community.statusCode).toBe(400);
    expect(community.json().error.details.fields[0].path).toBe('body.departmentIds.0');
    expect((await call('biyan.reception', 'POST', `/cases/${c.id}/orders`, { kind: 'routine', departmentIds: [org['GM.DEPT.HRSS']], instructions: '处理' })).statusCode).toBe(403);
    expect((await call('changzhen.secretary', 'POST', `/cases/${c.id}/orders`, { kind: 'routine', departmentIds: [org['GM.DEPT.HRSS']], instructions: '处理' })).statusCode).toBe(404);
  });
});

describe('acknowledging, reporting for duty, completing, confirming', () => {
  it('an on-time check-in with the required rank and headcount is timely; the issuer confirms to close', async () => {
    const c = await newCase();
    const [o] = await issue(c.id, 'emergency', ['GM.DEPT.HRSS']);
    t.clock.advanceMinutes(5);
    const ack = await call('hrss.handler', 'POST', `/orders/${o.id}/acknowledge`);
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json()).toMatchObject({ status: 'acknowledged', acknowledgeLate: false });
    t.clock.advanceMinutes(20);
    const ci = await call('hrss.handler', 'POST', `/orders/${o.id}/check-in`, { leaderRank: '正科', headcount: 3, lat: 22.78, lng: 113.95 });
    expect(ci.statusCode, ci.body).toBe(200);
    expect(ci.json()).toMatchObject({ status: 'arrived', timely: true, flags: { late: false, underRanked: false, underStaffed: false }, checkIn: { leaderRank: 'section', headcount: 3, lat: 22.78 } });
    // Confirming before the department reports completion is refused with what is allowed.
    const early = await call('biyan.secretary', 'POST', `/orders/${o.id}/confirm`, {});
    expect(early.statusCode).toBe(409);
    expect(early.json().error.details.allowedActions).toEqual(['complete']);
    // The issuer cannot act for the department, nor the department confirm its own work.
    expect((await call('biyan.secretary', 'POST', `/orders/${o.id}/complete`, { report: '已处理' })).statusCode).toBe(403);
    expect((await call('hrss.handler', 'POST', `/orders/${o.id}/complete`, { report: '已督促企业支付工资' })).json().status).toBe('completed');
    expect((await call('hrss.handler', 'POST', `/orders/${o.id}/confirm`, {})).statusCode).toBe(403);
    const done = await call('biyan.secretary', 'POST', `/orders/${o.id}/confirm`, { note: '现场核实' });
    expect(done.json()).toMatchObject({ status: 'confirmed', confirmNote: '现场核实' });
    const actions = (await call('biyan.secretary', 'GET', `/cases/${c.id}/events`)).json().items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['order_issued', 'order_acknowledged', 'order_checked_in', 'order_completed', 'order_confirmed']));
  });

  it('a check-in after arrive-by is late; a lower rank than required is under-ranked; both are on the timeline', async () => {
    const c = await newCase();
    const [o] = await issue(c.id, 'emergency', ['GM.DEPT.POLICE']);
    t.clock.advanceMinutes(31);
    const ci = await call('police.handler', 'POST', `/orders/${o.id}/check-in`, { leaderRank: 'deputy_section', headcount: 1 });
    expect(ci.statusCode, ci.body).toBe(200);
    expect(ci.json()).toMatchObject({ timely: false, flags: { late: true, underRanked: true, underStaffed: true } });
    // Checked in without pressing 接令: acknowledged implicitly, late as well.
    expect(ci.json()).toMatchObject({ acknowledgeLate: true });
    const ev = (await call('biyan.secretary', 'GET', `/cases/${c.id}/events`)).json().items.find((e: { action: string }) => e.action === 'order_checked_in');
    expect(ev.data).toMatchObject({ late: true, underRanked: true, underStaffed: true, flagged: true });
  });

  it('an arrival time entered after the fact is judged by that time, and may not be in the future or before issue', async () => {
    const c = await newCase();
    const [o] = await issue(c.id, 'emergency', ['GM.DEPT.HRSS']);
    const issued = t.clock.now().getTime();
    t.clock.advanceMinutes(45);
    const future = await call('hrss.handler', 'POST', `/orders/${o.id}/check-in`, { at: new Date(issued + 50 * 60_000).toISOString(), leaderRank: 'section', headcount: 2 });
    expect(future.statusCode).toBe(400);
    expect(future.json().error.details.fields[0].path).toBe('body.at');
    const before = await call('hrss.handler', 'POST', `/orders/${o.id}/check-in`, { at: new Date(issued - 60_000).toISOString(), leaderRank: 'section', headcount: 2 });
    expect(before.statusCode).toBe(400);
    const badRank = await call('hrss.handler', 'POST', `/orders/${o.id}/check-in`, { leaderRank: '处长', headcount: 2 });
    expect(badRank.statusCode).toBe(400);
    expect(badRank.json().error.details.fields[0].path).toBe('body.leaderRank');
    const ok = await call('hrss.handler', 'POST', `/orders/${o.id}/check-in`, { at: new Date(issued + 29 * 60_000).toISOString(), leaderRank: 'section', headcount: 2 });
    expect(ok.json()).toMatchObject({ timely: true, flags: { late: false } });
  });

  it('when nobody reports by arrive-by the order turns overdue, once', async () => {
    const c = await newCase();
    const [o] = await issue(c.id, 'emergency', ['GM.DEPT.HOUSING']);
    t.clock.advanceMinutes(11);
    await runDueWork(t.app.ctx);
    expect((await call('housing.handler', 'GET', `/orders/${o.id}`)).json().flags).toMatchObject({ acknowledgeOverdue: true, arriveOverdue: false });
    t.clock.advanceMinutes(20);
    await runDueWork(t.app.ctx);
    await runDueWork(t.app.ctx);
    expect((await call('housing.handler', 'GET', `/orders/${o.id}`)).json().flags).toMatchObject({ acknowledgeOverdue: true, arriveOverdue: true });
    const overdue = (await call('biyan.secretary', 'GET', `/cases/${c.id}/events`)).json().items.filter((e: { action: string }) => e.action === 'order_overdue');
    expect(overdue.map((e: { data: { deadline: string } }) => e.data.deadline)).toEqual(['acknowledge', 'arrive']);
    const inbox = await t.database.db
      .selectFrom('notifications').innerJoin('users', 'users.id', 'notifications.user_id')
      .select('notifications.id').where('users.username', '=', 'housing.handler').where('notifications.kind', '=', 'order.overdue').where('notifications.case_id', '=', c.id).execute();
    expect(inbox).toHaveLength(2);
  });
});

describe('order matrix configuration', () => {
  it('is validated on write and applies to new orders, per risk level', async () => {
    const current = (await call('district.admin', 'GET', '/config/order-matrix')).json();
    expect(current.kinds.emergency.arrive).toEqual({ kind: 'minutes', minutes: 30, clock: 'calendar' });
    const bad = await call('district.admin', 'PUT', '/config/order-matrix', { ...current, kinds: { ...current.kinds, emergency: { ...current.kinds.emergency, minHeadcount: -1 } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.details.fields).toEqual([{ path: 'body.kinds.emergency.minHeadcount', message: '应为1到1000之间的整数' }]);
    expect((await call('biyan.secretary', 'PUT', '/config/order-matrix', current)).statusCode).toBe(403);
    const next = { ...current, levels: { red: { emergency: { arrive: { kind: 'minutes', minutes: 20, clock: 'calendar' }, minLeaderRank: '副处' } } } };
    const put = await call('district.admin', 'PUT', '/config/order-matrix', next);
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json().levels.red.emergency.minLeaderRank).toBe('deputy_division');
    const c = await newCase(); // red
    const [o] = await issue(c.id, 'emergency', ['GM.DEPT.HRSS']);
    expect(new Date(o.deadlines.arriveBy).getTime() - t.clock.now().getTime()).toBe(20 * 60_000);
    expect(o.requirements.minLeaderRank).toBe('deputy_division');
    await call('district.admin', 'PUT', '/config/order-matrix', current);
  });
});
