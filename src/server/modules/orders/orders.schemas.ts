import { Type, type Static } from 'typebox';
import { literals, nullable } from '../../platform/schemas.js';
import { LEADER_RANK_INPUTS, ORDER_KINDS, ORDER_STATES } from './orders.rules.js';

export const IssueOrderBody = Type.Object(
  {
    kind: literals(ORDER_KINDS),
    departmentIds: Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 20, uniqueItems: true }),
    instructions: Type.String({ minLength: 1, maxLength: 2000 }),
  },
  { additionalProperties: false },
);
export type IssueOrderBody = Static<typeof IssueOrderBody>;

export const CheckInBody = Type.Object(
  {
    at: Type.Optional(Type.String({ format: 'date-time' })),
    leaderRank: literals(LEADER_RANK_INPUTS),
    headcount: Type.Integer({ minimum: 1, maximum: 1000 }),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
  },
  { additionalProperties: false },
);

export const CompleteBody = Type.Object({ report: Type.String({ minLength: 1, maxLength: 5000 }) }, { additionalProperties: false });
export const ConfirmBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false });

export const OrderListQuery = Type.Object(
  {
    status: Type.Optional(Type.String({ maxLength: 100, pattern: `^((${ORDER_STATES.join('|')}),?)+$` })),
    box: Type.Optional(literals(['issued', 'received'])),
    caseId: Type.Optional(Type.String({ format: 'uuid' })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000, default: 1 })),
    pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 20 })),
  },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

// Responses. Codes (kind, status, ranks, actions) are strings: see the note in cases.schemas.ts.
const Text = nullable(Type.String());
/** An ISO 8601 instant, or null when it has not happened. */
const Instant = nullable(Type.String());
/** A unit by id, named in the reader's language (null when the unit is gone). */
const UnitRef = Type.Object({ id: Type.String(), name: Text });

/** An order as `presentOrder` gives it: the task, the case it is about without personal data, and what this actor may do now. */
export const OrderSchema = Type.Object({
  id: Type.String(),
  batchId: Type.String(),
  kind: Type.String(),
  status: Type.String(),
  instructions: Type.String(),
  /** Only `id` when the case's facts could not be read. */
  case: Type.Object({
    id: Type.String(),
    trackingNo: Type.Optional(Type.String()),
    title: Type.Optional(Type.String()),
    category: Type.Optional(Type.String()),
    riskLevel: Type.Optional(Type.String()),
    status: Type.Optional(Type.String()),
    address: Type.Optional(Text),
    lat: Type.Optional(nullable(Type.Number())),
    lng: Type.Optional(nullable(Type.Number())),
  }),
  riskLevel: Type.String(),
  issuer: UnitRef,
  department: UnitRef,
  requirements: Type.Object({ minLeaderRank: Text, minLeaderRankLabel: Text, minHeadcount: Type.Integer() }),
  deadlines: Type.Object({ acknowledgeBy: Type.String(), arriveBy: Type.String() }),
  acknowledgedAt: Instant,
  acknowledgeLate: Type.Boolean(),
  checkIn: nullable(
    Type.Object({
      /** When the team arrived (as reported); `recordedAt` is when the check-in was entered. */
      at: Type.String(),
      recordedAt: Instant,
      leaderRank: Text,
      leaderRankLabel: Text,
      headcount: nullable(Type.Integer()),
      lat: nullable(Type.Number()),
      lng: nullable(Type.Number()),
    }),
  ),
  flags: Type.Object({
    late: Type.Boolean(),
    underRanked: Type.Boolean(),
    underStaffed: Type.Boolean(),
    acknowledgeOverdue: Type.Boolean(),
    arriveOverdue: Type.Boolean(),
  }),
  /** Arrived in time, with the rank and headcount asked for. */
  timely: Type.Boolean(),
  completedAt: Instant,
  report: Text,
  confirmedAt: Instant,
  confirmNote: Text,
  createdAt: Type.String(),
  updatedAt: Type.String(),
  allowedActions: Type.Array(Type.String()),
});

/** `POST /cases/:id/orders` (201): one order per department addressed. */
export const IssuedOrdersSchema = Type.Object({ items: Type.Array(OrderSchema) });

export const OrderListSchema = Type.Object({ items: Type.Array(OrderSchema), total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer() });

/** `GET /config/leader-ranks`: lowest first; `order` is the position in the ladder. */
export const LeaderRankListSchema = Type.Object({
  items: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), nameEn: Type.String(), order: Type.Integer() })),
});
