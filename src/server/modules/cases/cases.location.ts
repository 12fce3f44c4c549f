/**
 * Where a case is (SPEC §9 location): a building code gives building,
 * community and grid; a map point gives the community whose polygon holds it;
 * a free address is matched against building addresses by trigram similarity;
 * anything else goes to the district desk for manual dispatch.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { AppError } from '../../platform/errors.js';
import { l } from '../../platform/messages.js';
import { containsPoint } from '../orgs/index.js';
import * as repo from './cases.repo.js';
import { buildingByCode, orgDirectory } from '../orgs/index.js';

export interface LocationInput {
  address?: string;
  lat?: number;
  lng?: number;
  buildingCode?: string;
}

export interface ResolvedLocation {
  address: string | null;
  lat: number | null;
  lng: number | null;
  buildingCode: string | null;
  communityId: string | null;
  gridId: string | null;
  source: 'building' | 'point' | 'address' | 'none';
}

export async function resolveLocation(db: Kysely<DB>, input: LocationInput | undefined, fieldPrefix = 'body.location'): Promise<ResolvedLocation> {
  const base: ResolvedLocation = {
    address: input?.address?.trim() || null,
    lat: input?.lat ?? null,
    lng: input?.lng ?? null,
    buildingCode: null,
    communityId: null,
    gridId: null,
    source: 'none',
  };
  if (!input) return base;
  if (input.buildingCode) {
    const building = await buildingByCode(db, input.buildingCode);
    if (!building) throw AppError.invalidField(`${fieldPrefix}.buildingCode`, l('楼栋编号不存在', 'unknown building code'));
    return {
      address: base.address ?? building.address,
      lat: base.lat ?? building.lat,
      lng: base.lng ?? building.lng,
      buildingCode: building.code,
      communityId: building.community_id,
      gridId: building.grid_id,
      source: 'building',
    };
  }
  if ((input.lat === undefined) !== (input.lng === undefined)) {
    throw AppError.invalidField(`${fieldPrefix}.${input.lat === undefined ? 'lat' : 'lng'}`, l('经度和纬度须同时填写', 'lat and lng go together'));
  }
  if (input.lat !== undefined && input.lng !== undefined) {
    const hit = (await orgDirectory(db)).communityPolygons.find((c) => c.geometry && containsPoint(c.geometry, input.lng!, input.lat!));
    if (hit) return { ...base, communityId: hit.id, source: 'point' };
  }
  if (base.address) {
    const match = await repo.closestBuildingByAddress(db, base.address);
    if (match) return { ...base, buildingCode: match.code, communityId: match.community_id, gridId: match.grid_id, source: 'address' };
  }
  return base;
}
