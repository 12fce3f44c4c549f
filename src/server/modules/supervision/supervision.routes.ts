import { Type } from 'typebox';
import { literals } from '../../platform/schemas.js';
import { requireActor } from '../../platform/auth.js';
import type { ApiModule } from '../../platform/context.js';
import { CaseIdParams } from '../cases/index.js';
import { AppointmentListSchema, AppointmentSchema, LadderSchema, NoticeListSchema, NoticeSchema, ReportListSchema } from './supervision.schemas.js';
import * as service from './supervision.service.js';

const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Paging = {
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
};
const tags = ['supervision'];
const REPORT_KINDS = ['digest', 'circular', 'weekly_ranking', 'monthly_analysis', 'quarterly_assessment'] as const;
type ReportKind = (typeof REPORT_KINDS)[number];

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** 督查督办 (SPEC §7): supervision notices, leader appointments, periodic reports, the escalation ladder. */
export const supervisionModule: ApiModule = async (api, ctx) => {
  api.get('/cases/:id/ladder', { schema: { tags, params: CaseIdParams, summary: 'Escalation ladder (提级办理) of a case', response: { 200: LadderSchema } } }, async (req) =>
    service.caseLadder(ctx, requireActor(req), req.params.id),
  );

  const presentNotice = (n: Awaited<ReturnType<typeof service.issueNotice>>) => ({
    id: n.id, caseId: n.case_id, orgId: n.org_id, content: n.content, issuedBy: n.issued_by, issuedAt: n.issued_at.toISOString(),
    answerBy: n.answer_by.toISOString(), status: n.status, overdue: n.overdue, answer: n.answer, answeredBy: n.answered_by, answeredAt: iso(n.answered_at),
  });

  api.post(
    '/cases/:id/supervision-notices',
    {
      schema: {
        tags, params: CaseIdParams, summary: 'Issue a supervision notice (督办单)', response: { 201: NoticeSchema },
        body: Type.Object(
          { content: Type.String({ minLength: 1, maxLength: 2000 }), answerWithinHours: Type.Optional(Type.Integer({ minimum: 1, maximum: 720 })) },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => reply.status(201).send(presentNotice(await service.issueNotice(ctx, requireActor(req), req.params.id, req.body))),
  );
  api.get(
    '/supervision-notices',
    { schema: { tags, querystring: Type.Object({ status: Type.Optional(literals(['open', 'answered'])), caseId: Type.Optional(Type.String({ format: 'uuid' })), ...Paging }, { additionalProperties: false }), response: { 200: NoticeListSchema } } },
    async (req) => {
      const r = await service.listNotices(ctx, requireActor(req), { ...req.query, status: req.query.status as 'open' | 'answered' | undefined });
      return { items: r.rows.map(presentNotice), total: r.total, page: r.page, pageSize: r.pageSize };
    },
  );
  api.post(
    '/supervision-notices/:id/answer',
    { schema: { tags, params: IdParams, body: Type.Object({ answer: Type.String({ minLength: 1, maxLength: 5000 }) }, { additionalProperties: false }), response: { 200: NoticeSchema } } },
    async (req) => presentNotice(await service.answerNotice(ctx, requireActor(req), req.params.id, req.body.answer)),
  );

  const presentAppointment = (a: { id: string; case_id: string; day: string; level: string; leader_role: string; org_id: string; status: string; scheduled_at: Date | null; outcome: string | null; created_at: Date }) => ({
    id: a.id, caseId: a.case_id, day: a.day, level: a.level, leaderRole: a.leader_role, orgId: a.org_id, status: a.status,
    scheduledAt: iso(a.scheduled_at), outcome: a.outcome, createdAt: a.created_at.toISOString(),
  });

  api.get(
    '/leader-appointments',
    {
      schema: {
        tags, summary: 'Leader appointment tasks (领导约见)', response: { 200: AppointmentListSchema },
        querystring: Type.Object(
          { status: Type.Optional(literals(['pending', 'scheduled', 'held'])), day: Type.Optional(Type.String({ format: 'date' })), caseId: Type.Optional(Type.String({ format: 'uuid' })), ...Paging },
          { additionalProperties: false },
        ),
      },
    },
    async (req) => {
      const r = await service.listAppointments(ctx, requireActor(req), req.query);
      return {
        items: r.rows.map((a) => ({ ...presentAppointment(a), orgName: a.org_name, case: { trackingNo: a.tracking_no, title: a.title, riskLevel: a.risk_level } })),
        total: r.total, page: r.page, pageSize: r.pageSize,
      };
    },
  );
  api.post(
    '/leader-appointments/:id/schedule',
    { schema: { tags, params: IdParams, body: Type.Object({ scheduledAt: Type.String({ format: 'date-time' }) }, { additionalProperties: false }), response: { 200: AppointmentSchema } } },
    async (req) => presentAppointment(await service.scheduleAppointment(ctx, requireActor(req), req.params.id, req.body.scheduledAt)),
  );
  api.post(
    '/leader-appointments/:id/hold',
    { schema: { tags, params: IdParams, body: Type.Object({ outcome: Type.String({ minLength: 1, maxLength: 5000 }) }, { additionalProperties: false }), response: { 200: AppointmentSchema } } },
    async (req) => presentAppointment(await service.holdAppointment(ctx, requireActor(req), req.params.id, req.body.outcome)),
  );

  api.get(
    '/supervision/reports',
    {
      schema: {
        tags, summary: 'Daily digests, circulars, weekly rankings, monthly analyses, quarterly assessments', response: { 200: ReportListSchema },
        querystring: Type.Object({ kind: Type.Optional(literals(REPORT_KINDS)), period: Type.Optional(Type.String({ maxLength: 20 })), ...Paging }, { additionalProperties: false }),
      },
    },
    async (req) => {
      const r = await service.listReports(ctx, requireActor(req), { ...req.query, kind: req.query.kind as ReportKind | undefined });
      return {
        items: r.rows.map((x) => ({ id: Number(x.id), kind: x.kind, orgId: x.org_id, orgName: x.org_name, period: x.period, data: x.data, createdAt: x.created_at.toISOString() })),
        total: r.total, page: r.page, pageSize: r.pageSize,
      };
    },
  );
};
