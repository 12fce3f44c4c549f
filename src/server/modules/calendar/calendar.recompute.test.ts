import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { loadActor } from '../../platform/auth.js';
import { runDueWork } from '../../platform/scheduler.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { createCase, type IntakeInput } from '../cases/index.js';

const sh = (local: string) => new Date(`${local}+08:00`);
const OPEN_CASES = 1000;

let t: TestApp;
beforeAll(async () => {
  // Friday 19 February 2027, 17:00: each blue case's accept deadline is Monday 22 February 17:00, provisionally.
  t = await createTestApp({ start: sh('2027-02-19T17:00') });
});
afterAll(async () => t.close());

const input: IntakeInput = {
  channel: 'walk_in', category: 'neighbor.noise', title: '楼上夜间噪音', description: '楼上住户每晚十一点后仍在装修',
  location: { address: '碧眼社区3栋' }, reporter: { name: '李四', phone: '13800001111' }, peopleInvolved: 1,
} as IntakeInput;

describe('recomputing many open cases after a calendar change', () => {
  it(`moves ${OPEN_CASES} open blue cases in bounded batches, and every breach timer fires exactly once afterwards`, async () => {
    const user = await t.database.db.selectFrom('users').select('id').where('username', '=', 'biyan.reception').executeTakeFirstOrThrow();
    const actor = (await loadActor(t.database.db, user.id))!;
    const ids: string[] = [];
    for (let i = 0; i < OPEN_CASES; i++) ids.push((await createCase(t.app.ctx, { kind: 'staff', actor }, input)).row.id);

    const res = await t.app.inject({
      method: 'PUT', url: '/api/v1/calendar/2027', headers: await t.as('district.admin'),
      payload: { days: [{ date: '2027-02-20', kind: 'workday', name: '春节', source: 'official' }] },
    });
    expect(res.statusCode).toBe(200);

    // The follower works in batches: one runDueWork round repeats it until it reports nothing left.
    await runDueWork(t.app.ctx);
    const db = t.database.db;
    const moved = await db.selectFrom('cases').select(sql<number>`count(*)`.as('n')).where('id', 'in', ids).where('accept_by', '=', sh('2027-02-20T17:00')).executeTakeFirstOrThrow();
    expect(Number(moved.n)).toBe(OPEN_CASES);
    const events = await db
      .selectFrom('case_events').select(['case_id', sql<number>`count(*)`.as('n')])
      .where('case_id', 'in', ids).where('action', '=', 'deadlines_recomputed').groupBy('case_id').execute();
    expect(events).toHaveLength(OPEN_CASES);
    expect(events.every((e) => Number(e.n) === 1)).toBe(true);
    const follower = await db.selectFrom('calendar_followers').selectAll().where('consumer', '=', 'cases').executeTakeFirstOrThrow();
    expect(follower).toMatchObject({ pass_revision: null, after_key: null });

    // Past the new deadline: each case's accept breach fires once (one miss), none is left pending or doubled.
    t.clock.set(sh('2027-02-20T17:01'));
    await runDueWork(t.app.ctx);
    await runDueWork(t.app.ctx);
    const misses = await db
      .selectFrom('sla_misses').select(['case_id', sql<number>`count(*)`.as('n')])
      .where('case_id', 'in', ids).where('clock', '=', 'accept').groupBy('case_id').execute();
    expect(misses).toHaveLength(OPEN_CASES);
    expect(misses.every((m) => Number(m.n) === 1)).toBe(true);
    const fired = await db
      .selectFrom('timers').select(sql<number>`count(*)`.as('n'))
      .where('subject_id', 'in', ids).where('kind', '=', 'case.breach').where('fired_at', 'is not', null)
      .where('due_at', '=', sh('2027-02-20T17:00')).executeTakeFirstOrThrow();
    expect(Number(fired.n)).toBe(OPEN_CASES);
    // The old timers, set for Monday, were cancelled in the recompute's transaction: none fires on Monday.
    t.clock.set(sh('2027-02-22T17:01'));
    await runDueWork(t.app.ctx);
    const oldFired = await db
      .selectFrom('timers').select(sql<number>`count(*)`.as('n'))
      .where('subject_id', 'in', ids).where('due_at', '=', sh('2027-02-22T17:00')).where('fired_at', 'is not', null).executeTakeFirstOrThrow();
    expect(Number(oldFired.n)).toBe(0);
  }, 240_000);
});
