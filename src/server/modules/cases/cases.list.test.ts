import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { COUNT_CAP, SEARCH_COUNT_CAP, listCases } from './cases.search.repo.js';
import { searchQuery } from './search.rules.js';
import { loadActor } from '../../platform/auth.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

async function list(user: string, query: string) {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/cases?${query}`, headers: await t.as(user) });
  expect(res.statusCode).toBe(200);
  return res.json() as { items: { id: string }[]; total: number; totalCapped: boolean };
}

describe('case list totals', () => {
  it('counts exactly up to the cap, then reports a capped total', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: await t.as('biyan.reception'),
      payload: { channel: 'walk_in', category: 'neighbor.noise', title: '深夜装修噪音', description: '楼上每天深夜装修', reporter: { name: '李四', phone: '13912345678' } },
    });
    expect(res.statusCode).toBe(201);
    const c = res.json() as { id: string; trackingNo: string };
    expect(await list('biyan.secretary', 'q=%E8%A3%85%E4%BF%AE')).toMatchObject({ total: 1, totalCapped: false });

    const copies = (from: number, to: number) => sql`
      INSERT INTO cases (tracking_no, access_code_hash, channel, service_type, category, title, description, risk_level, status,
                         owner_org_id, owner_path, first_org_id, first_path, created_at, updated_at, search_tokens)
      SELECT 'CAP' || g, c.access_code_hash, c.channel, c.service_type, c.category, c.title, c.description, c.risk_level, c.status,
             c.owner_org_id, c.owner_path, c.first_org_id, c.first_path, c.created_at, c.updated_at, c.search_tokens
        FROM cases c, generate_series(${from}::int, ${to}::int) g
       WHERE c.id = ${c.id}`.execute(t.database.db);

    // A words search counts exactly up to SEARCH_COUNT_CAP matches, then says "1000+".
    await copies(1, SEARCH_COUNT_CAP - 1);
    expect(await list('biyan.secretary', 'q=%E8%A3%85%E4%BF%AE&pageSize=5')).toMatchObject({ total: SEARCH_COUNT_CAP, totalCapped: false });
    await copies(SEARCH_COUNT_CAP, SEARCH_COUNT_CAP);
    expect(await list('biyan.secretary', 'q=%E8%A3%85%E4%BF%AE&pageSize=5')).toMatchObject({ total: SEARCH_COUNT_CAP, totalCapped: true });
    // Past the cap, a page walked newest-first and a page of every match sorted are the same page.
    const user = await t.database.db.selectFrom('users').select('id').where('username', '=', 'biyan.secretary').executeTakeFirstOrThrow();
    const actor = (await loadActor(t.database.db, user.id))!;
    const pageBy = async (pagePlan: 'newest-first' | 'matches', offset: number) =>
      (await listCases(t.database.db, actor, { q: '装修', tsQuery: searchQuery('装修'), limit: 7, offset, pagePlan })).rows.map((r) => r.id);
    for (const offset of [0, 7, 990]) {
      const walked = await pageBy('newest-first', offset);
      expect(walked).toHaveLength(7);
      expect(await pageBy('matches', offset)).toEqual(walked);
    }

    // A list counts up to COUNT_CAP: COUNT_CAP more visible copies make COUNT_CAP + 1 in all.
    await copies(SEARCH_COUNT_CAP + 1, COUNT_CAP);
    const all = await list('biyan.secretary', 'pageSize=5');
    expect(all).toMatchObject({ total: COUNT_CAP, totalCapped: true });
    expect(all.items).toHaveLength(5);
    // Narrow filters still count exactly, and other scopes see none of it.
    expect(await list('biyan.secretary', `q=${c.trackingNo}`)).toMatchObject({ total: 1, totalCapped: false });
    expect(await list('changzhen.secretary', 'pageSize=5')).toMatchObject({ total: 0, totalCapped: false });
  });
});
