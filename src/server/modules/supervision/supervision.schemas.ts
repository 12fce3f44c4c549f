/**
 * Response schemas of the supervision routes (督查督办). Codes (status, level, kind) are strings, as in
 * cases.schemas.ts: a stored value outside a union of literals would make the serializer answer 500.
 */
import { Type, type TSchema } from 'typebox';
import { nullable } from '../../platform/schemas.js';

const Text = nullable(Type.String());
/** An ISO 8601 instant, or null when it has not happened. */
const Instant = nullable(Type.String());

const paged = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() });

/** `GET /cases/:id/ladder`: who owns the case now, and each move up or across with its reason. */
export const LadderSchema = Type.Object({
  caseId: Type.String(),
  current: Type.Object({
    ownerOrgId: Type.String(),
    ownerOrgName: Text,
    escalationLevel: Type.Integer(),
    major: Type.Boolean(),
    resolveBy: Instant,
    overdue: Type.Boolean(),
  }),
  steps: Type.Array(
    Type.Object({
      at: Type.String(),
      action: Type.String(),
      /** Moved by a timer (an automatic escalation or a breach), not by a person. */
      automatic: Type.Boolean(),
      fromOrgId: Text,
      toOrgId: Text,
      toOrgName: Text,
      major: Type.Boolean(),
      /** The deadline that was missed (`respond`, `accept`, `resolve`), when a breach moved the case. */
      clock: Text,
      reason: Text,
      actor: Text,
    }),
  ),
});

/** A supervision notice (督办单) and its answer. */
export const NoticeSchema = Type.Object({
  id: Type.String(),
  caseId: Type.String(),
  orgId: Type.String(),
  content: Type.String(),
  issuedBy: Text,
  issuedAt: Type.String(),
  answerBy: Type.String(),
  status: Type.String(),
  overdue: Type.Boolean(),
  answer: Text,
  answeredBy: Text,
  answeredAt: Instant,
});
export const NoticeListSchema = paged(NoticeSchema);

/** A leader appointment task (领导约见), as the schedule and hold steps answer it. */
export const AppointmentSchema = Type.Object({
  id: Type.String(),
  caseId: Type.String(),
  /** The Shanghai date (YYYY-MM-DD) whose end-of-day grading created the task. */
  day: Type.String(),
  level: Type.String(),
  leaderRole: Type.String(),
  orgId: Type.String(),
  status: Type.String(),
  scheduledAt: Instant,
  outcome: Text,
  createdAt: Type.String(),
});
/** In the list, each task also names its unit and its case. */
export const AppointmentListSchema = paged(
  Type.Object({
    ...AppointmentSchema.properties,
    orgName: Type.String(),
    case: Type.Object({ trackingNo: Type.String(), title: Type.String(), riskLevel: Type.String() }),
  }),
);

/** `GET /supervision/reports`: digests, circulars, rankings, analyses; `data` is the report's own figures, per kind. */
export const ReportListSchema = paged(
  Type.Object({
    id: Type.Integer(),
    kind: Type.String(),
    orgId: Type.String(),
    orgName: Type.String(),
    period: Type.String(),
    data: Type.Record(Type.String(), Type.Unknown()),
    createdAt: Type.String(),
  }),
);
