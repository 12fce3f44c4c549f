import { Type, type Static } from 'typebox';
import { LEADER_RANK_INPUTS, ORDER_KINDS, ORDER_STATES } from './orders.rules.js';

const literals = (values: readonly string[]) => Type.Union(values.map((v) => Type.Literal(v)));

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
