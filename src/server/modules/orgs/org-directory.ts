/**
 * The org tree and the buildings as intake reads them on every case: from a
 * short-lived in-memory copy (platform/read-cache.ts) instead of a query per
 * request. A district has hundreds of units, so the whole tree is one entry;
 * buildings (tens of thousands) are cached one code at a time, as they are asked for.
 *
 * Writers of the tree or the buildings call `forgetOrgTree` after commit; other
 * server processes see a change within `ORG_CACHE_MS`.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { forgetSessions } from '../../platform/auth.js';
import { cachedRead, forget } from '../../platform/read-cache.js';
import type { BuildingRow, OrgRow } from './orgs.repo.js';

export const ORG_CACHE_MS = 30_000;

export type DirectoryUnit = Pick<OrgRow, 'id' | 'code' | 'name' | 'name_en' | 'type' | 'path' | 'parent_id' | 'active'> & {
  geometry: { type: string; coordinates: unknown } | null;
};

export interface OrgDirectory {
  /** Every unit, oldest first (so the first district root is the one `districtRoot` returns). */
  units: DirectoryUnit[];
  byId: Map<string, DirectoryUnit>;
  byCode: Map<string, DirectoryUnit>;
  /** The oldest top-level district. */
  district: DirectoryUnit | undefined;
  /** Active communities with a boundary, for point-in-polygon location. */
  communityPolygons: DirectoryUnit[];
}

const NS_TREE = 'org-tree';
const NS_BUILDINGS = 'buildings';

export function orgDirectory(db: Kysely<DB>): Promise<OrgDirectory> {
  return cachedRead(db, NS_TREE, 'all', ORG_CACHE_MS, async () => {
    const rows = await db
      .selectFrom('org_units')
      .select(['id', 'code', 'name', 'name_en', 'type', 'path', 'parent_id', 'active', 'geometry'])
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const units = rows.map((r) => ({ ...r, geometry: (r.geometry ?? null) as DirectoryUnit['geometry'] }));
    return {
      units,
      byId: new Map(units.map((u) => [u.id, u])),
      byCode: new Map(units.map((u) => [u.code, u])),
      district: units.find((u) => u.type === 'district' && u.parent_id === null),
      communityPolygons: units.filter((u) => u.type === 'community' && u.active && u.geometry !== null),
    };
  });
}

/** An active building by code; unknown codes are not cached (a new building is found at once). */
export function buildingByCode(db: Kysely<DB>, code: string): Promise<BuildingRow | undefined> {
  return cachedRead(
    db,
    NS_BUILDINGS,
    code,
    ORG_CACHE_MS,
    () => db.selectFrom('buildings').selectAll().where('code', '=', code).where('active', '=', true).executeTakeFirst(),
    (row) => row !== undefined,
  );
}

/** Call after committing a change to org units or buildings. */
export function forgetOrgTree(db: Kysely<DB>): void {
  forget(db, NS_TREE);
  forget(db, NS_BUILDINGS);
  // Signed-in actors carry their units' paths and names.
  forgetSessions(db);
}

/** Runs a write of the tree or the buildings, then drops this process's cached copy, committed or not. */
export async function changingOrgTree<T>(db: Kysely<DB>, write: Promise<T>): Promise<T> {
  try {
    return await write;
  } finally {
    forgetOrgTree(db);
  }
}
