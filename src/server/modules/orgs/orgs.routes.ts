import { Type } from 'typebox';
import { requireActor } from '../../platform/auth.js';
import type { ApiModule } from '../../platform/context.js';
import { requireSomewhere } from '../../platform/scope.js';
import { presentBuilding, presentOrg } from './orgs.presenter.js';
import {
  BuildingListQuery, BuildingSchema, CreateOrgBody, DepartmentDirectorySchema, IdParams, OrgImportResultSchema, OrgListQuery, OrgMapSchema, OrgSchema, UpdateOrgBody, pageOf, paged,
} from './orgs.schemas.js';
import * as service from './orgs.service.js';
import { applyOrgImport, parseOrgFile } from './orgs.import.js';

const tags = ['orgs'];

export const orgsModule: ApiModule = async (api, ctx) => {
  api.get('/orgs', { schema: { tags, querystring: OrgListQuery, response: { 200: paged(OrgSchema) } } }, async (req) => {
    const result = await service.listOrgs(ctx, requireActor(req), req.query);
    return pageOf(result.rows.map((r) => presentOrg(r)), result.total, result.page, result.pageSize);
  });

  api.get('/orgs/map', { schema: { tags, summary: 'GeoJSON of subdistricts and communities (schematic in the demo)', response: { 200: OrgMapSchema } } }, async () =>
    service.mapFeatures(ctx),
  );

  // Every staff member may address any department (dispatch, orders), so the directory of
  // departments is readable outside one's own subtree: names and codes only.
  api.get('/orgs/departments', { schema: { tags, summary: 'All active departments (directory for dispatch and orders)', response: { 200: DepartmentDirectorySchema } } }, async (req) => {
    requireSomewhere(requireActor(req), 'org:read');
    const rows = await service.departmentDirectory(ctx);
    return { items: rows.map((r) => ({ id: r.id, code: r.code, name: r.name, nameEn: r.name_en, parentId: r.parent_id })) };
  });

  api.get('/orgs/:id', { schema: { tags, params: IdParams, response: { 200: OrgSchema } } }, async (req) =>
    presentOrg(await service.getOrg(ctx, requireActor(req), req.params.id), true),
  );

  api.post('/orgs', { schema: { tags, body: CreateOrgBody, response: { 201: OrgSchema } } }, async (req, reply) => {
    const org = await service.createOrg(ctx, requireActor(req), req.body);
    return reply.status(201).send(presentOrg(org, true));
  });

  api.patch('/orgs/:id', { schema: { tags, params: IdParams, body: UpdateOrgBody, response: { 200: OrgSchema } } }, async (req) =>
    presentOrg(await service.updateOrg(ctx, requireActor(req), req.params.id, req.body), true),
  );

  api.post('/orgs/:id/deactivate', { schema: { tags, params: IdParams, response: { 200: OrgSchema } } }, async (req) =>
    presentOrg(await service.setOrgActive(ctx, requireActor(req), req.params.id, false)),
  );

  api.post('/orgs/:id/activate', { schema: { tags, params: IdParams, response: { 200: OrgSchema } } }, async (req) =>
    presentOrg(await service.setOrgActive(ctx, requireActor(req), req.params.id, true)),
  );

  api.post(
    '/orgs/import',
    {
      schema: {
        tags,
        summary: 'Import org units from CSV (code,name,type,parent_code,name_en,lat,lng) or a GeoJSON FeatureCollection',
        body: Type.Object({ fileName: Type.String({ minLength: 1, maxLength: 200 }), content: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
        response: { 200: OrgImportResultSchema },
      },
      bodyLimit: 20 * 1024 * 1024,
    },
    async (req) => {
      const actor = requireActor(req);
      requireSomewhere(actor, 'org:write');
      // Each row is then checked against where the actor holds org:write (orgs.import.ts).
      return applyOrgImport(ctx.db, ctx.clock, parseOrgFile(req.body.fileName, req.body.content), actor);
    },
  );

  api.get('/buildings', { schema: { tags, querystring: BuildingListQuery, response: { 200: paged(BuildingSchema) } } }, async (req) => {
    const result = await service.listBuildings(ctx, requireActor(req), req.query);
    return pageOf(result.rows.map(presentBuilding), result.total, result.page, result.pageSize);
  });

  api.get(
    '/buildings/:code',
    { schema: { tags, params: Type.Object({ code: Type.String({ maxLength: 64 }) }), response: { 200: BuildingSchema } } },
    async (req) => presentBuilding(await service.getBuilding(ctx, requireActor(req), req.params.code)),
  );
};
