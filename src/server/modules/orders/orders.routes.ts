import { Type } from 'typebox';
import { requireActor } from '../../platform/auth.js';
import type { AppContext, ApiModule } from '../../platform/context.js';
import { pickLocale, type Locale } from '../../platform/messages.js';
import type { Actor } from '../../platform/policies.js';
import { CaseIdParams } from '../cases/index.js';
import * as repo from './orders.repo.js';
import { presentOrder } from './orders.presenter.js';
import { LEADER_RANKS } from './orders.rules.js';
import {
  CheckInBody, CompleteBody, ConfirmBody, IdParams, IssueOrderBody, IssuedOrdersSchema, LeaderRankListSchema, OrderListQuery, OrderListSchema, OrderSchema,
} from './orders.schemas.js';
import * as service from './orders.service.js';

const tags = ['orders'];

async function present(ctx: AppContext, rows: repo.OrderRow[], actor: Actor, locale: Locale) {
  const [cases, orgs] = await Promise.all([
    repo.caseSummaries(ctx.db, [...new Set(rows.map((r) => r.case_id))]),
    repo.orgNames(ctx.db, [...new Set(rows.flatMap((r) => [r.issuer_org_id, r.department_id]))]),
  ]);
  const lookup = { cases: new Map(cases.map((c) => [c.id, c])), orgs: new Map(orgs.map((o) => [o.id, o])) };
  return rows.map((r) => presentOrder(r, actor, locale, lookup));
}

/** 社区吹哨，部门报到 (SPEC §6): issue, inbox, acknowledge, check in, complete, confirm; the order matrix. */
export const ordersModule: ApiModule = async (api, ctx) => {
  api.post('/cases/:id/orders', { schema: { tags, params: CaseIdParams, body: IssueOrderBody, summary: 'Issue an order to departments (发令)', response: { 201: IssuedOrdersSchema } } }, async (req, reply) => {
    const actor = requireActor(req);
    const rows = await service.issueOrders(ctx, actor, req.params.id, req.body);
    return reply.status(201).send({ items: await present(ctx, rows, actor, pickLocale(req.headers['accept-language'])) });
  });

  api.get('/orders', { schema: { tags, querystring: OrderListQuery, summary: 'Order inbox: issued by or addressed to my units', response: { 200: OrderListSchema } } }, async (req) => {
    const actor = requireActor(req);
    const { rows, total, page, pageSize } = await service.listOrders(ctx, actor, req.query);
    return { items: await present(ctx, rows, actor, pickLocale(req.headers['accept-language'])), total, page, pageSize };
  });

  api.get('/orders/:id', { schema: { tags, params: IdParams, response: { 200: OrderSchema } } }, async (req) => {
    const actor = requireActor(req);
    const [o] = await present(ctx, [await service.getOrder(ctx, actor, req.params.id)], actor, pickLocale(req.headers['accept-language']));
    return o;
  });

  const one = async (row: repo.OrderRow, actor: Actor, lang: string | undefined) => (await present(ctx, [row], actor, pickLocale(lang)))[0];

  api.post('/orders/:id/acknowledge', { schema: { tags, params: IdParams, summary: '接令', response: { 200: OrderSchema } } }, async (req) => {
    const actor = requireActor(req);
    return one(await service.acknowledgeOrder(ctx, actor, req.params.id), actor, req.headers['accept-language']);
  });
  api.post('/orders/:id/check-in', { schema: { tags, params: IdParams, body: CheckInBody, summary: '报到', response: { 200: OrderSchema } } }, async (req) => {
    const actor = requireActor(req);
    return one(await service.checkInOrder(ctx, actor, req.params.id, req.body), actor, req.headers['accept-language']);
  });
  api.post('/orders/:id/complete', { schema: { tags, params: IdParams, body: CompleteBody, response: { 200: OrderSchema } } }, async (req) => {
    const actor = requireActor(req);
    return one(await service.completeOrder(ctx, actor, req.params.id, req.body.report), actor, req.headers['accept-language']);
  });
  api.post('/orders/:id/confirm', { schema: { tags, params: IdParams, body: Type.Optional(ConfirmBody), response: { 200: OrderSchema } } }, async (req) => {
    const actor = requireActor(req);
    return one(await service.confirmOrder(ctx, actor, req.params.id, req.body?.note), actor, req.headers['accept-language']);
  });

  api.get('/config/leader-ranks', { schema: { tags: ['config'], summary: 'Leader ranks, lowest first', response: { 200: LeaderRankListSchema } } }, async (req) => {
    requireActor(req);
    return { items: LEADER_RANKS.map((r, i) => ({ code: r.code, name: r.zh, nameEn: r.en, order: i })) };
  });
};
