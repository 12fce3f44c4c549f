import { Type } from 'typebox';

export const SummaryQuery = Type.Object(
  {
    /** The unit to summarise (its whole subtree); default: the caller's widest case:read scope. */
    orgId: Type.Optional(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: false },
);

const Rate = Type.Union([Type.Number(), Type.Null()]);
const Figures = {
  received: Type.Integer(),
  accepted: Type.Integer(),
  resolved: Type.Integer(),
  /** 化解率 = resolved ÷ accepted; null when nothing was accepted. */
  resolutionRate: Rate,
};
const RiskCounts = Type.Object({ red: Type.Integer(), yellow: Type.Integer(), blue: Type.Integer(), total: Type.Integer() });
const Level = Type.Union([Type.Literal('red'), Type.Literal('yellow'), Type.Literal('blue'), Type.Literal('none')]);
const UnitFigures = Type.Object({
  id: Type.String(),
  name: Type.String(),
  nameEn: Type.Union([Type.String(), Type.Null()]),
  type: Type.String(),
  received: Type.Integer(),
  resolved: Type.Integer(),
  open: RiskCounts,
  overdue: Type.Integer(),
  level: Level,
});

export const SummarySchema = Type.Object({
  org: Type.Object({
    id: Type.String(),
    name: Type.String(),
    nameEn: Type.Union([Type.String(), Type.Null()]),
    type: Type.String(),
    parentId: Type.Union([Type.String(), Type.Null()]),
  }),
  asOf: Type.String(),
  today: Type.Object({ date: Type.String(), ...Figures }),
  allTime: Type.Object(Figures),
  openByRisk: RiskCounts,
  overdue: RiskCounts,
  ordersInFlight: Type.Integer(),
  services: Type.Array(
    Type.Object({ serviceType: Type.String(), name: Type.String(), nameEn: Type.String(), received: Type.Integer(), resolved: Type.Integer() }),
  ),
  categories: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), nameEn: Type.String(), count: Type.Integer() })),
  trend: Type.Array(Type.Object({ date: Type.String(), received: Type.Integer(), accepted: Type.Integer(), resolved: Type.Integer() })),
  children: Type.Array(UnitFigures),
  communities: Type.Array(UnitFigures),
});

export const ReconciliationSchema = Type.Object({
  id: Type.Integer(),
  startedAt: Type.String(),
  finishedAt: Type.String(),
  source: Type.String(),
  cases: Type.Integer(),
  keysChecked: Type.Integer(),
  driftCount: Type.Integer(),
  drift: Type.Array(Type.Unknown()),
  fixed: Type.Boolean(),
});
