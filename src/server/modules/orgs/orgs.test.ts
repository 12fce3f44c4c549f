import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { findOrgByCode } from './orgs.repo.js';

let t: TestApp;
const ids: Record<string, string> = {};
beforeAll(async () => {
  t = await createTestApp();
  for (const code of ['GM', 'GM.GUANGMING', 'GM.GUANGMING.BIYAN', 'GM.YUTANG.CHANGZHEN', 'GM.YUTANG', 'GM.DEPT.HRSS']) {
    const org = await findOrgByCode(t.database.db, code);
    if (!org) throw new Error(`demo org ${code} missing`);
    ids[code] = org.id;
  }
});
afterAll(async () => t.close());

const get = async (user: string, url: string) => t.app.inject({ method: 'GET', url, headers: await t.as(user) });

describe('scoped reads', () => {
  it('a community user reads its own unit and subtree, and gets 403 outside it', async () => {
    expect((await get('biyan.secretary', `/api/v1/orgs/${ids['GM.GUANGMING.BIYAN']}`)).statusCode).toBe(200);
    const other = await get('biyan.secretary', `/api/v1/orgs/${ids['GM.YUTANG.CHANGZHEN']}`);
    expect(other.statusCode).toBe(403);
    expect(other.json().error.code).toBe('OUT_OF_SCOPE');
    expect((await get('biyan.secretary', `/api/v1/orgs/${ids['GM.GUANGMING']}`)).statusCode).toBe(403);
  });

  it('lists only units in scope', async () => {
    const own = (await get('biyan.secretary', '/api/v1/orgs?pageSize=500')).json();
    expect(own.total).toBe(5); // the community, its station and three grids
    expect(own.items.every((o: { code: string }) => o.code.startsWith('GM.GUANGMING.BIYAN'))).toBe(true);
    const all = (await get('district.admin', '/api/v1/orgs?type=community&pageSize=500')).json();
    expect(all.total).toBe(31);
  });

  it('a district admin reads any unit', async () => {
    expect((await get('district.admin', `/api/v1/orgs/${ids['GM.YUTANG.CHANGZHEN']}`)).statusCode).toBe(200);
  });

  it('buildings follow the same scope', async () => {
    const own = (await get('biyan.secretary', '/api/v1/buildings?pageSize=5')).json();
    expect(own.total).toBeGreaterThan(0);
    expect(own.items.every((b: { communityId: string }) => b.communityId === ids['GM.GUANGMING.BIYAN'])).toBe(true);
    const outside = (await get('district.admin', `/api/v1/buildings?communityId=${ids['GM.YUTANG.CHANGZHEN']}&pageSize=1`)).json();
    const res = await get('biyan.secretary', `/api/v1/buildings/${outside.items[0].code}`);
    expect(res.statusCode).toBe(403);
  });
});

describe('changes', () => {
  const create = async (user: string, payload: Record<string, unknown>) =>
    t.app.inject({ method: 'POST', url: '/api/v1/orgs', headers: await t.as(user), payload });

  it('a subdistrict admin cannot create or change units outside its subtree', async () => {
    const res = await create('guangming.admin', { code: 'X.1', name: '测试社区', type: 'community', parentId: ids['GM.YUTANG'] });
    expect(res.statusCode).toBe(403);
    const patch = await t.app.inject({
      method: 'PATCH', url: `/api/v1/orgs/${ids['GM.YUTANG.CHANGZHEN']}`, headers: await t.as('guangming.admin'), payload: { name: '改名' },
    });
    expect(patch.statusCode).toBe(403);
    const unchanged = (await get('district.admin', `/api/v1/orgs/${ids['GM.YUTANG.CHANGZHEN']}`)).json();
    expect(unchanged.name).toBe('长圳社区');
  });

  it('a community role has no write permission at all', async () => {
    const patch = await t.app.inject({
      method: 'PATCH', url: `/api/v1/orgs/${ids['GM.GUANGMING.BIYAN']}`, headers: await t.as('biyan.secretary'), payload: { name: '改名' },
    });
    expect(patch.statusCode).toBe(403);
  });

  it('a district admin creates, renames, moves and deactivates a unit', async () => {
    const res = await create('district.admin', { code: 'GM.GUANGMING.TEST', name: '测试社区', type: 'community', parentId: ids['GM.GUANGMING'], lat: 22.75, lng: 113.93 });
    expect(res.statusCode).toBe(201);
    const created = res.json();
    const grid = (await create('district.admin', { code: 'GM.GUANGMING.TEST.G1', name: '测试网格', type: 'grid', parentId: created.id })).json();
    const headers = await t.as('district.admin');
    const moved = await t.app.inject({ method: 'PATCH', url: `/api/v1/orgs/${created.id}`, headers, payload: { parentId: ids['GM.YUTANG'], name: '测试社区二' } });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ name: '测试社区二', parentId: ids['GM.YUTANG'] });
    // The grid moved with its community: the Yutang-scoped query now finds it.
    const gridRow = await findOrgByCode(t.database.db, 'GM.GUANGMING.TEST.G1');
    const yutang = await findOrgByCode(t.database.db, 'GM.YUTANG');
    expect(gridRow!.path.startsWith(yutang!.path)).toBe(true);
    expect(gridRow!.depth).toBe(3);
    // Deactivating a unit with active children is refused; children first.
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/orgs/${created.id}/deactivate`, headers })).statusCode).toBe(409);
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/orgs/${grid.id}/deactivate`, headers })).json().active).toBe(false);
    expect((await t.app.inject({ method: 'POST', url: `/api/v1/orgs/${created.id}/deactivate`, headers })).json().active).toBe(false);
  });

  it('rejects a unit type under the wrong parent, a duplicate code and a move under itself', async () => {
    const wrong = await create('district.admin', { code: 'GM.BAD', name: '错误', type: 'grid', parentId: ids['GM'] });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.details.fields[0].path).toBe('body.parentId');
    const dup = await create('district.admin', { code: 'GM.GUANGMING.BIYAN', name: '重复', type: 'community', parentId: ids['GM.GUANGMING'] });
    expect(dup.statusCode).toBe(409);
    const loop = await t.app.inject({
      method: 'PATCH', url: `/api/v1/orgs/${ids['GM.GUANGMING']}`, headers: await t.as('sysadmin'), payload: { parentId: ids['GM.GUANGMING.BIYAN'] },
    });
    expect(loop.statusCode).toBe(400);
  });

  it('reports every invalid field with its path, in English when asked', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/orgs',
      headers: { ...(await t.as('district.admin')), 'accept-language': 'en' },
      payload: { code: 'bad code!', name: '', type: 'castle', parentId: 'not-a-uuid', lat: 123, extra: 1 },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.message).toBe('The request has invalid fields');
    const paths = body.error.details.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['body.code', 'body.name', 'body.type', 'body.parentId', 'body.lat', 'body.extra']));
  });

  it('rejects an open polygon', async () => {
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/orgs/${ids['GM.GUANGMING.BIYAN']}`,
      headers: await t.as('district.admin'),
      payload: { geometry: { type: 'Polygon', coordinates: [[[113.9, 22.7], [113.91, 22.7], [113.91, 22.71], [113.9, 22.72]]] } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.fields[0].path).toBe('body.geometry');
  });
});

describe('department directory', () => {
  it('lists every department to a community user, who cannot otherwise read them', async () => {
    const res = await get('biyan.secretary', '/api/v1/orgs/departments');
    expect(res.statusCode).toBe(200);
    const codes = res.json().items.map((d: { code: string }) => d.code);
    expect(codes).toContain('GM.DEPT.HRSS');
    expect(codes.every((c: string) => c.startsWith('GM.DEPT.'))).toBe(true);
    expect((await get('biyan.secretary', `/api/v1/orgs/${ids['GM.DEPT.HRSS']}`)).statusCode).toBe(403);
  });
});

describe('map', () => {
  it('serves community polygons as GeoJSON without a login', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/orgs/map' });
    expect(res.statusCode).toBe(200);
    const communities = res.json().features.filter((f: { properties: { type: string } }) => f.properties.type === 'community');
    expect(communities.length).toBeGreaterThanOrEqual(31);
    expect(communities[0].geometry.type).toMatch(/Polygon/);
  });
});
