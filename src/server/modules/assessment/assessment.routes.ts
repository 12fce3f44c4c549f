import { Type } from 'typebox';
import { literals } from '../../platform/schemas.js';
import { requireActor } from '../../platform/auth.js';
import type { ApiModule } from '../../platform/context.js';
import { METRICS, PERIODS } from './assessment.rules.js';
import * as service from './assessment.service.js';

// ajv-formats' full mode: a real calendar date, so 2026-02-30 is a 400.
const DateString = Type.String({ format: 'date' });
const tags = ['assessment'];

const RankingsQuery = Type.Object(
  { period: literals(PERIODS), date: Type.Optional(DateString), kind: literals(['community', 'department']) },
  { additionalProperties: false },
);
const DrilldownQuery = Type.Object(
  {
    metric: literals(METRICS),
    part: Type.Optional(literals(['numerator', 'denominator'])),
    orgId: Type.String({ format: 'uuid' }),
    period: literals(PERIODS),
    date: Type.Optional(DateString),
  },
  { additionalProperties: false },
);

/** Rankings and assessment (SPEC §7): every figure as {value, numerator, denominator} with links to its cases. */
export const assessmentModule: ApiModule = async (api, ctx) => {
  api.get('/assessment/rankings', { schema: { tags, querystring: RankingsQuery, summary: 'Rankings of communities or departments' } }, async (req) =>
    service.rankings(ctx, requireActor(req), {
      period: req.query.period as service.RankingQuery['period'],
      date: req.query.date,
      kind: req.query.kind as service.UnitKind,
    }),
  );
  api.get('/assessment/drilldown', { schema: { tags, querystring: DrilldownQuery, summary: 'The cases behind one figure' } }, async (req) =>
    service.drilldown(ctx, requireActor(req), {
      metric: req.query.metric as service.DrilldownQuery['metric'],
      part: req.query.part as service.DrilldownQuery['part'],
      orgId: req.query.orgId,
      period: req.query.period as service.DrilldownQuery['period'],
      date: req.query.date,
    }),
  );
};
