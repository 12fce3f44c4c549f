import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { area } from '@turf/area';
import type { MultiPolygon, Polygon } from 'geojson';
import { openDatabase, type Database } from '../../db/database.js';
import { migrateToLatest } from '../../db/migrate.js';
import { verifyPassword } from '../../platform/passwords.js';
import { checkGeometry, containsPoint } from '../orgs/index.js';
import { childPath } from '../orgs/index.js';
import type { OrgRow } from '../orgs/index.js';
import { DEMO_DEPARTMENTS, DEMO_SUBDISTRICTS, DEMO_USERS, VERIFIED_COMMUNITY_NAMES, communityCode } from './demo.data.js';
import { buildSchematicMap, schematicNotice, seedDemo, type DemoSeedResult } from './demo.seed.js';

const PASSWORD = 'Demo@2026';

type Geometry = Polygon | MultiPolygon;

function geometryOf(org: OrgRow): Geometry {
  expect(org.geometry, `${org.code} has a geometry`).toBeTruthy();
  return org.geometry as Geometry;
}

describe('seedDemo', () => {
  let database: Database;
  let first: DemoSeedResult;
  let orgs: OrgRow[];
  const byCode = (code: string): OrgRow => {
    const org = orgs.find((o) => o.code === code);
    if (!org) throw new Error(`missing org ${code}`);
    return org;
  };

  beforeAll(async () => {
    database = await openDatabase({});
    await migrateToLatest(database.db);
    first = await seedDemo(database.db, { password: PASSWORD });
    orgs = await database.db.selectFrom('org_units').selectAll().execute();
  });

  afterAll(async () => {
    await database?.close();
  });

  it('reports what it inserted', async () => {
    const counted = async (table: 'org_units' | 'buildings' | 'users') =>
      Number((await database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    expect(first).toEqual({ orgs: await counted('org_units'), buildings: await counted('buildings'), users: await counted('users') });
    // 1 district + 6 subdistricts + 31 × (community + station + 3 grids) + departments.
    expect(first.orgs).toBe(1 + 6 + 31 * 5 + DEMO_DEPARTMENTS.length);
    expect(first.users).toBe(DEMO_USERS.length);
  });

  it('builds the 1 + 6 + 31 tree with the named communities in the right places', () => {
    const district = byCode('GM');
    expect(district).toMatchObject({ name: '光明区', name_en: 'Guangming District', type: 'district', parent_id: null, depth: 0 });
    expect(district.path).toBe(`/${district.id}/`);

    const subdistricts = orgs.filter((o) => o.type === 'subdistrict');
    expect(subdistricts).toHaveLength(6);
    expect(subdistricts.map((s) => s.name).sort()).toEqual(['光明街道', '公明街道', '凤凰街道', '新湖街道', '玉塘街道', '马田街道'].sort());
    for (const s of subdistricts) {
      expect(s.parent_id).toBe(district.id);
      expect(s.path).toBe(childPath(district.path, s.id));
      expect(s.name_en).toMatch(/ Subdistrict$/);
    }
    expect(orgs.filter((o) => o.type === 'community')).toHaveLength(31);

    const expectUnder = (communityCodeValue: string, name: string, subCode: string) => {
      const community = byCode(communityCodeValue);
      const sub = byCode(subCode);
      expect(community).toMatchObject({ name, type: 'community', parent_id: sub.id, depth: 2, sample: false });
      expect(community.path).toBe(childPath(sub.path, community.id));
    };
    expectUnder('GM.GUANGMING.BIYAN', '碧眼社区', 'GM.GUANGMING');
    for (const slug of ['GUANGMING', 'DONGZHOU', 'CUIHU', 'JINGKOU', 'BAIHUA']) expectUnder(`GM.GUANGMING.${slug}`, byCode(`GM.GUANGMING.${slug}`).name, 'GM.GUANGMING');
    expect(orgs.filter((o) => o.parent_id === byCode('GM.GUANGMING').id).map((o) => o.name).filter((n) => n.endsWith('社区')).sort())
      .toEqual(['光明社区', '东周社区', '碧眼社区', '翠湖社区', '迳口社区', '白花社区'].sort());
    expectUnder('GM.YUTANG.CHANGZHEN', '长圳社区', 'GM.YUTANG');
    expectUnder('GM.YUTANG.YULV', '玉律社区', 'GM.YUTANG');
    expectUnder('GM.YUTANG.TIANLIAO', '田寮社区', 'GM.YUTANG');
    expectUnder('GM.YUTANG.HONGXING', '红星社区', 'GM.YUTANG');
    expectUnder('GM.GONGMING.GENZHUYUAN', '根竹园社区', 'GM.GONGMING');
    expectUnder('GM.GONGMING.LISONGLANG', '李松蓢社区', 'GM.GONGMING');
  });

  it('labels every invented community as sample and no verified one', () => {
    const communities = orgs.filter((o) => o.type === 'community');
    for (const c of communities) {
      expect(c.sample, c.name).toBe(!VERIFIED_COMMUNITY_NAMES.has(c.name.replace(/社区$/, '')));
    }
    expect(communities.filter((c) => !c.sample)).toHaveLength(VERIFIED_COMMUNITY_NAMES.size);
  });

  it('gives each community one station and three grids', () => {
    for (const sub of DEMO_SUBDISTRICTS) {
      for (const community of sub.communities) {
        const code = communityCode(sub, community);
        const row = byCode(code);
        const children = orgs.filter((o) => o.parent_id === row.id);
        expect(children.map((o) => o.code).sort()).toEqual([`${code}.G1`, `${code}.G2`, `${code}.G3`, `${code}.S1`]);
        expect(byCode(`${code}.S1`)).toMatchObject({ type: 'station', name: `${community.name}社区群众诉求服务站` });
        expect(byCode(`${code}.G2`)).toMatchObject({ type: 'grid', name: `${community.name}社区第2网格` });
        for (const child of children) expect(child.path).toBe(childPath(row.path, child.id));
      }
    }
  });

  it('hangs the departments under the district', () => {
    const district = byCode('GM');
    for (const dept of DEMO_DEPARTMENTS) {
      expect(byCode(dept.code)).toMatchObject({ type: 'department', name: dept.name, name_en: dept.nameEn, parent_id: district.id });
    }
    expect(byCode('GM.DEPT.HRSS').name).toBe('区人力资源局');
    expect(byCode('GM.DEPT.POLICE').name).toBe('公安分局');
    expect(byCode('GM.DEPT.HOUSING').name).toBe('住房和建设局');
    expect(byCode('GM.DEPT.COURT').name).toBe('区人民法院');
  });

  it('stores a valid schematic map: communities partition the district and contain their centroids', () => {
    const district = byCode('GM');
    const outline = geometryOf(district);
    expect(checkGeometry(outline)).toBeNull();
    const districtKm2 = area(outline) / 1e6;
    expect(districtKm2).toBeGreaterThan(140);
    expect(districtKm2).toBeLessThan(170);
    expect(containsPoint(outline, 113.93, 22.75)).toBe(true);

    let communitiesKm2 = 0;
    for (const c of orgs.filter((o) => o.type === 'community')) {
      const g = geometryOf(c);
      expect(g.type, c.code).toBe('Polygon');
      expect(checkGeometry(g), c.code).toBeNull();
      expect(c.lat).not.toBeNull();
      expect(c.lng).not.toBeNull();
      expect(containsPoint(g, c.lng!, c.lat!), `${c.code} contains its centroid`).toBe(true);
      expect(c.lat!).toBeGreaterThan(22.68);
      expect(c.lat!).toBeLessThan(22.82);
      expect(c.lng!).toBeGreaterThan(113.85);
      expect(c.lng!).toBeLessThan(114.01);
      const sub = orgs.find((o) => o.id === c.parent_id)!;
      expect(containsPoint(geometryOf(sub), c.lng!, c.lat!), `${sub.code} contains ${c.code}`).toBe(true);
      communitiesKm2 += area(g) / 1e6;
    }
    // Cells are clipped to the outline and do not overlap, so together they cover it.
    expect(Math.abs(communitiesKm2 - districtKm2) / districtKm2).toBeLessThan(0.005);

    for (const s of orgs.filter((o) => o.type === 'subdistrict')) {
      const g = geometryOf(s);
      expect(checkGeometry(g), s.code).toBeNull();
      expect(g.type, `${s.code} is one contiguous piece`).toBe('Polygon');
    }
    for (const grid of orgs.filter((o) => o.type === 'grid')) {
      expect(checkGeometry(geometryOf(grid)), grid.code).toBeNull();
    }
  });

  it('generates the same map on every run', () => {
    expect(buildSchematicMap()).toEqual(buildSchematicMap());
    expect(schematicNotice['zh-CN']).toContain('示意图');
  });

  it('places every building inside its community and in one of its grids', async () => {
    const buildings = await database.db.selectFrom('buildings').selectAll().execute();
    expect(buildings.length).toBeGreaterThanOrEqual(31 * 80);
    expect(buildings.length).toBeLessThanOrEqual(31 * 120);
    const byId = new Map(orgs.map((o) => [o.id, o]));
    const perCommunity = new Map<string, number>();
    for (const b of buildings) {
      const community = byId.get(b.community_id)!;
      const sub = byId.get(community.parent_id!)!;
      expect(community.type).toBe('community');
      expect(b.code).toMatch(/^GM-[A-Z]+-\d{4}$/);
      expect(b.address.startsWith(`深圳市光明区${sub.name}${community.name}`), b.address).toBe(true);
      expect(b.address).toMatch(/\d+号\d+栋$/);
      expect(containsPoint(geometryOf(community), b.lng!, b.lat!), `${b.code} inside ${community.code}`).toBe(true);
      const grid = byId.get(b.grid_id!)!;
      expect(grid.type).toBe('grid');
      expect(grid.parent_id).toBe(community.id);
      perCommunity.set(community.id, (perCommunity.get(community.id) ?? 0) + 1);
    }
    expect(perCommunity.size).toBe(31);
    const biyan = buildings.find((b) => b.code === 'GM-BIYAN-0001');
    expect(biyan?.community_id).toBe(byCode('GM.GUANGMING.BIYAN').id);
    expect(biyan?.address).toMatch(/^深圳市光明区光明街道碧眼社区.+路\d+号\d+栋$/);
  });

  it('creates every SPEC §13 user with its role at its unit and the demo password', async () => {
    const rows = await database.db
      .selectFrom('users')
      .innerJoin('user_roles', 'user_roles.user_id', 'users.id')
      .innerJoin('org_units', 'org_units.id', 'user_roles.org_id')
      .select(['users.username', 'users.display_name', 'users.password_hash', 'user_roles.role', 'org_units.code', 'org_units.name'])
      .execute();
    expect(rows).toHaveLength(DEMO_USERS.length);
    for (const u of DEMO_USERS) {
      const row = rows.find((r) => r.username === u.username);
      expect(row, u.username).toMatchObject({ role: u.role, code: u.orgCode, display_name: u.displayName });
    }
    const unit = (username: string) => rows.find((r) => r.username === username)?.name;
    expect(unit('sysadmin')).toBe('光明区');
    expect(unit('guangming.admin')).toBe('光明街道');
    expect(unit('biyan.grid')).toBe('碧眼社区');
    expect(unit('changzhen.secretary')).toBe('长圳社区');
    expect(unit('hrss.handler')).toBe('区人力资源局');
    expect(unit('court.judge')).toBe('区人民法院');
    expect(unit('psych.counselor')).toBe('光明区');
    const hash = rows[0].password_hash;
    expect(await verifyPassword(hash, PASSWORD)).toBe(true);
    expect(await verifyPassword(hash, 'wrong-password1')).toBe(false);
  });

  it('records the seed in the audit log', async () => {
    const entries = await database.db.selectFrom('audit_log').selectAll().where('action', '=', 'demo.seed').execute();
    expect(entries).toHaveLength(1);
    expect(entries[0].data).toMatchObject({ orgs: first.orgs, buildings: first.buildings, users: first.users });
  });

  it('does nothing when run again', async () => {
    const again = await seedDemo(database.db, { password: PASSWORD });
    expect(again).toEqual({ orgs: 0, buildings: 0, users: 0 });
    const n = await database.db.selectFrom('org_units').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(first.orgs);
    const b = await database.db.selectFrom('buildings').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(b.n)).toBe(first.buildings);
  });
});

describe('seedDemo atomicity', () => {
  it('leaves nothing behind when a step fails', async () => {
    const database = await openDatabase({});
    try {
      await migrateToLatest(database.db);
      // A pre-existing demo username makes the user insert fail after all org units and buildings went in.
      await database.db.insertInto('users').values({ username: 'court.judge', display_name: 'x', phone: null, password_hash: 'x' }).execute();
      await expect(seedDemo(database.db, { password: PASSWORD })).rejects.toThrow();
      const n = await database.db.selectFrom('org_units').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(n.n)).toBe(0);
      const b = await database.db.selectFrom('buildings').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(b.n)).toBe(0);
    } finally {
      await database.close();
    }
  });
});
