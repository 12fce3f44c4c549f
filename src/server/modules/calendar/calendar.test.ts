import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDueWork } from '../../platform/scheduler.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';

/** Thursday 31 December 2026, 17:00 in Shanghai: the package knows 2026, nobody has published 2027 yet. */
const NEW_YEARS_EVE = new Date('2026-12-31T09:00:00Z');
const sh = (local: string) => new Date(`${local}+08:00`).toISOString();

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ start: NEW_YEARS_EVE });
});
afterAll(async () => t.close());

const noise = {
  channel: 'walk_in', category: 'neighbor.noise', title: '楼上夜间噪音', description: '楼上住户每晚十一点后仍在装修，影响休息',
  location: { address: '碧眼社区3栋' }, reporter: { name: '李四', phone: '13800001111' }, peopleInvolved: 1,
};

async function intake() {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/cases', headers: await t.as('biyan.reception'), payload: noise });
  expect(res.statusCode).toBe(201);
  const body = res.json();
  expect(body.riskLevel).toBe('blue');
  return body as { id: string; deadlines: { respondBy: string; acceptBy: string; resolveBy: string } };
}

const admin = () => t.as('district.admin');
const getYear = async (year: number) => (await t.app.inject({ method: 'GET', url: `/api/v1/calendar/${year}`, headers: await admin() })).json();

describe('a year the State Council has not published: the provisional calendar', () => {
  it("keeps New Year's Day off: a blue case on 31 December at 17:00 is answered on Monday 4 January", async () => {
    const c = await intake();
    expect(c.deadlines.respondBy).toBe(sh('2027-01-04T10:00')); // 1 h on Thursday, then 元旦 and the weekend
    expect([sh('2027-01-04T17:00'), sh('2027-01-05T17:00')]).toContain(c.deadlines.acceptBy);
  });

  it('derives the Spring Festival of 2027 as 5–8 February (除夕 to 初三), marked provisional', async () => {
    const y = await getYear(2027);
    expect(y.status).toBe('provisional');
    expect(y.base).toBe('statutory');
    const spring = y.days.filter((d: { name: string }) => d.name === '春节').map((d: { date: string }) => d.date);
    expect(spring).toEqual(['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08']);
    expect(y.days.every((d: { source: string }) => d.source === 'statutory')).toBe(true);
    // Article 6: the two weekend days are made up on the following working days.
    expect(y.days.filter((d: { name: string }) => d.name === '春节（补假）').map((d: { date: string }) => d.date)).toEqual(['2027-02-09', '2027-02-10']);
  });

  it('reads 2026 from the package as official', async () => {
    const y = await getYear(2026);
    expect(y).toMatchObject({ status: 'official', base: 'package' });
    expect(y.days).toContainEqual({ date: '2026-10-10', kind: 'workday', name: '国庆节', source: 'package' });
  });

  it('warns: the overview carries the banner, /metrics the gauge', async () => {
    const overview = (await t.app.inject({ method: 'GET', url: '/api/v1/calendar', headers: await admin() })).json();
    expect(overview.warning).toEqual({ year: 2027 });
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toContain('fengqiao_calendar_provisional{year="2027"} 1');
    expect(metrics.body).toContain('fengqiao_calendar_provisional{year="2026"} 0');
  });

  it('sends district admins the provisional notice once a week', async () => {
    await runDueWork(t.app.ctx);
    await runDueWork(t.app.ctx);
    const mine = async () =>
      (await t.app.inject({ method: 'GET', url: '/api/v1/notifications', headers: await admin() })).json().items.filter((n: { kind: string }) => n.kind === 'calendar.provisional');
    expect(await mine()).toHaveLength(1);
  });
});

describe('importing the official notice', () => {
  it('refuses a bad line with a 400 that names it, and changes nothing', async () => {
    const before = await getYear(2027);
    const csv = 'date,kind,name\n2027-02-04,holiday,春节\n2027-02-30,holiday,春节\n';
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/calendar/2027/import', headers: await admin(), payload: { fileName: 'notice.csv', content: csv } });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'IMPORT_FAILED', details: { line: 3, field: 'date' } });
    expect(res.json().error.message).toContain('第3行');
    const wrongYear = await t.app.inject({ method: 'POST', url: '/api/v1/calendar/2027/import', headers: await admin(), payload: { fileName: 'n.csv', content: '2028-01-01,holiday,元旦\n' } });
    expect(wrongYear.statusCode).toBe(400);
    expect(wrongYear.json().error.details).toMatchObject({ line: 1, field: 'date' });
    expect(await getYear(2027)).toEqual(before);
  });

  it('keeps an official day a local change overrode when the year is saved again without it', async () => {
    const headers = await admin();
    const save = (days: object[]) => t.app.inject({ method: 'PUT', url: '/api/v1/calendar/2029', headers, payload: { days } });
    expect((await save([{ date: '2029-03-05', kind: 'holiday', name: '测试假日', source: 'official' }])).statusCode).toBe(200);
    expect((await save([{ date: '2029-03-05', kind: 'workday', name: '本地调整', source: 'local' }])).json().year.days).toContainEqual({ date: '2029-03-05', kind: 'workday', name: '本地调整', source: 'local' });
    const again = (await save([])).json();
    expect(again.year.days).toContainEqual({ date: '2029-03-05', kind: 'holiday', name: '测试假日', source: 'official' });
  });

  it('is for district admins only', async () => {
    const res = await t.app.inject({ method: 'PUT', url: '/api/v1/calendar/2027', headers: await t.as('biyan.reception'), payload: { days: [] } });
    expect(res.statusCode).toBe(403);
  });

  it('moves an open deadline onto an added 调休 working day, with one timeline event per case, timers firing once', async () => {
    // Friday 19 February 2027 17:00: one working day later is Monday 22 February 17:00 on the provisional calendar.
    t.clock.set(new Date(sh('2027-02-19T17:00')));
    const c = await intake();
    expect(c.deadlines.acceptBy).toBe(sh('2027-02-22T17:00'));
    // The notice (as the State Council would publish it) makes Saturday 20 February a working day.
    const ics = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//test//notice//CN',
      'BEGIN:VEVENT', 'UID:a', 'DTSTART;VALUE=DATE:20270101', 'DTEND;VALUE=DATE:20270102', 'SUMMARY:元旦(休)', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:b', 'DTSTART;VALUE=DATE:20270205', 'DTEND;VALUE=DATE:20270212', 'SUMMARY:春节(休)', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:c', 'DTSTART;VALUE=DATE:20270220', 'DTEND;VALUE=DATE:20270221', 'SUMMARY:春节(班)', 'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/calendar/2027/import', headers: await admin(), payload: { fileName: '2027.ics', content: ics } });
    expect(res.statusCode).toBe(200);
    expect(res.json().year.status).toBe('official');
    expect(res.json().changedDates).toContain('2027-02-20');

    await runDueWork(t.app.ctx);
    await runDueWork(t.app.ctx); // a second pass finds nothing more to do
    const view = (await t.app.inject({ method: 'GET', url: `/api/v1/cases/${c.id}`, headers: await t.as('biyan.reception') })).json();
    expect(view.deadlines.acceptBy).toBe(sh('2027-02-20T17:00'));
    const events = (await t.app.inject({ method: 'GET', url: `/api/v1/cases/${c.id}/events`, headers: await t.as('biyan.reception') })).json();
    const recomputed = (events.items ?? events).filter((e: { action: string }) => e.action === 'deadlines_recomputed');
    expect(recomputed).toHaveLength(1);
    expect(recomputed[0].data.changes).toContainEqual({ clock: 'accept', from: sh('2027-02-22T17:00'), to: sh('2027-02-20T17:00') });

    const timers = await t.database.db.selectFrom('timers').select(['kind', 'due_at', 'fired_at', 'cancelled_at']).where('subject_id', '=', c.id).where('kind', '=', 'case.breach').execute();
    const live = timers.filter((x) => !x.cancelled_at);
    expect(live.map((x) => x.due_at.toISOString()).sort()).toContain(sh('2027-02-20T17:00'));
    t.clock.set(new Date(sh('2027-02-20T17:01')));
    await runDueWork(t.app.ctx);
    await runDueWork(t.app.ctx);
    const misses = await t.database.db.selectFrom('sla_misses').selectAll().where('case_id', '=', c.id).where('clock', '=', 'accept').execute();
    expect(misses).toHaveLength(1);
  });
});
