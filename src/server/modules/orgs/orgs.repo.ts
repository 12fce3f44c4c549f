import { sql, type Kysely, type Selectable } from 'kysely';
import type { BuildingsTable, OrgType, OrgUnitsTable } from './orgs.tables.js';
import type { DB } from '../../db/schema.js';
import { inActorScope } from '../../platform/scope.js';
import type { Actor, Permission } from '../../platform/policies.js';

export type OrgRow = Selectable<OrgUnitsTable>;
export type BuildingRow = Selectable<BuildingsTable>;

export interface OrgListFilter {
  type?: OrgType;
  parentId?: string;
  q?: string;
  includeInactive?: boolean;
  limit: number;
  offset: number;
}

const listColumns = [
  'id', 'code', 'name', 'name_en', 'type', 'parent_id', 'path', 'depth', 'lat', 'lng', 'sample', 'active',
  'created_at', 'updated_at',
] as const;

export function findOrgById(db: Kysely<DB>, id: string): Promise<OrgRow | undefined> {
  return db.selectFrom('org_units').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findOrgByCode(db: Kysely<DB>, code: string): Promise<OrgRow | undefined> {
  return db.selectFrom('org_units').selectAll().where('code', '=', code).executeTakeFirst();
}

export function findOrgsByCodes(db: Kysely<DB>, codes: string[]): Promise<OrgRow[]> {
  if (codes.length === 0) return Promise.resolve([]);
  return db.selectFrom('org_units').selectAll().where('code', 'in', codes).execute();
}

/** Units in the actor's scope for `permission`, filtered and paged. */
export async function listOrgs(db: Kysely<DB>, actor: Actor, permission: Permission, f: OrgListFilter) {
  let query = db.selectFrom('org_units').where((eb) => inActorScope(eb, eb.ref('org_units.path'), actor, permission));
  if (f.type) query = query.where('type', '=', f.type);
  if (f.parentId) query = query.where('parent_id', '=', f.parentId);
  if (!f.includeInactive) query = query.where('active', '=', true);
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) => eb.or([eb('name', 'like', like), eb('code', 'like', like), eb('name_en', 'ilike', like)]));
  }
  const [rows, total] = await Promise.all([
    query.select(listColumns).orderBy('depth').orderBy('code').limit(f.limit).offset(f.offset).execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export interface NewOrg {
  id: string;
  code: string;
  name: string;
  name_en: string | null;
  type: OrgType;
  parent_id: string | null;
  path: string;
  depth: number;
  lat: number | null;
  lng: number | null;
  geometry: unknown | null;
  sample?: boolean;
}

export async function insertOrg(db: Kysely<DB>, org: NewOrg): Promise<OrgRow> {
  return db
    .insertInto('org_units')
    .values({ ...org, geometry: org.geometry === null ? null : JSON.stringify(org.geometry) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface OrgPatch {
  name?: string;
  name_en?: string | null;
  lat?: number | null;
  lng?: number | null;
  geometry?: unknown | null;
  active?: boolean;
}

export async function updateOrg(db: Kysely<DB>, id: string, patch: OrgPatch, now: Date): Promise<OrgRow> {
  const { geometry, ...rest } = patch;
  return db
    .updateTable('org_units')
    .set({
      ...rest,
      ...(geometry !== undefined ? { geometry: geometry === null ? null : JSON.stringify(geometry) } : {}),
      updated_at: now,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Re-roots a whole subtree under a new parent path in one statement. */
export async function moveSubtree(db: Kysely<DB>, oldPath: string, newPath: string, newParentId: string, now: Date): Promise<void> {
  const delta = newPath.split('/').length - oldPath.split('/').length;
  await sql`
    UPDATE org_units
       SET path = ${newPath} || substr(path, ${oldPath.length + 1}),
           depth = depth + ${delta},
           updated_at = ${now}
     WHERE path LIKE ${oldPath.replace(/[\\%_]/g, (c) => `\\${c}`) + '%'}`.execute(db);
  await db.updateTable('org_units').set({ parent_id: newParentId }).where('path', '=', newPath).execute();
}

export function countActiveChildren(db: Kysely<DB>, id: string) {
  return db
    .selectFrom('org_units')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('parent_id', '=', id)
    .where('active', '=', true)
    .executeTakeFirstOrThrow();
}

export interface BuildingFilter {
  communityId?: string;
  q?: string;
  limit: number;
  offset: number;
}

/** Buildings whose community is in the actor's scope. */
export async function listBuildings(db: Kysely<DB>, actor: Actor, f: BuildingFilter) {
  let query = db
    .selectFrom('buildings')
    .innerJoin('org_units as c', 'c.id', 'buildings.community_id')
    .where((eb) => inActorScope(eb, eb.ref('c.path'), actor, 'org:read'));
  if (f.communityId) query = query.where('buildings.community_id', '=', f.communityId);
  if (f.q) query = query.where((eb) => eb.or([eb('buildings.address', 'like', `%${f.q}%`), eb('buildings.code', '=', f.q!)]));
  const [rows, total] = await Promise.all([
    query
      .select(['buildings.id', 'buildings.code', 'buildings.address', 'buildings.lat', 'buildings.lng',
        'buildings.community_id', 'buildings.grid_id', 'buildings.active', 'buildings.created_at', 'c.name as community_name'])
      .orderBy('buildings.code')
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export function findBuildingByCode(db: Kysely<DB>, code: string) {
  return db
    .selectFrom('buildings')
    .innerJoin('org_units as c', 'c.id', 'buildings.community_id')
    .select(['buildings.id', 'buildings.code', 'buildings.address', 'buildings.lat', 'buildings.lng',
      'buildings.community_id', 'buildings.grid_id', 'buildings.active', 'buildings.created_at', 'c.name as community_name', 'c.path as community_path'])
    .where('buildings.code', '=', code)
    .executeTakeFirst();
}

/** Communities with their geometry, for maps, within a subtree. */
export function communityFeatures(db: Kysely<DB>, rootPath: string) {
  return db
    .selectFrom('org_units')
    .select(['id', 'code', 'name', 'name_en', 'type', 'parent_id', 'geometry', 'lat', 'lng', 'sample'])
    .where('type', 'in', ['district', 'subdistrict', 'community'])
    .where('active', '=', true)
    .where('path', 'like', `${rootPath}%`)
    .orderBy('depth')
    .execute();
}

/** The roots of the org tree (the district, or each district of a multi-district install). */
export async function rootOrgIds(db: Kysely<DB>): Promise<string[]> {
  const rows = await db.selectFrom('org_units').select('id').where('parent_id', 'is', null).where('active', '=', true).execute();
  return rows.map((r) => r.id);
}
