import { Type } from 'typebox';
import { requireActor } from '../../platform/auth.js';
import type { ApiModule } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { can } from '../../platform/policies.js';
import { requireSomewhere } from '../../platform/scope.js';
import { resolveStreamActor, sessionStreams } from '../events/index.js';
import { eventVisibleTo, formatEvent } from '../events/index.js';
import type { RealtimeEvent } from '../../platform/realtime.js';
import { findUnit } from './dashboard.repo.js';
import { ReconciliationSchema, SummaryQuery, SummarySchema } from './dashboard.schemas.js';
import * as service from './dashboard.service.js';
import { ensureNightlyReconcile } from './dashboard.timers.js';

const tags = ['dashboard'];

/**
 * The bus hands the same event object to every subscriber, so a wall of big
 * screens formats each event once instead of once per connection.
 */
const formatted = new WeakMap<RealtimeEvent, string>();
function formatOnce(event: RealtimeEvent): string {
  let text = formatted.get(event);
  if (text === undefined) {
    text = formatEvent(event);
    formatted.set(event, text);
  }
  return text;
}

const StreamQuery = Type.Object(
  {
    accessToken: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    /** Only events of this unit's subtree (default: everything in the caller's scope). */
    orgId: Type.Optional(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: false },
);

/**
 * The command centre (SPEC §10, §13): `GET /dashboard/summary` for the big
 * screen and any other screen, `GET /dashboard/stream` pushing case events of
 * the shown subtree (the screen refetches the summary on each), and the
 * latest counter reconciliation.
 */
export const dashboardModule: ApiModule = async (api, ctx) => {
  await ensureNightlyReconcile(ctx.db, ctx.clock.now());

  api.get(
    '/dashboard/summary',
    { schema: { tags, summary: 'Command-centre figures for a unit’s subtree (from counters: cost independent of the case count)', querystring: SummaryQuery, response: { 200: SummarySchema } } },
    async (req) => service.getSummary(ctx, requireActor(req), req.query.orgId),
  );

  api.get(
    '/dashboard/reconciliation',
    { schema: { tags, summary: 'The latest recount of the dashboard counters against the cases', response: { 200: Type.Union([ReconciliationSchema, Type.Null()]) } } },
    async (req) => {
      const row = await service.latestReconciliation(ctx, requireActor(req));
      if (!row) return null;
      return {
        id: row.id, startedAt: row.started_at.toISOString(), finishedAt: row.finished_at.toISOString(), source: row.source,
        cases: Number(row.cases), keysChecked: row.keys_checked, driftCount: row.drift_count, drift: row.drift, fixed: row.fixed,
      };
    },
  );

  const stream = sessionStreams(api, ctx);
  api.get(
    '/dashboard/stream',
    { schema: { tags, summary: 'Server-Sent Events: case changes in the caller’s scope (optionally one subtree); auth by Bearer or ?accessToken=', querystring: StreamQuery } },
    async (req, reply) => {
      const session = await resolveStreamActor(ctx, req, { accessToken: req.query.accessToken });
      const { actor } = session;
      requireSomewhere(actor, 'case:read');
      let prefix = '';
      if (req.query.orgId) {
        const unit = await findUnit(ctx.db, req.query.orgId);
        if (!unit) throw AppError.notFound('org');
        if (!can(actor, 'case:read', unit.path)) throw new AppError('OUT_OF_SCOPE');
        prefix = unit.path;
      }
      return stream(
        req,
        reply,
        session,
        (event, current) => event.name.startsWith('case.') && (event.orgPath ?? '').startsWith(prefix) && eventVisibleTo(event, current),
        formatOnce,
      );
    },
  );
};
