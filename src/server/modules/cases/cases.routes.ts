import { requireActor } from '../../platform/auth.js';
import type { ApiModule } from '../../platform/context.js';
import { pickLocale } from '../../platform/messages.js';
import * as actions from './actions.service.js';
import { createCase } from './intake.service.js';
import { presentCase, presentEvent } from './cases.presenter.js';
import {
  ActionBody, CaseCreatedSchema, CaseEventListSchema, CaseIdParams, CaseListQuery, CaseListSchema, CaseSchema, CategoryListSchema, CreateCaseBody,
  IdempotencyHeaders,
} from './cases.schemas.js';
import * as service from './cases.service.js';
import * as repo from './cases.repo.js';

const tags = ['cases'];

export const casesModule: ApiModule = async (api, ctx) => {
  api.post('/cases', { schema: { tags, body: CreateCaseBody, headers: IdempotencyHeaders, response: { 200: CaseCreatedSchema, 201: CaseCreatedSchema } } }, async (req, reply) => {
    const actor = requireActor(req);
    const result = await createCase(ctx, { kind: 'staff', actor }, req.body, req.headers['idempotency-key']);
    if (result.replayed) reply.header('idempotent-replayed', 'true');
    const body = presentCase(result.row, actor, pickLocale(req.headers['accept-language']));
    return reply.status(result.replayed ? 200 : 201).send({ ...body, accessCode: result.accessCode });
  });

  api.get('/cases', { schema: { tags, querystring: CaseListQuery, response: { 200: CaseListSchema } } }, async (req) => {
    const actor = requireActor(req);
    const locale = pickLocale(req.headers['accept-language']);
    const { rows, total, totalCapped, page, pageSize } = await service.listCases(ctx, actor, req.query);
    // totalCapped: there are more than `total` matches ("10000+", "1000+" for a words search); counting them all costs too much.
    return { items: rows.map((r) => presentCase(r, actor, locale)), total, totalCapped, page, pageSize };
  });

  api.get('/cases/:id', { schema: { tags, params: CaseIdParams, response: { 200: CaseSchema } } }, async (req) => {
    const actor = requireActor(req);
    return presentCase(await service.getCase(ctx, actor, req.params.id), actor, pickLocale(req.headers['accept-language']));
  });

  api.post('/cases/:id/reveal', { schema: { tags, params: CaseIdParams, summary: 'Unmask the reporter (audited)', response: { 200: CaseSchema } } }, async (req) => {
    const actor = requireActor(req);
    const row = await service.revealCase(ctx, actor, req.params.id, req.ip);
    return presentCase(row, actor, pickLocale(req.headers['accept-language']), { revealed: true });
  });

  api.get('/cases/:id/events', { schema: { tags, params: CaseIdParams, response: { 200: CaseEventListSchema } } }, async (req) => {
    const events = await service.caseEvents(ctx, requireActor(req), req.params.id);
    return { items: events.map(presentEvent) };
  });

  api.post('/cases/:id/actions', { schema: { tags, params: CaseIdParams, body: ActionBody, response: { 200: CaseSchema } } }, async (req) => {
    const actor = requireActor(req);
    const row = await actions.performAction(ctx, actor, req.params.id, req.body);
    return presentCase(row, actor, pickLocale(req.headers['accept-language']));
  });

  api.get('/categories', { schema: { tags: ['config'], response: { 200: CategoryListSchema } } }, async (req) => {
    const rows = await repo.listCategories(ctx.db);
    const en = pickLocale(req.headers['accept-language']) === 'en';
    return {
      items: rows.map((c) => ({
        code: c.code,
        serviceType: c.service_type,
        name: en ? c.name_en : c.name,
        nameZh: c.name,
        nameEn: c.name_en,
        handling: c.handling,
        departmentCode: c.department_code,
        anonymousAllowed: c.anonymous_allowed,
      })),
    };
  });
};
