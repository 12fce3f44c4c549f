/**
 * Building QR codes: which buildings a poster batch covers and who may print
 * it (staff with org:read over the community), and the public building
 * look-up the portal uses after a scan. Access is checked before any rendering.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { AppContext } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { l } from '../../platform/messages.js';
import { can, type Actor } from '../../platform/policies.js';
import * as repo from './qr.repo.js';
import type { PosterBuilding } from './qr.repo.js';

type BuildingRow = NonNullable<Awaited<ReturnType<typeof repo.findActiveBuilding>>>;

const toPoster = (r: BuildingRow): PosterBuilding => ({ code: r.code, address: r.address, communityName: r.community_name, subdistrictName: r.subdistrict_name });

export interface PosterSelection {
  title: string;
  buildings: PosterBuilding[];
}

/** Every active building of a community, found by id or code; no access check (the CLI is a trusted operator). */
export async function communityBuildings(db: Kysely<DB>, by: { id?: string; code?: string }, field: string): Promise<{ community: { name: string; code: string; path: string }; buildings: PosterBuilding[] }> {
  const org = await repo.findOrg(db, by);
  if (!org) throw AppError.notFound('community');
  if (org.type !== 'community') throw AppError.invalidField(field, l('二维码海报按社区打印，请选择一个社区', 'posters are printed per community: give a community'));
  const rows = await repo.buildingsOfCommunity(db, org.id);
  if (rows.length === 0) throw AppError.invalidField(field, l('该社区没有在用的楼栋', 'this community has no buildings in service'));
  return { community: { name: org.name, code: org.code, path: org.path }, buildings: rows.map(toPoster) };
}

/** The posters a staff member asked for: one building, or a whole community, within their org:read scope. */
export async function posterSelection(ctx: AppContext, actor: Actor, q: { communityId?: string; buildingCode?: string }): Promise<PosterSelection> {
  if ((q.communityId ? 1 : 0) + (q.buildingCode ? 1 : 0) !== 1) throw AppError.invalidField('querystring.communityId', l('请填写社区（communityId）或楼栋编号（buildingCode）其中之一', 'give either communityId or buildingCode'));
  if (q.buildingCode) {
    const row = await repo.findActiveBuilding(ctx.db, q.buildingCode);
    if (!row) throw AppError.notFound('building');
    if (!can(actor, 'org:read', row.community_path)) throw new AppError('OUT_OF_SCOPE');
    return { title: row.code, buildings: [toPoster(row)] };
  }
  const org = await repo.findOrg(ctx.db, { id: q.communityId });
  if (!org) throw AppError.notFound('community');
  if (!can(actor, 'org:read', org.path)) throw new AppError('OUT_OF_SCOPE');
  const { community, buildings } = await communityBuildings(ctx.db, { id: org.id }, 'querystring.communityId');
  return { title: community.code, buildings };
}

/** What the portal shows after a scan: the address and community, nothing personal. */
export async function publicBuilding(ctx: AppContext, code: string) {
  const row = await repo.findActiveBuilding(ctx.db, code);
  if (!row) throw AppError.notFound('building');
  return { code: row.code, address: row.address, communityId: row.community_id, communityName: row.community_name, communityNameEn: row.community_name_en, lat: row.lat, lng: row.lng };
}
