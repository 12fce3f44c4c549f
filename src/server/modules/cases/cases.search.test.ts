import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActor } from '../../platform/auth.js';
import { scopeRoots } from '../../platform/policies.js';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { listCases } from './cases.search.repo.js';
import { caseSearchText, searchQuery } from './search.rules.js';

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

interface Unit {
  id: string;
  path: string;
}

async function unit(code: string): Promise<Unit> {
  return t.database.db.selectFrom('org_units').select(['id', 'path']).where('code', '=', code).executeTakeFirstOrThrow();
}

/** Ids visible to `username` for `q` by the path rule of platform/scope.ts, newest first: what the list showed before 0008. */
async function expected(username: string, q: string): Promise<string[]> {
  const actor = await actorOf(username);
  const roots = scopeRoots(actor, 'case:read');
  const { rows } = await sql<{ id: string }>`
    SELECT id FROM cases
     WHERE (${sql.join(roots.map((r) => sql`owner_path LIKE ${r + '%'} OR first_path LIKE ${r + '%'}`), sql` OR `)})
       AND search_tokens @@ to_tsquery('simple', ${searchQuery(q)})
     ORDER BY created_at DESC, id`.execute(t.database.db);
  return rows.map((r) => r.id);
}

async function actorOf(username: string) {
  const user = await t.database.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow();
  const actor = await loadActor(t.database.db, user.id);
  if (!actor) throw new Error(`no actor ${username}`);
  return actor;
}

async function search(username: string, q: string, pagePlan: 'newest-first' | 'matches', limit = 100, offset = 0) {
  const res = await listCases(t.database.db, await actorOf(username), { q, tsQuery: searchQuery(q), limit, offset, pagePlan });
  return { ids: res.rows.map((r) => r.id), total: res.total };
}

describe('scoped search (words and scope in one index)', () => {
  const users = ['biyan.secretary', 'changzhen.secretary', 'guangming.admin', 'district.admin', 'hrss.handler'];
  const queries = ['鹦鹉 阳台', '鹦鹉', '阳台 鹦鹉 吵闹'];

  it('returns exactly the in-scope matches, whichever way the page is fetched', async () => {
    const biyan = await unit('GM.GUANGMING.BIYAN');
    const biyanChild = await t.database.db.selectFrom('org_units').select(['id', 'path']).where('parent_id', '=', biyan.id).executeTakeFirstOrThrow();
    const owners = [biyan, biyanChild, await unit('GM.YUTANG.CHANGZHEN'), await unit('GM.GUANGMING'), await unit('GM.DEPT.HRSS')];
    const firsts = [biyan, await unit('GM.YUTANG.CHANGZHEN'), await unit('GM.DEPT.HRSS')];
    const texts = [
      ['邻居养的鹦鹉在阳台上整天吵闹', '鹦鹉叫声扰民'],
      ['鹦鹉丢失', '我家的鹦鹉飞走了'],
      ['阳台漏水', '楼上阳台漏水到我家'],
    ];
    let k = 0;
    for (const owner of owners) {
      for (const first of firsts) {
        for (const [title, description] of texts) {
          k++;
          await sql`
            INSERT INTO cases (tracking_no, access_code_hash, channel, service_type, category, title, description, risk_level, status,
                               owner_org_id, owner_path, first_org_id, first_path, created_at, updated_at, search_tokens)
            VALUES (${`SR${String(k).padStart(8, '0')}-001`}, 'x', 'walk_in', 'dispute', 'neighbor.noise', ${title}, ${description}, 'blue', 'submitted',
                    ${owner.id}, ${owner.path}, ${first.id}, ${first.path},
                    ${new Date(Date.UTC(2026, 10, 1) + k * 60_000)}, ${new Date(Date.UTC(2026, 10, 1) + k * 60_000)},
                    to_tsvector('simple', ${caseSearchText([title, description])}))`.execute(t.database.db);
        }
      }
    }

    for (const username of users) {
      for (const q of queries) {
        const want = await expected(username, q);
        for (const plan of ['newest-first', 'matches'] as const) {
          const got = await search(username, q, plan);
          expect(got, `${username} q=${q} plan=${plan}`).toEqual({ ids: want, total: want.length });
        }
      }
    }
    // The fixture is not vacuous: scopes differ, and words narrow.
    expect((await expected('biyan.secretary', '鹦鹉 阳台')).length).toBe(2 * 3 + 3 * 1);
    expect((await expected('changzhen.secretary', '鹦鹉 阳台')).length).toBe(1 * 3 + 4 * 1);
    expect((await expected('district.admin', '鹦鹉')).length).toBe(2 * 15);
    expect((await expected('hrss.handler', '阳台 鹦鹉 吵闹')).length).toBe(1 * 3 + 4 * 1);

    // Pages: both plans cut the same ordered list at the same places.
    const all = await expected('biyan.secretary', '鹦鹉');
    for (const plan of ['newest-first', 'matches'] as const) {
      const pages = [];
      for (let offset = 0; offset < all.length + 4; offset += 4) pages.push(...(await search('biyan.secretary', '鹦鹉', plan, 4, offset)).ids);
      expect(pages).toEqual(all);
    }
  });

  it('follows a case whose owner changes (the index is computed from the paths)', async () => {
    const changzhen = await unit('GM.YUTANG.CHANGZHEN');
    const [victim] = await expected('biyan.secretary', '鹦鹉 阳台');
    const before = await search('changzhen.secretary', '鹦鹉 阳台', 'matches');
    expect(before.ids).not.toContain(victim);
    await t.database.db.updateTable('cases').set({ owner_org_id: changzhen.id, owner_path: changzhen.path }).where('id', '=', victim).execute();
    const after = await search('changzhen.secretary', '鹦鹉 阳台', 'matches');
    expect(after.ids).toContain(victim);
    expect(after.ids).toEqual(await expected('changzhen.secretary', '鹦鹉 阳台'));
  });

  it('over HTTP, a multi-word query lists the in-scope matches with an exact total', async () => {
    const want = await expected('biyan.secretary', '鹦鹉 阳台');
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/cases?q=${encodeURIComponent('鹦鹉 阳台')}&pageSize=100`,
      headers: await t.as('biyan.secretary'),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { items: { id: string }[]; total: number; totalCapped?: boolean };
    expect(body.items.map((i) => i.id)).toEqual(want);
    expect(body.total).toBe(want.length);
  });
});
