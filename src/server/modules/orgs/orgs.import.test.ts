import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../testing/test-app.js';
import { findOrgByCode } from './orgs.repo.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const importFile = async (fileName: string, content: string, user = 'district.admin') =>
  t.app.inject({ method: 'POST', url: '/api/v1/orgs/import', headers: { ...(await t.as(user)), 'accept-language': 'en' }, payload: { fileName, content } });

const countOrgs = async () => Number((await t.database.db.selectFrom('org_units').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('CSV import', () => {
  it('imports a valid file, children listed before their parents', async () => {
    const csv = [
      'code,name,type,parent_code,name_en,lat,lng',
      'GM.NEW.C1.G1,新社区第1网格,grid,GM.NEW.C1,,,',
      'GM.NEW,新街道,subdistrict,GM,New Subdistrict,22.7,113.9',
      'GM.NEW.C1,新社区,community,GM.NEW,,22.71,113.91',
    ].join('\n');
    const res = await importFile('units.csv', csv);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ created: 3, updated: 0 });
    const grid = await findOrgByCode(t.database.db, 'GM.NEW.C1.G1');
    const sub = await findOrgByCode(t.database.db, 'GM.NEW');
    expect(grid!.path.startsWith(sub!.path)).toBe(true);
  });

  it.each([
    ['a missing name', 'GM.Z1,,community,GM.GUANGMING', 3, 'name'],
    ['an unknown type', 'GM.Z1,甲,castle,GM.GUANGMING', 3, 'type'],
    ['an unknown parent', 'GM.Z1,甲,community,GM.NOPE', 3, 'parent_code'],
    ['a grid under a district', 'GM.Z1,甲,grid,GM', 3, 'parent_code'],
    ['a latitude out of range', 'GM.Z1,甲,community,GM.GUANGMING,,95,113', 3, 'lat'],
    ['a duplicated code', 'GM.Z0,乙,community,GM.GUANGMING', 3, 'code'],
  ])('a file with %s changes nothing and names the bad line', async (_label, badRow, line, field) => {
    const before = await countOrgs();
    const csv = ['code,name,type,parent_code,name_en,lat,lng', 'GM.Z0,好社区,community,GM.GUANGMING,,,', badRow].join('\n');
    const res = await importFile('units.csv', csv);
    expect(res.statusCode).toBe(400);
    const error = res.json().error;
    expect(error.code).toBe('IMPORT_FAILED');
    expect(error.details).toMatchObject({ line, field });
    expect(error.message).toContain(`line ${line}`);
    expect(await countOrgs()).toBe(before);
    expect(await findOrgByCode(t.database.db, 'GM.Z0')).toBeUndefined();
  });

  it('a malformed CSV (ragged row) is rejected with its line', async () => {
    const res = await importFile('units.csv', 'code,name,type,parent_code\nGM.Z2,甲,community,GM.GUANGMING,extra,cells');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.line).toBe(2);
  });

  it('a subdistrict admin imports inside its own subdistrict only: one row outside refuses the whole file', async () => {
    const outside = await importFile('units.csv', 'code,name,type,parent_code\nGM.Z3,甲,community,GM.GUANGMING\nGM.YUTANG.CHANGZHEN,改名社区,community,GM.YUTANG', 'guangming.admin');
    expect(outside.statusCode).toBe(403);
    expect(outside.json().error).toMatchObject({ code: 'IMPORT_OUT_OF_SCOPE', details: { line: 3, field: 'code' } });
    const names = await t.database.db.selectFrom('org_units').select(['code', 'name']).where('code', 'in', ['GM.Z3', 'GM.YUTANG.CHANGZHEN']).execute();
    expect(names).toEqual([{ code: 'GM.YUTANG.CHANGZHEN', name: '长圳社区' }]);

    const newRoot = await importFile('units.csv', 'code,name,type,parent_code\nGM2,另一个区,district,', 'guangming.admin');
    expect(newRoot.statusCode).toBe(403);

    const inside = await importFile('units.csv', 'code,name,type,parent_code\nGM.Z3,甲,community,GM.GUANGMING', 'guangming.admin');
    expect(inside.statusCode).toBe(200);
    expect(inside.json()).toEqual({ created: 1, updated: 0 });
  });
});

describe('GeoJSON import', () => {
  it('updates the boundary of an existing community', async () => {
    const ring = [[113.9, 22.7], [113.95, 22.7], [113.95, 22.75], [113.9, 22.75], [113.9, 22.7]];
    const doc = {
      type: 'FeatureCollection',
      features: [{ type: 'Feature', properties: { code: 'GM.GUANGMING.BIYAN', name: '碧眼社区', type: 'community', parent_code: 'GM.GUANGMING' }, geometry: { type: 'Polygon', coordinates: [ring] } }],
    };
    const res = await importFile('real.geojson', JSON.stringify(doc));
    expect(res.json()).toEqual({ created: 0, updated: 1 });
    const org = await findOrgByCode(t.database.db, 'GM.GUANGMING.BIYAN');
    expect(org!.geometry).toEqual({ type: 'Polygon', coordinates: [ring] });
  });

  it('rejects a feature with an open ring, naming the feature', async () => {
    const doc = {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', properties: { code: 'GM.GUANGMING.BIYAN', name: '碧眼社区', type: 'community' }, geometry: null },
        { type: 'Feature', properties: { code: 'GM.GUANGMING.GUANGMING', name: '光明社区', type: 'community' }, geometry: { type: 'Polygon', coordinates: [[[113.9, 22.7], [113.95, 22.7], [113.95, 22.75], [113.9, 22.76]]] } },
      ],
    };
    const res = await importFile('real.geojson', JSON.stringify(doc));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details).toMatchObject({ line: 2, field: 'geometry' });
  });
});
