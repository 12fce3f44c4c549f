import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueWork } from '../../platform/scheduler.js';
import { scheduleTimer, timerHandlersOf } from '../../platform/background.js';
import { supervisionTimers } from './supervision.timers.js';
import { createTimerSweeper } from '../../platform/timers.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { findOrgByCode } from '../orgs/index.js';
import { endOfDayGrade, nextDailyAt } from './supervision.rules.js';
import { DAILY_SUBJECT, DAILY_TIMER, TIMER_DAILY } from './supervision.service.js';

let t: TestApp;
const org: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  for (const code of ['GM', 'GM.GUANGMING', 'GM.GUANGMING.BIYAN', 'GM.YUTANG.CHANGZHEN']) org[code] = (await findOrgByCode(t.database.db, code))!.id;
  // Arms the daily timers (the scheduler does this on its first sweep).
  await runDueWork(t.app.ctx);
});
afterAll(async () => t.close());

const base = { channel: 'hotline', title: '诉求', description: '测试诉求', reporter: { name: '张三', phone: '13812345678' }, location: { address: '碧眼社区' } };
const red = { ...base, category: 'labor.wage_arrears', peopleInvolved: 15 };
const yellow = { ...base, category: 'labor.wage_arrears', peopleInvolved: 3 };
const blue = { ...base, category: 'neighbor.noise', peopleInvolved: 1 };

async function call(user: string, method: 'GET' | 'POST', url: string, payload?: unknown) {
  return t.app.inject({ method, url: `/api/v1${url}`, headers: await t.as(user), ...(payload === undefined ? {} : { payload: payload as object }) });
}
async function newCase(body: Record<string, unknown>): Promise<string> {
  const res = await call('biyan.reception', 'POST', '/cases', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}
async function act(user: string, id: string, payload: Record<string, unknown>) {
  const res = await call(user, 'POST', `/cases/${id}/actions`, payload);
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}
const getCase = async (id: string) => (await call('district.admin', 'GET', `/cases/${id}`)).json();
const events = async (id: string) => (await call('district.admin', 'GET', `/cases/${id}/events`)).json().items as Array<{ action: string; data: Record<string, unknown>; orgId: string; note: string | null }>;

describe('rules', () => {
  it('the next 09:00 / 23:59 in Shanghai is strictly in the future', () => {
    const mon10 = new Date('2026-11-23T02:00:00Z');
    expect(nextDailyAt(mon10, '09:00').toISOString()).toBe('2026-11-24T01:00:00.000Z');
    expect(nextDailyAt(mon10, '23:59').toISOString()).toBe('2026-11-23T15:59:00.000Z');
    expect(nextDailyAt(new Date('2026-11-24T01:00:00Z'), '09:00').toISOString()).toBe('2026-11-25T01:00:00.000Z');
  });
  it('grades at the end of the day: red risk, overdue or major → red; yellow, amber or escalated → yellow; else green', () => {
    const c = { risk_level: 'blue', overdue: false, warning: false, major: false, escalation_level: 0 };
    expect(endOfDayGrade(c)).toBe('green');
    expect(endOfDayGrade({ ...c, warning: true })).toBe('yellow');
    expect(endOfDayGrade({ ...c, risk_level: 'yellow' })).toBe('yellow');
    expect(endOfDayGrade({ ...c, escalation_level: 1 })).toBe('yellow');
    expect(endOfDayGrade({ ...c, overdue: true })).toBe('red');
    expect(endOfDayGrade({ ...c, risk_level: 'red' })).toBe('red');
  });
});

describe('escalation ladder (SPEC §5)', () => {
  it('manual escalation with a reason moves the owner up one level; major gives 3 working days; the ladder shows it', async () => {
    const id = await newCase(blue);
    await act('biyan.secretary', id, { action: 'accept' });
    await act('biyan.secretary', id, { action: 'dispatch', targetOrgId: org['GM.GUANGMING.BIYAN'] });
    const noReason = await call('biyan.secretary', 'POST', `/cases/${id}/actions`, { action: 'escalate' });
    expect(noReason.statusCode).toBe(400);
    const up = await act('biyan.secretary', id, { action: 'escalate', note: '涉及多个部门', major: true });
    expect(up).toMatchObject({ ownerOrgId: org['GM.GUANGMING'], escalationLevel: 1, major: true });
    // Monday 10:00 + 3 working days = Thursday 10:00.
    expect(up.deadlines.resolveBy).toBe('2026-11-26T02:00:00.000Z');
    const up2 = await act('guangming.admin', id, { action: 'escalate', note: '街道无法协调' });
    expect(up2).toMatchObject({ ownerOrgId: org['GM'], escalationLevel: 2 });
    // One owner at a time: the community no longer may act on it as owner, only as first receiver.
    const ladder = (await call('district.admin', 'GET', `/cases/${id}/ladder`)).json();
    expect(ladder.current).toMatchObject({ ownerOrgId: org['GM'], escalationLevel: 2, major: true });
    const steps = ladder.steps.filter((s: { action: string }) => s.action === 'escalate');
    expect(steps.map((s: { fromOrgId: string; toOrgId: string; reason: string; automatic: boolean }) => [s.fromOrgId, s.toOrgId, s.reason, s.automatic])).toEqual([
      [org['GM.GUANGMING.BIYAN'], org['GM.GUANGMING'], '涉及多个部门', false],
      [org['GM.GUANGMING'], org['GM'], '街道无法协调', false],
    ]);
    expect((await call('changzhen.secretary', 'GET', `/cases/${id}/ladder`)).statusCode).toBe(404);
  });

  it('a missed resolve deadline escalates automatically, records the miss against the community and gives the subdistrict a new window', async () => {
    const start = t.clock.now();
    const id = await newCase(red);
    await act('biyan.secretary', id, { action: 'accept' });
    const accepted = await getCase(id);
    expect(accepted.deadlines.resolveBy).toBe('2026-11-23T15:59:59.999Z'); // same day, 23:59 Shanghai
    t.clock.set(new Date('2026-11-23T16:00:30Z')); // Tuesday 00:00:30
    await runDueWork(t.app.ctx);
    const after = await getCase(id);
    expect(after.ownerOrgId).toBe(org['GM.GUANGMING']);
    expect(after.escalationLevel).toBe(1);
    expect(after.deadlines.resolveBy).toBe('2026-11-24T15:59:59.999Z'); // the new owner's same day
    const misses = await t.database.db.selectFrom('sla_misses').selectAll().where('case_id', '=', id).execute();
    expect(misses.map((m) => [m.clock, m.org_id])).toEqual([['resolve', org['GM.GUANGMING.BIYAN']]]);
    const ladder = (await call('district.admin', 'GET', `/cases/${id}/ladder`)).json();
    const auto = ladder.steps.find((s: { action: string; automatic: boolean }) => s.action === 'escalate' && s.automatic);
    expect(auto).toMatchObject({ fromOrgId: org['GM.GUANGMING.BIYAN'], toOrgId: org['GM.GUANGMING'], clock: 'resolve' });
    expect(start.getTime()).toBeLessThan(t.clock.now().getTime());
  });
});

describe('end of day: regrade and leader appointments', () => {
  it('grades every case accepted that day and not resolved, once, and assigns the right leader', async () => {
    // Tuesday: three cases accepted, one resolved the same day.
    t.clock.set(new Date('2026-11-24T02:00:00Z'));
    const b = await newCase(blue);
    const y = await newCase(yellow);
    const r = await newCase(red);
    const done = await newCase(blue);
    for (const id of [b, y, r, done]) await act('biyan.secretary', id, { action: 'accept' });
    await act('biyan.secretary', done, { action: 'dispatch', targetOrgId: org['GM.GUANGMING.BIYAN'] });
    await act('biyan.secretary', done, { action: 'resolve', note: '当场解决' });
    await runDueWork(t.app.ctx);
    t.clock.set(new Date('2026-11-24T15:59:30Z')); // 23:59:30
    await runDueWork(t.app.ctx);
    await runDueWork(t.app.ctx);
    const rows = await t.database.db.selectFrom('leader_appointments').selectAll().where('day', '=', '2026-11-24').execute();
    const byCase = new Map(rows.map((a) => [a.case_id, a]));
    expect(byCase.has(done)).toBe(false);
    expect(byCase.get(b)).toMatchObject({ level: 'green', leader_role: 'community_secretary', org_id: org['GM.GUANGMING.BIYAN'], status: 'pending' });
    expect(byCase.get(y)).toMatchObject({ level: 'yellow', leader_role: 'subdistrict_leader', org_id: org['GM.GUANGMING'] });
    expect(byCase.get(r)).toMatchObject({ level: 'red', leader_role: 'district_leader', org_id: org['GM'] });
    expect((await events(b)).filter((e) => e.action === 'leader_appointment')).toHaveLength(1);

    // The district leader sees the red task, holds the meeting; the outcome lands on the case.
    const list = (await call('district.leader', 'GET', '/leader-appointments?day=2026-11-24&status=pending')).json();
    const task = list.items.find((a: { caseId: string }) => a.caseId === r);
    expect(task).toMatchObject({ level: 'red', case: { riskLevel: 'red' } });
    expect((await call('biyan.secretary', 'GET', '/leader-appointments?day=2026-11-24')).json().items.map((a: { caseId: string }) => a.caseId)).toEqual([b]);
    // A day that is not on the calendar is refused, not answered with an empty list.
    const notADay = await call('district.leader', 'GET', '/leader-appointments?day=2026-02-30');
    expect(notADay.statusCode).toBe(400);
    expect(notADay.json().error.details.fields.map((f: { path: string }) => f.path)).toEqual(['querystring.day']);
    const sched = await call('district.leader', 'POST', `/leader-appointments/${task.id}/schedule`, { scheduledAt: '2026-11-25T02:00:00Z' });
    expect(sched.json()).toMatchObject({ status: 'scheduled', scheduledAt: '2026-11-25T02:00:00.000Z' });
    expect((await call('biyan.secretary', 'POST', `/leader-appointments/${task.id}/hold`, { outcome: 'x' })).statusCode).toBe(404);
    const held = await call('district.leader', 'POST', `/leader-appointments/${task.id}/hold`, { outcome: '约见当事人，承诺三日内协调支付' });
    expect(held.json()).toMatchObject({ status: 'held', outcome: '约见当事人，承诺三日内协调支付' });
    expect((await call('district.leader', 'POST', `/leader-appointments/${task.id}/hold`, { outcome: '再次' })).statusCode).toBe(409);
    const ev = (await events(r)).find((e) => e.action === 'leader_appointment_held')!;
    expect(ev.note).toBe('约见当事人，承诺三日内协调支付');
  });
});

describe('daily digest', () => {
  const digestCount = async (day: string) =>
    Number((await t.database.db.selectFrom('supervision_reports').select((eb) => eb.fn.countAll().as('n')).where('kind', '=', 'digest').where('period', '=', day).executeTakeFirstOrThrow()).n);

  it('arrives at 09:00 once per unit per day, in each user inbox, even with two sweepers and a duplicate timer', async () => {
    // Wednesday 09:00: a second timer for the same day (as a second process could leave) is also due.
    await runDueWork(t.app.ctx);
    // Only the daily timers take part: a case deadline firing in the same race could move a case
    // out of the community after its digest was written, and the count below would then differ.
    await t.database.db.updateTable('timers').set({ cancelled_at: t.clock.now() }).where('kind', '<>', TIMER_DAILY).where('fired_at', 'is', null).where('cancelled_at', 'is', null).execute();
    await scheduleTimer(t.database.db, DAILY_TIMER, { subjectId: DAILY_SUBJECT, dueAt: new Date('2026-11-25T01:05:00Z'), now: t.clock.now() });
    t.clock.set(new Date('2026-11-25T01:10:00Z'));
    const a = createTimerSweeper(timerHandlersOf(supervisionTimers), 5);
    const b = createTimerSweeper(timerHandlersOf(supervisionTimers), 5);
    for (let round = 0; round < 20; round++) {
      const [x, y] = await Promise.all([a(t.app.ctx), b(t.app.ctx)]);
      if (x + y === 0) break;
    }
    await runDueWork(t.app.ctx);
    const units = await t.database.db
      .selectFrom('org_units').select('id').where('type', 'in', ['district', 'subdistrict', 'community', 'department'])
      .where((eb) => eb.exists(eb.selectFrom('user_roles').whereRef('user_roles.org_id', '=', 'org_units.id').select(sql`1`.as('x'))))
      .execute();
    expect(await digestCount('2026-11-25')).toBe(units.length);
    const perUser = await sql<{ username: string; n: string }>`
      SELECT u.username, count(*) AS n FROM notifications n JOIN users u ON u.id = n.user_id
       WHERE n.kind = 'supervision.digest' AND n.data->>'day' = '2026-11-25' GROUP BY u.username`.execute(t.database.db);
    const counts = new Map(perUser.rows.map((r) => [r.username, Number(r.n)]));
    for (const user of ['biyan.secretary', 'biyan.reception', 'hrss.handler', 'district.leader', 'guangming.admin']) expect(counts.get(user), user).toBe(1);
    // The community's digest counts what is open in its subtree.
    const biyan = await t.database.db.selectFrom('supervision_reports').select('data').where('kind', '=', 'digest').where('org_id', '=', org['GM.GUANGMING.BIYAN']).where('period', '=', '2026-11-25').executeTakeFirstOrThrow();
    const open = await t.database.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).where('owner_path', 'like', `%/${org['GM.GUANGMING.BIYAN']}/%`).where('status', 'not in', ['closed', 'merged', 'rejected']).executeTakeFirstOrThrow();
    expect(biyan.data).toMatchObject({ day: '2026-11-25', openCases: Number(open.n) });
    // Later the same day nothing more arrives; the next one is tomorrow at 09:00.
    t.clock.set(new Date('2026-11-25T09:00:00Z'));
    await runDueWork(t.app.ctx);
    expect(await digestCount('2026-11-25')).toBe(units.length);
    const next = await t.database.db.selectFrom('timers').select('due_at').where('kind', '=', TIMER_DAILY).where('fired_at', 'is', null).where('cancelled_at', 'is', null).execute();
    expect(next.map((x) => x.due_at.toISOString())).toEqual(['2026-11-26T01:00:00.000Z']);
    // The circular, weekly ranking, monthly analysis and quarterly assessment exist once each.
    const reports = (await call('district.leader', 'GET', '/supervision/reports?pageSize=200')).json().items as Array<{ kind: string; period: string }>;
    for (const kind of ['circular', 'weekly_ranking', 'monthly_analysis', 'quarterly_assessment']) {
      const periods = reports.filter((r) => r.kind === kind).map((r) => r.period);
      expect(new Set(periods).size, kind).toBe(periods.length);
      expect(periods.length, kind).toBeGreaterThan(0);
    }
    expect(reports.find((r) => r.kind === 'weekly_ranking')!.period).toBe('2026-W47');
  });
});

describe('supervision notices (督办单)', () => {
  it('a supervisor issues one on a case; the owner must answer; an unanswered one turns overdue', async () => {
    const id = await newCase(blue);
    expect((await call('biyan.secretary', 'POST', `/cases/${id}/supervision-notices`, { content: '请加快办理' })).statusCode).toBe(403);
    const n = await call('supervisor', 'POST', `/cases/${id}/supervision-notices`, { content: '请于今日内反馈办理进展', answerWithinHours: 4 });
    expect(n.statusCode, n.body).toBe(201);
    const notice = n.json();
    expect(notice).toMatchObject({ orgId: org['GM.GUANGMING.BIYAN'], status: 'open' });
    const inbox = (await call('biyan.secretary', 'GET', '/supervision-notices?status=open')).json();
    expect(inbox.items.map((x: { id: string }) => x.id)).toContain(notice.id);
    expect((await call('changzhen.secretary', 'GET', '/supervision-notices')).json().items.map((x: { id: string }) => x.id)).not.toContain(notice.id);
    expect((await call('supervisor', 'POST', `/supervision-notices/${notice.id}/answer`, { answer: '自己回复' })).statusCode).toBe(403);
    const ans = await call('biyan.secretary', 'POST', `/supervision-notices/${notice.id}/answer`, { answer: '已约双方当事人明日调解' });
    expect(ans.json()).toMatchObject({ status: 'answered', answer: '已约双方当事人明日调解' });
    expect((await call('biyan.secretary', 'POST', `/supervision-notices/${notice.id}/answer`, { answer: '再答' })).statusCode).toBe(409);
    const actions = (await events(id)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['supervision_notice', 'supervision_answer']));

    const late = (await call('supervisor', 'POST', `/cases/${id}/supervision-notices`, { content: '再次督办', answerWithinHours: 1 })).json();
    t.clock.advanceMinutes(61);
    await runDueWork(t.app.ctx);
    const after = (await call('supervisor', 'GET', `/supervision-notices?caseId=${id}&status=open`)).json().items;
    expect(after.map((x: { id: string; overdue: boolean }) => [x.id, x.overdue])).toEqual([[late.id, true]]);
    expect((await events(id)).filter((e) => e.action === 'supervision_notice_overdue')).toHaveLength(1);
  });
});
