/**
 * `/calendar`: the working calendar of the district, a year at a time. Any staff member reads it (the deadlines
 * they work to run on it); district admins and sysadmins change it, by editing the year or importing a notice.
 */
import { Gauge } from 'prom-client';
import { requireActor } from '../../platform/auth.js';
import type { ApiModule } from '../../platform/context.js';
import { metricsOf } from '../../platform/metrics.js';
import { requireSomewhere } from '../../platform/scope.js';
import { shanghaiDate } from './work-time.rules.js';
import { currentDayTable } from './calendar.store.js';
import { importYear, readYear, writeYear } from './calendar.service.js';
import { provisionalAround, provisionalWarning } from './calendar.warnings.js';
import {
  CalendarChangeSchema, CalendarOverviewSchema, CalendarYearSchema, ImportBody, PutYearBody, YearParams,
} from './calendar.schemas.js';

const tags = ['calendar'];

export const calendarRoutes: ApiModule = async (api, ctx) => {
  // Which years deadlines are computed on a guess: in the start-up log, and on /metrics at every scrape.
  const provisional = await provisionalAround(ctx.db, ctx.clock.now());
  if (provisional.length > 0) ctx.log.warn({ provisionalYears: provisional }, `working calendar provisional for ${provisional.join(', ')}: import the State Council's notice`);
  const metrics = metricsOf(ctx);
  if (metrics) {
    new Gauge({
      name: 'fengqiao_calendar_provisional',
      help: 'Years (this and next) whose working calendar is the statutory derivation, not an official arrangement (1 = provisional)',
      labelNames: ['year'],
      registers: [metrics.registry],
      async collect() {
        const now = ctx.clock.now();
        const year = Number(shanghaiDate(now).slice(0, 4));
        const table = await currentDayTable(ctx.db);
        this.reset();
        for (const y of [year, year + 1]) this.set({ year: String(y) }, table.year(y).status === 'provisional' ? 1 : 0);
      },
    });
  }

  api.get('/calendar', { schema: { tags, summary: 'This, last and next year at a glance, with the provisional warning', response: { 200: CalendarOverviewSchema } } }, async (req) => {
    requireSomewhere(requireActor(req), 'case:read');
    const now = ctx.clock.now();
    const year = Number(shanghaiDate(now).slice(0, 4));
    const table = await currentDayTable(ctx.db);
    return {
      years: [year - 1, year, year + 1].map((y) => {
        const { status, base, days } = table.year(y);
        return { year: y, status, base, days: days.length };
      }),
      warning: await provisionalWarning(ctx.db, now),
    };
  });

  api.get('/calendar/:year', { schema: { tags, params: YearParams, response: { 200: CalendarYearSchema } } }, async (req) =>
    readYear(ctx, requireActor(req), req.params.year),
  );

  api.put(
    '/calendar/:year',
    { schema: { tags, summary: "Replace the year's exceptional days (local changes or the official arrangement)", params: YearParams, body: PutYearBody, response: { 200: CalendarChangeSchema } } },
    async (req) => writeYear(ctx, requireActor(req), req.params.year, req.body.days),
  );

  api.post(
    '/calendar/:year/import',
    {
      schema: {
        tags,
        summary: "Import the year's official arrangement from ICS or CSV (date,kind,name)",
        params: YearParams,
        body: ImportBody,
        response: { 200: CalendarChangeSchema },
      },
    },
    async (req) => importYear(ctx, requireActor(req), req.params.year, req.body.fileName, req.body.content),
  );
};
