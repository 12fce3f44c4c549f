import type { BuildingRow, OrgRow } from './orgs.repo.js';

type OrgListRow = Omit<OrgRow, 'geometry'> & { geometry?: unknown };

/** API shape of an org unit. The path is internal and never leaves the server. */
export function presentOrg(row: OrgListRow, withGeometry = false) {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    nameEn: row.name_en,
    type: row.type,
    parentId: row.parent_id,
    depth: row.depth,
    lat: row.lat,
    lng: row.lng,
    sample: row.sample,
    active: row.active,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    ...(withGeometry ? { geometry: row.geometry ?? null } : {}),
  };
}

export function presentBuilding(row: Omit<BuildingRow, 'created_at'> & { community_name: string }) {
  return {
    id: row.id,
    code: row.code,
    address: row.address,
    lat: row.lat,
    lng: row.lng,
    communityId: row.community_id,
    communityName: row.community_name,
    gridId: row.grid_id,
    active: row.active,
  };
}
