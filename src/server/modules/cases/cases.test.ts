import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueWork } from '../../platform/scheduler.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { findOrgByCode } from '../orgs/index.js';

let t: TestApp;
const org: Record<string, string> = {};

beforeAll(async () => {
  t = await createTestApp();
  for (const code of ['GM', 'GM.GUANGMING', 'GM.GUANGMING.BIYAN', 'GM.YUTANG.CHANGZHEN', 'GM.DEPT.HRSS']) org[code] = (await findOrgByCode(t.database.db, code))!.id;
});
afterAll(async () => t.close());

const wageCase = {
  channel: 'hotline',
  category: 'labor.wage_arrears',
  title: '工地拖欠工资',
  description: '光明大道某工地15名工人被拖欠三个月工资，情绪激动',
  location: { address: '碧眼社区某工地' },
  reporter: { name: '张三', phone: '13812345678' },
  peopleInvolved: 15,
  amountInvolved: 120000,
};

async function post(user: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) {
  return t.app.inject({ method: 'POST', url: '/api/v1/cases', headers: { ...(await t.as(user)), ...headers }, payload });
}

async function act(user: string, id: string, payload: Record<string, unknown>) {
  return t.app.inject({ method: 'POST', url: `/api/v1/cases/${id}/actions`, headers: await t.as(user), payload });
}

const countCases = async () => Number((await t.database.db.selectFrom('cases').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('intake', () => {
  it('grades an unpaid-wages dispute of 15 workers red with its reasons and a 10-minute respond deadline', async () => {
    const res = await post('biyan.reception', wageCase);
    expect(res.statusCode).toBe(201);
    const c = res.json();
    expect(c.trackingNo).toMatch(/^GM20261123-\d{6}$/);
    expect(c.accessCode).toMatch(/^\d{6}$/);
    expect(c).toMatchObject({ riskLevel: 'red', status: 'submitted', ownerOrgId: org['GM.GUANGMING.BIYAN'], serviceType: 'dispute' });
    expect(c.riskReasons.map((r: { code: string }) => r.code)).toContain('people');
    expect(c.riskReasons[0].text).toContain('15');
    const created = new Date(c.createdAt).getTime();
    expect(new Date(c.deadlines.respondBy).getTime() - created).toBe(10 * 60_000);
    expect(new Date(c.deadlines.acceptBy).getTime() - created).toBe(30 * 60_000);
    // The receptionist may tell the resident; accepting is the secretary's call.
    expect(c.allowedActions).toContain('respond');
    expect(c.allowedActions).not.toContain('accept');
    const asSecretary = (await t.app.inject({ method: 'GET', url: `/api/v1/cases/${c.id}`, headers: await t.as('biyan.secretary') })).json();
    expect(asSecretary.allowedActions).toEqual(expect.arrayContaining(['respond', 'accept', 'reject']));
    // Masked for a receptionist? Receptionists hold pii:view only through reveal.
    expect(c.reporter.phone).toBe('138****5678');
    const events = (await t.app.inject({ method: 'GET', url: `/api/v1/cases/${c.id}/events`, headers: await t.as('biyan.reception') })).json();
    expect(events.items.map((e: { action: string }) => e.action)).toEqual(['submit']);
    const timers = await t.database.db.selectFrom('timers').select(['kind']).where('subject_id', '=', c.id).where('cancelled_at', 'is', null).execute();
    expect(timers.filter((x) => x.kind === 'case.breach')).toHaveLength(3);
    const outbox = await t.database.db.selectFrom('outbox').select('topic').where(sql<boolean>`payload->>'caseId' = ${c.id}`).execute();
    expect(outbox.length).toBeGreaterThanOrEqual(2); // new-case notice and the red alert
  });

  it.each([
    ['a neighbour noise complaint', { category: 'neighbor.noise', peopleInvolved: 1 }, 'blue'],
    ['noise affecting 3 households', { category: 'neighbor.noise', peopleInvolved: 3 }, 'yellow'],
    ['a family case with a vulnerable person', { category: 'family.elderly_care', flags: ['vulnerable_person'] }, 'yellow'],
    ['a family case with extreme behaviour risk', { category: 'family.domestic', flags: ['extreme_behavior_risk'] }, 'red'],
    ['wage arrears of ¥49,999', { category: 'labor.wage_arrears', amountInvolved: 49999 }, 'blue'],
    ['wage arrears of ¥50,000', { category: 'labor.wage_arrears', amountInvolved: 50000 }, 'yellow'],
    ['wage arrears of ¥500,000', { category: 'labor.wage_arrears', amountInvolved: 500000 }, 'red'],
    ['9 workers', { category: 'labor.wage_arrears', peopleInvolved: 9 }, 'yellow'],
    ['10 workers', { category: 'labor.wage_arrears', peopleInvolved: 10 }, 'red'],
  ])('grades %s', async (_label, fields, level) => {
    const res = await post('biyan.reception', { ...wageCase, peopleInvolved: 1, amountInvolved: 0, ...fields });
    expect(res.statusCode).toBe(201);
    expect(res.json().riskLevel).toBe(level);
  });

  it('routes a building QR submission to the building community and grid', async () => {
    const building = await t.database.db.selectFrom('buildings').selectAll().where('community_id', '=', org['GM.YUTANG.CHANGZHEN']).limit(1).executeTakeFirstOrThrow();
    const res = await post('district.admin', { ...wageCase, channel: 'qr', category: 'neighbor.noise', peopleInvolved: 1, location: { buildingCode: building.code } });
    expect(res.json()).toMatchObject({ ownerOrgId: org['GM.YUTANG.CHANGZHEN'], location: { communityId: building.community_id, gridId: building.grid_id, source: 'building' } });
  });

  it('routes a map point to the community whose polygon holds it', async () => {
    const community = await t.database.db.selectFrom('org_units').select(['id', 'lat', 'lng']).where('code', '=', 'GM.YUTANG.CHANGZHEN').executeTakeFirstOrThrow();
    const res = await post('district.admin', { ...wageCase, channel: 'online', category: 'neighbor.noise', peopleInvolved: 1, location: { lat: community.lat, lng: community.lng } });
    expect(res.json().location).toMatchObject({ communityId: community.id, source: 'point' });
  });

  it('sends a department category to its department and an unlocatable case to the district desk', async () => {
    const dept = await post('district.admin', { ...wageCase, category: 'labor.injury', location: undefined });
    expect(dept.json().ownerOrgId).toBe(org['GM.DEPT.HRSS']);
    const desk = await post('district.admin', { ...wageCase, category: 'neighbor.noise', location: { address: '不知道在哪里' } });
    expect(desk.json().ownerOrgId).toBe(org['GM']);
  });

  it('a retried Idempotency-Key returns the same case and writes nothing new', async () => {
    const first = await post('biyan.reception', wageCase, { 'idempotency-key': 'call-2026-11-23-001' });
    const before = await countCases();
    const again = await post('biyan.reception', wageCase, { 'idempotency-key': 'call-2026-11-23-001' });
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(first.json().id);
    expect(again.json().trackingNo).toBe(first.json().trackingNo);
    expect(await countCases()).toBe(before);
  });
});

describe('bad input', () => {
  const bad: [string, Record<string, unknown>, string][] = [
    ['missing channel', { channel: undefined }, 'body.channel'],
    ['unknown channel', { channel: 'fax' }, 'body.channel'],
    ['missing category', { category: undefined }, 'body.category'],
    ['malformed category', { category: 'Labor Wage' }, 'body.category'],
    ['unknown category', { category: 'labor.nothing' }, 'body.category'],
    ['missing title', { title: undefined }, 'body.title'],
    ['empty title', { title: '' }, 'body.title'],
    ['title too long', { title: '长'.repeat(201) }, 'body.title'],
    ['missing description', { description: undefined }, 'body.description'],
    ['description too long', { description: 'x'.repeat(5001) }, 'body.description'],
    ['title not a string', { title: { text: '工资' } }, 'body.title'],
    ['bad phone', { reporter: { name: '张三', phone: '12345' } }, 'body.reporter.phone'],
    ['phone with letters', { reporter: { phone: '1381234567a' } }, 'body.reporter.phone'],
    ['bad id number', { reporter: { phone: '13812345678', idNumber: '1234' } }, 'body.reporter.idNumber'],
    ['reporter name too long', { reporter: { name: '名'.repeat(51), phone: '13812345678' } }, 'body.reporter.name'],
    ['unknown reporter field', { reporter: { phone: '13812345678', email: 'a@b.c' } }, 'body.reporter.email'],
    ['zero people', { peopleInvolved: 0 }, 'body.peopleInvolved'],
    ['fractional people', { peopleInvolved: 2.5 }, 'body.peopleInvolved'],
    ['negative amount', { amountInvolved: -1 }, 'body.amountInvolved'],
    ['absurd amount', { amountInvolved: 1e12 }, 'body.amountInvolved'],
    ['amount as words', { amountInvolved: 'a lot' }, 'body.amountInvolved'],
    ['unknown urgency', { urgency: 'asap' }, 'body.urgency'],
    ['unknown flag', { flags: ['angry'] }, 'body.flags.0'],
    ['duplicate flags', { flags: ['public_safety', 'public_safety'] }, 'body.flags'],
    ['flags not a list', { flags: { public_safety: true } }, 'body.flags'],
    ['latitude out of range', { location: { lat: 91, lng: 113.9 } }, 'body.location.lat'],
    ['longitude out of range', { location: { lat: 22.7, lng: 181 } }, 'body.location.lng'],
    ['latitude without longitude', { location: { lat: 22.7 } }, 'body.location.lng'],
    ['unknown building', { location: { buildingCode: 'NOPE-0001' } }, 'body.location.buildingCode'],
    ['unknown location field', { location: { floor: 3 } }, 'body.location.floor'],
    ['unknown top-level field', { priority: 'high' }, 'body.priority'],
    ['service type not matching the category', { serviceType: 'psych' }, 'body.serviceType'],
    ['anonymous dispute', { anonymous: true }, 'body.anonymous'],
    ['secretary channel without a level', { channel: 'secretary' }, 'body.secretaryLevel'],
    ['unknown attachment', { attachmentIds: ['00000000-0000-4000-8000-000000000000'] }, 'body.attachmentIds'],
    ['attachment id not a uuid', { attachmentIds: ['x'] }, 'body.attachmentIds.0'],
    // PostgreSQL text cannot store U+0000: refused up front, not a 500 from the database.
    ['NUL character in the title', { title: '工资\u0000拖欠' }, 'body.title'],
    ['NUL character in the description', { description: '拖欠\u0000' }, 'body.description'],
    ['NUL character in the reporter name', { reporter: { name: '张\u0000三', phone: '13812345678' } }, 'body.reporter.name'],
  ];

  it.each(bad.map(([label, change, path]) => ({ label, change, path })))('$label → 400 naming $path, nothing written', async ({ change, path }) => {
    const before = await countCases();
    const eventsBefore = Number((await t.database.db.selectFrom('case_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const payload: Record<string, unknown> = { ...wageCase, ...change };
    for (const key of Object.keys(payload)) if (payload[key] === undefined) delete payload[key];
    const res = await post('biyan.reception', payload, { 'accept-language': 'en' });
    expect(res.statusCode).toBe(400);
    const error = res.json().error;
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details.fields.map((f: { path: string }) => f.path)).toContain(path);
    expect(error.details.fields.every((f: { message: string }) => f.message.length > 0)).toBe(true);
    expect(await countCases()).toBe(before);
    const eventsAfter = Number((await t.database.db.selectFrom('case_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    expect(eventsAfter).toBe(eventsBefore);
  });

  it('a NUL character in a search is a 400 naming the parameter; a typed backslash-u0000 is just text', async () => {
    const headers = await t.as('biyan.reception');
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/cases?q=%E5%B7%A5%E8%B5%84%00', headers });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.fields.map((f: { path: string }) => f.path)).toEqual(['querystring.q']);
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/cases?q=%5Cu0000', headers })).statusCode).toBe(200);
    const typed = await post('biyan.reception', { ...wageCase, description: '居民输入了 \\u0000 这几个字符' });
    expect(typed.statusCode).toBe(201);
    expect(typed.json().description).toBe('居民输入了 \\u0000 这几个字符');
  });

  it('malformed JSON is a 400, not a 500', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/api/v1/cases', headers: { ...(await t.as('biyan.reception')), 'content-type': 'application/json' }, payload: '{"title": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('BAD_REQUEST');
    expect(res.json().error.message).toBe('请求无效：JSON 格式错误');
  });

  it('a handler may not take intake', async () => {
    expect((await post('hrss.handler', wageCase)).statusCode).toBe(403);
  });
});

describe('scope', () => {
  it('a community user cannot see another community’s case; the district can', async () => {
    const c = (await post('changzhen.reception', { ...wageCase, location: undefined })).json();
    expect(c.ownerOrgId).toBe(org['GM.YUTANG.CHANGZHEN']);
    const get = async (user: string) => t.app.inject({ method: 'GET', url: `/api/v1/cases/${c.id}`, headers: await t.as(user) });
    expect((await get('biyan.secretary')).statusCode).toBe(404);
    expect((await get('changzhen.secretary')).statusCode).toBe(200);
    expect((await get('district.leader')).statusCode).toBe(200);
    const list = (await t.app.inject({ method: 'GET', url: '/api/v1/cases?pageSize=200', headers: await t.as('biyan.secretary') })).json();
    expect(list.items.some((x: { id: string }) => x.id === c.id)).toBe(false);
    expect((await act('biyan.secretary', c.id, { action: 'accept' })).statusCode).toBe(404);
  });

  it('the receiving community keeps sight of a case it dispatched to a department', async () => {
    const c = (await post('biyan.reception', wageCase)).json();
    await act('biyan.secretary', c.id, { action: 'accept' });
    const d = await act('biyan.secretary', c.id, { action: 'dispatch', targetOrgId: org['GM.DEPT.HRSS'] });
    expect(d.json()).toMatchObject({ status: 'dispatched', ownerOrgId: org['GM.DEPT.HRSS'] });
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/cases/${c.id}`, headers: await t.as('biyan.secretary') })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: `/api/v1/cases/${c.id}`, headers: await t.as('hrss.handler') })).statusCode).toBe(200);
  });
});

describe('lifecycle over HTTP', () => {
  it('walks submitted → accepted → dispatched → in_progress → resolved → confirmed → closed with a timeline', async () => {
    const c = (await post('biyan.reception', { ...wageCase, peopleInvolved: 1, amountInvolved: 0, category: 'neighbor.noise' })).json();
    const steps: [string, Record<string, unknown>, string][] = [
      ['biyan.reception', { action: 'respond' }, 'submitted'],
      ['biyan.secretary', { action: 'accept' }, 'accepted'],
      ['biyan.secretary', { action: 'dispatch', targetOrgId: org['GM.GUANGMING.BIYAN'] }, 'dispatched'],
      ['biyan.mediator', { action: 'start' }, 'in_progress'],
      ['biyan.mediator', { action: 'resolve', note: '双方达成一致' }, 'resolved'],
      ['biyan.secretary', { action: 'confirm' }, 'confirmed'],
      ['biyan.secretary', { action: 'close' }, 'closed'],
    ];
    for (const [user, body, status] of steps) {
      const res = await act(user, c.id, body);
      expect(res.statusCode, `${body.action}: ${res.body}`).toBe(200);
      expect(res.json().status).toBe(status);
    }
    const events = (await t.app.inject({ method: 'GET', url: `/api/v1/cases/${c.id}/events`, headers: await t.as('biyan.secretary') })).json();
    expect(events.items.map((e: { action: string }) => e.action)).toEqual(['submit', 'respond', 'accept', 'dispatch', 'start', 'resolve', 'confirm', 'close']);
    const pending = await t.database.db.selectFrom('timers').select('id').where('subject_id', '=', c.id).where('fired_at', 'is', null).where('cancelled_at', 'is', null).execute();
    expect(pending).toHaveLength(0);
  });

  it('an illegal action is a 409 naming the allowed actions', async () => {
    const c = (await post('biyan.reception', wageCase)).json();
    const res = await act('biyan.secretary', c.id, { action: 'resolve', note: '已处理' });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.code).toBe('ILLEGAL_TRANSITION');
    expect(res.json().error.details.allowedActions).toEqual(expect.arrayContaining(['accept', 'reject']));
    // The message names the state and the action as the workbench does, in the reader's language.
    expect(res.json().error.message).toBe('当前状态为“待受理”，不能执行“化解”');
    const en = await t.app.inject({
      method: 'POST', url: `/api/v1/cases/${c.id}/actions`, headers: { ...(await t.as('biyan.secretary')), 'accept-language': 'en' }, payload: { action: 'resolve', note: 'done' },
    });
    expect(en.json().error.message).toBe('Action "Resolve" is not allowed while the case is "Submitted"');
  });

  it('a broken business rule names the field in the reader\'s language', async () => {
    const zh = await post('biyan.reception', { ...wageCase, category: 'no.such_category' });
    expect(zh.statusCode).toBe(400);
    expect(zh.json().error.details.fields).toEqual([{ path: 'body.category', message: '诉求分类不存在' }]);
    const en = await post('biyan.reception', { ...wageCase, category: 'no.such_category' }, { 'accept-language': 'en' });
    expect(en.json().error.details.fields).toEqual([{ path: 'body.category', message: 'unknown category' }]);
    const c = (await post('biyan.reception', wageCase)).json();
    const noReason = await act('biyan.secretary', c.id, { action: 'reject' });
    expect(noReason.json().error.details.fields).toEqual([{ path: 'body.note', message: '此操作需要填写说明（原因）' }]);
  });

  it('reject needs a reason and where to go instead', async () => {
    const c = (await post('biyan.reception', wageCase)).json();
    expect((await act('biyan.secretary', c.id, { action: 'reject', note: '不属于受理范围' })).statusCode).toBe(400);
    const ok = await act('biyan.secretary', c.id, { action: 'reject', note: '不属于受理范围', redirectTo: '请向区人民法院起诉' });
    expect(ok.json().status).toBe('rejected');
  });

  it('reveal unmasks the phone for a role with pii:view and audits it', async () => {
    const c = (await post('biyan.reception', wageCase)).json();
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/reveal`, headers: await t.as('biyan.secretary') });
    expect(res.json().reporter.phone).toBe('13812345678');
    const audit = await t.database.db.selectFrom('audit_log').select('action').where('target_id', '=', c.id).execute();
    expect(audit.map((a) => a.action)).toContain('pii.reveal');
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/cases/${c.id}/reveal`, headers: await t.as('biyan.mediator') })).statusCode).toBe(403);
  });

  it('finds cases by Chinese words in the text', async () => {
    const c = (await post('biyan.reception', { ...wageCase, title: '深夜装修噪音扰民', description: '楼上住户每天深夜装修', category: 'neighbor.noise', peopleInvolved: 1 })).json();
    const found = (await t.app.inject({ method: 'GET', url: `/api/v1/cases?q=${encodeURIComponent('装修噪音')}`, headers: await t.as('biyan.secretary') })).json();
    expect(found.items.map((x: { id: string }) => x.id)).toContain(c.id);
    const none = (await t.app.inject({ method: 'GET', url: `/api/v1/cases?q=${encodeURIComponent('宠物狗')}`, headers: await t.as('biyan.secretary') })).json();
    expect(none.items.map((x: { id: string }) => x.id)).not.toContain(c.id);
    const byNo = (await t.app.inject({ method: 'GET', url: `/api/v1/cases?q=${c.trackingNo}`, headers: await t.as('biyan.secretary') })).json();
    expect(byNo.items.map((x: { id: string }) => x.id)).toEqual([c.id]);
  });
});

describe('deadlines and timers (test clock)', () => {
  it('a red case left unaccepted past 30 minutes raises exactly one breach and one escalation, even with two sweepers', async () => {
    const c = (await post('biyan.reception', wageCase)).json();
    await act('biyan.reception', c.id, { action: 'respond' });
    t.clock.advanceMinutes(31);
    // Two sweepers racing over the same due timers (on PostgreSQL: two pool connections).
    await Promise.all([runDueWork(t.app.ctx), runDueWork(t.app.ctx)]);
    await runDueWork(t.app.ctx);
    const events = (await t.app.inject({ method: 'GET', url: `/api/v1/cases/${c.id}/events`, headers: await t.as('district.admin') })).json().items;
    expect(events.filter((e: { action: string }) => e.action === 'breach')).toHaveLength(1);
    expect(events.filter((e: { action: string }) => e.action === 'escalate')).toHaveLength(1);
    const misses = await t.database.db.selectFrom('sla_misses').selectAll().where('case_id', '=', c.id).execute();
    expect(misses.map((m) => m.clock)).toEqual(['accept']);
    expect(misses[0].org_id).toBe(org['GM.GUANGMING.BIYAN']);
    const after = (await t.app.inject({ method: 'GET', url: `/api/v1/cases/${c.id}`, headers: await t.as('district.admin') })).json();
    expect(after.ownerOrgId).toBe(org['GM.GUANGMING']);
    expect(after.escalationLevel).toBe(1);
    // Still listed as overdue for supervisors until the subdistrict acts on it.
    expect(after.overdue).toBe(true);
  });

  it('the admin clock endpoint fires due timers and turns a case amber then overdue', async () => {
    const c = (await post('biyan.reception', { ...wageCase, peopleInvolved: 3, amountInvolved: 0 })).json(); // yellow: respond 30 min
    const headers = await t.as('sysadmin');
    const tick = async (m: number) => t.app.inject({ method: 'POST', url: '/api/v1/admin/clock', headers, payload: { advanceMinutes: m } });
    expect((await tick(0)).json().now).toBe(t.clock.now().toISOString());
    await tick(25); // past 80% of the 30-minute respond window
    const amber = (await t.app.inject({ method: 'GET', url: `/api/v1/cases/${c.id}`, headers })).json();
    expect(amber).toMatchObject({ warning: true, overdue: false });
    await tick(6);
    const overdue = (await t.app.inject({ method: 'GET', url: `/api/v1/cases/${c.id}`, headers })).json();
    expect(overdue.overdue).toBe(true);
    const list = (await t.app.inject({ method: 'GET', url: '/api/v1/cases?overdue=true&pageSize=200', headers })).json();
    expect(list.items.map((x: { id: string }) => x.id)).toContain(c.id);
  });

  it('suspend and resume keep the remaining time', async () => {
    const c = (await post('biyan.reception', { ...wageCase, peopleInvolved: 3, amountInvolved: 0 })).json(); // yellow: calendar clocks
    await act('biyan.secretary', c.id, { action: 'accept' });
    const accepted = (await t.app.inject({ method: 'GET', url: `/api/v1/cases/${c.id}`, headers: await t.as('biyan.secretary') })).json();
    t.clock.advanceMinutes(60);
    const suspendedAt = t.clock.now().getTime();
    expect((await act('biyan.secretary', c.id, { action: 'suspend', note: '等待法院判决' })).json().status).toBe('suspended');
    const remaining = new Date(accepted.deadlines.resolveBy).getTime() - suspendedAt;
    t.clock.advanceMinutes(3 * 24 * 60);
    await runDueWork(t.app.ctx);
    const suspended = (await t.app.inject({ method: 'GET', url: `/api/v1/cases/${c.id}`, headers: await t.as('biyan.secretary') })).json();
    expect(suspended.overdue).toBe(false);
    const resumed = (await act('biyan.secretary', c.id, { action: 'resume' })).json();
    expect(resumed.status).toBe('accepted');
    expect(new Date(resumed.deadlines.resolveBy).getTime() - t.clock.now().getTime()).toBe(remaining);
  });

  it('a resolved case confirms itself after 3 days without objection', async () => {
    const c = (await post('biyan.reception', { ...wageCase, category: 'neighbor.noise', peopleInvolved: 1, amountInvolved: 0 })).json();
    for (const body of [{ action: 'accept' }, { action: 'dispatch', targetOrgId: org['GM.GUANGMING.BIYAN'] }, { action: 'resolve', note: '已调解' }]) {
      const res = await act('biyan.secretary', c.id, body);
      expect(res.statusCode, res.body).toBe(200);
    }
    t.clock.advanceMinutes(3 * 24 * 60 + 1);
    await runDueWork(t.app.ctx);
    const after = (await t.app.inject({ method: 'GET', url: `/api/v1/cases/${c.id}`, headers: await t.as('biyan.secretary') })).json();
    expect(after.status).toBe('confirmed');
    const confirms = await t.database.db.selectFrom('case_events').select(['actor_kind', 'from_status', 'to_status', 'data']).where('case_id', '=', c.id).where('action', '=', 'confirm').execute();
    expect(confirms).toEqual([{ actor_kind: 'system', from_status: 'resolved', to_status: 'confirmed', data: { by: 'auto' } }]);
  });

  it('the automatic confirmation is refused when the case has moved on: confirmed and closed, or reopened, nothing changes', async () => {
    const resolved = async () => {
      const c = (await post('biyan.reception', { ...wageCase, category: 'neighbor.noise', peopleInvolved: 1, amountInvolved: 0 })).json();
      for (const body of [{ action: 'accept' }, { action: 'dispatch', targetOrgId: org['GM.GUANGMING.BIYAN'] }, { action: 'resolve', note: '已调解' }]) {
        expect((await act('biyan.secretary', c.id, body)).statusCode).toBe(200);
      }
      return c.id as string;
    };
    // Confirmed by hand and closed: the resolution the timer was set for still stands, the state does not.
    const closed = await resolved();
    for (const body of [{ action: 'confirm' }, { action: 'close' }]) expect((await act('biyan.secretary', closed, body)).statusCode).toBe(200);
    const reopened = await resolved();
    expect((await act('biyan.secretary', reopened, { action: 'reopen', note: '群众不满意' })).statusCode).toBe(200);
    // Each step cancelled the auto-confirmation; revive it as if its firing had been claimed before the step committed.
    const ids = [closed, reopened];
    await t.database.db.updateTable('timers').set({ cancelled_at: null }).where('subject_id', 'in', ids).where('kind', '=', 'case.auto_confirm').execute();
    // Only that timer takes part: the reopened case's new resolve window must not fire in between.
    await t.database.db.updateTable('timers').set({ cancelled_at: t.clock.now() }).where('subject_id', 'in', ids).where('kind', '<>', 'case.auto_confirm').where('fired_at', 'is', null).where('cancelled_at', 'is', null).execute();
    // What a confirmation would touch (other sweepers, e.g. the leaders' appointments, may add their own events).
    const snapshot = async () => {
      const cases = await t.database.db.selectFrom('cases').select(['id', 'status', 'confirmed_at', 'resolved_at']).where('id', 'in', ids).orderBy('id').execute();
      const events = await t.database.db.selectFrom('case_events').select(['case_id', 'action', 'actor_kind', 'data']).where('case_id', 'in', ids).where('action', '=', 'confirm').orderBy('id').execute();
      return { cases, events };
    };
    const was = await snapshot();
    t.clock.advanceMinutes(3 * 24 * 60 + 1);
    await runDueWork(t.app.ctx);
    const now = await snapshot();
    expect(now.events).toEqual(was.events);
    expect(now.cases).toEqual(was.cases);
    expect(now.cases.map((c) => c.status).sort()).toEqual(['closed', 'in_progress']);
    expect(now.events).toEqual([{ case_id: closed, action: 'confirm', actor_kind: 'staff', data: { by: 'staff' } }]);
    // Fired and settled: a refusal is not a failure to retry.
    const timers = await t.database.db.selectFrom('timers').selectAll().where('subject_id', 'in', ids).where('kind', '=', 'case.auto_confirm').execute();
    expect(timers).toHaveLength(2);
    for (const timer of timers) expect(timer).toMatchObject({ attempts: 0, last_error: null, cancelled_at: null });
    for (const timer of timers) expect(timer.fired_at).not.toBeNull();
  });

  it('a manual major escalation gives the subdistrict 3 working days', async () => {
    const c = (await post('biyan.reception', { ...wageCase, category: 'neighbor.noise', peopleInvolved: 1, amountInvolved: 0 })).json();
    await act('biyan.secretary', c.id, { action: 'accept' });
    await act('biyan.secretary', c.id, { action: 'dispatch', targetOrgId: org['GM.GUANGMING.BIYAN'] });
    const res = await act('biyan.secretary', c.id, { action: 'escalate', note: '涉及多个部门，社区无法解决', major: true });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ ownerOrgId: org['GM.GUANGMING'], major: true, escalationLevel: 1 });
    expect(new Date(body.deadlines.resolveBy).getTime()).toBeGreaterThan(t.clock.now().getTime() + 2 * 86_400_000);
  });
});
