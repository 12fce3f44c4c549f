/** All SQL of the building QR codes: buildings with their community, by code or by community. */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';

export interface PosterBuilding {
  code: string;
  address: string;
  communityName: string;
  subdistrictName: string | null;
}

const columns = ['b.code', 'b.address', 'b.lat', 'b.lng', 'b.community_id', 'c.name as community_name', 'c.name_en as community_name_en', 'c.path as community_path', 'p.name as subdistrict_name'] as const;

function buildingsWithCommunity(db: Kysely<DB>) {
  return db
    .selectFrom('buildings as b')
    .innerJoin('org_units as c', 'c.id', 'b.community_id')
    .leftJoin('org_units as p', 'p.id', 'c.parent_id')
    .select(columns)
    .where('b.active', '=', true);
}

/** An active building by its code (inactive ones are treated as unknown: their posters should come down). */
export function findActiveBuilding(db: Kysely<DB>, code: string) {
  return buildingsWithCommunity(db).where('b.code', '=', code).executeTakeFirst();
}

/** Every active building of a community, in code order (the order posters are printed and put up). */
export function buildingsOfCommunity(db: Kysely<DB>, communityId: string) {
  return buildingsWithCommunity(db).where('b.community_id', '=', communityId).orderBy('b.code').execute();
}

export function findOrg(db: Kysely<DB>, by: { id?: string; code?: string }) {
  let q = db.selectFrom('org_units').select(['id', 'code', 'name', 'type', 'path', 'active']);
  if (by.id) q = q.where('id', '=', by.id);
  if (by.code) q = q.where('code', '=', by.code);
  return q.executeTakeFirst();
}
