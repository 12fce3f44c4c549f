import { Type } from 'typebox';
import { requireActor } from '../../platform/auth.js';
import { isTestClock } from '../../platform/clock.js';
import type { ApiModule } from '../../platform/context.js';
import { AppError } from '../../platform/errors.js';
import { verifyAudit } from '../../platform/audit.js';
import { requireDistrictWide } from '../../platform/scope.js';
import { runDueWork } from '../../platform/scheduler.js';

export const adminModule: ApiModule = async (api, ctx) => {
  api.post(
    '/admin/clock',
    {
      schema: {
        tags: ['admin'],
        summary: 'Test clock: advance time and fire every timer due by the new time (only with --test-clock)',
        body: Type.Object({ advanceMinutes: Type.Number({ minimum: 0, maximum: 60 * 24 * 366 }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ now: Type.String() }) },
      },
    },
    async (req) => {
      const actor = requireActor(req);
      if (!isTestClock(ctx.clock)) throw new AppError('TEST_CLOCK_DISABLED');
      requireDistrictWide(actor, 'clock:control');
      const now = ctx.clock.advanceMinutes(req.body.advanceMinutes);
      await runDueWork(ctx);
      return { now: now.toISOString() };
    },
  );

  api.get('/admin/audit/verify', { schema: { tags: ['admin'] } }, async (req) => {
    requireDistrictWide(requireActor(req), 'audit:read');
    return verifyAudit(ctx.db);
  });
};
