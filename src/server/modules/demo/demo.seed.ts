/**
 * Loads the demo district 光明区: org tree, departments, a schematic map,
 * a few thousand buildings and the SPEC §13 demo users — in one transaction,
 * so a failed seed leaves nothing behind.
 *
 * No official boundary data ships, so the map is generated: subdistrict
 * regions are Voronoi cells of hand-placed anchors clipped to a hand-drawn
 * district outline; each subdistrict's communities are Voronoi cells of
 * centroids placed inside that region (relaxed with Lloyd's algorithm so the
 * cells have similar sizes), which keeps every subdistrict contiguous by
 * construction. Grids split each community the same way. A seeded PRNG makes
 * every run produce identical coordinates, so tests, screenshots and
 * building QR codes stay stable. The UI must show `schematicNotice`.
 */
import { randomUUID } from 'node:crypto';
import { intersect } from '@turf/intersect';
import { union } from '@turf/union';
import { feature, featureCollection } from '@turf/helpers';
import { Delaunay } from 'd3-delaunay';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import { appendAudit } from '../../platform/audit.js';
import { systemClock, type Clock } from '../../platform/clock.js';
import { hashPassword } from '../../platform/passwords.js';
import { insertUser, replaceRoles } from '../users/index.js';
import { checkGeometry, containsPoint } from '../orgs/index.js';
import { findOrgByCode, insertOrg, type NewOrg, type OrgRow } from '../orgs/index.js';
import { childPath, depthOf } from '../orgs/index.js';
import {
  DEMO_DEPARTMENTS, DEMO_DISTRICT, DEMO_OUTLINE, DEMO_STREETS, DEMO_SUBDISTRICTS, DEMO_USERS,
  communityCode, isSampleCommunity, schematicNotice,
} from './demo.data.js';

export { schematicNotice };

/** What one seed run inserted; all zeros when the demo was already there. */
export interface DemoSeedResult {
  orgs: number;
  buildings: number;
  users: number;
}

/** Options of `seedDemo`. */
export interface DemoSeedOptions {
  /** Password of every demo account (SPEC §13: `Demo@2026` unless configured). */
  password: string;
  /** Progress lines, e.g. `console.log` from the CLI; silent when omitted. */
  log?: (msg: string) => void;
  /** Time of the audit row; the system clock unless a test clock is injected. */
  clock?: Clock;
}

/** [lng, lat], the GeoJSON order `checkGeometry` expects. */
export type LngLat = [number, number];

/** A grid of a community on the schematic map. */
export interface SchematicGrid {
  site: LngLat;
  geometry: Polygon | MultiPolygon;
}

/** A community on the schematic map: its centroid lies inside its polygon. */
export interface SchematicCommunity {
  site: LngLat;
  geometry: Polygon;
  grids: SchematicGrid[];
}

/** A subdistrict: the union of its communities, which come in `DEMO_SUBDISTRICTS` order. */
export interface SchematicSubdistrict {
  site: LngLat;
  geometry: Polygon | MultiPolygon;
  communities: SchematicCommunity[];
}

/** The whole generated map, in the order of `DEMO_SUBDISTRICTS`. */
export interface SchematicMap {
  outline: Polygon;
  center: LngLat;
  subdistricts: SchematicSubdistrict[];
}

/** Fixed seed: changing it moves every boundary and building of the demo. */
export const DEMO_MAP_SEED = 0x20180928;
/** Grids per community (`…G1` to `…G3`). */
export const GRIDS_PER_COMMUNITY = 3;
const BUILDINGS_MIN = 80;
const BUILDINGS_MAX = 120;
const INSERT_BATCH = 500;
/** Rounded to 1e-6° (about 0.1 m) so stored geometry is compact and shared edges snap together. */
const COORD_SCALE = 1e6;
const DISTRICT_CENTER: LngLat = [113.93, 22.75];
/**
 * A degree of longitude is shorter than one of latitude here; Voronoi cells
 * are computed on x = lng·cos(lat) so they look round on a map, not stretched.
 */
const KX = Math.cos((DISTRICT_CENTER[1] * Math.PI) / 180);

/** mulberry32: tiny, fast and good enough for layout; never Math.random, so runs repeat exactly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function round6(n: number): number {
  return Math.round(n * COORD_SCALE) / COORD_SCALE;
}

/** Rounds a ring, drops the repeated points rounding creates and keeps it closed; null when it collapses. */
function roundRing(ring: readonly Position[]): LngLat[] | null {
  const out: LngLat[] = [];
  for (const p of ring) {
    const q: LngLat = [round6(p[0]), round6(p[1])];
    const last = out[out.length - 1];
    if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
  }
  if (out.length === 0) return null;
  const first = out[0];
  const last = out[out.length - 1];
  if (first[0] !== last[0] || first[1] !== last[1]) out.push([first[0], first[1]]);
  return out.length >= 4 ? out : null;
}

function roundPolygonRings(rings: readonly Position[][]): LngLat[][] | null {
  const exterior = roundRing(rings[0]);
  if (!exterior) return null;
  const holes = rings.slice(1).map(roundRing).filter((r): r is LngLat[] => r !== null);
  return [exterior, ...holes];
}

function roundGeometry(g: Polygon | MultiPolygon): Polygon | MultiPolygon {
  if (g.type === 'Polygon') {
    const rings = roundPolygonRings(g.coordinates);
    if (!rings) throw new Error('demo map: a polygon collapsed when rounded');
    return { type: 'Polygon', coordinates: rings };
  }
  const polygons = g.coordinates.map(roundPolygonRings).filter((p): p is LngLat[][] => p !== null);
  if (polygons.length === 0) throw new Error('demo map: a multipolygon collapsed when rounded');
  return polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0] } : { type: 'MultiPolygon', coordinates: polygons };
}

function exteriorRings(g: Polygon | MultiPolygon): Position[][] {
  return g.type === 'Polygon' ? [g.coordinates[0]] : g.coordinates.map((p) => p[0]);
}

function bboxOf(g: Polygon | MultiPolygon): [number, number, number, number] {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ring of exteriorRings(g)) {
    for (const [x, y] of ring) {
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
  }
  return [minX, minY, maxX, maxY];
}

/** Area-weighted centroid (shoelace) of the exterior rings; our cells have no holes. */
function centroidOf(g: Polygon | MultiPolygon): LngLat {
  let a = 0;
  let cx = 0;
  let cy = 0;
  for (const ring of exteriorRings(g)) {
    for (let i = 0; i < ring.length - 1; i++) {
      const [x0, y0] = ring[i];
      const [x1, y1] = ring[i + 1];
      const cross = x0 * y1 - x1 * y0;
      a += cross;
      cx += (x0 + x1) * cross;
      cy += (y0 + y1) * cross;
    }
  }
  return [cx / (3 * a), cy / (3 * a)];
}

/** Voronoi cells of `sites`, each clipped to `clip`; cell i contains site i when the site is inside `clip`. */
function voronoiCells(sites: readonly LngLat[], clip: Polygon): (Polygon | MultiPolygon)[] {
  const [minX, minY, maxX, maxY] = bboxOf(clip);
  const pad = 0.01;
  const voronoi = Delaunay.from(sites.map(([lng, lat]) => [lng * KX, lat])).voronoi([
    (minX - pad) * KX, minY - pad, (maxX + pad) * KX, maxY + pad,
  ]);
  return sites.map((site, i) => {
    const cell = voronoi.cellPolygon(i) as Delaunay.Polygon | null;
    if (!cell) throw new Error(`demo map: site ${site.join(',')} has an empty Voronoi cell (duplicate site?)`);
    const ring = cell.map(([x, y]): LngLat => [x / KX, y]);
    const clipped = intersect(featureCollection([feature<Polygon>({ type: 'Polygon', coordinates: [ring] }), feature(clip)]));
    if (!clipped) throw new Error(`demo map: the cell of ${site.join(',')} lies outside its region`);
    return roundGeometry(clipped.geometry);
  });
}

/** Rejection-samples `n` points inside `region`, at least `spacing` apart (relaxed if the region is too tight). */
function samplePoints(region: Polygon, n: number, rand: () => number, spacingFactor: number): LngLat[] {
  const [minX, minY, maxX, maxY] = bboxOf(region);
  let spacing = spacingFactor * Math.sqrt(((maxX - minX) * KX * (maxY - minY)) / n);
  const points: LngLat[] = [];
  let misses = 0;
  while (points.length < n) {
    const p: LngLat = [minX + rand() * (maxX - minX), minY + rand() * (maxY - minY)];
    const farEnough = points.every(([x, y]) => Math.hypot((x - p[0]) * KX, y - p[1]) >= spacing);
    if (farEnough && containsPoint(region, p[0], p[1])) {
      points.push(p);
    } else if (++misses > 200) {
      spacing *= 0.8;
      misses = 0;
    }
  }
  return points;
}

/**
 * Lloyd relaxation: move each site to its cell's centroid a few times, so
 * cells even out in size and sites sit well inside them. A centroid that
 * falls outside a non-convex region keeps the previous site.
 */
function relax(sites: LngLat[], region: Polygon, iterations: number): LngLat[] {
  let current = sites;
  for (let i = 0; i < iterations; i++) {
    const cells = voronoiCells(current, region);
    current = current.map((site, k) => {
      const c = centroidOf(cells[k]);
      return containsPoint(region, c[0], c[1]) ? c : site;
    });
  }
  return current.map(([lng, lat]): LngLat => [round6(lng), round6(lat)]);
}

function onePolygon(g: Polygon | MultiPolygon, what: string): Polygon {
  if (g.type !== 'Polygon') throw new Error(`demo map: ${what} came out in ${g.coordinates.length} pieces; adjust the demo data`);
  return g;
}

function assertValid(g: Polygon | MultiPolygon, what: string): void {
  const problem = checkGeometry(g);
  if (problem) throw new Error(`demo map: ${what}: ${problem.en}`);
}

/**
 * Generates the schematic map of the demo district. Pure and deterministic:
 * the same seed gives the same coordinates on every machine. Throws if the
 * data produce a cell that is not one valid piece, so a bad edit of the demo
 * data fails loudly instead of drawing a broken map.
 */
export function buildSchematicMap(seed: number = DEMO_MAP_SEED): SchematicMap {
  const rand = prng(seed);
  const outlineRing: LngLat[] = DEMO_OUTLINE.map(([lng, lat]): LngLat => [lng, lat]);
  outlineRing.push([outlineRing[0][0], outlineRing[0][1]]);
  const outline: Polygon = { type: 'Polygon', coordinates: [outlineRing] };
  assertValid(outline, 'district outline');

  const anchors = DEMO_SUBDISTRICTS.map((s): LngLat => [s.anchor[0], s.anchor[1]]);
  const regions = voronoiCells(anchors, outline).map((g, i) => onePolygon(g, `region of ${DEMO_SUBDISTRICTS[i].code}`));

  const subdistricts = DEMO_SUBDISTRICTS.map((sub, si): SchematicSubdistrict => {
    const region = regions[si];
    const sites = relax(samplePoints(region, sub.communities.length, rand, 0.5), region, 8);
    const cells = voronoiCells(sites, region);
    const communities = sub.communities.map((community, ci): SchematicCommunity => {
      const code = communityCode(sub, community);
      const geometry = onePolygon(cells[ci], code);
      assertValid(geometry, code);
      const site = sites[ci];
      if (!containsPoint(geometry, site[0], site[1])) throw new Error(`demo map: ${code} does not contain its centroid`);
      const gridSites = relax(samplePoints(geometry, GRIDS_PER_COMMUNITY, rand, 0.4), geometry, 5);
      const grids = voronoiCells(gridSites, geometry).map((g, gi): SchematicGrid => {
        assertValid(g, `${code}.G${gi + 1}`);
        return { site: gridSites[gi], geometry: g };
      });
      return { site, geometry, grids };
    });
    const merged = union(featureCollection(communities.map((c) => feature(c.geometry))));
    if (!merged) throw new Error(`demo map: ${sub.code} has no area`);
    const geometry = roundGeometry(merged.geometry);
    assertValid(geometry, sub.code);
    return { site: anchors[si], geometry, communities };
  });

  return { outline, center: DISTRICT_CENTER, subdistricts };
}

/** A building to insert, before its community and grid ids are known. */
interface PlannedBuilding {
  code: string;
  address: string;
  lng: number;
  lat: number;
  gridIndex: number;
}

/** Building code `GM-<COMMUNITY SLUG>-<4 digits>`, e.g. `GM-BIYAN-0001` (the scheme is in demo.data.ts). */
export function demoBuildingCode(slug: string, n: number): string {
  return `GM-${slug}-${String(n).padStart(4, '0')}`;
}

/** The grid whose polygon holds the point; the nearest grid seed if rounding left it on no grid's side of an edge. */
function gridFor(grids: readonly SchematicGrid[], lng: number, lat: number): number {
  const inside = grids.findIndex((g) => containsPoint(g.geometry, lng, lat));
  if (inside >= 0) return inside;
  let best = 0;
  let bestDistance = Infinity;
  grids.forEach((g, i) => {
    const d = Math.hypot((g.site[0] - lng) * KX, g.site[1] - lat);
    if (d < bestDistance) [best, bestDistance] = [i, d];
  });
  return best;
}

/** 80–120 buildings per community at random points inside it, with unique sample addresses. */
function planBuildings(
  subName: string, communityName: string, slug: string, community: SchematicCommunity, rand: () => number,
): PlannedBuilding[] {
  const count = BUILDINGS_MIN + Math.floor(rand() * (BUILDINGS_MAX - BUILDINGS_MIN + 1));
  const streets = [`${communityName}路`];
  while (streets.length < 3) {
    const street = DEMO_STREETS[Math.floor(rand() * DEMO_STREETS.length)];
    if (!streets.includes(street)) streets.push(street);
  }
  const [minX, minY, maxX, maxY] = bboxOf(community.geometry);
  const addresses = new Set<string>();
  const planned: PlannedBuilding[] = [];
  while (planned.length < count) {
    const lng = round6(minX + rand() * (maxX - minX));
    const lat = round6(minY + rand() * (maxY - minY));
    // Test the rounded point: that is what gets stored and later checked.
    if (!containsPoint(community.geometry, lng, lat)) continue;
    const street = streets[Math.floor(rand() * streets.length)];
    const address =
      `深圳市${DEMO_DISTRICT.name}${subName}街道${communityName}社区${street}` +
      `${1 + Math.floor(rand() * 199)}号${1 + Math.floor(rand() * 8)}栋`;
    if (addresses.has(address)) continue;
    addresses.add(address);
    planned.push({ code: demoBuildingCode(slug, planned.length + 1), address, lng, lat, gridIndex: gridFor(community.grids, lng, lat) });
  }
  return planned;
}

type OrgFields = Omit<NewOrg, 'id' | 'path' | 'depth' | 'parent_id'>;

async function addOrg(trx: Transaction<DB>, parent: OrgRow | null, fields: OrgFields): Promise<OrgRow> {
  const id = randomUUID();
  const path = childPath(parent?.path ?? null, id);
  return insertOrg(trx, { ...fields, id, path, depth: depthOf(path), parent_id: parent?.id ?? null });
}

/**
 * Seeds the demo district, its buildings and the SPEC §13 demo users, all in
 * one transaction. Idempotent: does nothing (returns zeros) when the district
 * 'GM' already exists, so `serve --demo` can call it on every start.
 */
export async function seedDemo(db: Kysely<DB>, opts: DemoSeedOptions): Promise<DemoSeedResult> {
  const log = opts.log ?? (() => {});
  const none: DemoSeedResult = { orgs: 0, buildings: 0, users: 0 };
  if (await findOrgByCode(db, DEMO_DISTRICT.code)) {
    log('demo: district GM already present, nothing to seed');
    return none;
  }
  const started = performance.now();
  const map = buildSchematicMap();
  log(`demo: schematic map generated (${map.subdistricts.reduce((n, s) => n + s.communities.length, 0)} communities)`);
  // Argon2id is deliberately slow, so the demo accounts share ONE hash (and
  // thus one salt). Acceptable only because their password is public anyway;
  // real accounts are always hashed one by one with their own salt.
  const passwordHash = await hashPassword(opts.password);

  const result = await db.transaction().execute(async (trx): Promise<DemoSeedResult | null> => {
    // Checked again inside the transaction in case another process seeded meanwhile.
    if (await findOrgByCode(trx, DEMO_DISTRICT.code)) return null;
    const orgs = new Map<string, OrgRow>();
    const add = async (parent: OrgRow | null, fields: OrgFields) => {
      const row = await addOrg(trx, parent, fields);
      orgs.set(row.code, row);
      return row;
    };

    const district = await add(null, {
      code: DEMO_DISTRICT.code, name: DEMO_DISTRICT.name, name_en: DEMO_DISTRICT.nameEn, type: 'district',
      lng: map.center[0], lat: map.center[1], geometry: map.outline,
    });
    for (const dept of DEMO_DEPARTMENTS) {
      await add(district, { code: dept.code, name: dept.name, name_en: dept.nameEn, type: 'department', lat: null, lng: null, geometry: null });
    }

    const buildingRows: { code: string; address: string; lat: number; lng: number; community_id: string; grid_id: string }[] = [];
    const rand = prng(DEMO_MAP_SEED ^ 0x5eed);
    for (const [si, sub] of DEMO_SUBDISTRICTS.entries()) {
      const subMap = map.subdistricts[si];
      const subRow = await add(district, {
        code: sub.code, name: `${sub.name}街道`, name_en: sub.nameEn, type: 'subdistrict',
        lng: subMap.site[0], lat: subMap.site[1], geometry: subMap.geometry,
      });
      for (const [ci, community] of sub.communities.entries()) {
        const cMap = subMap.communities[ci];
        const code = communityCode(sub, community);
        const name = `${community.name}社区`;
        const communityRow = await add(subRow, {
          code, name, name_en: community.nameEn, type: 'community',
          lng: cMap.site[0], lat: cMap.site[1], geometry: cMap.geometry, sample: isSampleCommunity(community),
        });
        await add(communityRow, {
          code: `${code}.S1`, name: `${name}群众诉求服务站`, name_en: `${community.nameEn} Service Station`, type: 'station',
          lng: cMap.site[0], lat: cMap.site[1], geometry: null,
        });
        const gridRows: OrgRow[] = [];
        for (const [gi, grid] of cMap.grids.entries()) {
          gridRows.push(await add(communityRow, {
            code: `${code}.G${gi + 1}`, name: `${name}第${gi + 1}网格`, name_en: `${community.nameEn} Grid ${gi + 1}`, type: 'grid',
            lng: grid.site[0], lat: grid.site[1], geometry: grid.geometry,
          }));
        }
        for (const b of planBuildings(sub.name, community.name, community.slug, cMap, rand)) {
          buildingRows.push({
            code: b.code, address: b.address, lat: b.lat, lng: b.lng, community_id: communityRow.id, grid_id: gridRows[b.gridIndex].id,
          });
        }
      }
    }
    log(`demo: ${orgs.size} org units`);

    // Batches keep each statement well under Postgres' 65,535 bind-parameter limit.
    for (let i = 0; i < buildingRows.length; i += INSERT_BATCH) {
      await trx.insertInto('buildings').values(buildingRows.slice(i, i + INSERT_BATCH)).execute();
      log(`demo: buildings ${Math.min(i + INSERT_BATCH, buildingRows.length)}/${buildingRows.length}`);
    }

    for (const u of DEMO_USERS) {
      const org = orgs.get(u.orgCode);
      if (!org) throw new Error(`demo user ${u.username}: no org unit ${u.orgCode}`);
      const user = await insertUser(trx, { username: u.username, display_name: u.displayName, phone: null, password_hash: passwordHash });
      await replaceRoles(trx, user.id, [{ role: u.role, orgId: org.id }]);
    }
    log(`demo: ${DEMO_USERS.length} users`);

    const counts: DemoSeedResult = { orgs: orgs.size, buildings: buildingRows.length, users: DEMO_USERS.length };
    await appendAudit(trx, opts.clock ?? systemClock, {
      action: 'demo.seed', targetType: 'org', targetId: district.id, data: { ...counts },
    });
    return counts;
  });

  if (!result) {
    log('demo: district GM was seeded concurrently, nothing to seed');
    return none;
  }
  log(`demo: seeded in ${Math.round(performance.now() - started)} ms`);
  return result;
}
