import { randomUUID } from 'node:crypto';
import type { AppContext } from '../../platform/context.js';
import { appendAudit } from '../../platform/audit.js';
import { AppError } from '../../platform/errors.js';
import { l } from '../../platform/messages.js';
import { can, type Actor, type Permission } from '../../platform/policies.js';
import { requireSomewhere } from '../../platform/scope.js';
import * as repo from './orgs.repo.js';
import { changingOrgTree } from './org-directory.js';
import { childPath, depthOf, isWithin, mayCreateRoot, parentProblem } from './orgs.rules.js';
import type { BuildingListQuery, CreateOrgBody, OrgListQuery, UpdateOrgBody } from './orgs.schemas.js';
import { checkGeometry } from './geometry.rules.js';

/** Loads a unit and checks the actor holds `permission` on it (404 if absent, 403 if outside scope). */
export async function orgInScope(ctx: AppContext, actor: Actor, id: string, permission: Permission) {
  const org = await repo.findOrgById(ctx.db, id);
  if (!org) throw AppError.notFound('org');
  if (!can(actor, permission, org.path)) throw new AppError('OUT_OF_SCOPE');
  return org;
}

export async function listOrgs(ctx: AppContext, actor: Actor, q: OrgListQuery) {
  requireSomewhere(actor, 'org:read');
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 50;
  const { rows, total } = await repo.listOrgs(ctx.db, actor, 'org:read', {
    type: q.type as repo.OrgRow['type'] | undefined,
    parentId: q.parentId,
    q: q.q,
    includeInactive: q.includeInactive,
    limit: pageSize,
    offset: (page - 1) * pageSize,
  });
  return { rows, total, page, pageSize };
}

export function getOrg(ctx: AppContext, actor: Actor, id: string) {
  return orgInScope(ctx, actor, id, 'org:read');
}

export async function createOrg(ctx: AppContext, actor: Actor, body: CreateOrgBody) {
  requireSomewhere(actor, 'org:write');
  const parent = body.parentId ? await orgInScope(ctx, actor, body.parentId, 'org:write') : null;
  if (!parent && !mayCreateRoot(actor)) throw new AppError('FORBIDDEN');
  const problem = parentProblem(body.type as repo.OrgRow['type'], parent?.type ?? null);
  if (problem) throw AppError.invalidField('body.parentId', problem);
  if (body.geometry) {
    const geometryProblem = checkGeometry(body.geometry);
    if (geometryProblem) throw AppError.invalidField('body.geometry', geometryProblem);
  }
  if (await repo.findOrgByCode(ctx.db, body.code)) throw new AppError('DUPLICATE', { what: body.code });
  const id = randomUUID();
  const path = childPath(parent?.path ?? null, id);
  return changingOrgTree(ctx.db, ctx.db.transaction().execute(async (trx) => {
    const org = await repo.insertOrg(trx, {
      id,
      code: body.code,
      name: body.name,
      name_en: body.nameEn ?? null,
      type: body.type as repo.OrgRow['type'],
      parent_id: parent?.id ?? null,
      path,
      depth: depthOf(path),
      lat: body.lat ?? null,
      lng: body.lng ?? null,
      geometry: body.geometry ?? null,
    });
    await appendAudit(trx, ctx.clock, { action: 'org.create', actor, targetType: 'org', targetId: id, data: { code: body.code, name: body.name, type: body.type } });
    return org;
  }));
}

export async function updateOrg(ctx: AppContext, actor: Actor, id: string, body: UpdateOrgBody) {
  const org = await orgInScope(ctx, actor, id, 'org:write');
  if (body.geometry) {
    const geometryProblem = checkGeometry(body.geometry);
    if (geometryProblem) throw AppError.invalidField('body.geometry', geometryProblem);
  }
  let newParent: repo.OrgRow | null = null;
  if (body.parentId && body.parentId !== org.parent_id) {
    newParent = await orgInScope(ctx, actor, body.parentId, 'org:write');
    if (isWithin(newParent.path, org.path)) throw AppError.invalidField('body.parentId', l('单位不能移到自己的下级之下', 'a unit cannot move under itself'));
    const problem = parentProblem(org.type, newParent.type);
    if (problem) throw AppError.invalidField('body.parentId', problem);
  }
  const now = ctx.clock.now();
  return changingOrgTree(ctx.db, ctx.db.transaction().execute(async (trx) => {
    if (newParent) await repo.moveSubtree(trx, org.path, childPath(newParent.path, org.id), newParent.id, now);
    const updated = await repo.updateOrg(
      trx,
      id,
      { name: body.name, name_en: body.nameEn, lat: body.lat, lng: body.lng, geometry: body.geometry },
      now,
    );
    await appendAudit(trx, ctx.clock, {
      action: 'org.update',
      actor,
      targetType: 'org',
      targetId: id,
      data: { ...body, geometry: body.geometry === undefined ? undefined : '(geometry)' },
    });
    return updated;
  }));
}

export async function setOrgActive(ctx: AppContext, actor: Actor, id: string, active: boolean) {
  const org = await orgInScope(ctx, actor, id, 'org:write');
  if (!active) {
    const { n } = await repo.countActiveChildren(ctx.db, id);
    if (Number(n) > 0) throw AppError.conflict(l('请先停用其在用的下级单位', 'deactivate its active child units first'));
  }
  return changingOrgTree(ctx.db, ctx.db.transaction().execute(async (trx) => {
    const updated = await repo.updateOrg(trx, org.id, { active }, ctx.clock.now());
    await appendAudit(trx, ctx.clock, { action: active ? 'org.activate' : 'org.deactivate', actor, targetType: 'org', targetId: id, data: { code: org.code } });
    return updated;
  }));
}

export async function listBuildings(ctx: AppContext, actor: Actor, q: BuildingListQuery) {
  requireSomewhere(actor, 'org:read');
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 50;
  const { rows, total } = await repo.listBuildings(ctx.db, actor, { communityId: q.communityId, q: q.q, limit: pageSize, offset: (page - 1) * pageSize });
  return { rows, total, page, pageSize };
}

export async function getBuilding(ctx: AppContext, actor: Actor, code: string) {
  const building = await repo.findBuildingByCode(ctx.db, code);
  if (!building) throw AppError.notFound('building');
  if (!can(actor, 'org:read', building.community_path)) throw new AppError('OUT_OF_SCOPE');
  return building;
}

/**
 * GeoJSON of the district, its subdistricts and communities for maps. Public:
 * boundaries are not personal data, and the citizen portal needs them.
 */
export async function mapFeatures(ctx: AppContext) {
  const root = await ctx.db.selectFrom('org_units').select(['path']).where('type', '=', 'district').orderBy('created_at').executeTakeFirst();
  if (!root) return { type: 'FeatureCollection' as const, features: [] };
  const rows = await repo.communityFeatures(ctx.db, root.path);
  return {
    type: 'FeatureCollection' as const,
    features: rows
      .filter((r) => r.geometry)
      .map((r) => ({
        type: 'Feature' as const,
        id: r.id,
        geometry: r.geometry,
        properties: { id: r.id, code: r.code, name: r.name, nameEn: r.name_en, type: r.type, parentId: r.parent_id, sample: r.sample },
      })),
  };
}

/** Active departments anywhere in the tree, for dispatch and order pickers. */
export function departmentDirectory(ctx: AppContext) {
  return ctx.db
    .selectFrom('org_units')
    .select(['id', 'code', 'name', 'name_en', 'parent_id'])
    .where('type', '=', 'department')
    .where('active', '=', true)
    .orderBy('code')
    .execute();
}
